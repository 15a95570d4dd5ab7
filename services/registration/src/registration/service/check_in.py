"""Use cases of the check-in: learn from the lottery who holds a seat, check people in
by the code on their seat confirmation or after a search by name, and count who came.

Invariants:
- Only a seat holder of the district can be checked in; a person who gave up their seat
  or is still waiting is refused with the reason.
- A person is checked in once: a second scan answers "already checked in" and announces
  nothing; the row and ParticipantCheckedIn commit together.
- The lottery's announcements are applied idempotently, in the order of the district's
  partition (a promotion seats the person and releases the one replaced).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import asyncpg

from registration.domain.workshop_day import check_in_refusal, name_pattern
from shared.events import ReceivedEvent
from shared.events.lottery import InvitationsDrawn, LotteryDrawn, PanelDrawn, ParticipantPromoted
from shared.events.registration import ParticipantCheckedIn
from shared.messaging import outbox
from shared.messaging.inbox import Handler
from shared.sql import load_queries

Q = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "workshop_day.sql")
PRODUCER = "registration"
SEARCH_LIMIT = 20
Method = Literal["qr_code", "name_search"]


class CheckInRefused(Exception):
    def __init__(self, status: int, code: str, de: str, en: str) -> None:
        super().__init__(en)
        self.status, self.code, self.de, self.en = status, code, de, en


@dataclass(frozen=True, slots=True)
class Person:
    participant_id: uuid.UUID
    given_name: str | None
    family_name: str | None
    half: str
    state: str
    checked_in_at: datetime | None


@dataclass(frozen=True, slots=True)
class CheckedIn:
    person: Person
    already: bool


# --- what the lottery announces -------------------------------------------------------


async def on_lottery_drawn(conn: asyncpg.Connection, district_id: str, e: LotteryDrawn) -> None:
    ids = [*e.seated, *e.waitlist]
    states = ["seated"] * len(e.seated) + ["waitlisted"] * len(e.waitlist)
    await conn.execute(Q.add_seats, ids, district_id, "applicants", states)


async def on_panel_drawn(conn: asyncpg.Connection, district_id: str, e: PanelDrawn) -> None:
    ids = [*e.seated, *e.reserves]
    states = ["seated"] * len(e.seated) + ["waitlisted"] * len(e.reserves)
    await conn.execute(Q.add_seats, ids, district_id, "register", states)


async def on_participant_promoted(
    conn: asyncpg.Connection, district_id: str, e: ParticipantPromoted
) -> None:
    half = await conn.fetchval(Q.half_of, e.replaces)
    await conn.execute(Q.seat, e.application_id, district_id, half or "applicants")
    await conn.execute(Q.release, e.replaces)


async def on_invitations_drawn(
    conn: asyncpg.Connection, district_id: str, e: InvitationsDrawn
) -> None:
    await conn.execute(
        Q.add_invitee_names,
        [i.invitee_id for i in e.invitees],
        district_id,
        [i.given_name for i in e.invitees],
        [i.family_name for i in e.invitees],
    )


# --- the check-in ---------------------------------------------------------------------


def _person(row: asyncpg.Record) -> Person:
    return Person(
        row["participant_id"],
        row["given_name"],
        row["family_name"],
        row["half"],
        row["state"],
        row["checked_in_at"],
    )


async def check_in(
    conn: asyncpg.Connection,
    district_id: str,
    participant_id: uuid.UUID,
    *,
    method: Method,
    by: str,
    now: datetime,
) -> CheckedIn:
    """Check the participant in (inside the caller's transaction)."""
    row = await conn.fetchrow(Q.lock_participant, participant_id)
    if row is None or row["district_id"] != district_id:
        raise CheckInRefused(
            404,
            "not-a-participant",
            "Diese Person ist für den Workshop in diesem Landkreis nicht ausgelost.",
            "This person was not drawn for this district's workshop.",
        )
    refusal = check_in_refusal(row["state"], row["application_status"])
    if refusal is not None:
        raise CheckInRefused(refusal.status, refusal.code, refusal.de, refusal.en)
    if row["checked_in_at"] is not None:
        return CheckedIn(_person(row), already=True)
    await conn.execute(Q.check_in, participant_id, now, method, by)
    await outbox.append(
        conn,
        ParticipantCheckedIn(
            participant_id=participant_id, half=row["half"], method=method, checked_in_at=now
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    person = _person(row)
    return CheckedIn(
        Person(
            person.participant_id,
            person.given_name,
            person.family_name,
            person.half,
            person.state,
            now,
        ),
        already=False,
    )


async def search(conn: asyncpg.Connection, district_id: str, query: str) -> list[Person]:
    pattern = name_pattern(query)
    if pattern is None:
        return []
    rows = await conn.fetch(Q.search, district_id, pattern, SEARCH_LIMIT)
    return [
        _person(r)
        if r["application_status"] != "withdrawn"
        else Person(
            r["participant_id"],
            r["given_name"],
            r["family_name"],
            r["half"],
            "released",
            r["checked_in_at"],
        )
        for r in rows
    ]


async def attendance(conn: asyncpg.Connection, district_id: str) -> dict[str, dict[str, int]]:
    """Seated and checked in, per half."""
    return {
        r["half"]: {"seated": r["seated"], "checked_in": r["checked_in"]}
        for r in await conn.fetch(Q.attendance, district_id)
    }


def event_handlers() -> dict[str, Handler]:
    """Handlers of the lottery's announcements about seats and register invitees."""

    def handler(apply: Callable[[asyncpg.Connection, str, Any], Awaitable[None]]) -> Handler:
        async def handle(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
            await apply(conn, event.envelope.district_id, event.payload)

        return handle

    return {
        LotteryDrawn.event_type: handler(on_lottery_drawn),
        PanelDrawn.event_type: handler(on_panel_drawn),
        ParticipantPromoted.event_type: handler(on_participant_promoted),
        InvitationsDrawn.event_type: handler(on_invitations_drawn),
    }
