"""Hand-over of a seat in the last days or on the workshop day: staff reached someone
on the waitlist by phone who takes the freed seat now, whatever their place in line.

Invariants:
- Only a seat of the district changes hands: one that is held now (staff free it) or
  one freed by a withdrawal that nobody has taken over yet.
- Only a person waiting in the same district can take it.
- The seat changes hands through the same events as any promotion (SeatOffered, then
  ParticipantPromoted naming whom the person replaces), and the audit log names the
  staff member.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import asyncpg

from lottery.adapters import repository
from lottery.service.draws import PRODUCER
from shared.events.lottery import ParticipantPromoted, SeatOffered
from shared.messaging import outbox
from shared.sql import load_queries

Q = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "hand_over.sql")


class HandOverRefused(Exception):
    def __init__(self, status: int, code: str, de: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.de, self.en = status, code, de, en


async def hand_over(
    conn: asyncpg.Connection,
    district_id: str,
    seat_of: uuid.UUID,
    to: uuid.UUID,
    *,
    actor: str,
    now: datetime,
) -> int:
    """Give the seat of ``seat_of`` to the waiting ``to``; returns ``to``'s former
    waitlist position. Run inside a transaction."""
    holder = await repository.lock_placement(conn, seat_of)
    if holder is None or holder["district_id"] != district_id:
        raise HandOverRefused(
            404,
            "no-seat",
            "Diese Person hat in diesem Landkreis keinen Platz.",
            "This person has no seat in this district.",
        )
    if holder["state"] == "waitlisted" or (
        holder["state"] == "released" and await conn.fetchval(Q.successor, seat_of) is not None
    ):
        raise HandOverRefused(
            409,
            "seat-not-free",
            "Dieser Platz ist nicht (mehr) zu vergeben.",
            "This seat is not there to hand over (any more).",
        )
    taker = await repository.lock_placement(conn, to)
    if taker is None or taker["district_id"] != district_id or taker["state"] != "waitlisted":
        raise HandOverRefused(
            409,
            "not-waiting",
            "Die gewählte Person steht in diesem Landkreis nicht auf der Warteliste.",
            "The chosen person is not on this district's waitlist.",
        )
    if holder["state"] == "seated":
        await repository.release(conn, seat_of)
    await repository.seat(conn, to, now, seat_of)
    position = int(taker["waitlist_position"])
    await outbox.append(
        conn,
        SeatOffered(application_id=to, waitlist_position=position, offered_at=now),
        district_id=district_id,
        producer=PRODUCER,
    )
    await outbox.append(
        conn,
        ParticipantPromoted(application_id=to, waitlist_position=position, replaces=seat_of),
        district_id=district_id,
        producer=PRODUCER,
    )
    await repository.audit(
        conn,
        actor,
        "seat_handed_over",
        district_id,
        {"seat_of": str(seat_of), "to": str(to), "waitlist_position": position},
    )
    return position
