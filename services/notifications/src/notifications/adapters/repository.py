"""Notifications' store: recipients, workshops and deliveries (SQL in ``sql/recipients.sql``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from shared.events.common import Applicant
from shared.events.registration import WorkshopScheduled
from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "recipients.sql")


async def add_recipient(
    conn: asyncpg.Connection,
    recipient_ref: uuid.UUID,
    district_id: str,
    person: Applicant,
    withdrawal_url: str | None = None,
) -> None:
    await add_recipients(conn, [(recipient_ref, district_id, person, withdrawal_url)])


async def add_recipients(
    conn: asyncpg.Connection,
    recipients: Sequence[tuple[uuid.UUID, str, Applicant, str | None]],
) -> None:
    """Many recipients in one statement: (recipient ref, district, person, withdrawal URL)."""
    if not recipients:
        return
    await conn.execute(
        Q.add_recipients,
        [r for r, _, _, _ in recipients],
        [d for _, d, _, _ in recipients],
        [p.given_name for _, _, p, _ in recipients],
        [p.family_name for _, _, p, _ in recipients],
        [p.email for _, _, p, _ in recipients],
        [p.language.value for _, _, p, _ in recipients],
        [w for _, _, _, w in recipients],
    )


async def get_recipient(conn: asyncpg.Connection, ref: uuid.UUID) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.get_recipient, ref)


async def get_recipients(
    conn: asyncpg.Connection, refs: list[uuid.UUID]
) -> dict[uuid.UUID, asyncpg.Record]:
    return {r["recipient_ref"]: r for r in await conn.fetch(Q.get_recipients, refs)}


async def upsert_workshop(conn: asyncpg.Connection, district_id: str, w: WorkshopScheduled) -> None:
    await conn.execute(
        Q.upsert_workshop,
        district_id,
        w.workshop_date,
        w.town,
        w.venue,
        w.starts_at,
        w.ends_at,
        w.application_deadline,
    )


async def get_workshop(conn: asyncpg.Connection, district_id: str) -> asyncpg.Record | None:
    return await conn.fetchrow(Q.get_workshop, district_id)


@dataclass(frozen=True, slots=True)
class Delivery:
    source_event_id: uuid.UUID
    template: str
    recipient_ref: uuid.UUID
    district_id: str
    email: str
    subject: str
    text: str
    html: str
    attachments: list[dict[str, str]]


async def add_deliveries(conn: asyncpg.Connection, deliveries: Sequence[Delivery]) -> None:
    if not deliveries:
        return
    await conn.execute(
        Q.add_deliveries,
        [uuid.uuid4() for _ in deliveries],
        [d.source_event_id for d in deliveries],
        [d.template for d in deliveries],
        [d.recipient_ref for d in deliveries],
        [d.district_id for d in deliveries],
        [d.email for d in deliveries],
        [d.subject for d in deliveries],
        [d.text for d in deliveries],
        [d.html for d in deliveries],
        [json.dumps(d.attachments) for d in deliveries],
    )


async def claim_due(conn: asyncpg.Connection, limit: int, lease_s: float) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.claim_due, limit, lease_s))


async def mark_sent(conn: asyncpg.Connection, delivery_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Mark the deliveries sent; returns those that were not final yet."""
    rows = await conn.fetch(Q.mark_sent, list(delivery_ids))
    return {r["delivery_id"] for r in rows}


async def retry_later(
    conn: asyncpg.Connection, delivery_id: uuid.UUID, error: str, delay_s: float
) -> None:
    await conn.execute(Q.retry_later, delivery_id, error, delay_s)


async def mark_failed(conn: asyncpg.Connection, delivery_id: uuid.UUID, error: str) -> None:
    await conn.execute(Q.mark_failed, delivery_id, error)


async def delivery_counts(conn: asyncpg.Connection) -> dict[str, int]:
    return {r["status"]: int(r["n"]) for r in await conn.fetch(Q.delivery_counts)}


@dataclass(frozen=True, slots=True)
class DeferredMessage:
    """A message for a person not known yet, kept until they are."""

    source_event_id: uuid.UUID
    template: str
    recipient_ref: uuid.UUID
    district_id: str
    values: dict[str, Any]


async def defer_messages(conn: asyncpg.Connection, messages: Sequence[DeferredMessage]) -> None:
    if not messages:
        return
    await conn.execute(
        Q.defer_messages,
        [m.source_event_id for m in messages],
        [m.template for m in messages],
        [m.recipient_ref for m in messages],
        [m.district_id for m in messages],
        [json.dumps(m.values) for m in messages],
    )


async def take_deferred_messages(
    conn: asyncpg.Connection, recipient_refs: Sequence[uuid.UUID]
) -> list[asyncpg.Record]:
    """The messages that waited for these people; removed as they are taken."""
    return list(await conn.fetch(Q.take_deferred_messages, list(recipient_refs)))
