"""Hostile messages on every topic each consuming service reads end in the topic's
dead-letter topic with the reason in a header, and the consumer goes on: a valid event
sent after them is handled. One service instance per service, about 150 generated
messages per topic (see ``hostile.py`` for what is tried)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.structs import TopicPartition
from fastapi import FastAPI

from mitwirken.infra import Tansu
from shared import topics
from shared.events import Envelope, Event
from shared.events.common import Applicant, Channel, PostalAddress
from shared.events.lottery import LotteryDrawn
from shared.events.notifications import NotificationSent
from shared.events.registration import ApplicationReceived, ApplicationSubmitted
from tests.security.hostile import generate
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

PER_TOPIC = 150


def applicant() -> Applicant:
    return Applicant(
        given_name="Erika",
        family_name="Muster",
        email="erika@example.org",
        birth_year=1970,
        address=PostalAddress(
            street="Marktplatz", house_number="1", postal_code="06108", municipality="Halle (Saale)"
        ),
    )


def valid_event(topic: str) -> Event:
    now = datetime.now(UTC)
    if topic == topics.REGISTRATION_SUBMISSIONS:
        return ApplicationSubmitted(
            submission_id=uuid.uuid4(), district_id="halle", applicant=applicant(), submitted_at=now
        )
    if topic == topics.REGISTRATION_EVENTS:
        return ApplicationReceived(
            application_id=uuid.uuid4(), channel=Channel.WEB, applicant=applicant(), received_at=now
        )
    if topic == topics.LOTTERY_EVENTS:
        return LotteryDrawn(
            draw_id=uuid.uuid4(), seated=(), waitlist=(), audit_reference="/draws/halle/applicants"
        )
    return NotificationSent(
        notification_id=uuid.uuid4(),
        template="idea_thanks",
        channel="email",
        recipient_ref=uuid.uuid4(),
        source_event_id=uuid.uuid4(),
    )


def registration_app(bootstrap: str, url: str) -> FastAPI:
    from registration.main import create_app
    from registration.settings import Settings
    from tests.registration.support import book

    return create_app(Settings(**settings_for(bootstrap, url)), districts=book())


def lottery_app(bootstrap: str, url: str) -> FastAPI:
    from lottery.main import create_app
    from lottery.settings import Settings

    return create_app(Settings(**settings_for(bootstrap, url)))


def notifications_app(bootstrap: str, url: str) -> FastAPI:
    from notifications.main import create_app
    from notifications.settings import Settings

    return create_app(Settings(**settings_for(bootstrap, url)))


def reporting_app(bootstrap: str, url: str) -> FastAPI:
    from reporting.main import create_app
    from reporting.settings import Settings

    return create_app(Settings(**settings_for(bootstrap, url)))


SERVICES: dict[str, tuple[Callable[[str, str], FastAPI], tuple[str, ...]]] = {
    "registration": (registration_app, (topics.REGISTRATION_SUBMISSIONS,)),
    "lottery": (lottery_app, (topics.REGISTRATION_EVENTS,)),
    "notifications": (notifications_app, (topics.REGISTRATION_EVENTS, topics.LOTTERY_EVENTS)),
    "reporting": (
        reporting_app,
        (topics.REGISTRATION_EVENTS, topics.LOTTERY_EVENTS, topics.NOTIFICATIONS_EVENTS),
    ),
}
CASES: Counter[str] = Counter()


async def produce_all(
    bootstrap: str, topic: str, values: list[bytes | None]
) -> list[tuple[int, int]]:
    """Sends ``values`` in order on the district's partition; returns (partition, offset)."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", max_request_size=4 * 1024 * 1024
    )
    await producer.start()
    try:
        futures = [await producer.send(topic, value=v, key=b"halle") for v in values]
        done = await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return [(m.partition, m.offset) for m in done]


async def read_all(bootstrap: str, topic: str, *, at_least: int) -> list[ConsumerRecord]:
    """Every record of ``topic`` (dead letters of oversized messages are over 1 MB, so the
    fetch sizes are raised), waiting until ``at_least`` arrived, then a moment longer."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        max_partition_fetch_bytes=8 * 1024 * 1024,
        fetch_max_bytes=16 * 1024 * 1024,
    )
    await consumer.start()
    try:
        await consumer.topics()
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        records: list[ConsumerRecord] = []

        async def enough() -> bool:
            batch = await consumer.getmany(timeout_ms=200)
            records.extend(r for recs in batch.values() for r in recs)
            return len(records) >= at_least

        await eventually(enough, timeout_s=120)
        await enough()
        return records
    finally:
        await consumer.stop()


@pytest.mark.parametrize("service", list(SERVICES))
async def test_hostile_messages_are_dead_lettered_and_the_consumer_goes_on(
    service: str, kafka: Tansu, database_url: str
) -> None:
    make_app, subscribed = SERVICES[service]
    async with running(make_app(kafka.bootstrap_servers, database_url)):
        for topic in subscribed:
            hostile = generate(topic, PER_TOPIC)
            sentinel = Envelope.wrap(valid_event(topic), district_id="halle", producer="test")
            positions = await produce_all(
                kafka.bootstrap_servers, topic, [raw for _, raw in hostile] + [sentinel.to_bytes()]
            )
            expected = {str(offset) for _, offset in positions[:-1]}

            async def handled(event_id: uuid.UUID = sentinel.event_id) -> Any:
                return await fetchval(
                    database_url, "SELECT outcome FROM inbox WHERE event_id = $1", event_id
                )

            assert await eventually(handled, timeout_s=90) == "handled"
            letters = await read_all(
                kafka.bootstrap_servers, topics.dead_letter_topic(topic), at_least=len(hostile)
            )
            mine = [r for r in letters if dict(r.headers)["dlq-original-topic"] == topic.encode()]
            offsets = Counter(dict(r.headers)["dlq-original-offset"].decode() for r in mine)
            assert set(offsets) == expected, f"{service} on {topic}: not all dead-lettered"
            assert all(n == 1 for n in offsets.values()), f"{service}: a dead letter twice"
            assert all(dict(r.headers)["dlq-reason"] for r in mine)
            assert all(dict(r.headers)["dlq-consumer"] == service.encode() for r in mine)
            CASES.update(f"{service} {topic}: {kind}" for kind, _ in hostile)
    print(f"\n{service}: {sum(n for k, n in CASES.items() if k.startswith(service))} hostile")
    for key, n in sorted(CASES.items()):
        if key.startswith(service):
            print(f"  {key}: {n}")
