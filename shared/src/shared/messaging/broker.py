"""Connections to Kafka: the FastStream broker that consumes, the producer the relay
uses, topic creation for local runs, and the subscriber that feeds the inbox.

The same code runs against the local Kafka-protocol broker and Apache Kafka; what
differs (idempotence, fetch wait, partitions, replication) is configuration.
"""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from shared.messaging.inbox import InboxConsumer, IncomingRecord
from shared.settings import ServiceSettings

log = structlog.get_logger(__name__)


def build_broker(settings: ServiceSettings, client_id: str) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap_servers,
        client_id=settings.kafka_client_id or client_id,
        enable_idempotence=settings.kafka_enable_idempotence,
        acks="all",
        logger=None,
    )


def build_producer(settings: ServiceSettings, client_id: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=(settings.kafka_client_id or client_id) + "-relay",
        acks="all",
        enable_idempotence=settings.kafka_enable_idempotence,
        linger_ms=2,
        max_batch_size=1024 * 1024,
        request_timeout_ms=30_000,
    )


async def ensure_topics(
    bootstrap_servers: str, topics: Iterable[str], *, partitions: int, replication_factor: int
) -> list[str]:
    """Create the topics that do not exist yet; returns those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(t, partitions, replication_factor) for t in missing]
                )
            except TopicAlreadyExistsError:
                pass
            log.info("topics_created", topics=missing)
        return missing
    finally:
        await admin.close()


async def _records_as_they_are(message: object) -> None:
    """The inbox reads the raw records; FastStream's own decoding (a parsed message and
    a JSON body per record) would be work thrown away, about a quarter of a batch."""
    return None


def subscribe_inbox(
    broker: KafkaBroker,
    consumer: InboxConsumer,
    *,
    topics: Iterable[str],
    group_id: str,
    settings: ServiceSettings,
) -> None:
    """Feed ``topics`` into ``consumer`` in batches; offsets are committed after the
    batch's transaction (never before: FastStream's default would commit first)."""

    @broker.subscriber(
        *topics,
        group_id=group_id,
        batch=True,
        max_records=settings.kafka_max_batch,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=settings.kafka_fetch_max_wait_ms,
        decoder=_records_as_they_are,
        title=f"{group_id}:inbox",
        include_in_schema=False,
    )
    async def on_batch(message: KafkaMessage) -> None:
        raw = message.raw_message
        records = raw if isinstance(raw, tuple) else (raw,)
        await consumer.handle(
            [IncomingRecord(r.topic, r.partition, r.offset, r.key, r.value) for r in records]
        )
        await message.ack()
