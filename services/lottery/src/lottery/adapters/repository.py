"""The lottery's store of applicants (SQL in ``sql/applicants.sql``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import asyncpg

from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "applicants.sql")


async def add_applicant(
    conn: asyncpg.Connection, application_id: uuid.UUID, district_id: str, received_at: datetime
) -> None:
    await conn.execute(Q.add_applicant, application_id, district_id, received_at)


async def set_status(conn: asyncpg.Connection, application_id: uuid.UUID, status: str) -> None:
    await conn.execute(Q.set_status, application_id, status)
