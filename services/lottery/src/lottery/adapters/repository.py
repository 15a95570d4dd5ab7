"""The lottery's store: applicants, districts, draws, placements and the audit log
(SQL in ``sql/applicants.sql`` and ``sql/draws.sql``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg

from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "applicants.sql")
D = load_queries(Path(__file__).parent / "sql" / "draws.sql")


async def add_applicant(
    conn: asyncpg.Connection, application_id: uuid.UUID, district_id: str, received_at: datetime
) -> None:
    await conn.execute(Q.add_applicant, application_id, district_id, received_at)


async def set_status(conn: asyncpg.Connection, application_id: uuid.UUID, status: str) -> None:
    await conn.execute(Q.set_status, application_id, status)


async def add_applicants(
    conn: asyncpg.Connection, applicants: Sequence[tuple[uuid.UUID, str, datetime]]
) -> None:
    await conn.execute(
        Q.add_applicants,
        [a[0] for a in applicants],
        [a[1] for a in applicants],
        [a[2] for a in applicants],
    )


async def set_statuses(
    conn: asyncpg.Connection, application_ids: Sequence[uuid.UUID], status: str
) -> None:
    await conn.execute(Q.set_statuses, list(application_ids), status)


async def upsert_district(
    conn: asyncpg.Connection,
    district_id: str,
    applicant_seats: int,
    register_seats: int,
    workshop_date: date,
) -> None:
    await conn.execute(
        D.upsert_district, district_id, applicant_seats, register_seats, workshop_date
    )


async def get_district(conn: asyncpg.Connection, district_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(D.get_district, district_id)


async def confirmed_pool(conn: asyncpg.Connection, district_id: str) -> list[str]:
    return [str(r["application_id"]) for r in await conn.fetch(D.confirmed_pool, district_id)]


async def insert_draw(
    conn: asyncpg.Connection,
    draw_id: uuid.UUID,
    district_id: str,
    kind: str,
    commitment: dict[str, Any],
) -> bool:
    inserted = await conn.fetchval(
        D.insert_draw, draw_id, district_id, kind, json.dumps(commitment)
    )
    return inserted is not None


async def lock_draw(conn: asyncpg.Connection, district_id: str, kind: str) -> asyncpg.Record | None:
    return await conn.fetchrow(D.lock_draw, district_id, kind)


async def get_draw(conn: asyncpg.Connection, district_id: str, kind: str) -> asyncpg.Record | None:
    return await conn.fetchrow(D.get_draw, district_id, kind)


async def record_outcome(
    conn: asyncpg.Connection,
    draw_id: uuid.UUID,
    seed: Any,
    audit_record: dict[str, Any],
    at: datetime,
) -> None:
    await conn.execute(D.record_outcome, draw_id, json.dumps(seed), json.dumps(audit_record), at)


async def insert_placements(
    conn: asyncpg.Connection,
    district_id: str,
    seated: tuple[str, ...],
    waitlist: tuple[str, ...],
    at: datetime,
) -> None:
    ids = [uuid.UUID(x) for x in (*seated, *waitlist)]
    states = ["seated"] * len(seated) + ["waitlisted"] * len(waitlist)
    positions: list[int | None] = [None] * len(seated) + list(range(1, len(waitlist) + 1))
    await conn.execute(D.insert_placements, ids, district_id, states, positions, at)


async def lock_placement(
    conn: asyncpg.Connection, application_id: uuid.UUID
) -> asyncpg.Record | None:
    return await conn.fetchrow(D.lock_placement, application_id)


async def release(conn: asyncpg.Connection, application_id: uuid.UUID) -> None:
    await conn.execute(D.release, application_id)


async def next_waiting(conn: asyncpg.Connection, district_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(D.next_waiting, district_id)


async def seat(
    conn: asyncpg.Connection, application_id: uuid.UUID, at: datetime, replaces: uuid.UUID
) -> None:
    await conn.execute(D.seat, application_id, at, replaces)


async def withdrawn_applicants(conn: asyncpg.Connection, district_id: str) -> list[uuid.UUID]:
    return [r["application_id"] for r in await conn.fetch(D.withdrawn_applicants, district_id)]


async def placement_counts(conn: asyncpg.Connection, district_id: str) -> dict[str, int]:
    return {r["state"]: int(r["n"]) for r in await conn.fetch(D.placement_counts, district_id)}


async def audit(
    conn: asyncpg.Connection,
    actor: str,
    action: str,
    district_id: str | None,
    detail: dict[str, Any],
) -> None:
    await conn.execute(D.audit, actor, action, district_id, json.dumps(detail))
