"""Events of different topics arrive in no fixed order. When a draw's result is read
before the application it names (a consumer catching up after a restart), the result
e-mail waits for the person and goes out once they are known: nothing is dropped, and a
redelivered result adds nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mitwirken.infra import Tansu, free_port
from mitwirken.mailbox import SmtpServer
from shared import topics
from shared.events import Envelope
from shared.events.common import Applicant, Channel
from shared.events.lottery import LotteryDrawn
from shared.events.registration import ApplicationReceived
from tests.notifications.integration.test_mail import mails, notifications_app
from tests.support.kafka import produce
from tests.support.services import eventually, fetchval, running

pytestmark = pytest.mark.integration


async def test_a_result_read_before_the_application_is_sent_once_it_arrives(
    kafka: Tansu, new_database_url: Any, tmp_path: Path
) -> None:
    port = free_port()
    url = new_database_url("not")
    application_id = uuid.uuid4()
    drawn = Envelope.wrap(
        LotteryDrawn(
            draw_id=uuid.uuid4(),
            seated=(),
            waitlist=(uuid.uuid4(), application_id),
            audit_reference="/draws/halle/applicants",
        ),
        district_id="halle",
        producer="lottery",
    )
    received = Envelope.wrap(
        ApplicationReceived(
            application_id=application_id,
            channel=Channel.WEB,
            applicant=Applicant(
                given_name="Spät", family_name="Gelesen", email="spaet@example.org"
            ),
            received_at=datetime.now(UTC),
        ),
        district_id="halle",
        producer="registration",
    )
    smtp = SmtpServer(tmp_path / "mail", port).start()
    try:
        async with running(notifications_app(kafka, url, port)):
            await produce(
                kafka.bootstrap_servers, topics.LOTTERY_EVENTS, [drawn.to_bytes()], b"halle"
            )
            await eventually(
                lambda: fetchval(
                    url, "SELECT count(*) FROM deferred_messages WHERE template = 'waitlisted'"
                )
            )
            assert await fetchval(url, "SELECT count(*) FROM deliveries") == 0

            await produce(
                kafka.bootstrap_servers,
                topics.REGISTRATION_EVENTS,
                [received.to_bytes()],
                b"halle",
            )
            [mail] = await mails(smtp.mailbox, "spaet@example.org", 1)
            assert "Warteliste" in str(mail.message["Subject"])
            assert "2" in mail.message.get_body(("plain",)).get_content()

            # The result again (redelivered) and the application again: still one e-mail.
            await produce(
                kafka.bootstrap_servers, topics.LOTTERY_EVENTS, [drawn.to_bytes()], b"halle"
            )
            await eventually(
                lambda: fetchval(url, "SELECT count(*) = 0 FROM deliveries WHERE status <> 'sent'")
            )
            # Only the other waitlisted person, still unknown here, is waiting.
            waiting = await fetchval(url, "SELECT array_agg(recipient_ref) FROM deferred_messages")
            assert waiting is not None and application_id not in waiting and len(waiting) == 1
            assert len(smtp.mailbox.to("spaet@example.org")) == 1
    finally:
        smtp.stop()
