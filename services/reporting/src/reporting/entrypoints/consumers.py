"""Reporting's event handlers: every event counts; some also shape a read model."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg

from reporting.adapters import repository
from shared.events import EVENT_TYPES, ReceivedEvent
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationWithdrawn,
)
from shared.messaging.inbox import Handler


async def on_application_received(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationReceived)
    await repository.add_application(
        conn, p.application_id, event.envelope.district_id, p.channel.value, p.received_at
    )


async def on_application_confirmed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationConfirmed)
    await repository.set_application_status(conn, p.application_id, "confirmed")


async def on_application_withdrawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationWithdrawn)
    await repository.set_application_status(conn, p.application_id, "withdrawn")


_READ_MODELS: dict[str, Callable[[asyncpg.Connection, ReceivedEvent], Awaitable[None]]] = {
    ApplicationReceived.event_type: on_application_received,
    ApplicationConfirmed.event_type: on_application_confirmed,
    ApplicationWithdrawn.event_type: on_application_withdrawn,
}


async def on_any_event(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    await repository.count_event(conn, event.envelope.district_id, event.envelope.event_type)
    shape = _READ_MODELS.get(event.envelope.event_type)
    if shape is not None:
        await shape(conn, event)


HANDLERS: dict[str, Handler] = {event_type: on_any_event for event_type in EVENT_TYPES}
