"""Reading and writing topics directly, as an outside observer of the services."""

from __future__ import annotations

import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.structs import TopicPartition


async def produce(bootstrap: str, topic: str, values: list[bytes], key: bytes = b"d") -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value=value, key=key)
    finally:
        await producer.stop()


async def read_topic(
    bootstrap: str, topic: str, *, at_least: int, timeout_s: float = 20
) -> list[ConsumerRecord]:
    """Every record of ``topic`` from the beginning, waiting until ``at_least`` arrived,
    then reading on briefly so that extra (duplicate) records are seen too."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer.topics()  # refreshes the metadata
            partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + timeout_s
        quiet_until: float | None = None
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for recs in batch.values():
                records.extend(recs)
            if len(records) >= at_least:
                if quiet_until is None:
                    quiet_until = time.monotonic() + 1.0
                elif time.monotonic() > quiet_until:
                    break
        return records
    finally:
        await consumer.stop()
