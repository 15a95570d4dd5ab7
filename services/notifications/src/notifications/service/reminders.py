"""Use cases: reminders seven days and one day before the workshop, at a local morning
hour, to every current seat holder with an e-mail address.

Invariants:
- Reminders are scheduled in the transaction that grants the seat and cancelled in the
  one that gives it up; only reminders still ahead of the grant are scheduled.
- The clock claims due reminders with ``FOR UPDATE SKIP LOCKED`` and, in the same
  transaction, stores their deliveries (keyed by the reminder's id) and marks them sent:
  after a crash a reminder is either wholly done or still due, so it fires exactly once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import asyncpg
import structlog

from notifications.adapters import reminder_store, repository
from notifications.adapters.templates import Renderer
from notifications.domain.letters import reminders_to_schedule
from notifications.domain.messages import MessageRequest
from notifications.service.messages import store_messages

log = structlog.get_logger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    days_before: tuple[int, ...] = (7, 1)
    local_time: time = time(9, 0)
    zone: ZoneInfo = BERLIN


async def schedule(
    conn: asyncpg.Connection,
    district_id: str,
    participant_ids: list[uuid.UUID],
    granted_at: datetime,
    policy: ReminderPolicy,
) -> int:
    workshop = await repository.get_workshop(conn, district_id)
    if workshop is None or not participant_ids:
        return 0
    due = reminders_to_schedule(
        workshop["workshop_date"], policy.days_before, policy.local_time, policy.zone, granted_at
    )
    for participant_id in participant_ids:
        for days, at in due:
            await reminder_store.schedule(conn, district_id, participant_id, days, at)
    return len(due) * len(participant_ids)


async def cancel(conn: asyncpg.Connection, participant_ids: list[uuid.UUID]) -> None:
    await reminder_store.cancel(conn, participant_ids)


async def send_due(pool: asyncpg.Pool, renderer: Renderer, now: datetime, batch: int) -> int:
    """Turn the reminders due at ``now`` into deliveries; returns how many fired."""
    async with pool.acquire() as conn, conn.transaction():
        due = await reminder_store.claim_due(conn, now, batch)
        for r in due:
            await store_messages(
                conn,
                [
                    MessageRequest(
                        "reminder", r["participant_id"], {"days_before": r["days_before"]}
                    )
                ],
                source_event_id=r["reminder_id"],
                district_id=r["district_id"],
                renderer=renderer,
            )
            await reminder_store.mark_sent(conn, r["reminder_id"], now)
    if due:
        log.info("reminders_fired", reminders=len(due))
    return len(due)
