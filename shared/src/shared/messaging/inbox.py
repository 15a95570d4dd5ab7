"""The idempotent consumer: a batch of records becomes one database transaction.

Invariants:
- For every record, the inbox row (its event id) and the handler's effect commit in the
  same transaction; an event id already in the inbox is skipped, so a redelivered event
  changes nothing.
- The caller commits the Kafka offsets only after ``handle`` returned, i.e. after the
  transaction committed (at-least-once in, exactly-once effect).
- A message that can never be handled (unparseable, unknown type or major version,
  invalid payload) or whose handler fails ``attempts`` times goes to ``<topic>.dlq``
  with its reason, through the outbox in the same transaction, and the batch goes on.
- Transient failures (the database unreachable, a deadlock) are not the message's
  fault: the whole batch is retried with backoff, and nothing is dead-lettered for them.
- Batch handlers (optional, per event type) take every event of their type in a run of
  the batch at once, so a batch costs a few statements instead of one or two per event.
  A run is a stretch of consecutive events whose types all have a batch handler; within
  it the types are applied in the order of the service's mapping, each type's events in
  their order of arrival; any other event ends the run. A service lists only types for
  which that order gives the same effect as the arrival order (it declares why). The
  per-event handler stays the definition: when a batch fails, the slow path applies the
  per-event handlers one by one, so only the failing event is dead-lettered.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

import asyncpg
import structlog

from shared.events import PoisonMessage, ReceivedEvent, decode_envelope, parse_envelope
from shared.messaging.outbox import append_raw
from shared.topics import dead_letter_topic

log = structlog.get_logger(__name__)

Handler = Callable[[asyncpg.Connection, ReceivedEvent], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, Sequence[ReceivedEvent]], Awaitable[None]]

_POISON_NAMESPACE = uuid.UUID("6f1c8a0e-3b7d-4a51-9e55-8d2f0c6b1a47")

TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.TooManyConnectionsError,
    asyncpg.AdminShutdownError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
)


@dataclass(frozen=True, slots=True)
class IncomingRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None


@dataclass(slots=True)
class BatchOutcome:
    handled: int = 0
    duplicates: int = 0
    ignored: int = 0
    dead_lettered: list[tuple[IncomingRecord, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Item:
    record: IncomingRecord
    event_id: uuid.UUID
    event_type: str
    event: ReceivedEvent | None = None
    poison: str | None = None


class InboxConsumer:
    """Applies a service's handlers to batches of records, exactly once per event id."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        handlers: Mapping[str, Handler],
        *,
        consumer_name: str,
        attempts: int = 3,
        transient_backoff_s: tuple[float, float] = (0.2, 5.0),
        batch_handlers: Mapping[str, BatchHandler] | None = None,
    ) -> None:
        self._pool = pool
        self._handlers = dict(handlers)
        self._batch_handlers = dict(batch_handlers or {})
        unknown = set(self._batch_handlers) - set(self._handlers)
        if unknown:
            raise ValueError(f"batch handlers without a per-event handler: {sorted(unknown)}")
        self._consumer_name = consumer_name
        self._attempts = attempts
        self._backoff_min, self._backoff_max = transient_backoff_s

    @property
    def handled_event_types(self) -> frozenset[str]:
        return frozenset(self._handlers)

    async def handle(self, records: Sequence[IncomingRecord]) -> BatchOutcome:
        """Handle a batch, retrying transient failures until it commits."""
        delay = self._backoff_min
        while True:
            try:
                return await self.handle_once(records)
            except TRANSIENT_ERRORS as exc:
                log.warning("batch_retry_transient", error=type(exc).__name__, retry_in_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self._backoff_max)

    async def handle_once(self, records: Sequence[IncomingRecord]) -> BatchOutcome:
        items = [item for item in map(self._classify, records) if item is not None]
        outcome = BatchOutcome(ignored=len(records) - len(items))
        if not items:
            return outcome
        try:
            return await self._fast_path(items, outcome)
        except TRANSIENT_ERRORS:
            raise
        except Exception as exc:
            # One handler failed somewhere in the batch: redo it message by message.
            log.info("batch_slow_path", error=type(exc).__name__, size=len(items))
            return await self._slow_path(items, BatchOutcome(ignored=outcome.ignored))

    def _classify(self, record: IncomingRecord) -> _Item | None:
        try:
            envelope = parse_envelope(record.value)
        except PoisonMessage as exc:
            # No event id to read: one from the record's place in the log, the same
            # on every delivery.
            fallback_id = uuid.uuid5(
                _POISON_NAMESPACE, f"{record.topic}/{record.partition}/{record.offset}"
            )
            return _Item(record, fallback_id, "(unreadable)", poison=exc.reason)
        try:
            event = decode_envelope(envelope, topic=record.topic)
        except PoisonMessage as exc:
            return _Item(record, envelope.event_id, envelope.event_type, poison=exc.reason)
        if event.envelope.event_type not in self._handlers:
            return None
        return _Item(record, envelope.event_id, envelope.event_type, event=event)

    async def _fast_path(self, items: list[_Item], outcome: BatchOutcome) -> BatchOutcome:
        async with self._pool.acquire() as conn, conn.transaction():
            fresh = await self._claim(conn, items)
            events: list[ReceivedEvent] = []
            for item in items:
                if item.event_id not in fresh:
                    outcome.duplicates += 1
                    continue
                fresh.discard(item.event_id)
                if item.poison is not None:
                    await self._dead_letter(conn, item, item.poison, outcome)
                    continue
                assert item.event is not None
                events.append(item.event)
            await apply_events(conn, events, self._handlers, self._batch_handlers)
            outcome.handled += len(events)
        return outcome

    async def _slow_path(self, items: list[_Item], outcome: BatchOutcome) -> BatchOutcome:
        async with self._pool.acquire() as conn, conn.transaction():
            fresh = await self._claim(conn, items)
            for item in items:
                if item.event_id not in fresh:
                    outcome.duplicates += 1
                    continue
                fresh.discard(item.event_id)
                reason = item.poison or await self._try_handler(conn, item)
                if reason is None:
                    outcome.handled += 1
                else:
                    await self._dead_letter(conn, item, reason, outcome)
        return outcome

    async def _try_handler(self, conn: asyncpg.Connection, item: _Item) -> str | None:
        """Run the handler up to ``attempts`` times; returns the failure reason, if any."""
        reason = ""
        for attempt in range(1, self._attempts + 1):
            try:
                async with conn.transaction():  # a savepoint: a failure undoes only this event
                    await self._run_handler(conn, item)
                return None
            except TRANSIENT_ERRORS:
                raise
            except Exception as exc:
                reason = f"handler failed after {attempt} attempts: {type(exc).__name__}: {exc}"
                log.warning(
                    "handler_failed",
                    event_id=str(item.event_id),
                    event_type=item.event_type,
                    attempt=attempt,
                    error=type(exc).__name__,
                )
        return reason

    async def _run_handler(self, conn: asyncpg.Connection, item: _Item) -> None:
        assert item.event is not None
        env = item.event.envelope
        with structlog.contextvars.bound_contextvars(
            event_id=str(env.event_id),
            event_type=env.event_type,
            correlation_id=str(env.correlation_id),
            district_id=env.district_id,
        ):
            await self._handlers[item.event_type](conn, item.event)

    async def _claim(self, conn: asyncpg.Connection, items: list[_Item]) -> set[uuid.UUID]:
        """Insert inbox rows; returns the event ids not seen before."""
        rows = await conn.fetch(
            "INSERT INTO inbox"
            " (event_id, event_type, topic, kafka_partition, kafka_offset, outcome)"
            " SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[],"
            " $6::text[]) ON CONFLICT (event_id) DO NOTHING RETURNING event_id",
            [i.event_id for i in items],
            [i.event_type for i in items],
            [i.record.topic for i in items],
            [i.record.partition for i in items],
            [i.record.offset for i in items],
            ["handled" if i.poison is None else "dead_lettered" for i in items],
        )
        return {r["event_id"] for r in rows}

    async def _dead_letter(
        self, conn: asyncpg.Connection, item: _Item, reason: str, outcome: BatchOutcome
    ) -> None:
        record = item.record
        await conn.execute(
            "UPDATE inbox SET outcome = 'dead_lettered' WHERE event_id = $1", item.event_id
        )
        headers = [
            ("dlq-reason", reason[:2000]),
            ("dlq-original-topic", record.topic),
            ("dlq-original-partition", str(record.partition)),
            ("dlq-original-offset", str(record.offset)),
            ("dlq-consumer", self._consumer_name),
        ]
        dlq_id = uuid.uuid5(_POISON_NAMESPACE, f"{self._consumer_name}/{item.event_id}")
        await append_raw(
            conn,
            [(dlq_id, dead_letter_topic(record.topic), record.key, record.value or b"", headers)],
        )
        outcome.dead_lettered.append((record, reason))
        log.warning(
            "event_dead_lettered",
            event_id=str(item.event_id),
            event_type=item.event_type,
            topic=record.topic,
        )


async def apply_events(
    conn: asyncpg.Connection,
    events: Sequence[ReceivedEvent],
    handlers: Mapping[str, Handler],
    batch_handlers: Mapping[str, BatchHandler],
) -> None:
    """Apply ``events`` in one go: runs of batchable events through their batch handlers
    (see the module's invariants for the order), every other event through its handler."""
    run: list[ReceivedEvent] = []
    for event in events:
        if event.envelope.event_type in batch_handlers:
            run.append(event)
            continue
        await _apply_run(conn, run, batch_handlers)
        run = []
        env = event.envelope
        with structlog.contextvars.bound_contextvars(
            event_id=str(env.event_id),
            event_type=env.event_type,
            correlation_id=str(env.correlation_id),
            district_id=env.district_id,
        ):
            await handlers[env.event_type](conn, event)
    await _apply_run(conn, run, batch_handlers)


async def _apply_run(
    conn: asyncpg.Connection,
    run: Sequence[ReceivedEvent],
    batch_handlers: Mapping[str, BatchHandler],
) -> None:
    if not run:
        return
    by_type: dict[str, list[ReceivedEvent]] = {}
    for event in run:
        by_type.setdefault(event.envelope.event_type, []).append(event)
    for event_type, handler in batch_handlers.items():
        group = by_type.get(event_type)
        if group:
            with structlog.contextvars.bound_contextvars(event_type=event_type, events=len(group)):
                await handler(conn, group)
