"""Use cases of the applicants' lottery: commit to the pool when applications close,
draw once the public seed is known, and hand freed seats down the waitlist.

Invariants:
- The commitment (sorted pseudonymous pool, its hash, the algorithm, the named public
  source of randomness) is published before the seed exists; the outcome depends only
  on the commitment and the seed, so anyone can recompute it from the audit record.
- One draw per district: a second draw is refused, and a draw interrupted by a crash
  left nothing behind (one transaction), so running it again gives the same result.
- When there are no more applicants than seats, everyone is seated without a lottery.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from lottery.adapters import repository
from lottery.domain import verifiable
from lottery.domain.seating import may_pass_on_seat, split_order
from shared.events.lottery import DrawCommitted, LotteryDrawn, ParticipantPromoted, SeatOffered
from shared.messaging import outbox

KIND = "applicants"
PRODUCER = "lottery"


class DrawRefused(Exception):
    """The draw cannot run; ``reason`` says why in plain words."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DrawResult:
    draw_id: uuid.UUID
    seated: tuple[str, ...]
    waitlist: tuple[str, ...]
    audit_record: dict[str, Any]


def audit_reference(district_id: str, draw_id: uuid.UUID) -> str:
    return f"/draws/{district_id}/{KIND}"


async def commit(
    conn: asyncpg.Connection,
    district_id: str,
    *,
    randomness_source: str,
    now: datetime,
    default_seats: int,
) -> dict[str, Any] | None:
    """Publish the commitment to this district's pool (once); draw at once if no lottery
    is needed. Returns the commitment, or None when it existed already."""
    district = await repository.get_district(conn, district_id)
    seats = district["applicant_seats"] if district else default_seats
    pool = await repository.confirmed_pool(conn, district_id)
    draw_id = uuid.uuid4()
    commitment = verifiable.commitment(
        draw_id=str(draw_id),
        district_id=district_id,
        kind=KIND,
        pool=pool,
        seats=seats,
        randomness_source=randomness_source,
    )
    if not await repository.insert_draw(conn, draw_id, district_id, KIND, commitment):
        return None
    await outbox.append(
        conn,
        DrawCommitted(
            draw_id=draw_id,
            kind=KIND,
            pool_size=len(pool),
            pool_hash=commitment["pool_hash"],
            algorithm=commitment["algorithm"],
            randomness_source=randomness_source,
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    await repository.audit(
        conn,
        "system",
        "draw_committed",
        district_id,
        {"draw_id": str(draw_id), "pool_size": len(pool), "seats": seats},
    )
    if len(pool) <= seats:
        await _finish(conn, district_id, draw_id, commitment, seed=[], actor="system", now=now)
    return commitment


async def draw(
    conn: asyncpg.Connection,
    district_id: str,
    *,
    seed: list[list[str]],
    actor: str,
    now: datetime,
) -> DrawResult:
    """Run the committed draw with the public seed values; refused if already drawn."""
    row = await repository.lock_draw(conn, district_id, KIND)
    if row is None:
        raise DrawRefused(404, "no commitment for this district yet: applications are still open")
    if row["audit_record"] is not None:
        raise DrawRefused(409, "this district's pool has been drawn already; a draw is final")
    return await _finish(
        conn, district_id, row["draw_id"], _json(row["commitment"]), seed=seed, actor=actor, now=now
    )


async def _finish(
    conn: asyncpg.Connection,
    district_id: str,
    draw_id: uuid.UUID,
    commitment: dict[str, Any],
    *,
    seed: list[list[str]],
    actor: str,
    now: datetime,
) -> DrawResult:
    record = verifiable.perform(commitment, seed)
    outcome = split_order(record["order"], commitment["seats"])
    await repository.record_outcome(conn, draw_id, seed, record, now)
    await repository.insert_placements(conn, district_id, outcome.seated, outcome.waitlist, now)
    await outbox.append(
        conn,
        LotteryDrawn(
            draw_id=draw_id,
            seated=tuple(uuid.UUID(x) for x in outcome.seated),
            waitlist=tuple(uuid.UUID(x) for x in outcome.waitlist),
            audit_reference=audit_reference(district_id, draw_id),
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    await repository.audit(
        conn,
        actor,
        "draw_performed",
        district_id,
        {"draw_id": str(draw_id), "seated": len(outcome.seated), "waitlist": len(outcome.waitlist)},
    )
    # People who withdrew between the closing and the draw hand their seat on at once.
    for application_id in await repository.withdrawn_applicants(conn, district_id):
        await release_seat(conn, application_id, now=now)
    return DrawResult(draw_id, outcome.seated, outcome.waitlist, record)


async def release_seat(
    conn: asyncpg.Connection, application_id: uuid.UUID, *, now: datetime
) -> uuid.UUID | None:
    """A seat holder withdrew or declined: the first person waiting gets the seat.
    Returns who moved up, if anyone. Releasing twice changes nothing."""
    placement = await repository.lock_placement(conn, application_id)
    if placement is None or placement["state"] == "released":
        return None
    await repository.release(conn, application_id)
    if placement["state"] != "seated":
        return None
    district_id = placement["district_id"]
    district = await repository.get_district(conn, district_id)
    if not may_pass_on_seat(now.date(), district["workshop_date"] if district else None):
        return None
    waiting = await repository.next_waiting(conn, district_id)
    if waiting is None:
        return None
    promoted = waiting["application_id"]
    await repository.seat(conn, promoted, now, application_id)
    position = waiting["waitlist_position"]
    await outbox.append(
        conn,
        SeatOffered(application_id=promoted, waitlist_position=position, offered_at=now),
        district_id=district_id,
        producer=PRODUCER,
    )
    await outbox.append(
        conn,
        ParticipantPromoted(
            application_id=promoted, waitlist_position=position, replaces=application_id
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    return promoted


def _json(value: Any) -> dict[str, Any]:
    import json

    result: dict[str, Any] = json.loads(value) if isinstance(value, str) else value
    return result
