"""Replay: rebuilding reporting's read models from the topics, against a bare consumer
reading the same records (the ceiling of reading them at all).

Runnable alone: ``uv run python -m bench.replay [--events N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition

from mitwirken.infra import Postgres, Tansu
from reporting.main import MIGRATIONS
from reporting.service.rebuild import rebuild
from shared import topics
from shared.events.common import Applicant, Channel, Gender, PostalAddress
from shared.events.envelope import Envelope, Event
from shared.events.registration import ApplicationConfirmed, ApplicationReceived, IdeaSubmitted
from shared.messaging.broker import ensure_topics
from shared.runtime import tune_garbage_collection

DISTRICTS = ("altenburger-land", "burgenlandkreis", "leipzig", "halle", "nordsachsen")
PLACEHOLDER = uuid.UUID(int=0xFEEDFACE)


def templates() -> list[tuple[str, bytes]]:
    """One encoded event per kind; ids are swapped per record so encoding stays cheap."""
    now = datetime.now(UTC)
    person = Applicant(
        given_name="Bench",
        family_name="Replay",
        email="bench@example.org",
        birth_year=1970,
        gender=Gender.FEMALE,
        address=PostalAddress(
            street="Lindenstraße", house_number="1", postal_code="04109", municipality="Leipzig"
        ),
    )
    events: list[Event] = [
        ApplicationReceived(
            application_id=PLACEHOLDER, channel=Channel.WEB, applicant=person, received_at=now
        ),
        ApplicationConfirmed(application_id=PLACEHOLDER, confirmed_at=now),
        IdeaSubmitted(
            idea_id=PLACEHOLDER, text="Mehr Radwege", field_of_action="energy", submitted_at=now
        ),
    ]
    out = []
    for event in events:
        envelope = Envelope.wrap(event, district_id="{district}", producer="bench")
        raw = envelope.to_bytes().replace(str(envelope.event_id).encode(), b"{event_id}")
        out.append((event.topic, raw))
    return out


async def publish(bootstrap: str, n: int) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=20, max_batch_size=1024 * 1024
    )
    await producer.start()
    try:
        kinds = templates()
        pending = []
        for i in range(n):
            topic, raw = kinds[i % len(kinds)]
            district = DISTRICTS[i % len(DISTRICTS)]
            value = (
                raw.replace(b"{event_id}", str(uuid.uuid4()).encode())
                .replace(str(PLACEHOLDER).encode(), str(uuid.uuid4()).encode())
                .replace(b"{district}", district.encode())
            )
            pending.append(await producer.send(topic, value, key=district.encode()))
            if len(pending) >= 10_000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def bare_read_rate(bootstrap: str, names: tuple[str, ...], n: int) -> float:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        await consumer.topics()
        tps = [TopicPartition(t, p) for t in names for p in consumer.partitions_for_topic(t) or ()]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        read = 0
        started = time.perf_counter()
        while read < n:
            batch = await consumer.getmany(timeout_ms=500, max_records=10_000)
            read += sum(len(v) for v in batch.values())
        return read / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def measure_async(events: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="mitwirken-bench-replay-") as tmp:
        postgres = Postgres(Path(tmp) / "pg", fsync=True).start()
        broker = Tansu().start()
        try:
            names = (topics.REGISTRATION_EVENTS,)
            await ensure_topics(broker.bootstrap_servers, names, partitions=3, replication_factor=1)
            await publish(broker.bootstrap_servers, events)
            bare = await bare_read_rate(broker.bootstrap_servers, names, events)
            started = time.perf_counter()
            report = await rebuild(
                postgres.url_for("reporting_replay"),
                broker.bootstrap_servers,
                migrations_dir=MIGRATIONS,
                topics=names,
            )
            seconds = time.perf_counter() - started
        finally:
            broker.stop()
            postgres.stop()
    if report.handled != events:
        raise RuntimeError(f"rebuild handled {report.handled} of {events} events: {report}")
    return [
        {
            "name": f"replay: rebuild reporting from {events:,} events",
            "value": events / seconds,
            "unit": "events/s",
            "baseline_name": "bare aiokafka consumer",
            "baseline": bare,
            "note": f"{seconds:.1f} s, read models and inbox in one transaction",
        }
    ]


def measure(quick: bool) -> list[dict[str, Any]]:
    tune_garbage_collection()  # as ``python -m reporting.rebuild`` does
    return asyncio.run(measure_async(3_000 if quick else 1_000_000))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    tune_garbage_collection()  # as ``python -m reporting.rebuild`` does
    for row in asyncio.run(measure_async(args.events)):
        ratio = row["value"] / row["baseline"]
        print(
            f"{row['name']}: {row['value']:,.0f} {row['unit']} "
            f"(baseline {row['baseline_name']} {row['baseline']:,.0f}, ratio {ratio:.3f}); "
            f"{row['note']}"
        )


if __name__ == "__main__":
    main()
