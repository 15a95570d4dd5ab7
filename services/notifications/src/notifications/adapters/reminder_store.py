"""Notifications' store of scheduled reminders and the staff view of failed deliveries
(SQL in ``sql/reminders.sql``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import asyncpg

from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "reminders.sql")


def reminder_id(participant_id: uuid.UUID, days_before: int) -> uuid.UUID:
    """Stable per seat holder and distance: the id doubles as the delivery's source."""
    return uuid.uuid5(participant_id, f"reminder:{days_before}")


async def schedule(
    conn: asyncpg.Connection,
    district_id: str,
    participant_id: uuid.UUID,
    days_before: int,
    due_at: datetime,
) -> None:
    await conn.execute(
        Q.schedule_reminder,
        reminder_id(participant_id, days_before),
        district_id,
        participant_id,
        days_before,
        due_at,
    )


async def cancel(conn: asyncpg.Connection, participant_ids: list[uuid.UUID]) -> None:
    await conn.execute(Q.cancel_reminders, participant_ids)


async def claim_due(conn: asyncpg.Connection, now: datetime, limit: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.claim_due_reminders, now, limit))


async def mark_sent(conn: asyncpg.Connection, reminder: uuid.UUID, now: datetime) -> None:
    await conn.execute(Q.mark_reminder_sent, reminder, now)


async def failures(
    conn: asyncpg.Connection, district_id: str | None, limit: int
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.failures, district_id, limit))


async def delivery_district(
    conn: asyncpg.Connection, delivery_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.delivery_district, delivery_id)


async def retry_failed(conn: asyncpg.Connection, delivery_id: uuid.UUID) -> bool:
    return await conn.fetchval(Q.retry_failed, delivery_id) is not None
