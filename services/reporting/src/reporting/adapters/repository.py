"""Reporting's read models (SQL in ``sql/read_models.sql``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import asyncpg

from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "read_models.sql")


async def count_event(conn: asyncpg.Connection, district_id: str, event_type: str) -> None:
    await conn.execute(Q.count_event, district_id, event_type)


async def add_application(
    conn: asyncpg.Connection,
    application_id: uuid.UUID,
    district_id: str,
    channel: str,
    received_at: datetime,
) -> None:
    await conn.execute(Q.add_application, application_id, district_id, channel, received_at)


async def set_application_status(
    conn: asyncpg.Connection, application_id: uuid.UUID, status: str
) -> None:
    await conn.execute(Q.set_application_status, application_id, status)


async def district_figures(conn: asyncpg.Connection, district_id: str) -> dict[str, int]:
    rows = await conn.fetch(Q.district_figures, district_id)
    return {r["event_type"]: r["count"] for r in rows}
