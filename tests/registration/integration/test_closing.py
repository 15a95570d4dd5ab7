"""The closing barrier on the real broker and database: ApplicationsClosed follows the
last application of its district on the topic, exactly once, also when the service
restarts around the deadline."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mitwirken.infra import Tansu
from registration.main import create_app
from registration.service.districts import DistrictBook
from registration.settings import Settings
from shared import topics
from shared.events import decode
from tests.registration.support import applicant, terms
from tests.support.kafka import read_topic
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

CONSENT = {"given": True, "text_version": "v1"}


def app_closing_at(kafka: Tansu, url: str, deadline: datetime) -> Any:
    settings = Settings(
        **settings_for(
            kafka.bootstrap_servers,
            url,
            closing_check_interval_s=0.2,
            public_rate_limit_per_minute=100_000,
        )
    )
    return create_app(
        settings, districts=DistrictBook([terms("halle", deadline)], reply_card_grace=timedelta(0))
    )


async def district_events(kafka: Tansu, at_least: int) -> list[dict[str, Any]]:
    records = await read_topic(
        kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, at_least=at_least
    )
    envelopes = [decode(r.value).envelope.model_dump(mode="json") for r in records]
    return [e for e in envelopes if e["event_type"] != "WorkshopScheduled"]


async def test_applications_closed_comes_after_every_application_once(
    kafka: Tansu, database_url: str
) -> None:
    deadline = datetime.now(UTC) + timedelta(seconds=8)
    accepted = refused = 0
    async with running(app_closing_at(kafka, database_url, deadline)) as (client, _):

        async def apply_until_refused(worker: int) -> None:
            nonlocal accepted, refused
            i = 0
            while datetime.now(UTC) < deadline + timedelta(seconds=1):
                person = applicant(given_name=f"P{worker}x{i}", email=f"p{worker}x{i}@example.org")
                response = await client.post(
                    "/applications",
                    json={"district_id": "halle", "applicant": person, "consent": CONSENT},
                )
                if response.status_code == 201:
                    accepted += 1
                else:
                    assert response.json()["type"].endswith("deadline-passed"), response.text
                    refused += 1
                i += 1

        await asyncio.gather(*(apply_until_refused(w) for w in range(4)))
        await eventually(
            lambda: fetchval(
                database_url,
                "SELECT closed_at IS NOT NULL FROM districts WHERE district_id='halle'",
            )
        )
        events = await district_events(kafka, accepted + 2)
    assert accepted > 10 and refused > 0
    types = [e["event_type"] for e in events]
    assert types.count("ApplicationsClosed") == 1
    assert types[-1] == "ApplicationsClosed", "an application was published after the closing"
    assert types.count("ApplicationReceived") == accepted
    closed = events[-1]["payload"]
    assert closed["received"] == accepted
    assert (closed["confirmed"], closed["lapsed"]) == (0, accepted)  # nobody confirmed


async def test_closing_happens_once_across_restarts_around_the_deadline(
    kafka: Tansu, database_url: str
) -> None:
    # Room for a slow start on a loaded machine: the first application must be in time.
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    async with running(app_closing_at(kafka, database_url, deadline)) as (client, _):
        response = await client.post(
            "/applications",
            json={"district_id": "halle", "applicant": applicant(), "consent": CONSENT},
        )
        assert response.status_code == 201
    # Down while the deadline passes, then up again twice.
    await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 0.5)
    for _ in range(2):
        async with running(app_closing_at(kafka, database_url, deadline)):
            await eventually(
                lambda: fetchval(
                    database_url,
                    "SELECT closed_at IS NOT NULL FROM districts WHERE district_id = 'halle'",
                )
            )
            with contextlib.suppress(AssertionError):
                await eventually(
                    lambda: fetchval(
                        database_url, "SELECT count(*) = 0 FROM outbox WHERE published_at IS NULL"
                    ),
                    timeout_s=10,
                )
    events = await district_events(kafka, 3)
    assert [e["event_type"] for e in events] == ["ApplicationReceived", "ApplicationsClosed"]
