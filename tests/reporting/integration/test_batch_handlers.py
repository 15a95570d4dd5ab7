"""Reporting's batch handlers give the same read models as its per-event handlers: the
realistic two-district run plus a randomised stream of the high-volume events (repeated
confirmations and withdrawals, notifications failing before they are sent, an erasure in
the middle), applied once event by event and once in batches of every size."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from reporting.adapters.repository import table_contents
from reporting.entrypoints.consumers import BATCH_HANDLERS, HANDLERS
from reporting.main import MIGRATIONS
from shared.events import ReceivedEvent, decode
from shared.events.common import Channel, Gender
from shared.events.envelope import Envelope, Event
from shared.events.notifications import NotificationFailed, NotificationSent
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationWithdrawn,
    IdeaSubmitted,
    PersonalDataErased,
)
from tests.reporting.integration.scenario import applicant, build, received
from tests.support.batches import apply_both_ways, migrated

pytestmark = pytest.mark.integration

T0 = datetime(2024, 3, 6, 9, tzinfo=UTC)


def wire(district: str, event: Event) -> ReceivedEvent:
    return decode(Envelope.wrap(event, district_id=district, producer="test").to_bytes())


def scenario_events() -> list[ReceivedEvent]:
    scenario, _ = build()
    return [
        decode(raw, topic=topic)
        for (topic, _district), values in scenario.by_topic.items()
        for raw in values
    ]


def random_stream(rng: random.Random) -> list[ReceivedEvent]:
    events: list[ReceivedEvent] = []
    applications: list[tuple[str, uuid.UUID]] = []
    notifications: list[tuple[str, uuid.UUID]] = []
    for i in range(1_500):
        district = rng.choice(("halle", "leipzig"))
        at = T0 + timedelta(seconds=i)
        roll = rng.random()
        if i == 900:
            erased = PersonalDataErased(workshop_date=at.date(), retention_days=90, erased_at=at)
            events.append(wire("halle", erased))
        elif roll < 0.3 or not applications:
            app_id = uuid.uuid4()
            applications.append((district, app_id))
            person = applicant(i, rng.choice(("Halle (Saale)", "Leipzig", "Landsberg")))
            person = person.model_copy(update={"gender": rng.choice(list(Gender))})
            event = received(app_id, i, rng.choice(list(Channel)), at)
            events.append(wire(district, event.model_copy(update={"applicant": person})))
        elif roll < 0.5:
            d, app_id = rng.choice(applications)  # now and then confirmed twice
            events.append(wire(d, ApplicationConfirmed(application_id=app_id, confirmed_at=at)))
        elif roll < 0.55:
            d, app_id = rng.choice(applications)
            events.append(wire(d, ApplicationWithdrawn(application_id=app_id, withdrawn_at=at)))
        elif roll < 0.7:
            events.append(
                wire(
                    district,
                    IdeaSubmitted(
                        idea_id=uuid.uuid4(),
                        text=f"Idee {i}",
                        field_of_action=rng.choice(("energy", "mobility", None)),
                        submitted_at=at,
                    ),
                )
            )
        else:
            if notifications and rng.random() < 0.4:
                d, notification_id = rng.choice(notifications)  # another attempt
            else:
                d, notification_id = district, uuid.uuid4()
                notifications.append((d, notification_id))
            common = {
                "notification_id": notification_id,
                "template": "application_confirmed",
                "channel": "email",
                "recipient_ref": uuid.uuid4(),
                "source_event_id": uuid.uuid4(),
            }
            if rng.random() < 0.5:
                outcome: Event = NotificationFailed(
                    **common, reason="mailbox full", permanent=rng.random() < 0.3
                )
            else:
                outcome = NotificationSent(**common)
            events.append(wire(d, outcome))
    return events


async def test_batches_of_any_size_give_the_read_models_of_one_event_at_a_time(
    new_database_url: Any,
) -> None:
    rng = random.Random(20261125)
    events = scenario_events() + random_stream(rng)
    batchable = sum(e.envelope.event_type in BATCH_HANDLERS for e in events)
    assert batchable > 1_000  # the comparison exercises the batch forms, not only the others

    one_by_one = await migrated(new_database_url("r_one"), MIGRATIONS)
    batched = await migrated(new_database_url("r_batch"), MIGRATIONS)
    try:
        await apply_both_ways(one_by_one, batched, events, HANDLERS, BATCH_HANDLERS, rng)
        expected, actual = await table_contents(one_by_one), await table_contents(batched)
        assert expected["applications"], "the stream must leave applications to compare"
        assert any(r["status"] == "withdrawn" for r in expected["applications"])
        assert any(r["attempts"] > 1 for r in expected["notifications"])
        assert any(r["given_name"] is None for r in expected["applications"])  # the erasure
        assert actual == expected
    finally:
        await one_by_one.close()
        await batched.close()


def test_the_batch_forms_cover_only_events_with_a_per_event_definition() -> None:
    assert set(BATCH_HANDLERS) <= set(HANDLERS)
