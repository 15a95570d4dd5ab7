"""The lottery's event handlers: one ``on_<event>`` per inbound event, each thin."""

from __future__ import annotations

import asyncpg

from lottery.adapters import repository
from shared.events import ReceivedEvent
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationWithdrawn,
)
from shared.messaging.inbox import Handler


async def on_application_received(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationReceived)
    await repository.add_applicant(
        conn, p.application_id, event.envelope.district_id, p.received_at
    )


async def on_application_confirmed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationConfirmed)
    await repository.set_status(conn, p.application_id, "confirmed")


async def on_application_withdrawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationWithdrawn)
    await repository.set_status(conn, p.application_id, "withdrawn")


HANDLERS: dict[str, Handler] = {
    ApplicationReceived.event_type: on_application_received,
    ApplicationConfirmed.event_type: on_application_confirmed,
    ApplicationWithdrawn.event_type: on_application_withdrawn,
}
