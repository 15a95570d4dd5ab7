"""The transactional outbox and its relay.

Invariants:
- An event is appended inside the transaction of the state change that causes it, so
  both commit or neither does (no dual write).
- Only the relay publishes. It publishes rows in id order, waits for the broker's
  acknowledgement (acks=all), then marks them published in the same transaction that
  claimed them. A crash anywhere in between leaves them unpublished, and they are sent
  again: delivery is at-least-once, and consumers deduplicate by event id (inbox).
- One relay publishes at a time per database (an advisory lock), so what the database
  ordered is not reordered by two relays racing. Rows committed by transactions that
  were serialised (as registration's closing barrier serialises a district's writes)
  are published in commit order.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer

from shared.events.envelope import Envelope, Event
from shared.topics import partition_key

log = structlog.get_logger(__name__)

_RELAY_LOCK = 7_146_110_002
NOTIFY_CHANNEL = "outbox"


async def append(
    conn: asyncpg.Connection,
    event: Event,
    *,
    district_id: str,
    producer: str,
    causation: Envelope | None = None,
    correlation_id: uuid.UUID | None = None,
) -> Envelope:
    """Wrap ``event`` in an envelope and add it to the outbox (inside the caller's transaction)."""
    envelope = Envelope.wrap(
        event,
        district_id=district_id,
        producer=producer,
        causation=causation,
        correlation_id=correlation_id,
    )
    await append_envelopes(conn, [(event.topic, envelope)])
    return envelope


async def append_envelopes(conn: asyncpg.Connection, items: Sequence[tuple[str, Envelope]]) -> None:
    """Add ready-made envelopes, each to its topic, keyed by district."""
    await append_raw(
        conn,
        [
            (env.event_id, topic, partition_key(env.district_id), env.to_bytes(), [])
            for topic, env in items
        ],
    )


async def append_raw(
    conn: asyncpg.Connection,
    rows: Sequence[tuple[uuid.UUID, str, bytes | None, bytes, list[tuple[str, str]]]],
) -> None:
    """Add messages as they are (dead letters keep the original bytes)."""
    if not rows:
        return
    await conn.executemany(
        "INSERT INTO outbox (event_id, topic, key, value, headers)"
        " VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (event_id) DO NOTHING",
        [(eid, topic, key, value, json.dumps(headers)) for eid, topic, key, value, headers in rows],
    )
    await conn.execute("SELECT pg_notify($1, '')", NOTIFY_CHANNEL)


async def forget_published(conn: asyncpg.Connection, district_id: str) -> int:
    """Delete the district's published messages (their payloads may carry personal
    data); part of erasing a district. Unpublished ones stay until they are sent."""
    status = await conn.execute(
        "DELETE FROM outbox WHERE published_at IS NOT NULL AND key = $1",
        partition_key(district_id),
    )
    return int(status.split()[-1])


async def pending_for_district(conn: asyncpg.Connection, district_id: str) -> int:
    """How many of the district's messages still wait for the relay."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE published_at IS NULL AND key = $1",
            partition_key(district_id),
        )
    )


async def purge_published(conn: asyncpg.Connection, older_than: timedelta) -> int:
    """Delete messages published more than ``older_than`` ago: the topics hold them, and
    the outbox must not keep personal data longer than it needs to."""
    status = await conn.execute(
        "DELETE FROM outbox WHERE published_at < now() - $1::interval", older_than
    )
    return int(status.split()[-1])


async def pending_count(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))


class OutboxRelay:
    """Publishes the outbox to Kafka. Start with ``run()``; stop by cancelling it."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        producer: AIOKafkaProducer,
        *,
        batch_size: int = 500,
        poll_interval_s: float = 0.5,
        published_retention: timedelta = timedelta(hours=24),
        purge_interval_s: float = 600.0,
    ) -> None:
        self._pool = pool
        self._producer = producer
        self._published_retention = published_retention
        self._purge_interval_s = purge_interval_s
        self._last_purge = float("-inf")
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s
        self._wakeup = asyncio.Event()
        self._stopping = False
        self.published_total = 0

    def request_stop(self) -> None:
        """Finish the batch under way, then return from ``run`` (a graceful stop)."""
        self._stopping = True
        self._wakeup.set()

    async def run(self) -> None:
        listener = await self._pool.acquire()
        try:  # released however the loop ends, also when stopped while it starts
            await listener.add_listener(NOTIFY_CHANNEL, self._on_notify)
            while not self._stopping:
                try:
                    await self._purge_if_due()
                    sent = await self.publish_batch()
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                    log.warning("outbox_relay_retry", error=type(exc).__name__)
                    await asyncio.sleep(1.0)
                    continue
                except Exception as exc:  # a broker error: keep the rows, try again
                    log.warning("outbox_relay_retry", error=type(exc).__name__)
                    await asyncio.sleep(1.0)
                    continue
                if sent < self._batch_size and not self._stopping:
                    self._wakeup.clear()
                    try:
                        await asyncio.wait_for(self._wakeup.wait(), self._poll_interval_s)
                    except TimeoutError:
                        pass
        finally:
            try:
                await listener.remove_listener(NOTIFY_CHANNEL, self._on_notify)
            finally:
                await self._pool.release(listener)

    async def _purge_if_due(self) -> None:
        now = asyncio.get_running_loop().time()
        if now - self._last_purge < self._purge_interval_s:
            return
        self._last_purge = now
        async with self._pool.acquire() as conn:
            purged = await purge_published(conn, self._published_retention)
        if purged:
            log.info("outbox_published_purged", count=purged)

    def _on_notify(self, *_: Any) -> None:
        self._wakeup.set()

    async def publish_batch(self) -> int:
        """Publish one batch of unpublished rows; returns how many were published."""
        async with self._pool.acquire() as conn, conn.transaction():
            if not await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", _RELAY_LOCK):
                return 0
            rows = await conn.fetch(
                "SELECT id, topic, key, value, headers FROM outbox"
                " WHERE published_at IS NULL ORDER BY id LIMIT $1",
                self._batch_size,
            )
            if not rows:
                return 0
            await self._publish(rows)
            await self._mark_published(conn, [r["id"] for r in rows])
        self.published_total += len(rows)
        log.debug("outbox_published", count=len(rows))
        return len(rows)

    async def _publish(self, rows: Sequence[asyncpg.Record]) -> None:
        futures = []
        for row in rows:
            headers = [(k, v.encode("utf-8")) for k, v in json.loads(row["headers"])]
            futures.append(
                await self._producer.send(
                    row["topic"], value=row["value"], key=row["key"], headers=headers or None
                )
            )
        await asyncio.gather(*futures)

    async def _mark_published(self, conn: asyncpg.Connection, ids: list[int]) -> None:
        await conn.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1)", ids)
