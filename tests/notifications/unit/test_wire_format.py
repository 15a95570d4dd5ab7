"""What a mail program receives: umlauts in subject and body read back as written, the
parts nest as mail programs expect, and an address outside ASCII travels as UTF-8."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from notifications.adapters.smtp import OutgoingMail, build_message

SENDER = "Zukunftswerkstatt <mitwirken@example.org>"


def parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def mail(to: str, **extra: object) -> OutgoingMail:
    return OutgoingMail(
        message_id="d-1",
        to=to,
        subject="Ihre Bewerbung für die Zukunftswerkstatt in Görlitz – bitte bestätigen",
        text="Guten Tag Jördis Weiß,\nbitte bestätigen Sie.\n",
        html="<p>Guten Tag Jördis Weiß,</p>",
        **extra,  # type: ignore[arg-type]
    )


def test_umlauts_and_parts_read_back_as_written() -> None:
    message = parsed(
        build_message(
            mail(
                "joerdis@example.org",
                attachments=(("termin.ics", "text/calendar", b"BEGIN:VCALENDAR\r\n"),),
                inline_images=(("checkin-qr", "image/png", b"\x89PNG\r\n"),),
            ),
            SENDER,
        )
    )
    assert message["Subject"] == mail("x").subject
    assert message["From"] == SENDER
    assert message["Message-ID"] == "<d-1@mitwirken>"
    assert "Jördis Weiß" in message.get_body(preferencelist=("plain",)).get_content()
    assert "Jördis Weiß" in message.get_body(preferencelist=("html",)).get_content()
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
        "text/calendar",
    ]
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "termin.ics"
    assert attachment.get_content() in (b"BEGIN:VCALENDAR\r\n", "BEGIN:VCALENDAR\r\n")


def test_a_message_without_attachments_is_just_the_alternatives() -> None:
    message = parsed(build_message(mail("a@example.org"), SENDER))
    assert message.get_content_type() == "multipart/alternative"


def test_an_address_outside_ascii_travels_as_utf8() -> None:
    raw = build_message(mail("jördis@beispiel.de"), SENDER)
    assert "To: jördis@beispiel.de".encode() in raw
    assert parsed(raw)["Subject"] == mail("x").subject
