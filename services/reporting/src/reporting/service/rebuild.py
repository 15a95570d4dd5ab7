"""Rebuild the read models from the start of the topics, with the live handlers.

Invariants:
- One database transaction: the read models and the inbox are emptied and refilled
  together, so readers see the old figures until the new ones are complete, and a
  running reporting service waits on the table locks and afterwards skips every event
  the rebuild recorded in the inbox (no event is counted twice or lost).
- The same handlers as the live consumer, the same inbox de-duplication by event id,
  the same treatment of unreadable events (skipped, as they were dead-lettered live)
  and of failing handlers (the event's effect is undone, as live after its retries).
- The rebuild reads each partition up to the end offset it saw at the start; events
  published later are left to the live consumer, which it does not disturb (it uses
  no consumer group and commits no offsets).
- It needs the topics' full history (retention off for these topics in production).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from reporting.adapters import repository
from reporting.entrypoints.consumers import HANDLERS, TOPICS
from shared import db
from shared.events import PoisonMessage, decode

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


async def _apply(
    conn: asyncpg.Connection,
    topic: str,
    partition: int,
    offset: int,
    value: bytes | None,
    report: RebuildReport,
) -> None:
    report.records += 1
    try:
        event = decode(value, topic=topic)
    except PoisonMessage:
        report.skipped += 1
        return
    handler = HANDLERS.get(event.envelope.event_type)
    if handler is None:
        report.skipped += 1
        return
    claimed = await conn.fetchval(
        "INSERT INTO inbox (event_id, event_type, topic, kafka_partition, kafka_offset, outcome)"
        " VALUES ($1, $2, $3, $4, $5, 'handled') ON CONFLICT (event_id) DO NOTHING"
        " RETURNING event_id",
        event.envelope.event_id,
        event.envelope.event_type,
        topic,
        partition,
        offset,
    )
    if claimed is None:
        report.duplicates += 1
        return
    try:
        async with conn.transaction():  # a savepoint: a failure undoes only this event
            await handler(conn, event)
        report.handled += 1
    except Exception as exc:
        report.failed += 1
        log.warning(
            "rebuild_handler_failed",
            event_id=str(event.envelope.event_id),
            event_type=event.envelope.event_type,
            error=type(exc).__name__,
        )
        await conn.execute(
            "UPDATE inbox SET outcome = 'dead_lettered' WHERE event_id = $1",
            event.envelope.event_id,
        )


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
        ends = await consumer.end_offsets(tps) if tps else {}
        pending = {tp for tp in tps if ends[tp] > 0}
        if tps:
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
        async with pool.acquire() as conn, conn.transaction():
            await repository.truncate(conn)
            await conn.execute("TRUNCATE inbox")
            loop = asyncio.get_running_loop()
            last_progress = loop.time()
            while pending:
                batch = await consumer.getmany(*pending, timeout_ms=500)
                for tp, records in sorted(batch.items()):
                    for r in records:
                        if r.offset < ends[tp]:
                            await _apply(conn, r.topic, r.partition, r.offset, r.value, report)
                    last_progress = loop.time()
                for tp in list(pending):
                    if await consumer.position(tp) >= ends[tp]:
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
