"""Published messages do not stay in the outbox for ever: their payloads may carry
personal data. A district's erasure deletes its published messages at once; the relay
purges every published message after the retention time; unpublished ones always stay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mitwirken.infra import Tansu
from shared import db, topics
from shared.events.registration import ApplicationConfirmed
from shared.messaging import outbox
from shared.messaging.broker import build_producer, ensure_topics
from shared.settings import ServiceSettings
from tests.support.services import settings_for

pytestmark = pytest.mark.integration


def confirmed() -> ApplicationConfirmed:
    return ApplicationConfirmed(application_id=uuid.uuid4(), confirmed_at=datetime.now(UTC))


async def test_erasure_and_retention_empty_the_published_outbox(
    kafka: Tansu, database_url: str, tmp_path: Path
) -> None:
    await ensure_topics(
        kafka.bootstrap_servers, [topics.REGISTRATION_EVENTS], partitions=3, replication_factor=1
    )
    pool = await db.create_pool(database_url)
    producer = build_producer(
        ServiceSettings(**settings_for(kafka.bootstrap_servers, database_url)), "test"
    )
    await producer.start()
    try:
        await db.migrate(pool, db.migration_files(tmp_path))
        async with pool.acquire() as conn:
            for district in ("halle", "halle", "leipzig"):
                await outbox.append(conn, confirmed(), district_id=district, producer="test")
        relay = outbox.OutboxRelay(pool, producer)
        assert await relay.publish_batch() == 3
        async with pool.acquire() as conn:
            await outbox.append(conn, confirmed(), district_id="halle", producer="test")

            assert await outbox.forget_published(conn, "halle") == 2
            remaining: list[Any] = await conn.fetch(
                "SELECT key, published_at IS NULL AS pending FROM outbox ORDER BY id"
            )
            assert [(bytes(r["key"]), r["pending"]) for r in remaining] == [
                (b"leipzig", False),
                (b"halle", True),
            ]

            assert await outbox.purge_published(conn, timedelta(hours=1)) == 0
            assert await outbox.purge_published(conn, timedelta(0)) == 1
            assert await outbox.pending_count(conn) == 1
            assert await conn.fetchval("SELECT count(*) FROM outbox") == 1
    finally:
        await producer.stop()
        await pool.close()
