"""The lottery's batch handlers leave the applicant pool exactly as its per-event
handlers do, for a mixed stream of receipts, confirmations (some twice, some for
unknown applications) and withdrawals, in batches of every size."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from lottery.entrypoints.consumers import BATCH_HANDLERS, make_handlers
from lottery.main import MIGRATIONS
from lottery.settings import Settings
from shared.events import ReceivedEvent, decode
from shared.events.common import Channel
from shared.events.envelope import Envelope, Event
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationWithdrawn,
    WorkshopScheduled,
)
from tests.reporting.integration.scenario import received
from tests.support.batches import apply_both_ways, migrated
from tests.support.services import settings_for

pytestmark = pytest.mark.integration

T0 = datetime(2024, 3, 6, 9, tzinfo=UTC)


def wire(district: str, event: Event) -> ReceivedEvent:
    return decode(Envelope.wrap(event, district_id=district, producer="test").to_bytes())


def stream(rng: random.Random) -> list[ReceivedEvent]:
    events = [
        wire(
            d,
            WorkshopScheduled(
                workshop_date=date(2024, 4, 20),
                town=d,
                applicant_seats=30,
                register_seats=30,
                application_deadline=T0 + timedelta(days=30),
            ),
        )
        for d in ("halle", "leipzig")
    ]
    known: list[tuple[str, uuid.UUID]] = []
    for i in range(1_200):
        at = T0 + timedelta(seconds=i)
        roll = rng.random()
        if roll < 0.45 or not known:
            district, app_id = rng.choice(("halle", "leipzig")), uuid.uuid4()
            known.append((district, app_id))
            events.append(wire(district, received(app_id, i, rng.choice(list(Channel)), at)))
        elif roll < 0.85:
            district, app_id = rng.choice(known)
            if rng.random() < 0.05:
                app_id = uuid.uuid4()  # read before its receipt: nothing to confirm
            events.append(
                wire(district, ApplicationConfirmed(application_id=app_id, confirmed_at=at))
            )
        else:
            district, app_id = rng.choice(known)
            events.append(
                wire(district, ApplicationWithdrawn(application_id=app_id, withdrawn_at=at))
            )
    return events


async def test_batches_leave_the_pool_as_one_event_at_a_time(
    new_database_url: Any, database_url: str
) -> None:
    rng = random.Random(7)
    events = stream(rng)
    handlers = make_handlers(Settings(**settings_for("127.0.0.1:1", database_url)))
    one_by_one = await migrated(new_database_url("l_one"), MIGRATIONS)
    batched = await migrated(new_database_url("l_batch"), MIGRATIONS)
    query = "SELECT application_id, district_id, status, received_at FROM applicants ORDER BY 1"
    try:
        await apply_both_ways(one_by_one, batched, events, handlers, BATCH_HANDLERS, rng)
        expected = [dict(r) for r in await one_by_one.fetch(query)]
        statuses = {r["status"] for r in expected}
        assert statuses == {"received", "confirmed", "withdrawn"}
        assert [dict(r) for r in await batched.fetch(query)] == expected
    finally:
        await one_by_one.close()
        await batched.close()
