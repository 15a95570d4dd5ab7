"""The mailer keeps its SMTP connections open between messages (a real aiosmtpd server
counts them), sends again on a fresh connection when the server closed a kept one, and
still tells a refused address from a server that is away."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from mitwirken.infra import free_port
from mitwirken.mailbox import SmtpServer
from notifications.adapters.smtp import Mailer, OutgoingMail, PermanentFailure, TransientFailure
from notifications.settings import Settings
from tests.support.services import settings_for

pytestmark = pytest.mark.integration


class CountingHandler:
    def __init__(self) -> None:
        self.greetings = 0
        self.received: list[str] = []

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def server(handler: CountingHandler, port: int) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=10)
    controller.start()
    return controller


def mailer(port: int) -> Mailer:
    settings = Settings(**settings_for("127.0.0.1:1", "postgresql://unused/db", smtp_port=port))
    return Mailer(settings, connections=4)


def mail(i: int, to: str | None = None) -> OutgoingMail:
    return OutgoingMail(
        message_id=f"m{i}",
        to=to or f"person{i}@example.org",
        subject=f"Nachricht {i}",
        text="Guten Tag",
        html="<p>Guten Tag</p>",
    )


async def test_messages_share_a_few_kept_connections() -> None:
    handler, port = CountingHandler(), free_port()
    controller = server(handler, port)
    try:
        sender = mailer(port)
        await asyncio.gather(*(sender.send(mail(i)) for i in range(12)))
        for i in range(12, 17):
            await sender.send(mail(i))
    finally:
        controller.stop()
    assert sorted(handler.received) == sorted(f"person{i}@example.org" for i in range(17))
    assert 1 <= handler.greetings <= 4


async def test_a_connection_the_server_closed_is_replaced_at_once() -> None:
    handler, port = CountingHandler(), free_port()
    controller = server(handler, port)
    sender = mailer(port)
    await sender.send(mail(1))
    controller.stop()  # the kept connection is gone with the server
    controller = server(handler, port)
    try:
        await sender.send(mail(2))
    finally:
        controller.stop()
    assert handler.received == ["person1@example.org", "person2@example.org"]


async def test_a_refused_address_is_permanent_and_an_absent_server_transient() -> None:
    handler, port = CountingHandler(), free_port()
    controller = server(handler, port)
    sender = mailer(port)
    try:
        with pytest.raises(PermanentFailure, match="550"):
            await sender.send(mail(1, to="nobody@refused.example"))
        await sender.send(mail(2))
    finally:
        controller.stop()
    with pytest.raises(TransientFailure):
        await sender.send(mail(3))
    assert handler.received == ["person2@example.org"]


async def test_an_address_outside_ascii_reaches_the_local_mailbox(tmp_path: Any) -> None:
    smtp = SmtpServer(tmp_path / "mail", free_port()).start()
    try:
        await mailer(smtp.port).send(mail(1, to="jördis@beispiel.de"))
    finally:
        smtp.stop()
    [received] = smtp.mailbox.to("jördis@beispiel.de")
    assert received.message["Subject"] == "Nachricht 1"
