"""The lottery's event handlers: one ``on_<event>`` per inbound event, each thin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import asyncpg

from lottery.adapters import repository
from lottery.service import draws, erasure, panel
from lottery.settings import Settings
from shared.events import ReceivedEvent
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationsClosed,
    ApplicationWithdrawn,
    InvitationAnswered,
    PersonalDataErased,
    WorkshopScheduled,
)
from shared.messaging.inbox import BatchHandler, Handler


def make_handlers(settings: Settings) -> dict[str, Handler]:
    async def on_workshop_scheduled(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, WorkshopScheduled)
        await repository.upsert_district(
            conn, event.envelope.district_id, p.applicant_seats, p.register_seats, p.workshop_date
        )

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
        await draws.release_seat(conn, p.application_id, now=datetime.now(UTC))

    async def on_applications_closed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        assert isinstance(event.payload, ApplicationsClosed)
        await draws.commit(
            conn,
            event.envelope.district_id,
            randomness_source=settings.randomness_source,
            now=datetime.now(UTC),
            default_seats=settings.default_applicant_seats,
        )

    async def on_invitation_answered(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, InvitationAnswered)
        await panel.record_answer(conn, event.envelope.district_id, p)

    async def on_personal_data_erased(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        assert isinstance(event.payload, PersonalDataErased)
        await erasure.erase_district(conn, event.envelope.district_id)

    return {
        PersonalDataErased.event_type: on_personal_data_erased,
        InvitationAnswered.event_type: on_invitation_answered,
        WorkshopScheduled.event_type: on_workshop_scheduled,
        ApplicationReceived.event_type: on_application_received,
        ApplicationConfirmed.event_type: on_application_confirmed,
        ApplicationWithdrawn.event_type: on_application_withdrawn,
        ApplicationsClosed.event_type: on_applications_closed,
    }


async def on_applications_received(
    conn: asyncpg.Connection, events: Sequence[ReceivedEvent]
) -> None:
    rows = []
    for event in events:
        p = event.payload
        assert isinstance(p, ApplicationReceived)
        rows.append((p.application_id, event.envelope.district_id, p.received_at))
    await repository.add_applicants(conn, rows)


async def on_applications_confirmed(
    conn: asyncpg.Connection, events: Sequence[ReceivedEvent]
) -> None:
    ids = []
    for event in events:
        assert isinstance(event.payload, ApplicationConfirmed)
        ids.append(event.payload.application_id)
    await repository.set_statuses(conn, ids, "confirmed")


BATCH_HANDLERS: dict[str, BatchHandler] = {
    ApplicationReceived.event_type: on_applications_received,
    ApplicationConfirmed.event_type: on_applications_confirmed,
}
"""Runs of receipts and confirmations in one statement each; receipts first, as they
arrive (a confirmation follows its receipt). A withdrawal may release a seat, so it
ends a run and is handled on its own."""
