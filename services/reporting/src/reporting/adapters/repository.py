"""Reporting's read models: writes per event and reads for the figures.

SQL lives in ``sql/read_models.sql`` (writes) and ``sql/figures.sql`` (reads). Every read
takes a district id, or None for the whole region. ``READ_MODEL_TABLES`` names every
table a rebuild empties and refills; nothing outside it is derived from events.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import asyncpg

from shared.sql import load_queries

W = load_queries(Path(__file__).parent / "sql" / "read_models.sql")
R = load_queries(Path(__file__).parent / "sql" / "figures.sql")

READ_MODEL_TABLES: tuple[str, ...] = (
    "event_counts",
    "workshops",
    "applications",
    "closings",
    "draws",
    "placements",
    "register_draws",
    "invitees",
    "invitation_answers",
    "ideas",
    "notifications",
    "panels",
    "panel_members",
    "population",
    "erasures",
    "check_ins",
    "guidelines",
)

Row = dict[str, Any]


# --- writes -------------------------------------------------------------------------


async def count_event(conn: asyncpg.Connection, district_id: str, event_type: str) -> None:
    await conn.execute(W.count_event, district_id, event_type)


async def schedule_workshop(
    conn: asyncpg.Connection,
    district_id: str,
    workshop_date: date,
    town: str,
    venue: str | None,
    applicant_seats: int,
    register_seats: int,
    application_deadline: datetime,
    starts_at: datetime | None,
) -> None:
    await conn.execute(
        W.schedule_workshop,
        district_id,
        workshop_date,
        town,
        venue,
        applicant_seats,
        register_seats,
        application_deadline,
        starts_at,
    )


async def execute(conn: asyncpg.Connection, query: str, *args: Any) -> None:
    """Run one named write block (``W.<name>``) with its arguments."""
    await conn.execute(query, *args)


async def place(
    conn: asyncpg.Connection,
    district_id: str,
    state: str,
    application_ids: Sequence[uuid.UUID],
    positions: Sequence[int | None],
) -> None:
    await conn.execute(W.place, list(application_ids), district_id, state, list(positions))


async def add_invitees(
    conn: asyncpg.Connection,
    district_id: str,
    invitees: Sequence[tuple[uuid.UUID, str, str]],
    wave: int,
) -> None:
    await conn.execute(
        W.add_invitees,
        [i[0] for i in invitees],
        district_id,
        [i[1] for i in invitees],
        [i[2] for i in invitees],
        wave,
    )


async def seat_panel(
    conn: asyncpg.Connection,
    district_id: str,
    seated: Sequence[uuid.UUID],
    reserves: Sequence[uuid.UUID],
) -> None:
    """Replace the district's panel members: the seated, then the reserves in order."""
    await conn.execute(W.clear_panel_members, district_id)
    await conn.execute(
        W.add_panel_members, list(seated), district_id, "seated", [None] * len(seated)
    )
    positions = list(range(1, len(reserves) + 1))
    await conn.execute(W.add_panel_members, list(reserves), district_id, "reserve", positions)


async def replace_population(
    conn: asyncpg.Connection,
    district_id: str,
    strata: Sequence[tuple[str, str, str, int]],
) -> None:
    """The district's population by stratum, as the latest register import gives it."""
    await conn.execute(W.clear_population, district_id)
    await conn.execute(
        W.add_population,
        district_id,
        [s[0] for s in strata],
        [s[1] for s in strata],
        [s[2] for s in strata],
        [s[3] for s in strata],
    )


# --- reads --------------------------------------------------------------------------


async def fetch(conn: asyncpg.Connection, query: str, district_id: str | None) -> list[Row]:
    return [dict(r) for r in await conn.fetch(query, district_id)]


async def fetch_one(conn: asyncpg.Connection, query: str, district_id: str | None) -> Row:
    row = await conn.fetchrow(query, district_id)
    return dict(row) if row is not None else {}


async def event_counts(conn: asyncpg.Connection, district_id: str | None) -> dict[str, int]:
    rows = await fetch(conn, R.event_counts, district_id)
    return {r["event_type"]: int(r["count"]) for r in rows}


async def search_ideas(
    conn: asyncpg.Connection, district_id: str | None, query: str | None, limit: int = 200
) -> list[Row]:
    pattern = None
    if query:
        pattern = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return [dict(r) for r in await conn.fetch(R.search_ideas, district_id, pattern, limit)]


async def participants(conn: asyncpg.Connection, district_id: str) -> list[Row]:
    return await fetch(conn, R.participants, district_id)


async def table_contents(conn: asyncpg.Connection) -> dict[str, list[Row]]:
    """Every read model's rows in a stable order (for comparing a rebuild)."""
    result: dict[str, list[Row]] = {}
    for table in READ_MODEL_TABLES:
        rows = await conn.fetch(f"SELECT * FROM {table}")  # fixed table names
        result[table] = sorted((dict(r) for r in rows), key=lambda r: repr(sorted(r.items())))
    return result


async def truncate(conn: asyncpg.Connection) -> None:
    await conn.execute("TRUNCATE " + ", ".join(READ_MODEL_TABLES))
