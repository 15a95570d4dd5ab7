"""Sending e-mail over SMTP with aiosmtplib, and telling transient failures (try again
later) from permanent ones (the address is refused)."""

from __future__ import annotations

import asyncio
import email.policy
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from email import encoders
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, parseaddr

import aiosmtplib

from notifications.settings import Settings


class TransientFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    message_id: str
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, str, bytes], ...] = ()
    """(file name, MIME type, content)."""
    inline_images: tuple[tuple[str, str, bytes], ...] = ()
    """(content id, MIME type, content): images the HTML part shows as ``cid:<id>``."""


# Unfolded up to SMTP's line limit: folding a UTF-8 header would add a blank to its value.
_UTF8_HEADERS = email.policy.SMTPUTF8.clone(max_line_length=998)


def build_message(mail: OutgoingMail, sender: str) -> bytes:
    """The message as it goes over the wire: text and HTML alternatives, inline images
    related to the HTML, attachments. Built with the compat32 MIME classes, which take a
    fraction of the time of ``EmailMessage``'s header registry (most of the sending
    cost); addresses outside ASCII need SMTPUTF8 and take the ``EmailMessage`` way."""
    if not (mail.to.isascii() and sender.isascii()):
        return _international(mail, sender).as_bytes(policy=_UTF8_HEADERS)
    html: Message = MIMEText(mail.html, "html", "utf-8")
    if mail.inline_images:
        related = MIMEMultipart("related")
        related.attach(html)
        for cid, mime, content in mail.inline_images:
            image = _binary_part(mime, content)
            image["Content-ID"] = f"<{cid}>"
            image["Content-Disposition"] = "inline"
            related.attach(image)
        html = related
    message: Message = MIMEMultipart("alternative")
    message.attach(MIMEText(mail.text, "plain", "utf-8"))
    message.attach(html)
    if mail.attachments:
        mixed = MIMEMultipart("mixed")
        mixed.attach(message)
        for name, mime, content in mail.attachments:
            part = _binary_part(mime, content)
            part.add_header("Content-Disposition", "attachment", filename=name)
            mixed.attach(part)
        message = mixed
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = (
        mail.subject
        if mail.subject.isascii()
        else Header(mail.subject, "utf-8", header_name="Subject").encode()
    )
    message["Date"] = format_datetime(datetime.now(UTC))
    # A stable Message-ID: a message sent again after a crash is recognisably the same one.
    message["Message-ID"] = f"<{mail.message_id}@mitwirken>"
    return message.as_bytes()


def _binary_part(mime: str, content: bytes) -> MIMEBase:
    part = MIMEBase(*mime.split("/", 1))
    part.set_payload(content)
    encoders.encode_base64(part)
    return part


def _international(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{mail.message_id}@mitwirken>"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    if mail.inline_images:
        html_part = message.get_body(preferencelist=("html",))
        assert html_part is not None
        for cid, mime, content in mail.inline_images:
            maintype, subtype = mime.split("/", 1)
            html_part.add_related(
                content, maintype=maintype, subtype=subtype, cid=f"<{cid}>", disposition="inline"
            )
    for name, mime, content in mail.attachments:
        maintype, subtype = mime.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


class Mailer:
    """Sends over up to ``connections`` SMTP connections kept open between messages: a
    connection per message would pay for TCP (and TLS) set-up, the greeting and EHLO each
    time, on both sides."""

    def __init__(self, settings: Settings, connections: int = 4) -> None:
        self._settings = settings
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[aiosmtplib.SMTP] = []
        self._local_hostname: str | None = None

    async def send(self, mail: OutgoingMail) -> None:
        sender = self._settings.mail_from
        message = build_message(mail, sender)
        options = [] if mail.to.isascii() and sender.isascii() else ["SMTPUTF8"]

        async def over(client: aiosmtplib.SMTP) -> None:
            await client.sendmail(parseaddr(sender)[1], [mail.to], message, mail_options=options)

        async with self._slots:
            kept = self._idle.pop() if self._idle else None
            client: aiosmtplib.SMTP | None = None
            try:
                client = kept or await self._connect()
                try:
                    await over(client)
                except (aiosmtplib.SMTPServerDisconnected, OSError):
                    if kept is None:
                        raise
                    # A kept connection the server has closed meanwhile: once more, anew.
                    client.close()
                    client = await self._connect()
                    await over(client)
            except aiosmtplib.SMTPRecipientsRefused as exc:
                _discard(client)
                codes = [r.code for r in exc.recipients]
                if all(500 <= c < 600 for c in codes):
                    raise PermanentFailure(
                        f"recipient refused ({', '.join(map(str, codes))})"
                    ) from None
                raise TransientFailure(f"recipient temporarily refused ({codes})") from None
            except aiosmtplib.SMTPResponseException as exc:
                _discard(client)
                if 500 <= exc.code < 600 and exc.code not in (552,):
                    raise PermanentFailure(f"refused by the server ({exc.code})") from None
                raise TransientFailure(f"server answered {exc.code}") from None
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                _discard(client)
                raise TransientFailure(f"{type(exc).__name__}") from None
            self._idle.append(client)

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self._settings
        if self._local_hostname is None:
            # What aiosmtplib would look up for every connection, looked up once.
            self._local_hostname = await asyncio.to_thread(socket.getfqdn)
        client = aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            use_tls=s.smtp_use_tls,
            start_tls=s.smtp_start_tls,
            timeout=s.smtp_timeout_s,
            local_hostname=self._local_hostname,
        )
        await client.connect()
        return client


def _discard(client: aiosmtplib.SMTP | None) -> None:
    if client is not None:
        client.close()


__all__ = ["Mailer", "OutgoingMail", "PermanentFailure", "TransientFailure"]
