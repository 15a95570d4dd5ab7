"""Comparing a service's batch handlers with its per-event handlers on real databases."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from pathlib import Path

import asyncpg

from shared import db
from shared.events import ReceivedEvent
from shared.messaging.inbox import BatchHandler, Handler, apply_events


async def migrated(url: str, migrations: Path) -> asyncpg.Connection:
    """A connection to a new database with the service's migrations applied."""
    await db.ensure_database(url)
    pool = await db.create_pool(url, min_size=1, max_size=1)
    await db.migrate(pool, db.migration_files(migrations))
    await pool.close()
    return await asyncpg.connect(url)


async def apply_both_ways(
    one_by_one: asyncpg.Connection,
    batched: asyncpg.Connection,
    events: Sequence[ReceivedEvent],
    handlers: Mapping[str, Handler],
    batch_handlers: Mapping[str, BatchHandler],
    rng: random.Random,
) -> None:
    """Every event through its own handler into ``one_by_one``; the same events in
    batches of mixed sizes (one transaction each) through ``apply_events`` into
    ``batched``."""
    async with one_by_one.transaction():
        for event in events:
            await handlers[event.envelope.event_type](one_by_one, event)
    start = 0
    while start < len(events):
        size = rng.choice((1, 2, 7, 50, 500))
        async with batched.transaction():
            await apply_events(batched, events[start : start + size], handlers, batch_handlers)
        start += size
