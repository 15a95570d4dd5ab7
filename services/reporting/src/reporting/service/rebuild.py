"""Rebuild the read models from the start of the topics, with the live handlers.

Invariants:
- One database transaction: the read models and the inbox are emptied and refilled
  together, so readers see the old figures until the new ones are complete, and a
  running reporting service waits on the table locks and afterwards skips every event
  the rebuild recorded in the inbox (no event is counted twice or lost).
- The same handlers as the live consumer (batch handlers included), the same inbox
  de-duplication by event id, the same treatment of unreadable events (skipped, as
  they were dead-lettered live) and of failing handlers (the event's effect is
  undone, as live after its retries).
- The rebuild reads each partition up to the high watermark of its fetches; events
  published meanwhile are handled by whichever comes first, the rebuild or the live
  consumer, and the inbox makes the other skip them. It uses no consumer group and
  commits no offsets, so the live consumer is not disturbed.
- It needs the topics' full history (retention off for these topics in production).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord, TopicPartition

from reporting.adapters import repository
from reporting.entrypoints.consumers import BATCH_HANDLERS, HANDLERS, TOPICS
from shared import db
from shared.events import PoisonMessage, ReceivedEvent, decode
from shared.messaging.inbox import Handler, apply_events

log = structlog.get_logger(__name__)


@dataclass(slots=True)
class RebuildReport:
    records: int = 0
    handled: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0


async def _partitions(consumer: AIOKafkaConsumer, names: tuple[str, ...]) -> list[TopicPartition]:
    await consumer.topics()  # fetches the cluster's metadata
    result = []
    for topic in names:
        for partition in sorted(consumer.partitions_for_topic(topic) or ()):
            result.append(TopicPartition(topic, partition))
    return result


_CLAIM = """
INSERT INTO inbox (event_id, event_type, topic, kafka_partition, kafka_offset, outcome)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id
"""


@dataclass(frozen=True, slots=True)
class _Claimed:
    event: ReceivedEvent
    handler: Handler


async def _claim(
    conn: asyncpg.Connection, records: list[ConsumerRecord], report: RebuildReport
) -> list[_Claimed]:
    """Decode a batch and claim its events in the inbox with one statement; returns the
    events to handle, in their order (duplicates of earlier events left out)."""
    decoded: list[tuple[ConsumerRecord, ReceivedEvent, Handler]] = []
    for r in records:
        report.records += 1
        try:
            event = decode(r.value, topic=r.topic)
        except PoisonMessage:
            report.skipped += 1
            continue
        handler = HANDLERS.get(event.envelope.event_type)
        if handler is None:
            report.skipped += 1
            continue
        decoded.append((r, event, handler))
    first: dict[uuid.UUID, tuple[ConsumerRecord, ReceivedEvent, Handler]] = {}
    for item in decoded:
        first.setdefault(item[1].envelope.event_id, item)
    report.duplicates += len(decoded) - len(first)
    if not first:
        return []
    items = list(first.values())
    claimed = {
        row["event_id"]
        for row in await conn.fetch(
            _CLAIM,
            [e.envelope.event_id for _, e, _ in items],
            [e.envelope.event_type for _, e, _ in items],
            [r.topic for r, _, _ in items],
            [r.partition for r, _, _ in items],
            [r.offset for r, _, _ in items],
            ["handled"] * len(items),
        )
    }
    report.duplicates += len(items) - len(claimed)
    return [_Claimed(e, h) for _, e, h in items if e.envelope.event_id in claimed]


async def _apply(conn: asyncpg.Connection, batch: list[_Claimed], report: RebuildReport) -> None:
    """Handle a batch under one savepoint; if any event fails, handle the batch again one
    savepoint per event, so only the failing event's effect is undone (as live)."""
    try:
        async with conn.transaction():
            await apply_events(conn, [item.event for item in batch], HANDLERS, BATCH_HANDLERS)
        report.handled += len(batch)
        return
    except Exception:  # noqa: S110 - the slow path below finds and records the failure
        pass
    for item in batch:
        try:
            async with conn.transaction():
                await item.handler(conn, item.event)
            report.handled += 1
        except Exception as exc:
            report.failed += 1
            log.warning(
                "rebuild_handler_failed",
                event_id=str(item.event.envelope.event_id),
                event_type=item.event.envelope.event_type,
                error=type(exc).__name__,
            )
            await conn.execute(
                "UPDATE inbox SET outcome = 'dead_lettered' WHERE event_id = $1",
                item.event.envelope.event_id,
            )


def _caught_up(consumer: AIOKafkaConsumer, tp: TopicPartition, position: int) -> bool:
    """Whether the partition is read to its end. The end is the high watermark of the
    latest fetch response, not ListOffsets: a Kafka-protocol broker may answer that
    one wrongly (the local broker does), and a rebuild must not stop short."""
    highwater = consumer.highwater(tp)
    return highwater is not None and position >= highwater


async def rebuild(
    database_url: str,
    bootstrap_servers: str,
    *,
    migrations_dir: Path,
    topics: tuple[str, ...] = TOPICS,
    idle_timeout_s: float = 10.0,
) -> RebuildReport:
    """Empty the read models and re-consume ``topics`` from their beginning."""
    report = RebuildReport()
    await db.ensure_database(database_url)
    pool = await db.create_pool(database_url, min_size=1, max_size=2)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id="reporting-rebuild",
    )
    await consumer.start()
    try:
        await db.migrate(pool, db.migration_files(migrations_dir))
        tps = await _partitions(consumer, topics)
        pending = set(tps)
        if tps:
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
        async with pool.acquire() as conn, conn.transaction():
            await repository.truncate(conn)
            await conn.execute("TRUNCATE inbox")
            loop = asyncio.get_running_loop()
            last_progress = loop.time()
            while pending:
                batch = await consumer.getmany(*pending, timeout_ms=500, max_records=5_000)
                for _tp, records in sorted(batch.items()):
                    await _apply(conn, await _claim(conn, records, report), report)
                    last_progress = loop.time()
                for tp in list(pending):
                    if _caught_up(consumer, tp, await consumer.position(tp)):
                        pending.discard(tp)
                if pending and loop.time() - last_progress > idle_timeout_s:
                    raise TimeoutError("the topics did not deliver up to their end offsets")
    finally:
        await consumer.stop()
        await pool.close()
    log.info(
        "rebuild_finished",
        records=report.records,
        handled=report.handled,
        duplicates=report.duplicates,
        skipped=report.skipped,
        failed=report.failed,
    )
    return report
