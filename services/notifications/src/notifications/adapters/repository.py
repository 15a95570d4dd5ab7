"""Notifications' store of recipients (SQL in ``sql/recipients.sql``)."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg

from shared.events.common import Applicant
from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "recipients.sql")


async def add_recipient(
    conn: asyncpg.Connection, recipient_ref: uuid.UUID, district_id: str, person: Applicant
) -> None:
    await conn.execute(
        Q.add_recipient,
        recipient_ref,
        district_id,
        person.given_name,
        person.family_name,
        person.email,
        person.language.value,
    )
