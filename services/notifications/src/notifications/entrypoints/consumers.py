"""Notifications' event handlers: one ``on_<event>`` per inbound event, each thin."""

from __future__ import annotations

import asyncpg

from notifications.adapters import repository
from shared.events import ReceivedEvent
from shared.events.registration import ApplicationReceived
from shared.messaging.inbox import Handler


async def on_application_received(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationReceived)
    await repository.add_recipient(conn, p.application_id, event.envelope.district_id, p.applicant)


HANDLERS: dict[str, Handler] = {
    ApplicationReceived.event_type: on_application_received,
}
