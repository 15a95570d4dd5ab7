"""The inbox consumer against a real PostgreSQL: failing handlers are retried a bounded
number of times and then dead-lettered through the outbox, while the rest of the batch
commits; transient failures retry the batch without dead-lettering anything."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from shared import db, topics
from shared.events import Envelope, ReceivedEvent
from shared.events.registration import ApplicationConfirmed
from shared.messaging.inbox import InboxConsumer, IncomingRecord

pytestmark = pytest.mark.integration


def record(offset: int, raw: bytes) -> IncomingRecord:
    return IncomingRecord(topics.REGISTRATION_EVENTS, 0, offset, b"halle", raw)


def event() -> Envelope:
    return Envelope.wrap(
        ApplicationConfirmed(application_id=uuid.uuid4(), confirmed_at=datetime.now(UTC)),
        district_id="halle",
        producer="registration",
    )


@pytest.fixture
async def pool(database_url: str) -> asyncpg.Pool:
    pool = await db.create_pool(database_url)
    await db.migrate(pool, db.migration_files(Path("/nonexistent")))
    await pool.execute("CREATE TABLE effects (event_id uuid NOT NULL)")
    yield pool
    await pool.close()


async def effects(pool: asyncpg.Pool) -> Counter[uuid.UUID]:
    return Counter(r["event_id"] for r in await pool.fetch("SELECT event_id FROM effects"))


async def test_a_failing_handler_is_retried_then_dead_lettered_and_the_batch_goes_on(
    pool: asyncpg.Pool,
) -> None:
    good1, bad, good2 = event(), event(), event()
    calls: Counter[uuid.UUID] = Counter()

    async def handler(conn: asyncpg.Connection, ev: ReceivedEvent) -> None:
        calls[ev.envelope.event_id] += 1
        await conn.execute("INSERT INTO effects VALUES ($1)", ev.envelope.event_id)
        if ev.envelope.event_id == bad.event_id:
            raise ValueError("this event cannot be handled")

    consumer = InboxConsumer(pool, {"ApplicationConfirmed": handler}, consumer_name="t", attempts=3)
    outcome = await consumer.handle(
        [record(0, good1.to_bytes()), record(1, bad.to_bytes()), record(2, good2.to_bytes())]
    )
    assert outcome.handled == 2
    assert [r.offset for r, _ in outcome.dead_lettered] == [1]
    assert calls[bad.event_id] == 1 + 3  # the fast path, then three attempts
    assert await effects(pool) == Counter({good1.event_id: 1, good2.event_id: 1})

    dead = await pool.fetch("SELECT topic, value, headers FROM outbox")
    assert len(dead) == 1
    assert dead[0]["topic"] == "mitwirken.registration.events.dlq"
    assert dead[0]["value"] == bad.to_bytes()
    headers = dict(json.loads(dead[0]["headers"]))
    assert "handler failed after 3 attempts: ValueError" in headers["dlq-reason"]
    assert headers["dlq-original-offset"] == "1"

    # Redelivered after a restart: nothing happens again, nothing is dead-lettered twice.
    again = await consumer.handle([record(0, good1.to_bytes()), record(1, bad.to_bytes())])
    assert (again.handled, again.duplicates, again.dead_lettered) == (0, 2, [])
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 1


async def test_a_handler_that_succeeds_on_retry_is_not_dead_lettered(pool: asyncpg.Pool) -> None:
    flaky = event()
    failures = iter([True])

    async def handler(conn: asyncpg.Connection, ev: ReceivedEvent) -> None:
        await conn.execute("INSERT INTO effects VALUES ($1)", ev.envelope.event_id)
        if next(failures, False):
            raise RuntimeError("fails once")

    consumer = InboxConsumer(pool, {"ApplicationConfirmed": handler}, consumer_name="t")
    outcome = await consumer.handle([record(0, flaky.to_bytes())])
    assert outcome.handled == 1 and outcome.dead_lettered == []
    assert await effects(pool) == Counter({flaky.event_id: 1})


async def test_a_transient_failure_retries_the_whole_batch(pool: asyncpg.Pool) -> None:
    first, second = event(), event()
    failures = iter([True])

    async def handler(conn: asyncpg.Connection, ev: ReceivedEvent) -> None:
        await conn.execute("INSERT INTO effects VALUES ($1)", ev.envelope.event_id)
        if ev.envelope.event_id == second.event_id and next(failures, False):
            raise ConnectionResetError("database connection lost")

    consumer = InboxConsumer(
        pool, {"ApplicationConfirmed": handler}, consumer_name="t", transient_backoff_s=(0.01, 0.05)
    )
    outcome = await consumer.handle([record(0, first.to_bytes()), record(1, second.to_bytes())])
    assert outcome.handled == 2 and outcome.dead_lettered == []
    assert await effects(pool) == Counter({first.event_id: 1, second.event_id: 1})
    assert await pool.fetchval("SELECT count(*) FROM outbox") == 0


async def test_duplicates_inside_one_batch_have_one_effect(pool: asyncpg.Pool) -> None:
    twice = event()

    async def handler(conn: asyncpg.Connection, ev: ReceivedEvent) -> None:
        await conn.execute("INSERT INTO effects VALUES ($1)", ev.envelope.event_id)

    consumer = InboxConsumer(pool, {"ApplicationConfirmed": handler}, consumer_name="t")
    outcome = await consumer.handle([record(0, twice.to_bytes()), record(1, twice.to_bytes())])
    assert (outcome.handled, outcome.duplicates) == (1, 1)
    assert await effects(pool) == Counter({twice.event_id: 1})


async def test_events_without_a_handler_are_skipped_without_a_trace(pool: asyncpg.Pool) -> None:
    consumer = InboxConsumer(pool, {"SomethingElse": lambda c, e: None}, consumer_name="t")  # type: ignore[dict-item]
    outcome = await consumer.handle([record(0, event().to_bytes())])
    assert outcome.ignored == 1
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 0
