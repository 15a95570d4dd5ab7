"""Notifications' store of register invitees, printed letters and their print files
(SQL in ``sql/letters.sql``)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import asyncpg

from shared.events.lottery import Invitee
from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "letters.sql")


async def upsert_invitees(
    conn: asyncpg.Connection,
    district_id: str,
    wave: int,
    invitees: tuple[Invitee, ...],
    response_deadline: date | None,
) -> None:
    await conn.executemany(
        Q.upsert_invitee,
        [
            (
                i.invitee_id,
                district_id,
                wave,
                i.invitation_code,
                i.given_name,
                i.family_name,
                i.doctorate,
                i.street,
                i.house_number,
                i.address_supplement,
                i.postal_code,
                i.municipality,
                response_deadline,
            )
            for i in invitees
        ],
    )


async def record_answer(
    conn: asyncpg.Connection,
    invitee_id: uuid.UUID,
    district_id: str,
    accepts: bool,
    email: str | None,
    language: str,
) -> None:
    await conn.execute(Q.record_answer, invitee_id, district_id, accepts, email, language)


async def mark_seated(
    conn: asyncpg.Connection, district_id: str, invitee_ids: list[uuid.UUID], by: uuid.UUID
) -> None:
    await conn.execute(Q.mark_seated, invitee_ids, district_id, by)


async def seats_to_confirm(conn: asyncpg.Connection, district_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.seats_to_confirm, district_id))


async def mark_seat_confirmed(conn: asyncpg.Connection, invitee_id: uuid.UUID) -> None:
    await conn.execute(Q.mark_seat_confirmed, invitee_id)


async def add_letter(
    conn: asyncpg.Connection,
    *,
    kind: str,
    district_id: str,
    wave: int,
    invitee_id: uuid.UUID,
    letter_date: date,
) -> bool:
    """A pending letter; False if this person already has one of this kind."""
    await lock_set(conn, district_id, kind, wave)
    added = await conn.fetchval(
        Q.add_letter, uuid.uuid4(), kind, district_id, wave, invitee_id, letter_date
    )
    if added is not None:
        await conn.execute(Q.drop_bundle, district_id, kind, wave)
    return added is not None


async def add_letters(
    conn: asyncpg.Connection,
    *,
    kind: str,
    district_id: str,
    wave: int,
    invitee_ids: list[uuid.UUID],
    letter_date: date,
) -> int:
    """Pending letters for many people at once; returns how many were new."""
    await lock_set(conn, district_id, kind, wave)
    added = await conn.fetch(Q.add_letters, kind, district_id, wave, invitee_ids, letter_date)
    if added:
        await conn.execute(Q.drop_bundle, district_id, kind, wave)
    return len(added)


async def claim_pending(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.claim_pending_letters, limit))


async def store_pdf(conn: asyncpg.Connection, letter_id: uuid.UUID, pdf: bytes, pages: int) -> None:
    await conn.execute(Q.store_letter_pdf, letter_id, pdf, pages)


async def next_set_without_bundle(conn: asyncpg.Connection) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.sets_without_bundle)


async def lock_set(conn: asyncpg.Connection, district_id: str, kind: str, wave: int) -> None:
    await conn.execute(Q.lock_set, district_id, kind, wave)


async def set_ready(conn: asyncpg.Connection, district_id: str, kind: str, wave: int) -> bool:
    return bool(await conn.fetchval(Q.set_ready, district_id, kind, wave))


async def rendered_ids_of_set(
    conn: asyncpg.Connection, district_id: str, kind: str, wave: int
) -> list[uuid.UUID]:
    return [
        r["letter_id"] for r in await conn.fetch(Q.rendered_ids_of_set, district_id, kind, wave)
    ]


async def letters_of_set(
    conn: asyncpg.Connection, district_id: str, kind: str, wave: int
) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.letters_of_set, district_id, kind, wave))


async def store_bundle(
    conn: asyncpg.Connection,
    district_id: str,
    kind: str,
    wave: int,
    letters: int,
    pages: int,
    pdf: bytes,
) -> None:
    await conn.execute(Q.store_bundle, district_id, kind, wave, letters, pages, pdf)


async def summary(conn: asyncpg.Connection, district_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.letter_summary, district_id))


async def get_bundle(
    conn: asyncpg.Connection, district_id: str, kind: str, wave: int
) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.get_bundle, district_id, kind, wave)


async def get_letter_pdf(
    conn: asyncpg.Connection, district_id: str, invitee_id: uuid.UUID, kind: str
) -> bytes | None:
    pdf = await conn.fetchval(Q.get_letter_pdf, district_id, invitee_id, kind)
    return bytes(pdf) if pdf is not None else None


async def erase_district(conn: asyncpg.Connection, district_id: str) -> asyncpg.Record:
    row = await conn.fetchrow(Q.erase_district, district_id)
    assert row is not None
    return row
