"""A real SMTP server for local runs and tests that keeps what it receives, with a small
web view and JSON API of the mailbox (Mailpit takes this role in docker-compose).

Messages are stored as ``.eml`` files in a folder, so they survive a restart. Recipients
at ``refused.example`` are refused with 550 (a permanent failure), to show how the
system handles a refused address.
"""

from __future__ import annotations

import email
import email.policy
import html
import threading
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

REFUSED_DOMAIN = "refused.example"


class _StoringHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.Lock()

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address.lower().endswith("@" + REFUSED_DOMAIN):
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        with self.lock:
            (self.folder / name).write_bytes(data)
        return "250 Message accepted for delivery"


@dataclass
class StoredMessage:
    id: str
    message: EmailMessage

    def summary(self) -> dict[str, Any]:
        m = self.message
        return {
            "id": self.id,
            "message_id": m.get("Message-ID"),
            "from": m.get("From"),
            "to": m.get("To"),
            "subject": m.get("Subject"),
            "date": m.get("Date"),
            "attachments": [p.get_filename() for p in m.iter_attachments()],
        }

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return str(part.get_content()) if part is not None else ""

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return str(part.get_content()) if part is not None else ""


class Mailbox:
    """The folder of received messages."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def messages(self) -> list[StoredMessage]:
        found = []
        for path in sorted(self.folder.glob("*.eml")):
            parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            found.append(StoredMessage(path.stem, parsed))
        return found

    def to(self, address: str) -> list[StoredMessage]:
        return [m for m in self.messages() if address.lower() in str(m.message.get("To")).lower()]

    def clear(self) -> None:
        for path in self.folder.glob("*.eml"):
            path.unlink()


class SmtpServer:
    """The SMTP side: ``start()`` listens on a loopback port in a background thread."""

    def __init__(self, folder: Path, port: int) -> None:
        self.mailbox = Mailbox(folder)
        self.port = port
        self._controller = Controller(
            _StoringHandler(folder),
            hostname="127.0.0.1",
            port=port,
            ready_timeout=10,
            enable_SMTPUTF8=True,
        )

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def web_app(mailbox: Mailbox) -> Any:
    """The mailbox view: ``/`` lists messages, ``/messages/{id}`` shows one, ``/api/...`` JSON."""
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import HTMLResponse

    app = FastAPI(title="mitwirken local mailbox")

    def find(message_id: str) -> StoredMessage:
        for m in mailbox.messages():
            if m.id == message_id:
                return m
        raise HTTPException(404, "no such message")

    @app.get("/api/messages")
    def list_messages() -> list[dict[str, Any]]:
        return [m.summary() for m in reversed(mailbox.messages())]

    @app.get("/api/messages/{message_id}")
    def one(message_id: str) -> dict[str, Any]:
        m = find(message_id)
        return {**m.summary(), "text": m.text(), "html": m.html()}

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        rows = "".join(
            f"<tr><td>{html.escape(str(s['date']))}</td><td>{html.escape(str(s['to']))}</td>"
            f"<td><a href='/messages/{s['id']}'>{html.escape(str(s['subject']))}</a></td></tr>"
            for s in (m.summary() for m in reversed(mailbox.messages()))
        )
        return (
            "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
            "<title>Postfach (lokal)</title></head><body><h1>Lokales Postfach</h1>"
            "<table><thead><tr><th>Datum</th><th>An</th><th>Betreff</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></body></html>"
        )

    @app.get("/messages/{message_id}", response_class=HTMLResponse)
    def show(message_id: str) -> str:
        m = find(message_id)
        s = m.summary()
        return (
            "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
            f"<title>{html.escape(str(s['subject']))}</title></head><body>"
            f"<p><a href='/'>Zurück</a></p><h1>{html.escape(str(s['subject']))}</h1>"
            f"<p>An: {html.escape(str(s['to']))}</p>"
            f"<pre>{html.escape(m.text())}</pre></body></html>"
        )

    return app


def main() -> None:
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description="mitwirken's local SMTP server and mailbox")
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    args = parser.parse_args()
    server = SmtpServer(args.folder, args.smtp_port).start()
    try:
        uvicorn.run(
            web_app(server.mailbox), host="127.0.0.1", port=args.http_port, log_level="warning"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()


__all__ = ["Mailbox", "SmtpServer", "main", "web_app"]
