"""A rebuild reads every partition to its end, also where the broker's ListOffsets
answer falls short of it (the local broker's does), so no event is left out."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer

from mitwirken.infra import Tansu
from reporting.main import MIGRATIONS
from reporting.service.rebuild import rebuild
from shared import topics
from shared.events.envelope import Envelope
from shared.events.registration import ApplicationConfirmed
from shared.messaging.broker import ensure_topics
from tests.support.services import fetchval

pytestmark = pytest.mark.integration

EVENTS = 6_000


async def test_every_published_event_is_in_the_rebuilt_figures(
    kafka: Tansu, database_url: str
) -> None:
    await ensure_topics(
        kafka.bootstrap_servers, [topics.REGISTRATION_EVENTS], partitions=3, replication_factor=1
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap_servers, acks="all", linger_ms=20)
    await producer.start()
    try:
        sent = []
        for i in range(EVENTS):
            district = ("halle", "leipzig", "zeitz")[i % 3]
            envelope = Envelope.wrap(
                ApplicationConfirmed(application_id=uuid.uuid4(), confirmed_at=datetime.now(UTC)),
                district_id=district,
                producer="test",
            )
            sent.append(
                await producer.send(
                    topics.REGISTRATION_EVENTS, envelope.to_bytes(), key=district.encode()
                )
            )
        await asyncio.gather(*sent)
    finally:
        await producer.stop()

    report = await rebuild(
        database_url,
        kafka.bootstrap_servers,
        migrations_dir=MIGRATIONS,
        topics=(topics.REGISTRATION_EVENTS,),
    )

    assert report.handled == EVENTS
    counted = await fetchval(
        database_url,
        "SELECT sum(count) FROM event_counts WHERE event_type = 'ApplicationConfirmed'",
    )
    assert counted == EVENTS
