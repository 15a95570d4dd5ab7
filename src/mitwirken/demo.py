"""``mitwirken demo``: one complete district rollout played on the running local system.

Against the services ``mitwirken up`` started, for one district: a synthetic population
register (German names and addresses from Faker, the age and gender structure of the
region, addresses in the district's municipalities; every record marked synthetic) is
imported and a wave of invitations drawn; some invitees answer (some decline); a few
hundred residents apply on the website and by reply card (some twice, some with
mistakes, some after the deadline); most confirm through the link of their e-mail; the
district closes; both draws run with public seed numbers; a few seat holders withdraw so
people move up from the waitlist; then the e-mails are counted and a summary printed.

The demo talks only to the public and staff HTTP APIs, like a website and the staff
would, with a staff token signed locally (as ``mitwirken token`` does). What residents
read in their letters and e-mails (invitation codes, confirmation links) it takes from the
events on the local broker, where the letters and e-mails are made from.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import time
import unicodedata
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

SYNTHETIC_PREFIX = "SYNTHETISCH-"

# Share of residents aged 16 and over per age band, and the female share of each band:
# rounded figures for the eastern German districts of the region (older than the
# national average), good enough for synthetic data.
AGE_BANDS: tuple[tuple[int, int, float, float], ...] = (
    (16, 24, 0.08, 0.47),
    (25, 34, 0.12, 0.46),
    (35, 44, 0.13, 0.48),
    (45, 54, 0.14, 0.49),
    (55, 64, 0.19, 0.50),
    (65, 74, 0.16, 0.53),
    (75, 95, 0.18, 0.60),
)
DIVERSE_SHARE = 0.001
# Of the invitees, this share answers, and of those this share accepts (generous, so that
# the panel can meet the quotas with the small numbers of a demo).
ANSWER_SHARE = 0.7
ACCEPT_SHARE = 0.85
# Few letters per seat (a real rollout sends 20 or more): every letter is a PDF to render.
LETTERS_PER_SEAT = 4
WEB_ANSWERS = 8
REASONS = {
    "already-applied": "person applied before",
    "card-already-imported": "card entered twice",
    "deadline-passed": "after the deadline",
    "outside-district": "address outside the district",
    "birth-year-required": "no year of birth",
    "consent-required": "no consent",
    "invalid-input": "invalid e-mail address",
}
IDEAS = (
    ("Ein Bus, der auch abends und am Wochenende in jedes Dorf fährt.", "mobility_and_logistics"),
    ("Solardächer auf allen Schulen und Turnhallen des Landkreises.", "energy"),
    ("Aus den alten Tagebauseen ein Naherholungsgebiet für alle machen.", "tourism_and_culture"),
    (
        "Ausbildung in der Region halten: Werkstätten für junge Leute.",
        "value_creation_and_innovation",
    ),
    ("Wasser sparen und Regen in der Stadt halten.", "resources"),
)


@dataclass(frozen=True)
class Endpoints:
    registration: str = "http://127.0.0.1:8001"
    lottery: str = "http://127.0.0.1:8002"
    notifications: str = "http://127.0.0.1:8003"
    reporting: str = "http://127.0.0.1:8004"
    mailbox: str = "http://127.0.0.1:8025"
    kafka: str = "127.0.0.1:19092"


@dataclass(frozen=True)
class DemoOptions:
    district: str | None = None
    applications: int = 300
    register: int = 3000
    seed: int = 2040
    withdrawals: int = 3
    mail_timeout_s: float = 180


@dataclass
class Person:
    record_id: str
    given_name: str
    family_name: str
    birth_date: date
    gender: str  # female, male, diverse
    street: str
    house_number: str
    postal_code: str
    municipality: str
    doctorate: str = ""
    disclosure_block: bool = False

    def csv_row(self) -> str:
        sex = {"female": "w", "male": "m", "diverse": "d"}[self.gender]
        cells = [
            self.record_id, self.family_name, self.given_name, self.doctorate,
            self.birth_date.isoformat(), sex, "deutsch", self.street, self.house_number, "",
            self.postal_code, self.municipality, "ja" if self.disclosure_block else "nein",
        ]  # fmt: skip
        return ";".join(c.replace(";", ",") for c in cells)


@dataclass
class Summary:
    district: str
    district_name: str
    applications: Counter[str] = field(default_factory=Counter)
    register: dict[str, Any] = field(default_factory=dict)
    invitations: dict[str, Any] = field(default_factory=dict)
    answers: Counter[str] = field(default_factory=Counter)
    applicants_draw: dict[str, Any] = field(default_factory=dict)
    panel: dict[str, Any] = field(default_factory=dict)
    withdrawals: int = 0
    promotions: int = 0
    ideas: int = 0
    emails: Counter[str] = field(default_factory=Counter)
    links: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "district": self.district,
            "district_name": self.district_name,
            "applications": dict(self.applications),
            "register": self.register,
            "invitations": self.invitations,
            "answers": dict(self.answers),
            "applicants_draw": self.applicants_draw,
            "panel": self.panel,
            "withdrawals": self.withdrawals,
            "promotions": self.promotions,
            "ideas": self.ideas,
            "emails": dict(self.emails),
            "emails_total": sum(self.emails.values()),
            "links": self.links,
            "notes": self.notes,
            "seconds": round(self.seconds, 1),
        }


# --- synthetic people ----------------------------------------------------------------


def ascii_fold(text: str) -> str:
    folded = text.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                                           "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}))  # fmt: skip
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c in ".-")


class People:
    """Synthetic residents of one district: German names, addresses in its municipalities,
    birth dates and genders after the region's age and gender structure."""

    def __init__(self, municipalities: list[tuple[str, list[str]]], town: str, seed: int) -> None:
        from faker import Faker

        self.faker = Faker("de_DE")
        self.faker.seed_instance(seed)
        self.rng = random.Random(seed)
        self.municipalities = municipalities
        # The workshop town holds more people than the sample's other municipalities.
        self.weights = [3.0 if name == town else 1.0 for name, _ in municipalities]
        self.today = datetime.now(UTC).date()
        self.streets: dict[str, list[str]] = {}

    def _street(self, municipality: str) -> str:
        streets = self.streets.setdefault(
            municipality, [self.faker.street_name() for _ in range(40)]
        )
        return self.rng.choice(streets)

    def person(self, record_id: str) -> Person:
        low, high, _, female = self.rng.choices(AGE_BANDS, weights=[b[2] for b in AGE_BANDS])[0]
        age = self.rng.randint(low, high)
        born = self.today - timedelta(days=age * 365 + self.rng.randint(1, 364))
        roll = self.rng.random()
        gender = "diverse" if roll < DIVERSE_SHARE else "female" if roll < female else "male"
        given = (
            self.faker.first_name_female() if gender == "female"
            else self.faker.first_name_male() if gender == "male"
            else self.faker.first_name_nonbinary()
        )  # fmt: skip
        name, codes = self.rng.choices(self.municipalities, weights=self.weights)[0]
        return Person(
            record_id=record_id,
            given_name=given,
            family_name=self.faker.last_name(),
            birth_date=born,
            gender=gender,
            street=self._street(name),
            house_number=str(self.rng.randint(1, 120)) + self.rng.choice(["", "", "", "a", "b"]),
            postal_code=self.rng.choice(codes),
            municipality=name,
            doctorate="Dr." if self.rng.random() < 0.01 else "",
            disclosure_block=self.rng.random() < 0.005,
        )


def register_csv(people: Iterable[Person]) -> str:
    header = (
        "record_id;family_name;given_names;doctorate;birth_date;sex;nationalities;street;"
        "house_number;address_supplement;postal_code;municipality;disclosure_block"
    )
    return "\n".join([header, *(p.csv_row() for p in people)]) + "\n"


def applicant_of(person: Person, email: str | None, language: str = "de") -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "address": {
            "street": person.street,
            "house_number": person.house_number,
            "postal_code": person.postal_code,
            "municipality": person.municipality,
        },
        "birth_year": person.birth_date.year,
        "gender": person.gender,
        "language": language,
    }
    if email:
        data["email"] = email
    return data


# --- talking to the system -------------------------------------------------------------


class Unavailable(Exception):
    """A part of the system this demo step needs is not there (404 on its route)."""


class Demo:
    def __init__(self, endpoints: Endpoints, options: DemoOptions, console: Console) -> None:
        from shared.auth import issue_staff_token
        from shared.settings import DEVELOPMENT_SECRET

        self.e = endpoints
        self.o = options
        self.console = console
        self.rng = random.Random(options.seed)
        secret = os.environ.get("MITWIRKEN_SIGNING_SECRET", DEVELOPMENT_SECRET)
        token = issue_staff_token(secret, subject="demo@localhost", role="admin")
        self.staff = {"Authorization": f"Bearer {token}"}
        self.http = httpx.AsyncClient(timeout=60)
        self.summary: Summary | None = None
        self.links: dict[uuid.UUID, Any] = {}
        self.mail_before: set[str] = set()
        self.progress = Progress(
            TextColumn("{task.description:<46}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )

    # - small helpers -

    async def post(self, url: str, *, staff: bool = False, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if staff:
            headers.update(self.staff)
        for _ in range(20):
            response = await self.http.post(url, headers=headers, **kwargs)
            wait = float(response.headers.get("Retry-After", "2"))
            if response.status_code != 429 or wait > 15:
                return response
            await asyncio.sleep(wait)
        return response

    @contextlib.asynccontextmanager
    async def step(
        self, description: str, total: int | None = None
    ) -> AsyncIterator[Callable[..., None]]:
        task = self.progress.add_task(description, total=total)
        started = time.monotonic()

        def advance(n: int = 1) -> None:
            self.progress.advance(task, n)

        yield advance
        done = self.progress.tasks[task].completed
        self.progress.update(task, total=done or 1, completed=done or 1)
        if not self.console.is_terminal:  # no live display: one line per step
            self.console.print(f"{description}: {done:g} ({time.monotonic() - started:.1f} s)")

    def note(self, text: str) -> None:
        assert self.summary is not None
        self.summary.notes.append(text)
        self.progress.console.print(f"[yellow]·[/yellow] {text}")

    async def events(
        self, topic: str, district: str, done: Callable[[list[Any]], bool], timeout_s: float = 60
    ) -> list[Any]:
        """The district's events on ``topic`` from the beginning, read until ``done`` says
        enough (or the time is up: then what arrived so far)."""
        from aiokafka import AIOKafkaConsumer
        from aiokafka.structs import TopicPartition

        from shared.events import decode

        consumer = AIOKafkaConsumer(
            bootstrap_servers=self.e.kafka, enable_auto_commit=False, auto_offset_reset="earliest"
        )
        await consumer.start()
        found: list[Any] = []
        try:
            await consumer.topics()
            partitions = consumer.partitions_for_topic(topic) or set()
            tps = [TopicPartition(topic, p) for p in partitions]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline and not done(found):
                batch = await consumer.getmany(timeout_ms=300)
                for records in batch.values():
                    for record in records:
                        try:
                            received = decode(record.value)
                        except Exception:  # noqa: S112 - not ours to judge here
                            continue
                        if received.envelope.district_id == district:
                            found.append(received)
        finally:
            await consumer.stop()
        return found

    # - the rollout -

    async def choose_district(self) -> tuple[str, Any]:
        from registration.adapters.rollout_file import default_rollout_path, load_rollout

        response = await self.http.get(f"{self.e.registration}/districts")
        response.raise_for_status()
        offered = [d for d in response.json() if d["open_for_applications"]]
        rollout_file = os.environ.get("REGISTRATION_ROLLOUT_FILE")
        rollout = load_rollout(Path(rollout_file) if rollout_file else default_rollout_path())
        by_id = {d.district_id: d for d in rollout.districts}
        if self.o.district is not None:
            if self.o.district not in by_id:
                raise SystemExit(f"unknown district {self.o.district!r}; known: {sorted(by_id)}")
            return self.o.district, by_id[self.o.district]
        for d in offered:
            draw = await self.http.get(f"{self.e.lottery}/draws/{d['district_id']}/applicants")
            if draw.status_code == 404 and d["district_id"] in by_id:
                return d["district_id"], by_id[d["district_id"]]
        raise SystemExit(
            "every district of this local system has been played already; start afresh "
            "(stop `mitwirken up`, delete .mitwirken/) or name one with --district"
        )

    async def run(self) -> Summary:
        started = time.monotonic()
        district, rules = await self.choose_district()
        self.summary = s = Summary(district, rules.name)
        self.mail_before = {m["id"] for m in await self.mailbox() or []}
        municipalities = [(m.name, list(m.postal_codes)) for m in rules.municipalities]
        people = People(municipalities, rules.town, self.o.seed)
        self.console.print(
            f"Playing the rollout of [bold]{rules.name}[/bold] ({district}): workshop in "
            f"{rules.town}, {rules.applicant_seats} seats for applicants, "
            f"{rules.register_seats} from the register."
        )
        with self.progress:
            register = await self.register_half(district, people, rules.register_seats)
            web = await self.applications(district, people, rules)
            await self.ideas(district)
            await self.answers(district, register)
            await self.close(district)
            await self.late_applications(district, people)
            seated = await self.applicants_draw(district)
            await self.panel_draw(district, register)
            await self.withdraw_and_promote(district, seated, web)
            await self.count_emails()
        s.links = {
            "applicants' draw (audit record)": f"{self.e.lottery}/draws/{district}/applicants",
            "invitation draw (audit record)": f"{self.e.lottery}/draws/{district}/invitations",
            "panel (audit record)": f"{self.e.lottery}/draws/{district}/panel",
            "transparency page": f"{self.e.reporting}/transparenz/{district}",
            "mailbox": self.e.mailbox,
            "application form": f"{self.e.registration}/bewerben?district={district}",
        }
        s.seconds = time.monotonic() - started
        return s

    async def register_half(self, district: str, people: People, seats: int) -> dict[str, Person]:
        """Import a synthetic register and draw the first wave of invitations."""
        s = self.summary
        assert s is not None
        n = self.o.register
        async with self.step("Synthetic register (Faker de_DE)", n) as advance:
            persons = []
            for i in range(n):
                persons.append(people.person(f"{SYNTHETIC_PREFIX}{i + 1:06d}"))
                if i % 100 == 99:
                    advance(100)
            advance(n % 100)
        s.register["records"] = n
        async with self.step("Import the register (lottery)", 1) as advance:
            response = await self.post(
                f"{self.e.lottery}/staff/districts/{district}/register/imports",
                staff=True,
                content=register_csv(persons).encode("utf-8"),
                headers={"Content-Type": "text/csv; charset=utf-8"},
            )
            advance()
        if response.status_code == 404 and "register" not in response.text:
            self.note("The register draw API is not available on this system yet (404): "
                      "register import, invitations and the panel are left out.")  # fmt: skip
            return {}
        if response.status_code >= 300:
            self.note(f"Register import refused ({response.status_code}): {detail(response)}")
            return {}
        report = response.json()
        s.register.update({k: report.get(k) for k in ("accepted", "rejected", "blocked")
                           if k in report})  # fmt: skip
        per_seat = max(2, min(LETTERS_PER_SEAT, n // max(1, seats * 3)))
        async with self.step("Draw the invitations (lottery)", 1) as advance:
            response = await self.post(
                f"{self.e.lottery}/staff/districts/{district}/register/invitations",
                staff=True,
                json={"sources": [seed_numbers(self.rng)], "letters_per_seat": per_seat,
                      "wave": 1, "response_days": 21},
            )  # fmt: skip
            advance()
        if response.status_code >= 300:
            self.note(f"Invitation draw refused ({response.status_code}): {detail(response)}")
            return {}
        letters = int(response.json()["letters"])
        s.invitations = {"letters": letters, "letters_per_seat": per_seat, "wave": 1}
        async with self.step("Letters reach the invitees (events)", letters) as advance:
            from shared import topics

            def enough(found: list[Any]) -> bool:
                got = sum(len(e.payload.invitees) for e in found
                          if e.envelope.event_type == "InvitationsDrawn")  # fmt: skip
                return got >= letters

            found = await self.events(topics.LOTTERY_EVENTS, district, enough)
            by_address = {(p.given_name, p.family_name, p.street, p.house_number): p
                          for p in persons}  # fmt: skip
            codes: dict[str, Person] = {}
            for event in found:
                if event.envelope.event_type != "InvitationsDrawn":
                    continue
                for invitee in event.payload.invitees:
                    key = (invitee.given_name, invitee.family_name, invitee.street,
                           invitee.house_number)  # fmt: skip
                    if key in by_address:
                        codes[invitee.invitation_code] = by_address[key]
                    advance()
        return codes

    async def answers(self, district: str, codes: dict[str, Person]) -> None:
        """About a third of the invitees answer, by web or by reply card; a few decline."""
        if not codes:
            return
        s = self.summary
        assert s is not None
        answering = [c for c in codes if self.rng.random() < ANSWER_SHARE]
        web_left = WEB_ANSWERS  # each client may try only a few codes on the website
        async with self.step("Invitees answer (web and reply card)", len(answering)) as advance:
            for code in answering:
                person = codes[code]
                accepts = self.rng.random() < ACCEPT_SHARE
                by_card = web_left == 0 or self.rng.random() < 0.5
                web_left -= 0 if by_card else 1
                body: dict[str, Any] = {
                    "invitation_code": code,
                    "accepts": accepts,
                    "birth_year": person.birth_date.year,
                    "gender": person.gender,
                    "municipality": person.municipality,
                    "language": "de",
                }
                if by_card:
                    body["received_on"] = datetime.now(UTC).date().isoformat()
                    url = f"{self.e.registration}/staff/districts/{district}/invitations/answers"
                else:
                    if accepts and self.rng.random() < 0.7:
                        body["email"] = email_of(person, "example.net")
                    url = f"{self.e.registration}/invitations/answers"
                response = await self.post(url, staff=by_card, json=body)
                advance()
                if response.status_code == 404 and "http-error" in response.text:
                    self.note("Registration does not take invitation answers yet (404): "
                              "answers and the panel are left out.")  # fmt: skip
                    return
                channel = "reply card" if by_card else "web"
                if response.status_code < 300:
                    s.answers[f"{'accepted' if accepts else 'declined'} ({channel})"] += 1
                else:
                    s.answers[f"refused ({channel})"] += 1
                    if s.answers[f"refused ({channel})"] == 1:
                        self.note(f"An answer was refused: {detail(response)}")

    async def applications(
        self, district: str, people: People, rules: Any
    ) -> dict[uuid.UUID, Person]:
        """Web applications (with duplicates and mistakes) and reply cards entered by staff."""
        s = self.summary
        assert s is not None
        total = self.o.applications
        n_cards = max(2, total // 5)
        n_web = total - n_cards
        web: dict[uuid.UUID, Person] = {}
        applied: list[Person] = []
        sem = asyncio.Semaphore(6)

        async def apply(person: Person, body: dict[str, Any], advance: Any) -> None:
            async with sem:
                response = await self.post(f"{self.e.registration}/applications", json=body)
            advance()
            if response.status_code == 201:
                s.applications["web: accepted, awaiting confirmation"] += 1
                web[uuid.UUID(response.json()["application_id"])] = person
            else:
                code = response.json().get("type", "").rsplit("/", 1)[-1]
                s.applications[f"web: refused, {REASONS.get(code, code)}"] += 1

        async with self.step("Residents apply on the website", n_web) as advance:
            jobs = []
            for i in range(n_web):
                roll = self.rng.random()
                if roll < 0.06 and applied:  # the same person again
                    person = self.rng.choice(applied)
                    body = web_body(district, person, email_of(person, "example.org"))
                    jobs.append(apply(person, body, advance))
                    continue
                person = people.person(f"web-{i}")
                body = web_body(district, person, email_of(person, "example.org"))
                if roll > 0.94:  # a mistake in the form
                    mistake = self.rng.choice(["postal_code", "birth_year", "email", "consent"])
                    if mistake == "postal_code":
                        body["applicant"]["address"]["postal_code"] = "99999"
                    elif mistake == "birth_year":
                        body["applicant"].pop("birth_year")
                    elif mistake == "email":
                        body["applicant"]["email"] = "kein-at-zeichen.example.org"
                    else:
                        body["consent"]["given"] = False
                else:
                    applied.append(person)
                jobs.append(apply(person, body, advance))
            await asyncio.gather(*jobs)

        cards: list[dict[str, Any]] = []
        async with self.step("Staff enter reply cards", n_cards) as advance:
            today = datetime.now(UTC).date()
            for i in range(n_cards):
                if i == 1:  # the same card entered twice
                    card = dict(cards[0])
                elif i == 2 and applied:  # a card from someone who also applied online
                    card = card_body(district, f"K-{i:05d}", self.rng.choice(applied), today)
                else:
                    card = card_body(district, f"K-{i:05d}", people.person(f"card-{i}"), today)
                response = await self.post(
                    f"{self.e.registration}/staff/reply-cards", staff=True, json=card
                )
                advance()
                if response.status_code == 201:
                    s.applications["reply card: accepted"] += 1
                    cards.append(card)
                else:
                    code = response.json().get("type", "").rsplit("/", 1)[-1]
                    s.applications[f"reply card: refused, {REASONS.get(code, code)}"] += 1
        await self.confirm(district, web)
        return web

    async def confirm(self, district: str, web: dict[uuid.UUID, Person]) -> None:
        """Most web applicants open the link in their e-mail and press the button."""
        from shared import topics

        s = self.summary
        assert s is not None
        async with self.step("Applicants confirm (link in the e-mail)", len(web)) as advance:
            wanted = set(web)

            def enough(found: list[Any]) -> bool:
                seen = {e.payload.application_id for e in found
                        if e.envelope.event_type == "ApplicationReceived"}  # fmt: skip
                return wanted <= seen

            found = await self.events(topics.REGISTRATION_EVENTS, district, enough)
            self.links = {
                e.payload.application_id: e.payload
                for e in found
                if e.envelope.event_type == "ApplicationReceived"
            }
            for application_id in web:
                advance()
                received = self.links.get(application_id)
                if received is None or received.confirmation_url is None:
                    continue
                if self.rng.random() < 0.12:
                    s.applications["web: never confirmed (lapses)"] += 1
                    continue
                token = received.confirmation_url.split("token=", 1)[1]
                response = await self.post(
                    f"{self.e.registration}/applications/confirm", params={"token": token}
                )
                if response.status_code == 200:
                    s.applications["web: confirmed"] += 1

    async def ideas(self, district: str) -> None:
        s = self.summary
        assert s is not None
        async with self.step("Residents answer the guiding question", len(IDEAS)) as advance:
            for text, field_of_action in IDEAS:
                response = await self.post(
                    f"{self.e.registration}/ideas",
                    json={
                        "district_id": district,
                        "text": text,
                        "field_of_action": field_of_action,
                    },
                )
                advance()
                if response.status_code == 201:
                    s.ideas += 1

    async def close(self, district: str) -> None:
        async with self.step("The application deadline passes", 1) as advance:
            response = await self.post(
                f"{self.e.registration}/staff/districts/{district}/close-now", staff=True
            )
            advance()
        if response.status_code >= 300:
            raise SystemExit(f"could not close {district}: {detail(response)}")

    async def late_applications(self, district: str, people: People) -> None:
        s = self.summary
        assert s is not None
        late = max(2, self.o.applications // 30)
        async with self.step("Late applications (refused)", late + 1) as advance:
            for i in range(late):
                person = people.person(f"late-{i}")
                response = await self.post(
                    f"{self.e.registration}/applications",
                    json=web_body(district, person, email_of(person, "example.org")),
                )
                advance()
                code = response.json().get("type", "").rsplit("/", 1)[-1]
                s.applications[f"web: refused, {REASONS.get(code, code)}"] += 1
            card = card_body(
                district, "K-late", people.person("late-card"), datetime.now(UTC).date()
            )
            response = await self.post(
                f"{self.e.registration}/staff/reply-cards", staff=True, json=card
            )
            advance()
            code = response.json().get("type", "").rsplit("/", 1)[-1]
            s.applications[f"reply card: refused, {REASONS.get(code, code)}"] += 1

    async def applicants_draw(self, district: str) -> list[uuid.UUID]:
        """Wait for the lottery's commitment, then draw with public seed numbers."""
        from shared import topics

        s = self.summary
        assert s is not None
        async with self.step("Applicants' draw: commitment, then draw", 2) as advance:
            url = f"{self.e.lottery}/draws/{district}/applicants"
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                response = await self.http.get(url)
                if response.status_code == 200 and response.json().get("commitment"):
                    break
                await asyncio.sleep(0.5)
            else:
                raise SystemExit("the lottery published no commitment within 60 s")
            commitment = response.json()["commitment"]
            advance()
            sources = [seed_numbers(self.rng)]
            response = await self.post(
                f"{self.e.lottery}/staff/districts/{district}/draw",
                staff=True,
                json={"sources": sources},
            )
            advance()
        if response.status_code >= 300:
            raise SystemExit(f"the applicants' draw was refused: {detail(response)}")
        body = response.json()
        s.applicants_draw = {
            "pool": commitment.get("pool_size", len(commitment.get("pool", []))),
            "seated": body["seated"],
            "waitlist": body["waitlist"],
            "seed": " ".join(sources[0]),
        }
        found = await self.events(
            topics.LOTTERY_EVENTS,
            district,
            lambda f: any(e.envelope.event_type == "LotteryDrawn" for e in f),
        )
        drawn = [e for e in found if e.envelope.event_type == "LotteryDrawn"]
        return list(drawn[-1].payload.seated) if drawn else []

    async def panel_draw(self, district: str, codes: dict[str, Person]) -> None:
        s = self.summary
        assert s is not None
        if not codes or not any(k.startswith("accepted") for k in s.answers):
            if codes and s.answers:
                self.note("No invitee accepted through the system: the panel is not drawn.")
            return
        async with self.step("Register half: commit the panels, then draw", 2) as advance:
            # The answers travel to the lottery as events: wait until they are all there.
            answered = sum(n for k, n in s.answers.items() if not k.startswith("refused"))
            await self.answers_arrived(district, answered)
            for _ in range(10):
                response = await self.post(
                    f"{self.e.lottery}/staff/districts/{district}/panel/commit",
                    staff=True,
                    json={"method": "leximin"},
                    timeout=300,
                )
                if response.status_code != 422 or "fewer than" not in response.text:
                    break
                await asyncio.sleep(1)
            advance()
            if response.status_code >= 300:
                self.note(f"Panel commitment refused ({response.status_code}): {detail(response)}")
                return
            commit = response.json()
            seed = " ".join(seed_numbers(self.rng))
            response = await self.post(
                f"{self.e.lottery}/staff/districts/{district}/panel/draw",
                staff=True,
                json={"seed": seed},
            )
            advance()
        if response.status_code >= 300:
            self.note(f"Panel draw refused ({response.status_code}): {detail(response)}")
            return
        drawn = response.json()
        s.panel = {
            "method": commit.get("method", "leximin"),
            "seated": len(drawn.get("seated", [])) if isinstance(drawn.get("seated"), list)
            else drawn.get("seated"),
            "reserves": len(drawn.get("reserves", [])) if isinstance(drawn.get("reserves"), list)
            else drawn.get("reserves"),
            "seed": seed,
        }  # fmt: skip

    async def answers_arrived(self, district: str, answered: int) -> None:
        """Until the answers' events were handled (reporting counts them; the lottery reads
        the same topic), at most a minute."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            response = await self.http.get(f"{self.e.reporting}/api/districts/{district}/figures")
            if response.status_code == 200:
                counts = response.json().get("event_counts", {})
                if counts.get("InvitationAnswered", 0) >= answered:
                    await asyncio.sleep(1.0)
                    return
            await asyncio.sleep(0.5)

    async def withdraw_and_promote(
        self, district: str, seated: list[uuid.UUID], web: dict[uuid.UUID, Person]
    ) -> None:
        """A few seat holders withdraw (two by their link, one through staff): the next
        people on the waitlist move up."""
        from shared import topics

        s = self.summary
        assert s is not None
        leaving = [a for a in seated if a in web][: self.o.withdrawals]
        async with self.step(
            "Seat holders withdraw, the waitlist moves up", len(leaving)
        ) as advance:
            for i, application_id in enumerate(leaving):
                received = self.links.get(application_id)
                if i < 2 and received is not None and received.withdrawal_url:
                    token = received.withdrawal_url.split("token=", 1)[1]
                    response = await self.post(
                        f"{self.e.registration}/applications/withdraw", params={"token": token}
                    )
                else:
                    response = await self.post(
                        f"{self.e.registration}/staff/applications/{application_id}/withdraw",
                        staff=True,
                    )
                advance()
                if response.status_code < 300:
                    s.withdrawals += 1
        expected = min(s.withdrawals, int(s.applicants_draw.get("waitlist", 0)))
        if expected:

            def promoted(found: list[Any]) -> bool:
                n = sum(e.envelope.event_type == "ParticipantPromoted" for e in found)
                return n >= expected

            found = await self.events(topics.LOTTERY_EVENTS, district, promoted)
            s.promotions = sum(e.envelope.event_type == "ParticipantPromoted" for e in found)

    async def mailbox(self) -> list[dict[str, Any]] | None:
        try:
            response = await self.http.get(f"{self.e.mailbox}/api/messages")
            messages: list[dict[str, Any]] = response.json()
        except (httpx.HTTPError, ValueError):
            return None
        return messages

    async def count_emails(self) -> None:
        """Wait for this rollout's e-mails (at least the confirmation requests, the
        confirmations, the draw results of web applicants and the withdrawal receipts),
        until the mailbox stops filling; then count them by subject."""
        s = self.summary
        assert s is not None
        expected = (
            s.applications["web: accepted, awaiting confirmation"]
            + 2 * s.applications["web: confirmed"]
            + s.withdrawals
        )
        async with self.step("E-mails reach the mailbox", expected) as advance:
            deadline = time.monotonic() + self.o.mail_timeout_s
            ours: list[dict[str, Any]] = []
            quiet = 0
            while time.monotonic() < deadline and quiet < 3:
                messages = await self.mailbox()
                if messages is None:
                    self.note(f"The mailbox at {self.e.mailbox} cannot be reached.")
                    return
                now_ours = [m for m in messages if m["id"] not in self.mail_before]
                advance(len(now_ours) - len(ours))
                if len(now_ours) >= expected:
                    quiet = quiet + 1 if len(now_ours) == len(ours) else 0
                ours = now_ours
                await asyncio.sleep(1.0)
        if len(ours) < expected:
            self.note(f"Only {len(ours)} of at least {expected} e-mails arrived in time.")
        s.emails = Counter(str(m.get("subject")) for m in ours)


# --- bodies ----------------------------------------------------------------------------


def email_of(person: Person, domain: str) -> str:
    local = f"{ascii_fold(person.given_name)}.{ascii_fold(person.family_name)}"
    return f"{local}.{person.record_id.lower()}@{domain}"


def web_body(district: str, person: Person, email: str) -> dict[str, Any]:
    return {
        "district_id": district,
        "applicant": applicant_of(person, email),
        "consent": {"given": True, "text_version": "demo-v1"},
    }


def card_body(district: str, card_id: str, person: Person, received_on: date) -> dict[str, Any]:
    return {
        "card_id": card_id,
        "district_id": district,
        "applicant": applicant_of(person, None),
        "received_on": received_on.isoformat(),
    }


def seed_numbers(rng: random.Random) -> list[str]:
    """Six numbers as a public lottery would publish them (a real rollout uses those)."""
    return [str(n) for n in sorted(rng.sample(range(1, 50), 6))]


def detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail_en") or body.get("detail") or body)[:300]


# --- output ------------------------------------------------------------------------------


def summary_table(s: Summary) -> Table:
    table = Table(title=f"Demo rollout: {s.district_name} ({s.district})", show_lines=False)
    table.add_column("what")
    table.add_column("figure", justify="right")
    table.add_section()
    for key in sorted(s.applications):
        table.add_row(f"Applications, {key}", str(s.applications[key]))
    table.add_section()
    if s.register:
        table.add_row("Register records (synthetic)", str(s.register.get("records")))
        for key in ("accepted", "rejected", "blocked"):
            if key in s.register:
                table.add_row(f"Register records {key}", str(s.register[key]))
    if s.invitations:
        table.add_row("Invitation letters (wave 1)", str(s.invitations["letters"]))
    for key in sorted(s.answers):
        table.add_row(f"Invitation answers, {key}", str(s.answers[key]))
    table.add_section()
    if s.applicants_draw:
        table.add_row("Applicants' half: pool", str(s.applicants_draw["pool"]))
        table.add_row("Applicants' half: seated", str(s.applicants_draw["seated"]))
        table.add_row("Applicants' half: waitlist", str(s.applicants_draw["waitlist"]))
    if s.panel:
        table.add_row("Register half: seated (panel)", str(s.panel.get("seated")))
    table.add_row("Withdrawals of seat holders", str(s.withdrawals))
    table.add_row("Promotions from the waitlist", str(s.promotions))
    table.add_row("Ideas (answers to the guiding question)", str(s.ideas))
    table.add_section()
    for subject, n in s.emails.most_common():
        table.add_row(f"E-mail: {subject}", str(n))
    table.add_row("E-mails in the mailbox", str(sum(s.emails.values())))
    table.add_row("Time taken", f"{s.seconds:.0f} s")
    return table


def run_demo(endpoints: Endpoints, options: DemoOptions, console: Console) -> Summary:
    async def main() -> Summary:
        demo = Demo(endpoints, options, console)
        try:
            return await demo.run()
        finally:
            await demo.http.aclose()

    summary = asyncio.run(main())
    console.print(summary_table(summary))
    for what, url in summary.links.items():
        console.print(f"{what}: {url}", soft_wrap=True)
    console.print(
        "Check the applicants' draw yourself: save its audit record and run "
        "`./mitwirken verify audit.json`."
    )
    for note in summary.notes:
        console.print(f"[yellow]Note:[/yellow] {note}")
    return summary


__all__ = ["DemoOptions", "Endpoints", "Summary", "run_demo", "summary_table"]
