"""Notifications on the real broker, database and SMTP server: from a web application
to the mailbox and back through the confirmation link, one e-mail per event even when
the event arrives twice, delivery after an SMTP outage, and a refused address reported."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import icalendar
import pytest

from mitwirken.infra import Tansu, free_port
from mitwirken.mailbox import Mailbox, SmtpServer
from notifications.main import create_app as create_notifications
from notifications.settings import Settings as NotificationsSettings
from registration.main import create_app as create_registration
from registration.settings import Settings as RegistrationSettings
from shared import topics
from shared.events import Envelope, decode
from shared.events.lottery import LotteryDrawn
from tests.registration.support import applicant, book
from tests.support.kafka import produce, read_topic
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

CONSENT = {"given": True, "text_version": "v1"}


def notifications_app(kafka: Tansu, url: str, smtp_port: int) -> Any:
    return create_notifications(
        NotificationsSettings(
            **settings_for(
                kafka.bootstrap_servers,
                url,
                smtp_port=smtp_port,
                retry_backoff_s=0.2,
                retry_backoff_max_s=0.5,
                send_interval_s=0.1,
            )
        )
    )


def registration_app(kafka: Tansu, url: str) -> Any:
    return create_registration(
        RegistrationSettings(**settings_for(kafka.bootstrap_servers, url)), districts=book()
    )


async def mails(box: Mailbox, address: str, n: int) -> list[Any]:
    async def arrived() -> list[Any]:
        found = box.to(address)
        return found if len(found) >= n else []

    return await eventually(arrived, timeout_s=30)


async def test_from_application_to_mailbox_and_back(
    kafka: Tansu, new_database_url: Any, tmp_path: Path
) -> None:
    smtp = SmtpServer(tmp_path / "mail", free_port()).start()
    reg_url, not_url = new_database_url("reg"), new_database_url("not")
    try:
        async with (
            running(registration_app(kafka, reg_url)) as (client, _),
            running(notifications_app(kafka, not_url, smtp.port)),
        ):
            person = applicant(email="jördis@example.org".replace("ö", "oe"))
            response = await client.post(
                "/applications",
                json={"district_id": "halle", "applicant": person, "consent": CONSENT},
            )
            assert response.status_code == 201, response.text
            application_id = response.json()["application_id"]

            [request] = await mails(smtp.mailbox, "joerdis@example.org", 1)
            assert request.message["Subject"] == (
                "Bitte bestätigen Sie Ihre Bewerbung für die Zukunftswerkstatt"
            )
            text = request.text()
            assert "Guten Tag Jördis Weiß" in text
            link = next(w for w in text.split() if "token=" in w)
            token = link.split("token=", 1)[1]
            confirmed = await client.post("/applications/confirm", params={"token": token})
            assert confirmed.status_code == 200

            _, confirmation = await mails(smtp.mailbox, "joerdis@example.org", 2)
            assert confirmation.message["Subject"] == "Ihre Bewerbung ist bestätigt"

            # The lottery's result, as the lottery publishes it.
            drawn = Envelope.wrap(
                LotteryDrawn(
                    draw_id=uuid.uuid4(),
                    seated=(uuid.UUID(application_id),),
                    waitlist=(),
                    audit_reference="audit/halle/1",
                ),
                district_id="halle",
                producer="lottery",
            )
            await produce(
                kafka.bootstrap_servers,
                topics.LOTTERY_EVENTS,
                [drawn.to_bytes(), drawn.to_bytes()],
                key=b"halle",
            )
            *_, result = await mails(smtp.mailbox, "joerdis@example.org", 3)
            terms = book().terms("halle")
            assert terms is not None
            assert result.message["Subject"] == "Sie haben einen Platz in der Zukunftswerkstatt"
            assert terms.workshop_date.strftime("%d.%m.%Y") in result.text()
            [invite] = list(result.message.iter_attachments())
            assert invite.get_content_type() == "text/calendar"
            calendar = icalendar.Calendar.from_ical(invite.get_content())
            [event] = list(calendar.walk("VEVENT"))
            assert event.decoded("dtstart") == terms.starts_at
            assert event.decoded("dtend") == terms.ends_at
            assert str(event.get("location")) == "Stadthaus, Marktplatz 2"
            assert "withdraw" in result.text() or "zurueckziehen" in result.text()
            # The result event arrived twice; one e-mail was sent.
            await eventually(
                lambda: fetchval(
                    not_url, "SELECT count(*) = 3 FROM deliveries WHERE status = 'sent'"
                )
            )
            assert len(smtp.mailbox.to("joerdis@example.org")) == 3
    finally:
        smtp.stop()


async def test_messages_wait_out_an_smtp_outage_and_arrive_once(
    kafka: Tansu, new_database_url: Any, tmp_path: Path
) -> None:
    port = free_port()
    reg_url, not_url = new_database_url("reg"), new_database_url("not")
    async with (
        running(registration_app(kafka, reg_url)) as (client, _),
        running(notifications_app(kafka, not_url, port)),
    ):
        for i in range(5):
            response = await client.post(
                "/applications",
                json={
                    "district_id": "halle",
                    "consent": CONSENT,
                    "applicant": applicant(given_name=f"P{i}", email=f"p{i}@example.org"),
                },
            )
            assert response.status_code == 201
        # No SMTP server is listening: deliveries are retried, not lost.
        await eventually(
            lambda: fetchval(not_url, "SELECT count(*) = 5 FROM deliveries WHERE attempts >= 2")
        )
        assert await fetchval(not_url, "SELECT count(*) FROM deliveries WHERE status = 'sent'") == 0
        smtp = SmtpServer(tmp_path / "mail", port).start()
        try:
            await eventually(
                lambda: fetchval(
                    not_url, "SELECT count(*) = 5 FROM deliveries WHERE status = 'sent'"
                )
            )
            assert sorted(str(m.message["To"]) for m in smtp.mailbox.messages()) == [
                f"p{i}@example.org" for i in range(5)
            ]
        finally:
            smtp.stop()


async def test_a_refused_address_is_reported_as_failed(
    kafka: Tansu, new_database_url: Any, tmp_path: Path
) -> None:
    smtp = SmtpServer(tmp_path / "mail", free_port()).start()
    reg_url, not_url = new_database_url("reg"), new_database_url("not")
    try:
        async with (
            running(registration_app(kafka, reg_url)) as (client, _),
            running(notifications_app(kafka, not_url, smtp.port)),
        ):
            response = await client.post(
                "/applications",
                json={
                    "district_id": "halle",
                    "consent": CONSENT,
                    "applicant": applicant(email="nobody@refused.example"),
                },
            )
            assert response.status_code == 201
            await eventually(
                lambda: fetchval(
                    not_url, "SELECT count(*) = 1 FROM deliveries WHERE status = 'failed'"
                )
            )
            records = await read_topic(
                kafka.bootstrap_servers, topics.NOTIFICATIONS_EVENTS, at_least=1
            )
        [failed] = [decode(r.value) for r in records]
        assert failed.envelope.event_type == "NotificationFailed"
        assert "recipient refused (550)" in failed.envelope.payload["reason"]
        assert failed.envelope.payload["recipient_ref"] == response.json()["application_id"]
        assert smtp.mailbox.messages() == []
    finally:
        smtp.stop()
