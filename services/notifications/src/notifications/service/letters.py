"""Use cases: invitation letters for the people drawn from the register, seat letters for
register participants without e-mail, and the print shop's file per district and wave.

Invariants:
- Recording letters happens in the inbox transaction of InvitationsDrawn; a letter is
  unique per kind and person, so a redelivered event adds nothing.
- Rendering is a background job (a letter takes about 0.2 s, a district's 1,000 about
  three minutes): pending letters are claimed with SKIP LOCKED inside the transaction
  that stores their PDFs, so a crash leaves them pending, never half-written.
- A print file is stored only for a complete, unchanged set (nothing pending), under
  the set's advisory lock, which adding a letter also takes; adding a letter drops it.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import structlog

from notifications.adapters import letter_store, repository
from notifications.adapters.pdf import (
    INVITATION_PAGES,
    SEAT_LETTER_PAGES,
    invitation_pdf,
    merged_pdf,
    seat_letter_pdf,
)
from notifications.domain.letters import (
    INVITATION,
    SEAT_CONFIRMATION,
    Addressee,
    InvitationLetter,
    SeatLetter,
    WorkshopFacts,
    answer_url,
    checkin_payload,
    german_date,
)
from notifications.service.messages import BERLIN, workshop_values
from shared.events.lottery import InvitationsDrawn

log = structlog.get_logger(__name__)
LETTERS_CHANNEL = "letters"


@dataclass(frozen=True, slots=True)
class LetterSettings:
    answer_base_url: str
    sender_line: str


def local_date(at: datetime) -> date:
    return at.astimezone(BERLIN).date()


async def record_invitations(
    conn: asyncpg.Connection, district_id: str, drawn: InvitationsDrawn, occurred_at: datetime
) -> int:
    await letter_store.upsert_invitees(
        conn, district_id, drawn.wave, drawn.invitees, drawn.response_deadline
    )
    added = await letter_store.add_letters(
        conn,
        kind=INVITATION,
        district_id=district_id,
        wave=drawn.wave,
        invitee_ids=[i.invitee_id for i in drawn.invitees],
        letter_date=local_date(occurred_at),
    )
    await conn.execute("SELECT pg_notify($1, '')", LETTERS_CHANNEL)
    return added


def _facts(workshop: asyncpg.Record | None) -> WorkshopFacts:
    values = workshop_values(workshop, "de")
    return WorkshopFacts(values["town"], values["date"], values["time"], values["venue"])


def letter_of(
    row: asyncpg.Record, workshop: asyncpg.Record | None, settings: LetterSettings
) -> InvitationLetter | SeatLetter:
    addressee = Addressee(
        given_name=row["given_name"] or "",
        family_name=row["family_name"] or "",
        street=row["street"] or "",
        house_number=row["house_number"] or "",
        postal_code=row["postal_code"] or "",
        municipality=row["municipality"] or "",
        doctorate=row["doctorate"],
        address_supplement=row["address_supplement"],
    )
    if row["kind"] == INVITATION:
        deadline = row["response_deadline"]
        return InvitationLetter(
            invitee_id=row["invitee_id"],
            addressee=addressee,
            invitation_code=row["invitation_code"] or "",
            answer_url=answer_url(settings.answer_base_url, row["invitation_code"] or ""),
            answer_base_url=settings.answer_base_url.rstrip("/"),
            response_deadline=german_date(deadline) if deadline else None,
            letter_date=german_date(row["letter_date"]),
            workshop=_facts(workshop),
            sender_line=settings.sender_line,
        )
    return SeatLetter(
        invitee_id=row["invitee_id"],
        addressee=addressee,
        checkin_code=checkin_payload(row["district_id"], row["invitee_id"]),
        letter_date=german_date(row["letter_date"]),
        workshop=_facts(workshop),
        sender_line=settings.sender_line,
    )


def _render(letter: InvitationLetter | SeatLetter) -> tuple[bytes, int]:
    if isinstance(letter, InvitationLetter):
        return invitation_pdf(letter), INVITATION_PAGES
    return seat_letter_pdf(letter), SEAT_LETTER_PAGES


async def _workshops(
    conn: asyncpg.Connection, districts: set[str]
) -> dict[str, asyncpg.Record | None]:
    return {d: await repository.get_workshop(conn, d) for d in districts}


async def render_pending(pool: asyncpg.Pool, settings: LetterSettings, batch: int) -> int:
    """Render one batch of pending letters; returns how many were rendered."""
    async with pool.acquire() as conn, conn.transaction():
        rows = await letter_store.claim_pending(conn, batch)
        if not rows:
            return 0
        workshops = await _workshops(conn, {r["district_id"] for r in rows})
        letters = [letter_of(r, workshops[r["district_id"]], settings) for r in rows]
        rendered = await asyncio.to_thread(lambda: [_render(letter) for letter in letters])
        for row, (pdf, pages) in zip(rows, rendered, strict=True):
            await letter_store.store_pdf(conn, row["letter_id"], pdf, pages)
    log.info("letters_rendered", letters=len(rows))
    return len(rows)


async def build_next_bundle(pool: asyncpg.Pool, settings: LetterSettings) -> bool:
    """Build the print file of one complete letter set; False when none is due.

    The file is rendered outside any transaction (a district's set takes a while) and
    stored only if the set is still complete and unchanged, under the set's lock."""
    async with pool.acquire() as conn:
        found = await letter_store.next_set_without_bundle(conn)
        if found is None:
            return False
        district_id, kind, wave = found["district_id"], found["kind"], found["wave"]
        rows = await letter_store.letters_of_set(conn, district_id, kind, wave)
        workshop = await repository.get_workshop(conn, district_id)
    letters = [letter_of(r, workshop, settings) for r in rows]
    pdf = await asyncio.to_thread(merged_pdf, letters)
    pages = sum(int(r["pages"]) for r in rows)
    async with pool.acquire() as conn, conn.transaction():
        await letter_store.lock_set(conn, district_id, kind, wave)
        current = await letter_store.rendered_ids_of_set(conn, district_id, kind, wave)
        if current != sorted(r["letter_id"] for r in rows) or not await letter_store.set_ready(
            conn, district_id, kind, wave
        ):
            return True  # the set changed meanwhile; look again
        await letter_store.store_bundle(conn, district_id, kind, wave, len(rows), pages, pdf)
    log.info(
        "letter_bundle_built", district_id=district_id, kind=kind, wave=wave, letters=len(rows)
    )
    return True


async def add_seat_letter(
    conn: asyncpg.Connection, district_id: str, wave: int, invitee_id: uuid.UUID, on: date
) -> bool:
    return await letter_store.add_letter(
        conn,
        kind=SEAT_CONFIRMATION,
        district_id=district_id,
        wave=wave,
        invitee_id=invitee_id,
        letter_date=on,
    )
