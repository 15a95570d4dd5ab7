"""Scaling per district on the real broker: two instances of a consuming service in one
consumer group share the work so that each district's events are handled by exactly one
instance at a time, and when an instance stops its districts move to the other."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from mitwirken.infra import Tansu
from shared import topics
from shared.events import Envelope, ReceivedEvent
from shared.events.registration import ApplicationConfirmed
from shared.runtime import ServiceSpec, build_service_app
from shared.settings import ServiceSettings
from tests.support.kafka import produce
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

DISTRICTS = ["halle", "leipzig", "saalekreis", "nordsachsen", "burgenlandkreis", "altenburger-land"]
MIGRATION = Path(__file__).parent / "scaling_migrations"


def instance(name: str, kafka: Tansu, url: str) -> Any:
    async def record(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        await conn.execute(
            "INSERT INTO handled VALUES ($1, $2, $3)",
            name,
            event.envelope.district_id,
            event.envelope.event_id,
        )

    settings = ServiceSettings(**settings_for(kafka.bootstrap_servers, url))
    # Both instances are one service ("scaling"): one consumer group, one database.
    return build_service_app(
        ServiceSpec(
            name="scaling",
            settings=settings,
            migrations_dir=MIGRATION,
            handlers={"ApplicationConfirmed": record},
            subscribes_to=(topics.REGISTRATION_EVENTS,),
        )
    )


async def publish(kafka: Tansu, per_district: int) -> list[uuid.UUID]:
    ids = []
    for district in DISTRICTS:
        envelopes = [
            Envelope.wrap(
                ApplicationConfirmed(application_id=uuid.uuid4(), confirmed_at=datetime.now(UTC)),
                district_id=district,
                producer="test",
            )
            for _ in range(per_district)
        ]
        ids += [e.event_id for e in envelopes]
        await produce(
            kafka.bootstrap_servers,
            topics.REGISTRATION_EVENTS,
            [e.to_bytes() for e in envelopes],
            key=district.encode(),
        )
    return ids


async def owners(url: str) -> dict[str, set[str]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT DISTINCT district_id, instance FROM handled")
    finally:
        await conn.close()
    found: dict[str, set[str]] = {}
    for r in rows:
        found.setdefault(r["district_id"], set()).add(r["instance"])
    return found


async def test_each_district_is_handled_by_one_instance_and_moves_when_it_stops(
    kafka: Tansu, database_url: str
) -> None:
    a, b = instance("a", kafka, database_url), instance("b", kafka, database_url)
    async with running(b):
        async with running(a):
            await publish(kafka, per_district=20)
            await eventually(
                lambda: fetchval(database_url, "SELECT count(*) = 120 FROM handled"), timeout_s=60
            )
            first = await owners(database_url)
            assert set(first) == set(DISTRICTS)
            assert all(len(who) == 1 for who in first.values()), first
            assert {i for who in first.values() for i in who} == {"a", "b"}, first
        # Instance a stopped: after the rebalance b handles every district.
        later = await publish(kafka, per_district=5)
        await eventually(
            lambda: fetchval(database_url, "SELECT count(*) = 150 FROM handled"), timeout_s=90
        )
        handlers_of_later = await fetchval(
            database_url,
            "SELECT array_agg(DISTINCT instance) FROM handled WHERE event_id = ANY($1)",
            later,
        )
    assert handlers_of_later == ["b"]
    assert await fetchval(database_url, "SELECT count(DISTINCT event_id) FROM handled") == 150
    assert any(who == {"a"} for who in first.values()), "a must have owned a district to hand on"
