"""Server-rendered pages as plain f-strings: the staff dashboard and the public
transparency page. German first, with an English summary where the public reads.

Invariants: every value that comes from an event or a request goes through
``html.escape`` (``e``); the transparency page receives only figures and shows counts
of people only through ``public_count`` (below 5: "<5"); no page loads anything from
another origin (charts are inline SVG, styles inline).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from reporting.domain.charts import bar_chart, rate_bar
from reporting.domain.disclosure import public_count, public_share

BERLIN = ZoneInfo("Europe/Berlin")

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:84rem;color:#222;"
    "padding:0 1rem}"
    "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;"
    "padding:.3rem .6rem;text-align:left;vertical-align:top}td.n{text-align:right}"
    "code{word-break:break-all}nav{margin:.5rem 0 1rem;line-height:1.8}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(26rem,1fr));"
    "gap:1rem 2rem}.charts figure{margin:0}.charts svg{width:100%;height:auto;display:block}"
    ".tables{display:grid;grid-template-columns:repeat(auto-fill,minmax(24rem,1fr));"
    "gap:0 2rem}.idea{white-space:pre-wrap;word-break:break-word}"
    "form.login{display:grid;gap:.5rem;max-width:32rem}form.login textarea{min-height:6rem}"
    ".error{color:#a23e48;font-weight:bold}"
)


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def page(title: str, body: str, *, lang: str = "de") -> str:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,">'
        f"<title>{e(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{body}</body></html>"
    )


def _table(rows: Sequence[tuple[str, object]]) -> str:
    cells = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


ATTRIBUTE_TITLES = {
    "age_band": "Altersgruppe",
    "gender": "Geschlecht",
    "municipality": "Gemeinde",
}
GENDERS = {"female": "weiblich", "male": "männlich", "diverse": "divers", "not_stated": "k. A."}


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.1f} %".replace(".", ",")


def _points(gap: float | None) -> str:
    return "–" if gap is None else f"{gap:+.1f}".replace(".", ",")


def _local(instant: str) -> str:
    """An ISO instant as local time in Europe/Berlin, to the minute."""
    return datetime.fromisoformat(instant).astimezone(BERLIN).strftime("%d.%m.%Y %H:%M")


def _label(attribute: str, value: str) -> str:
    return GENDERS.get(value, value) if attribute == "gender" else value


def _representativeness(figures: Mapping[str, Any]) -> tuple[list[str], str]:
    """One chart per attribute (seated share beside population share) and one table."""
    charts, rows = [], []
    for attribute, title in ATTRIBUTE_TITLES.items():
        compared = figures["representativeness"][attribute]
        charts.append(
            bar_chart(
                f"Teilnehmende und Bevölkerung nach {title}",
                [_label(attribute, r["value"]) for r in compared],
                {
                    "Teilnehmende (Anteil)": [
                        round(100 * (r["seated_share"] or 0), 1) for r in compared
                    ],
                    "Bevölkerung (Anteil)": [
                        round(100 * (r["population_share"] or 0), 1) for r in compared
                    ],
                },
                unit=" %",
            )
        )
        rows += [
            f"<tr><td>{e(title)}</td><td>{e(_label(attribute, r['value']))}</td>"
            f'<td class="n">{e(r["seated"])}</td><td class="n">{e(_percent(r["seated_share"]))}'
            f'</td><td class="n">{e(_percent(r["population_share"]))}</td>'
            f'<td class="n">{e(_points(r["gap_points"]))}</td></tr>'
            for r in compared
        ]
    table = (
        "<table><tr><th>Merkmal</th><th>Wert</th><th>Teilnehmende</th><th>Anteil</th>"
        "<th>Anteil Bevölkerung</th><th>Abweichung (Prozentpunkte)</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    return charts, table


def dashboard(
    figures: Mapping[str, Any],
    ideas: Sequence[Mapping[str, Any]],
    *,
    title: str,
    query: str | None,
    links: Mapping[str, str],
    hidden: Mapping[str, str],
) -> str:
    """The staff dashboard of one district or the region. ``links`` are label->URL
    (district switches, exports); ``hidden`` are query parameters the search keeps."""
    apps = figures["applications"]
    days = apps["per_day"]
    seats = figures["seats"]
    register = figures["register"]
    halves = ("applicants", "register")
    waves = register["waves"]
    answers = register["answers_by_channel"]
    fields = figures["ideas"]["by_field_of_action"]
    notes = figures["notifications"]
    charts = [
        bar_chart(
            "Bewerbungen pro Tag nach Kanal",
            [d["day"][5:] for d in days],
            {
                "Web": [d["web"] for d in days],
                "Antwortpostkarte": [d["reply_card"] for d in days],
            },
        ),
        rate_bar("Bestätigungsquote der Bewerbungen", apps["confirmation_rate"])
        + rate_bar("Rücklaufquote der Einladungen", register["response_rate"]),
        bar_chart(
            "Plätze je Hälfte",
            ["Bewerbungen", "Melderegister"],
            {
                "besetzt": [seats[h]["filled"] for h in halves],
                "frei": [seats[h]["free"] for h in halves],
            },
        ),
        bar_chart(
            "Einladungen aus dem Melderegister je Welle",
            [f"Welle {w['wave']}" for w in waves],
            {
                "eingeladen": [w["invited"] for w in waves],
                "geantwortet": [w["answered"] for w in waves],
                "zugesagt": [w["accepted"] for w in waves],
                "abgesagt": [w["declined"] for w in waves],
            },
        ),
        bar_chart(
            "Antworten auf Einladungen nach Kanal",
            ["Web", "Antwortpostkarte"],
            {
                "Zusagen": [answers["web"]["accepts"], answers["reply_card"]["accepts"]],
                "Absagen": [answers["web"]["declines"], answers["reply_card"]["declines"]],
            },
        ),
    ]
    representativeness_charts, representativeness_table = _representativeness(figures)
    charts += representativeness_charts
    charts += [
        bar_chart("Ideen je Handlungsfeld", list(fields), {"Ideen": list(fields.values())}),
        bar_chart(
            "Benachrichtigungen",
            ["versandt", "fehlgeschlagen"],
            {"Anzahl": [notes["sent"], notes["failed"]]},
        ),
    ]
    deadlines = "".join(
        f"<tr><td>{e(w['district_id'])}</td><td>{e(w['workshop_date'])}</td>"
        f"<td>{e(_local(w['application_deadline']))}</td>"
        f'<td class="n">{e(w["days_left"])}</td>'
        f"<td>{'geschlossen' if w['closed'] else 'offen'}</td></tr>"
        for w in figures["workshops"]
    )
    nav = " · ".join(f'<a href="{e(url)}">{e(label)}</a>' for label, url in links.items())
    hidden_inputs = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">' for k, v in hidden.items()
    )
    idea_rows = "".join(
        f"<tr><td>{e(i['field_of_action'] or '(ohne)')}</td>"
        f'<td class="idea">{e(i["text"])}</td></tr>'
        for i in ideas
    )
    figures_table = _table(
        [
            ("Bewerbungen eingegangen", apps["received"]),
            ("… davon per Web", apps["by_channel"]["web"]["received"]),
            ("… davon per Antwortpostkarte", apps["by_channel"]["reply_card"]["received"]),
            ("bestätigt", apps["confirmed"]),
            ("Bestätigungsquote", _percent(apps["confirmation_rate"])),
            ("zurückgezogen", apps["withdrawn"]),
            (
                "Plätze Bewerbungen besetzt",
                f"{seats['applicants']['filled']} von {seats['applicants']['seats']}",
            ),
            (
                "Plätze Melderegister besetzt",
                f"{seats['register']['filled']} von {seats['register']['seats']}",
            ),
            ("Warteliste", figures["waitlist"]["length"]),
            *_attendance_rows(figures.get("attendance")),
            ("Einladungen versandt", register["invited"]),
            ("Antworten (Zusagen / Absagen)", f"{register['accepted']} / {register['declined']}"),
            ("Rücklaufquote", _percent(register["response_rate"])),
            ("Ideen", figures["ideas"]["total"]),
            ("Benachrichtigungen versandt", notes["sent"]),
            ("Benachrichtigungen fehlgeschlagen", notes["failed"]),
        ]
    )
    return page(
        title,
        f"<h1>{e(title)}</h1><nav>{nav} · "
        '<form method="post" action="/abmelden" style="display:inline">'
        '<button type="submit">Abmelden</button></form></nav>'
        '<section class="charts">'
        + "".join(f"<figure>{c}</figure>" for c in charts)
        + '</section><div class="tables"><section><h2>Zahlen</h2>'
        + figures_table
        + "</section><section><h2>Anmeldeschluss</h2><table><tr><th>Bezirk</th>"
        "<th>Werkstatt</th><th>Anmeldeschluss</th><th>Tage übrig</th><th>Status</th>"
        f"</tr>{deadlines}</table></section></div>"
        "<h2>Zusammensetzung der Teilnehmenden neben der Bevölkerung</h2>"
        + representativeness_table
        + f'<h2>Ideen</h2><form method="get">{hidden_inputs}'
        f'<input type="search" name="q" value="{e(query)}" aria-label="Ideen durchsuchen"> '
        f'<button type="submit">Suchen</button></form>'
        f"<table><tr><th>Handlungsfeld</th><th>Idee</th></tr>{idea_rows}</table>",
    )


def login(error: str | None = None, *, next_url: str = "/dashboard") -> str:
    """The sign-in form: staff paste the token they were given."""
    message = f'<p class="error" role="alert">{e(error)}</p>' if error else ""
    return page(
        "Anmeldung Auswertung",
        "<h1>Anmeldung zur Auswertung</h1>"
        "<p>Bitte fügen Sie Ihr Zugangs-Token ein (erhältlich bei der Administration). "
        '<span lang="en">Please paste your staff token.</span></p>'
        f'{message}<form class="login" method="post" action="/anmelden">'
        '<label for="token">Zugangs-Token / staff token</label>'
        '<textarea id="token" name="token" required autocomplete="off" spellcheck="false">'
        "</textarea>"
        f'<input type="hidden" name="next" value="{e(next_url)}">'
        '<button type="submit">Anmelden / sign in</button></form>',
    )


def transparency(district_id: str, figures: Mapping[str, Any], lottery_url: str) -> str:
    """The public page of one district: aggregates only, small counts as '<5'."""
    w = figures["workshops"][0] if figures["workshops"] else None
    seats = figures["seats"]
    apps = figures["applications"]
    draws = [d for d in figures["draws"] if d["kind"] in (None, "applicants")]
    draw = draws[-1] if draws else None
    audit_url = f"{lottery_url.rstrip('/')}/draws/{district_id}/applicants"
    workshop = (
        f"<p>Zukunftswerkstatt am {e(w['workshop_date'])} in {e(w['town'])}.</p>" if w else ""
    )
    rows = [
        ("Plätze für Bewerberinnen und Bewerber", str(seats["applicants"]["seats"])),
        ("davon besetzt", public_count(seats["applicants"]["filled"])),
        ("… durch das Los", public_count(seats["applicants"]["by_lottery"])),
        ("… von der Warteliste nachgerückt", public_count(seats["applicants"]["from_waitlist"])),
        ("Plätze aus dem Melderegister (persönliche Einladung)", str(seats["register"]["seats"])),
        ("davon besetzt", public_count(seats["register"]["filled"])),
        ("Eingeladene aus dem Melderegister", public_count(seats["register"]["invited"])),
        ("Bewerbungen eingegangen", public_count(apps["received"])),
        ("Bewerbungen bestätigt", public_count(apps["confirmed"])),
        ("Bestätigungsquote", public_share(apps["confirmed"], apps["received"])),
        ("Warteliste", public_count(figures["waitlist"]["length"])),
    ]
    rows += [
        (f"Ideen: {field}", public_count(n))
        for field, n in figures["ideas"]["by_field_of_action"].items()
    ]
    if draw is None:
        draw_html = "<p>Die Verlosung hat noch nicht stattgefunden. / No draw yet.</p>"
    else:
        draw_html = _table(
            [
                ("Verfahren (algorithm)", draw["algorithm"] or ""),
                ("Prüfsumme des Loszettel-Pools (pool hash)", draw["pool_hash"] or ""),
                ("Öffentliche Zufallsquelle (randomness source)", draw["randomness_source"] or ""),
                ("Größe des Pools (pool size)", public_count(draw["pool_size"] or 0)),
                ("Festgelegt am (committed)", draw["committed_at"] or ""),
                ("Gelost am (drawn)", draw["drawn_at"] or "noch nicht / not yet"),
            ]
        ) + (
            f'<p>Prüfprotokoll / audit record: <a href="{e(audit_url)}">{e(audit_url)}</a>'
            + (
                f" (Referenz <code>{e(draw['audit_reference'])}</code>)"
                if draw["audit_reference"]
                else ""
            )
            + "</p>"
        )
    body = (
        f"<h1>Transparenz: {e(district_id)}</h1>{workshop}"
        "<h2>Plätze und wie sie vergeben wurden</h2>"
        + _table(rows)
        + "<p>Zahlen unter 5 werden als „&lt;5“ angezeigt, damit niemand erkennbar wird.</p>"
        "<h2>Die Verlosung</h2>"
        "<p>Vor der Ziehung wird festgelegt, aus welchem Pool gelost wird (seine Prüfsumme) "
        "und welche öffentliche Zufallsquelle entscheidet. Danach kann jede und jeder das "
        "Ergebnis nachrechnen.</p>" + draw_html + "<h2>So prüfen Sie die Verlosung</h2><ol>"
        f'<li>Laden Sie das Prüfprotokoll herunter: <a href="{e(audit_url)}">{e(audit_url)}</a>'
        " und speichern Sie den Teil <code>audit_record</code> als Datei, z. B. "
        "<code>audit.json</code>.</li>"
        "<li>Führen Sie <code>mitwirken-verify audit.json</code> aus. Das Programm rechnet "
        "die Ziehung nach RFC 3797 nach und meldet Übereinstimmung oder Abweichung.</li></ol>"
        '<section lang="en"><h2>Summary in English</h2>'
        "<p>This page shows, for this district, how the workshop seats were filled: half by "
        "personal invitation from the population register, half among applicants, by lot "
        "when there were more applicants than seats. It shows aggregates only; counts below "
        "5 are shown as “&lt;5”. The draw's commitment (pool hash, algorithm, public "
        "randomness source) was published before the draw. To verify it, save the "
        "<code>audit_record</code> from the audit record link above as a file and run "
        "<code>mitwirken-verify FILE</code>.</p></section>"
    )
    return page(f"Transparenz {district_id}", body)


def query_url(path: str, params: Mapping[str, str | None]) -> str:
    clean = {k: v for k, v in params.items() if v}
    return path + ("?" + urlencode(clean) if clean else "")


def _attendance_rows(attendance: dict[str, Any] | None) -> list[tuple[str, Any]]:
    """Who came on the day next to who held a seat, per half (empty before check-in)."""
    if not attendance or not attendance["total"]["seated"]:
        return []
    labels = {"applicants": "Bewerbungen", "register": "Melderegister", "total": "gesamt"}
    return [
        (
            f"Anwesend am Workshoptag ({labels[half]})",
            f"{attendance[half]['checked_in']} von {attendance[half]['seated']}",
        )
        for half in ("applicants", "register", "total")
        if half in attendance
    ]
