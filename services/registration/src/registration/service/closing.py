"""Use case: the closing barrier. When a district's time is up, unconfirmed web
applications lapse and ApplicationsClosed is emitted with the counts.

Invariants: exactly once per district (the district row records it, under the district's
exclusive barrier lock, in the transaction that emits the event), and after every
application of the district (applications hold the barrier lock shared until they commit, and
the relay publishes in that order on the district's partition).
"""

from __future__ import annotations

from datetime import datetime

import asyncpg
import structlog

from registration.adapters import repository
from registration.domain.applications import Status
from shared.events.registration import ApplicationsClosed
from shared.messaging import outbox

log = structlog.get_logger(__name__)


async def close_due_districts(pool: asyncpg.Pool, now: datetime) -> list[str]:
    async with pool.acquire() as conn:
        due = await repository.districts_due(conn, now)
    closed = []
    for district_id in due:
        async with pool.acquire() as conn, conn.transaction():
            row = await repository.lock_for_closing(conn, district_id)
            if row is None or row["closed_at"] is not None:
                continue
            counts = await repository.close(conn, district_id, now)
            total = sum(counts.values())
            await outbox.append(
                conn,
                ApplicationsClosed(
                    deadline=row["application_deadline"],
                    received=total,
                    confirmed=counts.get(Status.CONFIRMED, 0),
                    lapsed=counts.get(Status.LAPSED, 0),
                ),
                district_id=district_id,
                producer="registration",
            )
        closed.append(district_id)
        log.info("applications_closed", district_id=district_id, received=total)
    return closed
