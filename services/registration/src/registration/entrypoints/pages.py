"""The resident-facing web pages: landing page, application form, idea form, the pages
behind the confirmation and withdrawal links, and the answer to a register invitation.
German at ``/``, English at ``/en/...``; a deployment's own website can replace them.

The forms are plain HTML forms that work without JavaScript. A submitted form is turned
into the JSON body of the public API and handed to the public API in-process (same
validation, same rules, same rate limit per client); the problem document it returns is
shown next to the fields, in the resident's language, with the values kept.

Links from e-mails never change anything on a GET (mail scanners follow links): the
confirmation and withdrawal pages show a button that POSTs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from registration.entrypoints.deps import Registration
from shared.vocabulary import FIELDS_OF_ACTION

BERLIN = ZoneInfo("Europe/Berlin")
PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"
STATIC_DIR = PAGES_DIR / "static"
CONSENT_TEXT_VERSION = "web-2026-11-v1"

router = APIRouter(include_in_schema=False)

_env = Environment(
    loader=FileSystemLoader(PAGES_DIR / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)

# page -> (German path, English path)
PATHS = {
    "home": ("/", "/en/"),
    "apply": ("/bewerben", "/en/apply"),
    "ideas": ("/ideen", "/en/ideas"),
    "confirm": ("/bestaetigen", "/en/confirm"),
    "withdraw": ("/zurueckziehen", "/en/withdraw"),
    "answer": ("/antworten", "/en/answer"),
    "privacy": ("/datenschutz", "/en/privacy"),
}

GENDERS = {
    "female": ("weiblich", "female"),
    "male": ("männlich", "male"),
    "diverse": ("divers", "diverse"),
    "not_stated": ("keine Angabe", "prefer not to say"),
}
NEEDS = {
    "step_free_access": ("Stufenloser Zugang", "Step-free access"),
    "sign_language_interpreter": ("Gebärdensprachdolmetschung", "Sign language interpreter"),
    "childcare": ("Kinderbetreuung", "Childcare"),
}

# What a resident reads when the API finds a field invalid (its own messages are technical).
FIELD_MESSAGES: dict[str, tuple[str, str]] = {
    "district_id": (
        "Bitte wählen Sie Ihren Landkreis bzw. Ihre Stadt.",
        "Please choose your district.",
    ),
    "applicant.given_name": ("Bitte geben Sie Ihren Vornamen an.", "Please give your first name."),
    "applicant.family_name": ("Bitte geben Sie Ihren Nachnamen an.", "Please give your last name."),
    "applicant.address.street": ("Bitte geben Sie Ihre Straße an.", "Please give your street."),
    "applicant.address.house_number": (
        "Bitte geben Sie Ihre Hausnummer an.",
        "Please give your house number.",
    ),
    "applicant.address.postal_code": (
        "Bitte geben Sie eine Postleitzahl mit fünf Ziffern an, zum Beispiel 06108.",
        "Please give a postal code of five digits, for example 06108.",
    ),
    "applicant.address.municipality": (
        "Bitte geben Sie Ihren Wohnort an.",
        "Please give your town or municipality.",
    ),
    "applicant.email": (
        "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de.",
        "Please give a valid e-mail address, for example name@example.org.",
    ),
    "applicant.phone": ("Die Telefonnummer ist zu lang.", "The phone number is too long."),
    "applicant.birth_year": (
        "Bitte geben Sie Ihr Geburtsjahr als vierstellige Zahl an, zum Beispiel 1975.",
        "Please give your year of birth as four digits, for example 1975.",
    ),
    "applicant.accessibility_other": (
        "Bitte fassen Sie sich kürzer (höchstens 500 Zeichen).",
        "Please keep it shorter (at most 500 characters).",
    ),
    "text": (
        "Bitte schreiben Sie Ihre Antwort (höchstens 2000 Zeichen).",
        "Please write your answer (at most 2000 characters).",
    ),
    "author_name": ("Der Name ist zu lang.", "The name is too long."),
    "author_email": ("Die E-Mail-Adresse ist zu lang.", "The e-mail address is too long."),
    "invitation_code": (
        "Bitte geben Sie den Code aus Ihrem Einladungsbrief an.",
        "Please give the code from your invitation letter.",
    ),
    "accepts": (
        "Bitte wählen Sie, ob Sie teilnehmen möchten.",
        "Please choose whether you would like to take part.",
    ),
    "birth_year": (
        "Bitte geben Sie Ihr Geburtsjahr als vierstellige Zahl an, zum Beispiel 1975.",
        "Please give your year of birth as four digits, for example 1975.",
    ),
    "gender": ("Bitte wählen Sie eine Angabe.", "Please choose one option."),
    "municipality": ("Bitte geben Sie Ihren Wohnort an.", "Please give your town or municipality."),
    "email": (
        "Bitte geben Sie eine gültige E-Mail-Adresse an oder lassen Sie das Feld leer.",
        "Please give a valid e-mail address or leave the field empty.",
    ),
    "language": ("Bitte wählen Sie eine Sprache.", "Please choose a language."),
}
GENERIC_FIELD = ("Bitte prüfen Sie diese Angabe.", "Please check this entry.")


@dataclass
class Outcome:
    """What the public API answered, as a page shows it."""

    status: int
    body: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def message(self, lang: str) -> str:
        return str(self.body.get("message_en" if lang == "en" else "message", ""))


def _input_key(api_field: str) -> str:
    """The page's key for an API field ('applicant.address' errors belong to the address)."""
    return api_field


def read_problem(status: int, body: dict[str, Any], lang: str, fields: set[str]) -> Outcome:
    """Sort the problem document's messages into field errors and general ones."""
    outcome = Outcome(status, body)
    en = lang == "en"
    entries = body.get("errors") or [
        {
            "field": body.get("field"),
            "message": body.get("detail"),
            "message_en": body.get("detail_en"),
        }
    ]
    for entry in entries:
        api_field = entry.get("field")
        if body.get("type", "").endswith("/invalid-input"):
            human = FIELD_MESSAGES.get(str(api_field), GENERIC_FIELD)
            text = human[1] if en else human[0]
        elif "message" in entry:
            text = str(entry.get("message_en") if en else entry.get("message"))
        else:
            text = str(body.get("detail_en") if en else body.get("detail"))
        key = _input_key(str(api_field)) if api_field else ""
        if key in fields:
            messages = outcome.errors.setdefault(key, [])
            if text not in messages:
                messages.append(text)
        elif text not in outcome.general:
            outcome.general.append(text)
    if status == 404 and body.get("type", "").endswith("/http-error"):
        outcome.general = [
            "Diese Funktion steht noch nicht zur Verfügung."
            if not en
            else "This function is not available yet."
        ]
    return outcome


async def call_api(
    request: Request, method: str, path: str, body: dict[str, Any] | None, query: str = ""
) -> tuple[int, dict[str, Any]]:
    """Hand a request to this service's own public API in-process, as the resident's client
    (so the API's validation decides and its rate limit counts the resident)."""
    payload = json.dumps(body).encode() if body is not None else b""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": request.url.scheme,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [
            (b"host", (request.url.netloc or "registration").encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"accept", b"application/json"),
        ],
        "client": request.scope.get("client"),
        "server": request.scope.get("server"),
    }
    sent = False
    status = 500
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await request.app(scope, receive, send)
    raw = b"".join(chunks)
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        parsed = {}
    return status, parsed if isinstance(parsed, dict) else {"items": parsed}


# --- what pages show ---------------------------------------------------------------


TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "site": "Zukunftswerkstätten: Wie wollen wir 2040 leben?",
        "skip": "Zum Inhalt springen",
        "switch": "English",
        "switch_lang": "en",
        "nav": "Hauptnavigation",
        "nav_home": "Startseite",
        "nav_apply": "Bewerben",
        "nav_ideas": "Ideen einreichen",
        "nav_privacy": "Datenschutz",
        "home_title": "Zukunftswerkstätten in Ihrer Region",
        "home_intro": (
            "In jedem Landkreis und jeder kreisfreien Stadt der Region findet eine halbtägige "
            "Zukunftswerkstatt statt. Die Hälfte der Plätze wird unter Einwohnerinnen und "
            "Einwohnern aus dem Melderegister ausgelost und persönlich eingeladen, die andere "
            "Hälfte unter allen, die sich bewerben. Gibt es mehr Bewerbungen als Plätze, "
            "entscheidet das Los."
        ),
        "districts": "Die Werkstätten",
        "workshop_on": "Werkstatt am",
        "town": "Ort",
        "deadline": "Bewerbung bis einschließlich",
        "seats": "Plätze",
        "seats_value": "{applicant} für Bewerbungen, {register} aus dem Melderegister",
        "closed": "Die Bewerbungsfrist ist abgelaufen.",
        "apply_here": "Für {name} bewerben",
        "ideas_link": "Ihre Antwort auf die Leitfrage geben",
        "apply_title": "Für einen Platz in der Zukunftswerkstatt bewerben",
        "apply_intro": (
            "Pflichtfelder sind mit „(Pflichtfeld)“ gekennzeichnet. Nach dem Absenden "
            "schicken wir Ihnen eine E-Mail: Erst mit dem Klick auf den Link darin zählt "
            "Ihre Bewerbung."
        ),
        "required": "(Pflichtfeld)",
        "optional": "(freiwillig)",
        "district": "Landkreis bzw. Stadt",
        "choose": "Bitte wählen",
        "person": "Zu Ihrer Person",
        "given_name": "Vorname",
        "family_name": "Nachname",
        "address": "Wohnadresse",
        "street": "Straße",
        "house_number": "Hausnummer",
        "postal_code": "Postleitzahl",
        "municipality": "Wohnort (Gemeinde)",
        "contact": "Kontakt",
        "email": "E-Mail-Adresse",
        "email_hint": "Wir schicken Ihnen einen Link, mit dem Sie die Bewerbung bestätigen.",
        "phone": "Telefon",
        "birth_year": "Geburtsjahr",
        "birth_year_hint": (
            "Vierstellig, zum Beispiel 1975. Wir möchten alle Altersgruppen einbeziehen."
        ),
        "gender": "Geschlecht",
        "needs": "Was brauchen Sie, um teilzunehmen?",
        "needs_other": "Sonstiges, was wir wissen sollten",
        "consent_legend": "Einwilligung",
        "consent": (
            "Ich willige ein, dass meine Angaben zur Durchführung der Verlosung und der "
            "Zukunftswerkstatt verarbeitet werden, wie im Datenschutzhinweis beschrieben. "
            "Ich kann die Einwilligung jederzeit widerrufen."
        ),
        "submit_application": "Bewerbung absenden",
        "errors_title": "Bitte prüfen Sie Ihre Angaben",
        "error_prefix": "Fehler:",
        "ideas_title": "Ihre Antwort auf die Leitfrage",
        "ideas_question": "Wie wollen wir im Jahr 2040 in unserer Region leben?",
        "ideas_intro": (
            "Ihre Antwort fließt in die Zukunftswerkstätten ein. Name und E-Mail-Adresse "
            "sind freiwillig."
        ),
        "idea_text": "Ihre Antwort",
        "idea_text_hint": "Höchstens 2000 Zeichen.",
        "field_of_action": "Handlungsfeld",
        "no_field": "Keine Zuordnung",
        "author_name": "Ihr Name",
        "author_email": "Ihre E-Mail-Adresse",
        "submit_idea": "Antwort absenden",
        "confirm_title": "Bewerbung bestätigen",
        "confirm_intro": "Bitte bestätigen Sie mit dem Knopf, dass Sie sich beworben haben.",
        "confirm_button": "Bewerbung jetzt bestätigen",
        "withdraw_title": "Bewerbung zurückziehen",
        "withdraw_intro": (
            "Möchten Sie Ihre Bewerbung zurückziehen? Ihr Platz oder Ihre Stelle auf der "
            "Warteliste geht dann an die nächste Person. Das lässt sich nicht rückgängig machen."
        ),
        "withdraw_button": "Bewerbung zurückziehen",
        "link_incomplete": (
            "Der Link ist unvollständig. Bitte öffnen Sie ihn genau so, wie er in der E-Mail steht."
        ),
        "answer_title": "Antwort auf Ihre Einladung",
        "answer_intro": (
            "Sie wurden aus dem Melderegister ausgelost und zur Zukunftswerkstatt eingeladen. "
            "Hier können Sie antworten."
        ),
        "invitation_code": "Code aus Ihrem Einladungsbrief",
        "accepts": "Möchten Sie teilnehmen?",
        "accepts_yes": "Ja, ich nehme teil",
        "accepts_no": "Nein, ich nehme nicht teil",
        "answer_email_hint": "Freiwillig: für die Bestätigung und Erinnerungen per E-Mail.",
        "language": "Sprache unserer Nachrichten an Sie",
        "lang_de": "Deutsch",
        "lang_en": "Englisch",
        "submit_answer": "Antwort absenden",
        "thanks": "Vielen Dank!",
        "answer_thanks": "Vielen Dank für Ihre Antwort!",
        "back_home": "Zur Startseite",
        "privacy_title": "Datenschutzhinweis",
        "privacy_short": "Kurz zum Datenschutz",
        "privacy_link": "Ausführlicher Datenschutzhinweis",
        "privacy_controller": "Verantwortlich",
        "privacy_purpose": "Zweck",
        "privacy_purpose_text": (
            "Wir verarbeiten Ihre Angaben nur, um die Verlosung der Plätze durchzuführen, Sie "
            "zur Zukunftswerkstatt einzuladen und Sie dazu zu benachrichtigen. Die Verlosung "
            "wird mit Pseudonymen veröffentlicht, nie mit Ihrem Namen."
        ),
        "privacy_basis": "Rechtsgrundlage",
        "privacy_basis_text": "Ihre Einwilligung (Art. 6 Abs. 1 lit. a DSGVO).",
        "privacy_retention": "Speicherdauer",
        "privacy_retention_text": (
            "Wir löschen Ihre personenbezogenen Daten {days} Tage nach der Zukunftswerkstatt "
            "Ihres Landkreises."
        ),
        "privacy_rights": "Ihre Rechte",
        "privacy_rights_text": (
            "Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der "
            "Verarbeitung und Widerruf der Einwilligung sowie auf Beschwerde bei einer "
            "Datenschutzaufsichtsbehörde."
        ),
        "controller_placeholder": (
            "Die verantwortliche Stelle wird vom Betreiber dieser Seite eingetragen."
        ),
        "footer": "Ein Beteiligungsprozess mit öffentlich überprüfbarer Verlosung.",
    },
    "en": {
        "site": "Future workshops: how do we want to live in 2040?",
        "skip": "Skip to content",
        "switch": "Deutsch",
        "switch_lang": "de",
        "nav": "Main navigation",
        "nav_home": "Home",
        "nav_apply": "Apply",
        "nav_ideas": "Share your ideas",
        "nav_privacy": "Privacy",
        "home_title": "Future workshops in your region",
        "home_intro": (
            "Every district and city of the region holds a half-day future workshop. Half of "
            "the seats are drawn at random from the population register and invited by letter, "
            "the other half among everyone who applies. If there are more applications than "
            "seats, a lottery decides."
        ),
        "districts": "The workshops",
        "workshop_on": "Workshop on",
        "town": "Place",
        "deadline": "Apply by (end of day)",
        "seats": "Seats",
        "seats_value": "{applicant} for applicants, {register} from the population register",
        "closed": "The application period has ended.",
        "apply_here": "Apply for {name}",
        "ideas_link": "Answer the guiding question",
        "apply_title": "Apply for a seat at the future workshop",
        "apply_intro": (
            "Required fields are marked “(required)”. After you send the form we e-mail you "
            "a link: your application counts once you have opened it and confirmed."
        ),
        "required": "(required)",
        "optional": "(optional)",
        "district": "District or city",
        "choose": "Please choose",
        "person": "About you",
        "given_name": "First name",
        "family_name": "Last name",
        "address": "Home address",
        "street": "Street",
        "house_number": "House number",
        "postal_code": "Postal code",
        "municipality": "Town or municipality",
        "contact": "Contact",
        "email": "E-mail address",
        "email_hint": "We send you a link to confirm your application.",
        "phone": "Phone",
        "birth_year": "Year of birth",
        "birth_year_hint": "Four digits, for example 1975. We want all age groups to take part.",
        "gender": "Gender",
        "needs": "What do you need to take part?",
        "needs_other": "Anything else we should know",
        "consent_legend": "Consent",
        "consent": (
            "I consent to my data being processed to run the lottery and the future workshop, "
            "as described in the privacy notice. I can withdraw my consent at any time."
        ),
        "submit_application": "Send application",
        "errors_title": "Please check your entries",
        "error_prefix": "Error:",
        "ideas_title": "Your answer to the guiding question",
        "ideas_question": "How do we want to live in our region in 2040?",
        "ideas_intro": (
            "Your answer feeds into the future workshops. Name and e-mail address are optional."
        ),
        "idea_text": "Your answer",
        "idea_text_hint": "At most 2000 characters.",
        "field_of_action": "Field of action",
        "no_field": "None",
        "author_name": "Your name",
        "author_email": "Your e-mail address",
        "submit_idea": "Send answer",
        "confirm_title": "Confirm your application",
        "confirm_intro": "Please confirm with the button that you applied.",
        "confirm_button": "Confirm application now",
        "withdraw_title": "Withdraw your application",
        "withdraw_intro": (
            "Do you want to withdraw your application? Your seat or your place on the waitlist "
            "then goes to the next person. This cannot be undone."
        ),
        "withdraw_button": "Withdraw application",
        "link_incomplete": "The link is incomplete. Please open it exactly as it is in the e-mail.",
        "answer_title": "Answer your invitation",
        "answer_intro": (
            "You were drawn from the population register and invited to the future workshop. "
            "You can answer here."
        ),
        "invitation_code": "Code from your invitation letter",
        "accepts": "Would you like to take part?",
        "accepts_yes": "Yes, I will take part",
        "accepts_no": "No, I will not take part",
        "answer_email_hint": "Optional: for the confirmation and reminders by e-mail.",
        "language": "Language of our messages to you",
        "lang_de": "German",
        "lang_en": "English",
        "submit_answer": "Send answer",
        "thanks": "Thank you!",
        "answer_thanks": "Thank you for your answer!",
        "back_home": "Back to the home page",
        "privacy_title": "Privacy notice",
        "privacy_short": "Privacy in brief",
        "privacy_link": "Full privacy notice",
        "privacy_controller": "Controller",
        "privacy_purpose": "Purpose",
        "privacy_purpose_text": (
            "We process your data only to run the lottery for the seats, to invite you to the "
            "future workshop and to notify you about it. The draw is published with "
            "pseudonyms, never with your name."
        ),
        "privacy_basis": "Legal basis",
        "privacy_basis_text": "Your consent (Art. 6(1)(a) GDPR).",
        "privacy_retention": "Retention",
        "privacy_retention_text": (
            "We erase your personal data {days} days after the future workshop of your district."
        ),
        "privacy_rights": "Your rights",
        "privacy_rights_text": (
            "You have the right of access, rectification, erasure, restriction of processing "
            "and withdrawal of consent, and the right to lodge a complaint with a data "
            "protection supervisory authority."
        ),
        "controller_placeholder": "The controller is filled in by the operator of this website.",
        "footer": "A participation process with a publicly verifiable lottery.",
    },
}


@dataclass(frozen=True)
class DistrictView:
    district_id: str
    name: str
    town: str
    workshop_date: str
    last_day: str
    applicant_seats: int
    register_seats: int
    open: bool


@lru_cache(maxsize=4)
def _rollout_names(rollout_file: str | None) -> dict[str, str]:
    """District names from the rollout configuration (ids and towns if it cannot be read)."""
    from registration.adapters.rollout_file import default_rollout_path, load_rollout

    try:
        rollout = load_rollout(Path(rollout_file) if rollout_file else default_rollout_path())
    except Exception:
        return {}
    return {d.district_id: d.name for d in rollout.districts}


def _date(value: Any, lang: str) -> str:
    return value.strftime("%Y-%m-%d") if lang == "en" else value.strftime("%d.%m.%Y")


def district_views(reg: Registration, lang: str, now: datetime) -> list[DistrictView]:
    rollout_file = reg.settings.rollout_file
    names = _rollout_names(str(rollout_file) if rollout_file else None)
    views = []
    for d in reg.districts.all():
        last_day = (d.application_deadline.astimezone(BERLIN) - timedelta(seconds=1)).date()
        views.append(
            DistrictView(
                district_id=d.district_id,
                name=names.get(d.district_id) or d.town or d.district_id,
                town=d.town,
                workshop_date=_date(d.workshop_date, lang),
                last_day=_date(last_day, lang),
                applicant_seats=d.applicant_seats,
                register_seats=d.register_seats,
                open=now < d.application_deadline,
            )
        )
    order = {d.district_id: (d.workshop_date, d.district_id) for d in reg.districts.all()}
    views.sort(key=lambda v: order[v.district_id])
    return views


def render(
    request: Request, page: str, lang: str, template: str, status: int = 200, **context: Any
) -> HTMLResponse:
    reg: Registration = request.app.state.registration
    other = "en" if lang == "de" else "de"
    query = request.url.query
    switch = PATHS[page][1 if other == "en" else 0] + (f"?{query}" if query else "")
    html = _env.get_template(template).render(
        lang=lang,
        t=TEXTS[lang],
        page=page,
        paths={k: v[1 if lang == "en" else 0] for k, v in PATHS.items()},
        switch_url=switch,
        retention_days=reg.settings.retention_days_after_workshop,
        controller=reg.settings.privacy_controller,
        fields_of_action={k: v[1 if lang == "en" else 0] for k, v in FIELDS_OF_ACTION.items()},
        genders={k: v[1 if lang == "en" else 0] for k, v in GENDERS.items()},
        needs={k: v[1 if lang == "en" else 0] for k, v in NEEDS.items()},
        **{"errors": {}, "general": [], "values": {}, "multi": {}, **context},
    )
    headers = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
    return HTMLResponse(html, status_code=status, headers=headers)


def _lang(request: Request) -> str:
    return "en" if request.url.path.startswith("/en") else "de"


def _registration(request: Request) -> Registration:
    reg: Registration = request.app.state.registration
    return reg


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _form(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    data = await request.form()
    single = {k: str(v) for k, v in data.items()}
    multi = {k: [str(v) for v in data.getlist(k)] for k in data}
    return single, multi


def _errors_status(outcome: Outcome) -> int:
    return outcome.status if outcome.status >= 400 else 422


# --- landing and privacy -------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
@router.get("/en/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    lang = _lang(request)
    views = district_views(_registration(request), lang, datetime.now(UTC))
    return render(request, "home", lang, "home.html", districts=views)


@router.get("/en")
async def english_home() -> RedirectResponse:
    return RedirectResponse("/en/", status_code=308)


@router.get("/datenschutz", response_class=HTMLResponse)
@router.get("/en/privacy", response_class=HTMLResponse)
async def privacy(request: Request) -> HTMLResponse:
    return render(request, "privacy", _lang(request), "privacy.html")


# --- application form ----------------------------------------------------------------

APPLICATION_FIELDS = {
    "district_id",
    "applicant.given_name",
    "applicant.family_name",
    "applicant.address",
    "applicant.address.street",
    "applicant.address.house_number",
    "applicant.address.postal_code",
    "applicant.address.municipality",
    "applicant.email",
    "applicant.phone",
    "applicant.birth_year",
    "applicant.gender",
    "applicant.accessibility_needs",
    "applicant.accessibility_other",
    "consent",
}


def application_body(
    form: dict[str, str], multi: dict[str, list[str]], lang: str
) -> dict[str, Any]:
    """The JSON body of ``POST /applications`` from the form (empty fields left out)."""
    address = {
        k: _text(form, f"applicant.address.{k}")
        for k in ("street", "house_number", "postal_code", "municipality")
    }
    applicant: dict[str, Any] = {
        "given_name": _text(form, "applicant.given_name"),
        "family_name": _text(form, "applicant.family_name"),
        "gender": _text(form, "applicant.gender") or "not_stated",
        "language": lang,
        "accessibility_needs": multi.get("applicant.accessibility_needs", []),
    }
    if any(address.values()):
        applicant["address"] = address
    for name in ("email", "phone", "birth_year", "accessibility_other"):
        value = _text(form, f"applicant.{name}")
        if value:
            applicant[name] = value
    return {
        "district_id": _text(form, "district_id"),
        "applicant": applicant,
        "consent": {"given": form.get("consent") == "yes", "text_version": CONSENT_TEXT_VERSION},
    }


def _selected_district(request: Request) -> str:
    wanted = request.query_params.get("district", "")
    return wanted if _registration(request).districts.terms(wanted) else ""


@router.get("/bewerben", response_class=HTMLResponse)
@router.get("/en/apply", response_class=HTMLResponse)
async def apply_form(request: Request) -> HTMLResponse:
    lang = _lang(request)
    views = district_views(_registration(request), lang, datetime.now(UTC))
    values = {"district_id": _selected_district(request), "applicant.gender": "not_stated"}
    return render(request, "apply", lang, "apply.html", districts=views, values=values, multi={})


@router.post("/bewerben", response_class=HTMLResponse)
@router.post("/en/apply", response_class=HTMLResponse)
async def apply_submit(request: Request) -> HTMLResponse:
    lang = _lang(request)
    form, multi = await _form(request)
    status, body = await call_api(
        request, "POST", "/applications", application_body(form, multi, lang)
    )
    if 200 <= status < 300:
        return render(
            request,
            "apply",
            lang,
            "done.html",
            title=TEXTS[lang]["thanks"],
            message=Outcome(status, body).message(lang),
        )
    outcome = read_problem(status, body, lang, APPLICATION_FIELDS)
    views = district_views(_registration(request), lang, datetime.now(UTC))
    return render(
        request,
        "apply",
        lang,
        "apply.html",
        status=_errors_status(outcome),
        districts=views,
        values=form,
        multi=multi,
        errors=outcome.errors,
        general=outcome.general,
    )


# --- idea form -----------------------------------------------------------------------

IDEA_FIELDS = {"district_id", "text", "field_of_action", "author_name", "author_email"}


@router.get("/ideen", response_class=HTMLResponse)
@router.get("/en/ideas", response_class=HTMLResponse)
async def ideas_form(request: Request) -> HTMLResponse:
    lang = _lang(request)
    views = district_views(_registration(request), lang, datetime.now(UTC))
    values = {"district_id": _selected_district(request)}
    return render(request, "ideas", lang, "ideas.html", districts=views, values=values)


@router.post("/ideen", response_class=HTMLResponse)
@router.post("/en/ideas", response_class=HTMLResponse)
async def ideas_submit(request: Request) -> HTMLResponse:
    lang = _lang(request)
    form, _ = await _form(request)
    body: dict[str, Any] = {"district_id": _text(form, "district_id"), "text": _text(form, "text")}
    for name in ("field_of_action", "author_name", "author_email"):
        if _text(form, name):
            body[name] = _text(form, name)
    status, answer = await call_api(request, "POST", "/ideas", body)
    if 200 <= status < 300:
        return render(
            request,
            "ideas",
            lang,
            "done.html",
            title=TEXTS[lang]["thanks"],
            message=Outcome(status, answer).message(lang),
        )
    outcome = read_problem(status, answer, lang, IDEA_FIELDS)
    views = district_views(_registration(request), lang, datetime.now(UTC))
    return render(
        request,
        "ideas",
        lang,
        "ideas.html",
        status=_errors_status(outcome),
        districts=views,
        values=form,
        errors=outcome.errors,
        general=outcome.general,
    )


# --- confirmation and withdrawal links -------------------------------------------------


def _link_page(
    request: Request, page: str, general: list[str] | None = None, status: int = 200
) -> HTMLResponse:
    lang = _lang(request)
    token = request.query_params.get("token", "")
    if not token and general is None:
        return render(
            request,
            page,
            lang,
            "link.html",
            status=400,
            token="",
            action=page,
            general=[TEXTS[lang]["link_incomplete"]],
        )
    return render(
        request,
        page,
        lang,
        "link.html",
        status=status,
        token=token,
        action=page,
        general=general or [],
    )


async def _link_submit(request: Request, page: str, api_path: str) -> HTMLResponse:
    lang = _lang(request)
    form, _ = await _form(request)
    token = _text(form, "token") or request.query_params.get("token", "")
    if not token:
        return _link_page(request, page)
    status, body = await call_api(request, "POST", api_path, None, urlencode({"token": token}))
    if 200 <= status < 300:
        return render(
            request,
            page,
            lang,
            "done.html",
            title=TEXTS[lang][f"{page}_title"],
            message=Outcome(status, body).message(lang),
        )
    outcome = read_problem(status, body, lang, set())
    return render(
        request,
        page,
        lang,
        "link.html",
        status=_errors_status(outcome),
        token="",
        action=page,
        general=outcome.general,
    )


@router.get("/bestaetigen", response_class=HTMLResponse)
@router.get("/en/confirm", response_class=HTMLResponse)
async def confirm_page(request: Request) -> HTMLResponse:
    return _link_page(request, "confirm")


@router.post("/bestaetigen", response_class=HTMLResponse)
@router.post("/en/confirm", response_class=HTMLResponse)
async def confirm_submit(request: Request) -> HTMLResponse:
    return await _link_submit(request, "confirm", "/applications/confirm")


@router.get("/zurueckziehen", response_class=HTMLResponse)
@router.get("/zuruecknehmen", response_class=HTMLResponse)
@router.get("/en/withdraw", response_class=HTMLResponse)
async def withdraw_page(request: Request) -> HTMLResponse:
    return _link_page(request, "withdraw")


@router.post("/zurueckziehen", response_class=HTMLResponse)
@router.post("/zuruecknehmen", response_class=HTMLResponse)
@router.post("/en/withdraw", response_class=HTMLResponse)
async def withdraw_submit(request: Request) -> HTMLResponse:
    return await _link_submit(request, "withdraw", "/applications/withdraw")


# --- answer to a register invitation ---------------------------------------------------

ANSWER_FIELDS = {
    "invitation_code",
    "accepts",
    "birth_year",
    "gender",
    "municipality",
    "email",
    "language",
}


def answer_body(form: dict[str, str]) -> dict[str, Any]:
    accepts = _text(form, "accepts")
    body: dict[str, Any] = {
        "invitation_code": _text(form, "invitation_code"),
        "accepts": {"yes": True, "no": False}.get(accepts),
        "gender": _text(form, "gender") or "not_stated",
        "municipality": _text(form, "municipality"),
    }
    birth_year = _text(form, "birth_year")
    body["birth_year"] = birth_year or None
    for name in ("email", "language"):
        if _text(form, name):
            body[name] = _text(form, name)
    return body


@router.get("/antworten", response_class=HTMLResponse)
@router.get("/en/answer", response_class=HTMLResponse)
async def answer_form(request: Request) -> HTMLResponse:
    lang = _lang(request)
    values = {
        "invitation_code": request.query_params.get("code", "")[:100],
        "gender": "not_stated",
        "language": lang,
    }
    return render(request, "answer", lang, "answer.html", values=values)


@router.post("/antworten", response_class=HTMLResponse)
@router.post("/en/answer", response_class=HTMLResponse)
async def answer_submit(request: Request) -> HTMLResponse:
    lang = _lang(request)
    form, _ = await _form(request)
    status, body = await call_api(request, "POST", "/invitations/answers", answer_body(form))
    if 200 <= status < 300:
        message = Outcome(status, body).message(lang) or TEXTS[lang]["answer_thanks"]
        return render(
            request, "answer", lang, "done.html", title=TEXTS[lang]["thanks"], message=message
        )
    outcome = read_problem(status, body, lang, ANSWER_FIELDS)
    return render(
        request,
        "answer",
        lang,
        "answer.html",
        status=_errors_status(outcome),
        values=form,
        errors=outcome.errors,
        general=outcome.general,
    )


__all__ = ["PATHS", "STATIC_DIR", "router"]
