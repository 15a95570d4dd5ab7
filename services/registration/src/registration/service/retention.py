"""Use case: retention. A configured number of days after a district's workshop, its
residents' personal data is erased and PersonalDataErased tells every other service to
erase theirs.

Invariants: once per district (the district row records it, under a row lock, in the
transaction that emits the event); what stays is pseudonymous (application ids, channel,
status, times, gender and municipality for the figures), so the draws' audit records and
the aggregate figures remain verifiable.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import asyncpg
import structlog

from shared.events.registration import PersonalDataErased
from shared.messaging import outbox
from shared.sql import load_queries

Q = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "retention.sql")
log = structlog.get_logger(__name__)

_OUTBOX_WAIT_ROUNDS = 80

ERASURES: tuple[str, ...] = (
    Q.erase_applications,
    Q.erase_idea_authors,
    Q.erase_invitation_answers,
    Q.erase_invitee_names,
)
"""Every statement that erases a district's personal data in registration's store."""


async def erase_due_districts(
    pool: asyncpg.Pool, now: datetime, *, retention_days: int
) -> list[str]:
    async with pool.acquire() as conn:
        due = await conn.fetch(Q.districts_due_for_erasure, now.date(), retention_days)
    erased = []
    for row in due:
        if await erase_district(pool, row["district_id"], now, retention_days=retention_days):
            erased.append(row["district_id"])
    return erased


async def erase_district(
    pool: asyncpg.Pool, district_id: str, now: datetime, *, retention_days: int
) -> bool:
    """Erase one district's personal data now; False if it was erased before (or is
    unknown). The retention clock calls this when the time has come; an administrator
    may call it earlier (e.g. when the process is cancelled).

    The district's messages still waiting in the outbox are let out first (a few
    seconds at most): once published they can be deleted with the rest, whereas an
    unpublished one would keep its personal data until the outbox purge."""
    for _ in range(_OUTBOX_WAIT_ROUNDS):
        async with pool.acquire() as conn:
            if not await outbox.pending_for_district(conn, district_id):
                break
        await asyncio.sleep(0.25)
    async with pool.acquire() as conn, conn.transaction():
        current = await conn.fetchrow(Q.lock_district_for_erasure, district_id)
        if current is None or current["personal_data_erased_at"] is not None:
            return False
        for statement in ERASURES:
            await conn.execute(statement, district_id)
        await outbox.forget_published(conn, district_id)
        await conn.execute(Q.mark_erased, district_id, now)
        await outbox.append(
            conn,
            PersonalDataErased(
                workshop_date=current["workshop_date"],
                retention_days=retention_days,
                erased_at=now,
            ),
            district_id=district_id,
            producer="registration",
        )
    log.info("personal_data_erased", district_id=district_id)
    return True
