"""Registration's store in PostgreSQL (SQL in ``sql/applications.sql``).

The closing barrier's lock is an advisory lock per district: applications take it
shared and the closing exclusively (see ``service/closing.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg

from registration.domain.applications import Application, Status
from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "applications.sql")


async def upsert_district(
    conn: asyncpg.Connection,
    district_id: str,
    *,
    deadline: datetime,
    closes_at: datetime,
    workshop_date: date,
    applicant_seats: int,
    register_seats: int,
) -> bool:
    """Insert or update the district; True when something changed."""
    changed = await conn.fetchval(
        Q.upsert_district,
        district_id,
        deadline,
        closes_at,
        workshop_date,
        applicant_seats,
        register_seats,
    )
    return changed is not None


async def district_open_for_applications(conn: asyncpg.Connection, district_id: str) -> bool:
    """Takes the district's shared barrier lock for the rest of the transaction."""
    await conn.execute(Q.barrier_shared, district_id)
    row = await conn.fetchrow(Q.district_state, district_id)
    return row is not None and row["closed_at"] is None


async def insert_applications(
    conn: asyncpg.Connection, apps: Sequence[Application]
) -> set[uuid.UUID]:
    """Store the applications; returns the ids of those stored (a person or card already
    there, or earlier in ``apps``, is left out)."""
    if not apps:
        return set()
    columns: list[list[Any]] = [[] for _ in range(22)]
    for app in apps:
        a = app.applicant
        addr = a.address
        row = (
            app.application_id,
            app.district_id,
            app.person_key,
            app.channel.value,
            app.submission_id,
            app.card_id,
            a.given_name,
            a.family_name,
            addr.street if addr else None,
            addr.house_number if addr else None,
            addr.postal_code if addr else None,
            addr.municipality if addr else None,
            a.email,
            a.phone,
            a.birth_year,
            a.gender.value,
            ",".join(n.value for n in a.accessibility_needs),
            a.accessibility_other,
            a.language.value,
            app.consent_text_version,
            app.status.value,
            app.received_at,
        )
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    rows = await conn.fetch(Q.insert_applications, *columns)
    return {r["application_id"] for r in rows}


async def find_by_submission(
    conn: asyncpg.Connection, submission_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.find_by_submission, submission_id)


async def card_exists(conn: asyncpg.Connection, district_id: str, card_id: str) -> bool:
    return await conn.fetchval(Q.find_card, district_id, card_id) is not None


async def get_application(
    conn: asyncpg.Connection, application_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.get_application, application_id)


async def confirm(conn: asyncpg.Connection, application_id: uuid.UUID, at: datetime) -> bool:
    return await conn.fetchval(Q.confirm_application, application_id, at) is not None


async def withdraw(conn: asyncpg.Connection, application_id: uuid.UUID, at: datetime) -> bool:
    return await conn.fetchval(Q.withdraw_application, application_id, at) is not None


async def districts_due(conn: asyncpg.Connection, now: datetime) -> list[str]:
    return [r["district_id"] for r in await conn.fetch(Q.districts_due, now)]


async def lock_for_closing(conn: asyncpg.Connection, district_id: str) -> asyncpg.Record | None:
    """Takes the district's exclusive barrier lock, then reads its state."""
    await conn.execute(Q.barrier_exclusive, district_id)
    return await conn.fetchrow(Q.district_state, district_id)


async def close(conn: asyncpg.Connection, district_id: str, at: datetime) -> dict[Status, int]:
    await conn.execute(Q.lapse_unconfirmed, district_id)
    await conn.execute(Q.close_district, district_id, at)
    rows = await conn.fetch(Q.count_by_status, district_id)
    return {Status(r["status"]): int(r["n"]) for r in rows}


async def insert_idea(
    conn: asyncpg.Connection,
    idea_id: uuid.UUID,
    district_id: str,
    text: str,
    field_of_action: str | None,
    author_name: str | None,
    author_email: str | None,
    submitted_at: datetime,
) -> None:
    await conn.execute(
        Q.insert_idea,
        idea_id,
        district_id,
        text,
        field_of_action,
        author_name,
        author_email,
        submitted_at,
    )


async def list_ideas(
    conn: asyncpg.Connection, district_id: str, moderation: str | None
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.list_ideas, district_id, moderation))


async def moderate_idea(conn: asyncpg.Connection, idea_id: uuid.UUID, state: str) -> str | None:
    district: str | None = await conn.fetchval(Q.moderate_idea, idea_id, state)
    return district


async def idea_district(conn: asyncpg.Connection, idea_id: uuid.UUID) -> str | None:
    district: str | None = await conn.fetchval(Q.idea_district, idea_id)
    return district
