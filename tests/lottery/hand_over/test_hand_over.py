"""Hand-over on the workshop day: a seat freed by a late withdrawal goes to the person
staff reached by phone, not the next in line, through the same events as a promotion."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import pytest

from lottery.main import MIGRATIONS
from lottery.service import draws
from lottery.service.hand_over import HandOverRefused, hand_over
from shared.db import migrate, migration_files
from shared.events import decode
from shared.events.lottery import ParticipantPromoted, SeatOffered

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    await migrate(pool, migration_files(MIGRATIONS))
    async with pool.acquire() as c:
        yield c
    await pool.close()


async def seats(conn: asyncpg.Connection, district: str) -> dict[str, list[uuid.UUID]]:
    """Two seated, three waiting, on the workshop day itself."""
    await conn.execute(
        "INSERT INTO districts (district_id, applicant_seats, register_seats, workshop_date)"
        " VALUES ($1, 2, 0, $2)",
        district,
        date.today(),
    )
    ids = {"seated": [uuid.uuid4(), uuid.uuid4()], "waiting": [uuid.uuid4() for _ in range(3)]}
    for a in ids["seated"]:
        await conn.execute(
            "INSERT INTO placements (application_id, district_id, state, seated_at)"
            " VALUES ($1, $2, 'seated', now())",
            a,
            district,
        )
    for i, a in enumerate(ids["waiting"], start=1):
        await conn.execute(
            "INSERT INTO placements (application_id, district_id, state, waitlist_position)"
            " VALUES ($1, $2, 'waitlisted', $3)",
            a,
            district,
            i,
        )
    return ids


async def published(conn: asyncpg.Connection) -> list[object]:
    return [
        decode(r["value"]).payload for r in await conn.fetch("SELECT value FROM outbox ORDER BY id")
    ]


async def test_a_late_withdrawal_is_handed_to_the_chosen_waiting_person(
    conn: asyncpg.Connection,
) -> None:
    ids = await seats(conn, "halle")
    leaver, chosen = ids["seated"][0], ids["waiting"][2]
    async with conn.transaction():
        # On the day a withdrawal frees the seat but does not pass it on by itself.
        assert await draws.release_seat(conn, leaver, now=NOW) is None
    async with conn.transaction():
        position = await hand_over(conn, "halle", leaver, chosen, actor="staff@test", now=NOW)
    assert position == 3
    events = await published(conn)
    assert [type(e) for e in events] == [SeatOffered, ParticipantPromoted]
    promoted = events[1]
    assert isinstance(promoted, ParticipantPromoted)
    assert (promoted.application_id, promoted.replaces, promoted.waitlist_position) == (
        chosen,
        leaver,
        3,
    )
    states = dict(await conn.fetch("SELECT application_id, state FROM placements"))
    assert states[chosen] == "seated" and states[ids["waiting"][0]] == "waitlisted"
    # The seat has changed hands: it cannot be handed over a second time.
    with pytest.raises(HandOverRefused) as again:
        async with conn.transaction():
            await hand_over(conn, "halle", leaver, ids["waiting"][0], actor="s", now=NOW)
    assert again.value.code == "seat-not-free"
    assert (
        await conn.fetchval("SELECT count(*) FROM audit_log WHERE action = 'seat_handed_over'") == 1
    )


async def test_staff_free_a_held_seat_only_for_someone_waiting_in_the_district(
    conn: asyncpg.Connection,
) -> None:
    ids = await seats(conn, "halle")
    holder = ids["seated"][1]
    with pytest.raises(HandOverRefused) as seated_taker:
        async with conn.transaction():
            await hand_over(conn, "halle", holder, ids["seated"][0], actor="s", now=NOW)
    assert seated_taker.value.code == "not-waiting"
    with pytest.raises(HandOverRefused) as elsewhere:
        async with conn.transaction():
            await hand_over(conn, "leipzig", holder, ids["waiting"][0], actor="s", now=NOW)
    assert elsewhere.value.code == "no-seat"
    assert await published(conn) == []
    async with conn.transaction():
        await hand_over(conn, "halle", holder, ids["waiting"][1], actor="s", now=NOW)
    states = dict(await conn.fetch("SELECT application_id, state FROM placements"))
    assert states[holder] == "released" and states[ids["waiting"][1]] == "seated"
