"""Use case: turn message requests into deliveries, rendered in the person's language.

Runs inside the inbox transaction of the event that caused the messages, so a
redelivered event finds its deliveries already there (unique per event, template and
recipient) and nothing is sent twice. People without an e-mail address get no e-mail
(reply cards without one are answered by letter elsewhere).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from notifications.adapters import repository
from notifications.adapters.calendar import workshop_invitation
from notifications.adapters.pdf import qr_png
from notifications.adapters.templates import Renderer
from notifications.domain.letters import checkin_payload
from notifications.domain.messages import MessageRequest

BERLIN = ZoneInfo("Europe/Berlin")
NOTIFY_CHANNEL = "deliveries"
CALENDAR_TEMPLATES = frozenset({"seat_granted", "seat_offered", "panel_seat_granted"})
"""Messages that give a seat carry the workshop as a calendar invitation."""
CHECKIN_TEMPLATES = frozenset({"seat_granted", "panel_seat_granted", "reminder"})
"""Messages to seat holders carry their personal check-in QR code (inline image)."""
CHECKIN_CID = "checkin-qr"


def workshop_values(row: asyncpg.Record | None, language: str) -> dict[str, Any]:
    if row is None:
        return {"town": "", "date": None, "time": None, "venue": None, "deadline": None}
    date_fmt = "%d.%m.%Y" if language == "de" else "%Y-%m-%d"
    values: dict[str, Any] = {
        "town": row["town"],
        "date": row["workshop_date"].strftime(date_fmt),
        "venue": row["venue"],
        "time": None,
        "deadline": None,
    }
    if row["starts_at"] and row["ends_at"]:
        start, end = row["starts_at"].astimezone(BERLIN), row["ends_at"].astimezone(BERLIN)
        values["time"] = f"{start:%H:%M}–{end:%H:%M}" + (" Uhr" if language == "de" else "")
    if row["application_deadline"]:
        # The deadline is the first instant too late: people know the day before as the last.
        last = row["application_deadline"].astimezone(BERLIN)
        values["deadline"] = (
            f"{last:%d.%m.%Y, %H:%M} Uhr" if language == "de" else f"{last:%Y-%m-%d %H:%M}"
        )
    return values


@dataclass(frozen=True, slots=True)
class CausedMessage:
    """A message request and the event that caused it (its delivery's idempotency key)."""

    source_event_id: uuid.UUID
    district_id: str
    request: MessageRequest


async def store_messages(
    conn: asyncpg.Connection,
    requests: list[MessageRequest],
    *,
    source_event_id: uuid.UUID,
    district_id: str,
    renderer: Renderer,
) -> int:
    return await store_caused_messages(
        conn,
        [CausedMessage(source_event_id, district_id, r) for r in requests],
        renderer=renderer,
    )


async def store_caused_messages(
    conn: asyncpg.Connection, messages: Sequence[CausedMessage], *, renderer: Renderer
) -> int:
    """The deliveries of many messages, possibly of many events, in a few statements:
    one read of the recipients, one of each district's workshop, one insert."""
    if not messages:
        return 0
    recipients = await repository.get_recipients(
        conn, list({m.request.recipient_ref for m in messages})
    )
    workshops = {
        d: await repository.get_workshop(conn, d) for d in {m.district_id for m in messages}
    }
    deliveries: list[repository.Delivery] = []
    waiting: list[repository.DeferredMessage] = []
    for message in messages:
        person = recipients.get(message.request.recipient_ref)
        if person is None:
            # Not known yet: the event naming the person was read before the one that
            # introduces them. The message waits for them (see ``release_deferred``).
            waiting.append(
                repository.DeferredMessage(
                    message.source_event_id,
                    message.request.template,
                    message.request.recipient_ref,
                    message.district_id,
                    message.request.values,
                )
            )
        elif person["email"]:
            deliveries.append(_delivery(message, person, workshops[message.district_id], renderer))
    await repository.defer_messages(conn, waiting)
    await repository.add_deliveries(conn, deliveries)
    await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)
    return len(deliveries)


def _delivery(
    message: CausedMessage,
    person: asyncpg.Record,
    workshop: asyncpg.Record | None,
    renderer: Renderer,
) -> repository.Delivery:
    request, district_id = message.request, message.district_id
    language = person["language"]
    values = {
        "person": {"given_name": person["given_name"], "family_name": person["family_name"]},
        "workshop": workshop_values(workshop, language),
        "confirmation_url": None,
        "withdrawal_url": person["withdrawal_url"],
        "checkin_code": None,
        "checkin_cid": CHECKIN_CID,
        **request.values,
    }
    if request.template in CHECKIN_TEMPLATES:
        values["checkin_code"] = checkin_payload(district_id, request.recipient_ref)
    rendered = renderer.render(request.template, language, values)
    attachments = []
    if values["checkin_code"]:
        attachments.append(
            {
                "name": "check-in.png",
                "mime": "image/png",
                "content": base64.b64encode(qr_png(values["checkin_code"])).decode("ascii"),
                "cid": CHECKIN_CID,
            }
        )
    if request.template in CALENDAR_TEMPLATES and workshop is not None and workshop["starts_at"]:
        ics = workshop_invitation(
            district_id=district_id,
            summary=("Zukunftswerkstatt " if language == "de" else "Future workshop ")
            + workshop["town"],
            starts_at=workshop["starts_at"],
            ends_at=workshop["ends_at"],
            location=workshop["venue"] or workshop["town"],
            description=rendered.subject,
        )
        attachments.append(
            {
                "name": "zukunftswerkstatt.ics",
                "mime": "text/calendar",
                "content": base64.b64encode(ics).decode("ascii"),
            }
        )
    return repository.Delivery(
        source_event_id=message.source_event_id,
        template=request.template,
        recipient_ref=request.recipient_ref,
        district_id=district_id,
        email=person["email"],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        attachments=attachments,
    )


async def release_deferred(
    conn: asyncpg.Connection, recipient_refs: Sequence[uuid.UUID], *, renderer: Renderer
) -> int:
    """Turn the messages that waited for newly known people into deliveries, each under
    its original event, so a later redelivery of that event adds nothing."""
    waiting = await repository.take_deferred_messages(conn, recipient_refs)
    return await store_caused_messages(
        conn,
        [
            CausedMessage(
                row["source_event_id"],
                row["district_id"],
                MessageRequest(
                    row["template"], row["recipient_ref"], json.loads(row["message_values"])
                ),
            )
            for row in waiting
        ],
        renderer=renderer,
    )
