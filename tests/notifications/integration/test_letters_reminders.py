"""Letters, register seats, reminders, the staff failure view and erasure, on the real
broker, database and SMTP server: what the print shop, the participant and the staff
see, and that nothing personal of an erased district remains."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import icalendar
import pytest
from pypdf import PdfReader

from mitwirken.infra import Tansu, free_port
from mitwirken.mailbox import SmtpServer
from notifications.main import create_app
from notifications.settings import Settings
from shared.auth import issue_staff_token
from shared.events import Envelope
from shared.events.common import Applicant, Channel
from shared.events.lottery import InvitationsDrawn, Invitee, LotteryDrawn, PanelDrawn
from shared.events.registration import (
    ApplicationReceived,
    ApplicationWithdrawn,
    InvitationAnswered,
    PersonalDataErased,
    WorkshopScheduled,
)
from shared.settings import DEVELOPMENT_SECRET
from tests.support.kafka import produce
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration
BERLIN = ZoneInfo("Europe/Berlin")


def app(kafka: Tansu, url: str, smtp_port: int, clock: Callable[[], datetime] | None = None) -> Any:
    return create_app(
        Settings(
            **settings_for(
                kafka.bootstrap_servers,
                url,
                smtp_port=smtp_port,
                send_interval_s=0.1,
                letter_render_interval_s=0.1,
                reminder_check_interval_s=0.1,
            )
        ),
        clock=clock,
    )


def staff(role: str = "coordinator", district: str | None = "halle") -> dict[str, str]:
    token = issue_staff_token(DEVELOPMENT_SECRET, subject="s", role=role, district_id=district)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {token}"}


async def publish(kafka: Tansu, district: str, *events: Any, twice: bool = False) -> None:
    for event in events:
        envelope = Envelope.wrap(event, district_id=district, producer="test")
        values = [envelope.to_bytes()] * (2 if twice else 1)
        await produce(kafka.bootstrap_servers, event.topic, values, key=district.encode())


def workshop(day: date) -> WorkshopScheduled:
    start = datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)
    return WorkshopScheduled(
        workshop_date=day,
        town="Halle (Saale)",
        applicant_seats=30,
        register_seats=30,
        application_deadline=start - timedelta(days=7),
        venue="Stadthaus, Marktplatz 2",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
    )


def invitee(given: str, family: str, street: str, postal_code: str, code: str) -> Invitee:
    return Invitee(
        invitee_id=uuid.uuid4(),
        invitation_code=code,
        given_name=given,
        family_name=family,
        street=street,
        house_number="3",
        postal_code=postal_code,
        municipality="Halle (Saale)",
    )


def pages(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


async def everything_stored(url: str) -> str:
    """Every row of every table of the service, as text (PDFs decompressed to text)."""
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        rows = []
        for t in tables:
            rows += [r[0] for r in await conn.fetch(f'SELECT t::text FROM "{t[0]}" t')]
        pdfs = await conn.fetch(
            "SELECT pdf FROM letters WHERE pdf IS NOT NULL UNION ALL SELECT pdf FROM letter_bundles"
        )
        rows += ["\n".join(pages(bytes(p[0]))) for p in pdfs]
        return "\n".join(rows)
    finally:
        await conn.close()


async def test_register_letters_seats_and_erasure(
    kafka: Tansu, new_database_url: Any, tmp_path: Path
) -> None:
    smtp = SmtpServer(tmp_path / "mail", free_port()).start()
    url = new_database_url("not")
    day = date.today() + timedelta(days=40)
    gul = invitee("Ğül", "Şahin-Öztürk", "Große Ulrichstraße", "06110", "HAL-GUL1")
    zoe = invitee("Zoë", "Ångström", "Leipziger Straße", "06108", "HAL-ZOE2")
    layla = invitee("ليلى 😀", "الحسيني", "Am Steintor", "06112", "HAL-LAY3")
    other = invitee("Ottokar", "Leipzigmann", "Karl-Liebknecht-Straße", "04107", "LEJ-OTT1")
    try:
        async with running(app(kafka, url, smtp.port)) as (client, _):
            await publish(kafka, "halle", workshop(day))
            await eventually(lambda: fetchval(url, "SELECT count(*) = 1 FROM workshops"))
            drawn = InvitationsDrawn(
                draw_id=uuid.uuid4(),
                invitees=(gul, zoe, layla),
                audit_reference="audit/halle/register/1",
                wave=1,
                response_deadline=day - timedelta(days=14),
            )
            await publish(kafka, "halle", drawn, twice=True)
            await publish(
                kafka,
                "leipzig",
                InvitationsDrawn(draw_id=uuid.uuid4(), invitees=(other,), audit_reference="a"),
            )
            # The panel may be drawn before this service saw the answers: both orders work.
            await publish(
                kafka,
                "halle",
                PanelDrawn(
                    draw_id=uuid.uuid4(),
                    seated=(gul.invitee_id, zoe.invitee_id),
                    selection_method="leximin",
                    minimum_probability=0.1,
                    panel_count=1,
                    panel_index=0,
                    audit_reference="audit/halle/panel",
                ),
            )
            now = datetime.now(UTC)
            await publish(
                kafka,
                "halle",
                InvitationAnswered(
                    invitee_id=gul.invitee_id,
                    accepts=True,
                    answered_at=now,
                    email="guel@example.org",
                ),
                InvitationAnswered(
                    invitee_id=zoe.invitee_id,
                    accepts=True,
                    answered_at=now,
                    channel=Channel.REPLY_CARD,
                ),
            )

            async def print_files() -> bool:
                return bool(await fetchval(url, "SELECT count(*) = 3 FROM letter_bundles"))

            await eventually(print_files, timeout_s=60)
            coordinator = staff()
            overview = await client.get("/staff/districts/halle/letters", headers=coordinator)
            assert overview.status_code == 200
            sets = {(s["kind"], s["wave"]): s for s in overview.json()["sets"]}
            assert sets[("invitation", 1)]["letters"] == 3  # the event arrived twice
            assert sets[("invitation", 1)]["print_file_pages"] == 6
            assert sets[("seat_confirmation", 1)]["letters"] == 1  # only Zoë has no e-mail
            assert "Zoë" not in overview.text

            merged = await client.get(
                "/staff/districts/halle/letters/merged.pdf",
                params={"wave": 1},
                headers=coordinator,
            )
            assert merged.headers["content-type"] == "application/pdf"
            text = pages(merged.content)
            assert len(text) == 3 * 2
            # Postal-code order: 06108 (Zoë), 06110 (Ğül), 06112 (Layla).
            assert ["HAL-ZOE2" in text[0], "HAL-GUL1" in text[2], "HAL-LAY3" in text[4]] == [
                True,
                True,
                True,
            ]
            one = await client.get(
                f"/staff/districts/halle/letters/{gul.invitee_id}.pdf", headers=coordinator
            )
            first = pages(one.content)[0]
            for expected in (
                "Ğül Şahin-Öztürk",
                "Große Ulrichstraße 3",
                "06110 Halle (Saale)",
                "HAL-GUL1",
                "/antworten",
            ):
                assert expected in first
            layla_letter = await client.get(
                f"/staff/districts/halle/letters/{layla.invitee_id}.pdf", headers=coordinator
            )
            assert "😀" in pages(layla_letter.content)[0]
            assert "ىليل" in pages(layla_letter.content)[0]  # stored in visual order
            seat_letter = await client.get(
                f"/staff/districts/halle/letters/{zoe.invitee_id}.pdf",
                params={"kind": "seat_confirmation"},
                headers=coordinator,
            )
            assert f"MWCHECKIN:halle:{zoe.invitee_id}" in pages(seat_letter.content)[0]
            assert "Zoë Ångström" in pages(seat_letter.content)[0]
            other_coordinator = await client.get(
                "/staff/districts/halle/letters/merged.pdf", headers=staff(district="leipzig")
            )
            assert other_coordinator.status_code == 403

            [mail] = await eventually(lambda: _async(smtp.mailbox.to("guel@example.org")))
            assert mail.message["Subject"] == "Ihr Platz in der Zukunftswerkstatt ist bestätigt"
            assert "Guten Tag Ğül Şahin-Öztürk" in mail.text()
            assert f"MWCHECKIN:halle:{gul.invitee_id}" in mail.text()
            assert 'src="cid:checkin-qr"' in mail.html()
            [qr] = [p for p in mail.message.walk() if p.get_content_type() == "image/png"]
            assert qr["Content-ID"] == "<checkin-qr>"
            [ics] = list(mail.message.iter_attachments())
            [event] = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
            assert event.decoded("dtstart") == workshop(day).starts_at
            assert event.decoded("dtend") == workshop(day).ends_at
            assert str(event.get("location")) == "Stadthaus, Marktplatz 2"
            assert (
                await fetchval(
                    url, "SELECT count(*) FROM reminders WHERE participant_id = $1", gul.invitee_id
                )
                == 2
            )

            await publish(
                kafka,
                "halle",
                PersonalDataErased(workshop_date=day, retention_days=0, erased_at=now),
            )
            await eventually(
                lambda: fetchval(
                    url, "SELECT count(*) = 0 FROM invitees WHERE district_id = 'halle'"
                )
            )
            stored = await everything_stored(url)
            for personal in (
                "Ğül",
                "Şahin",
                "Zoë",
                "Ångström",
                "guel@example.org",
                "Große Ulrichstraße",
                "Leipziger Straße",
                "HAL-GUL1",
            ):
                assert personal not in stored, personal
            assert "Ottokar" in stored and "Karl-Liebknecht-Straße" in stored
            after = await client.get("/staff/districts/halle/letters", headers=coordinator)
            assert {s["erased"] for s in after.json()["sets"]} == {3, 1}
            assert (
                await fetchval(url, "SELECT count(*) FROM deliveries WHERE district_id = 'halle'")
                == 1
            )  # the e-mail's record stays, without its recipient
    finally:
        smtp.stop()


async def _async(value: Any) -> Any:
    return value


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_reminders_fire_once_across_restarts_and_failures_are_shown(
    kafka: Tansu, new_database_url: Any, tmp_path: Path
) -> None:
    smtp = SmtpServer(tmp_path / "mail", free_port()).start()
    url = new_database_url("not")
    clock = Clock()
    day = date.today() + timedelta(days=20)
    people = {
        name: (uuid.uuid4(), email)
        for name, email in (
            ("anna", "anna@example.org"),
            ("nora", "nobody@refused.example"),
            ("yves", "yves@example.org"),
        )
    }

    def received(name: str) -> ApplicationReceived:
        ref, email = people[name]
        return ApplicationReceived(
            application_id=ref,
            channel=Channel.WEB,
            received_at=datetime.now(UTC),
            applicant=Applicant(given_name=name.title(), family_name="Muster", email=email),
            withdrawal_url=f"http://127.0.0.1:8001/zurueckziehen?token={name}",
        )

    admin = staff("admin", None)
    try:
        async with running(app(kafka, url, smtp.port, clock)) as (client, _):
            await publish(kafka, "halle", workshop(day), *(received(n) for n in people))
            await eventually(lambda: fetchval(url, "SELECT count(*) = 3 FROM recipients"))
            await publish(
                kafka,
                "halle",
                LotteryDrawn(
                    draw_id=uuid.uuid4(),
                    seated=tuple(p[0] for p in people.values()),
                    waitlist=(),
                    audit_reference="audit/halle/1",
                ),
            )
            await eventually(lambda: fetchval(url, "SELECT count(*) = 6 FROM reminders"))
            await publish(
                kafka,
                "halle",
                ApplicationWithdrawn(application_id=people["yves"][0], withdrawn_at=clock.now),
            )
            await eventually(
                lambda: fetchval(
                    url, "SELECT count(*) = 2 FROM reminders WHERE status = 'cancelled'"
                )
            )
            await eventually(
                lambda: fetchval(url, "SELECT count(*) = 1 FROM deliveries WHERE status = 'failed'")
            )
            failures = await client.get(
                "/staff/notifications/failures", params={"district_id": "halle"}, headers=admin
            )
            [failure] = failures.json()
            assert failure["recipient"] == "n***@refused.example"
            assert failure["template"] == "seat_granted" and "550" in failure["reason"]
            assert "nobody" not in failures.text
            denied = await client.get(
                "/staff/notifications/failures",
                params={"district_id": "halle"},
                headers=staff(district="leipzig"),
            )
            assert denied.status_code == 403
            retried = await client.post(
                f"/staff/notifications/failures/{failure['delivery_id']}/retry", headers=admin
            )
            assert retried.status_code == 202
            await eventually(
                lambda: fetchval(
                    url,
                    "SELECT count(*) = 2 FROM outbox WHERE convert_from(value, 'UTF8') "
                    "LIKE '%NotificationFailed%'",
                )
            )
        [seat] = smtp.mailbox.to("anna@example.org")
        assert seat.message["Subject"] == "Sie haben einen Platz in der Zukunftswerkstatt"
        assert f"MWCHECKIN:halle:{people['anna'][0]}" in seat.text()
        assert 'src="cid:checkin-qr"' in seat.html()

        # A restart later: the clock is past the first reminder.
        nine_past_one = time(9, 1)  # Berlin time, whichever offset it has that day
        clock.now = datetime.combine(day - timedelta(days=7), nine_past_one, tzinfo=BERLIN)
        async with running(app(kafka, url, smtp.port, clock)):
            await eventually(lambda: _async(len(smtp.mailbox.to("anna@example.org")) == 2))
        # And again, past the second one.
        clock.now += timedelta(days=6)
        async with running(app(kafka, url, smtp.port, clock)):
            await eventually(lambda: _async(len(smtp.mailbox.to("anna@example.org")) >= 3))
            await eventually(
                lambda: fetchval(url, "SELECT count(*) = 4 FROM reminders WHERE status = 'sent'")
            )
        subjects = [m.message["Subject"] for m in smtp.mailbox.to("anna@example.org")]
        assert subjects[1:] == [
            "In 7 Tagen ist die Zukunftswerkstatt",
            "Morgen ist die Zukunftswerkstatt",
        ]
        reminder = smtp.mailbox.to("anna@example.org")[2].text()
        assert "zurueckziehen?token=anna" in reminder
        assert f"MWCHECKIN:halle:{people['anna'][0]}" in reminder
        # Yves gave the seat up before: no reminder.
        assert [m.message["Subject"] for m in smtp.mailbox.to("yves@example.org")] == [
            "Sie haben einen Platz in der Zukunftswerkstatt",
            "Ihre Bewerbung ist zurückgezogen",
        ]
    finally:
        smtp.stop()
