"""Notifications' batch handlers store exactly the recipients, deliveries, deferred
messages and reminders of its per-event handlers, for a mixed stream in batches of every
size: receipts with and without a confirmation link or an e-mail address, in German and
English, confirmations read before their receipt, withdrawals of seat holders, ideas with
and without an address, and draws that end a run."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from notifications.adapters.templates import Renderer
from notifications.entrypoints.consumers import make_batch_handlers, make_handlers
from notifications.main import MIGRATIONS
from shared.events import ReceivedEvent, decode
from shared.events.common import Channel, Language
from shared.events.envelope import Envelope, Event
from shared.events.lottery import LotteryDrawn
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationWithdrawn,
    IdeaSubmitted,
    WorkshopScheduled,
)
from tests.reporting.integration.scenario import applicant
from tests.support.batches import apply_both_ways, migrated

pytestmark = pytest.mark.integration

T0 = datetime(2030, 3, 6, 9, tzinfo=UTC)
DISTRICTS = ("halle", "leipzig")

QUERIES = {
    "recipients": "SELECT recipient_ref, district_id, given_name, family_name, email, language,"
    " withdrawal_url FROM recipients ORDER BY 1",
    # Attachments without the calendar file's content, which carries its creation time.
    "deliveries": "SELECT source_event_id, template, recipient_ref, district_id, email, subject,"
    " body_text, body_html,"
    " (SELECT jsonb_agg(a - 'content') FROM jsonb_array_elements(attachments) a) AS files,"
    " (SELECT string_agg(a->>'content', '') FROM jsonb_array_elements(attachments) a"
    "  WHERE a->>'mime' = 'image/png') AS qr"
    " FROM deliveries ORDER BY 1, 2, 3",
    "deferred": "SELECT source_event_id, template, recipient_ref, district_id, message_values"
    " FROM deferred_messages ORDER BY 1, 2, 3",
    "reminders": "SELECT district_id, participant_id, days_before, due_at, status"
    " FROM reminders ORDER BY 2, 3",
}


def wire(district: str, event: Event) -> ReceivedEvent:
    return decode(Envelope.wrap(event, district_id=district, producer="test").to_bytes())


def receipt(rng: random.Random, app_id: uuid.UUID, i: int, at: datetime) -> ApplicationReceived:
    web = rng.random() < 0.7
    person = applicant(i, "Halle (Saale)").model_copy(
        update={
            "email": f"person{i}@example.org" if web or rng.random() < 0.5 else None,
            "language": rng.choice((Language.DE, Language.DE, Language.EN)),
        }
    )
    return ApplicationReceived(
        application_id=app_id,
        channel=Channel.WEB if web else Channel.REPLY_CARD,
        applicant=person,
        received_at=at,
        confirmation_url=f"https://example.org/c/{app_id}" if web else None,
        withdrawal_url=f"https://example.org/w/{app_id}",
    )


def stream(rng: random.Random) -> tuple[list[ReceivedEvent], set[uuid.UUID]]:
    """The events, and the applications confirmed before their receipt was read."""
    events = [
        wire(
            d,
            WorkshopScheduled(
                workshop_date=date(2030, 4, 20),
                town=d.title(),
                applicant_seats=30,
                register_seats=30,
                application_deadline=T0 + timedelta(days=30),
                starts_at=datetime(2030, 4, 20, 8, tzinfo=UTC),
                ends_at=datetime(2030, 4, 20, 15, tzinfo=UTC),
                venue="Rathaus",
            ),
        )
        for d in DISTRICTS
    ]
    known: list[tuple[str, uuid.UUID]] = []
    early: list[tuple[str, uuid.UUID]] = []
    confirmed_first: set[uuid.UUID] = set()
    for i in range(900):
        at = T0 + timedelta(seconds=i)
        roll = rng.random()
        if early and roll < 0.03:
            # The receipt of an application whose confirmation was read first.
            district, app_id = early.pop()
            confirmed_first.add(app_id)
            known.append((district, app_id))
            events.append(wire(district, receipt(rng, app_id, i, at)))
        elif roll < 0.45 or not known:
            district, app_id = rng.choice(DISTRICTS), uuid.uuid4()
            known.append((district, app_id))
            events.append(wire(district, receipt(rng, app_id, i, at)))
        elif roll < 0.70:
            district, app_id = rng.choice(known)
            if rng.random() < 0.05:
                app_id = uuid.uuid4()
                early.append((district, app_id))
            events.append(
                wire(district, ApplicationConfirmed(application_id=app_id, confirmed_at=at))
            )
        elif roll < 0.82:
            district, app_id = rng.choice(known)
            events.append(
                wire(district, ApplicationWithdrawn(application_id=app_id, withdrawn_at=at))
            )
        elif roll < 0.97:
            idea = IdeaSubmitted(
                idea_id=uuid.uuid4(),
                text=f"Idee {i}",
                author_name=f"Autorin {i}" if rng.random() < 0.5 else None,
                # Some addresses are unusable (the event contract does not check them):
                # nobody to thank, and the event must not fail.
                author_email=rng.choice((f"idee{i}@example.org", None, "kaputt@", "x y@z")),
                submitted_at=at,
            )
            events.append(wire(rng.choice(DISTRICTS), idea))
        else:
            district = rng.choice(DISTRICTS)
            mine = [a for d, a in known if d == district]
            seated = tuple(rng.sample(mine, min(3, len(mine))))
            drawn = LotteryDrawn(
                draw_id=uuid.uuid4(), seated=seated, waitlist=(), audit_reference="test"
            )
            events.append(wire(district, drawn))
    return events, confirmed_first


async def test_batches_store_what_one_event_at_a_time_stores(new_database_url: Any) -> None:
    rng = random.Random(11)
    events, confirmed_first = stream(rng)
    renderer = Renderer()
    one_by_one = await migrated(new_database_url("n_one"), MIGRATIONS)
    batched = await migrated(new_database_url("n_batch"), MIGRATIONS)
    try:
        await apply_both_ways(
            one_by_one,
            batched,
            events,
            make_handlers(renderer),
            make_batch_handlers(renderer),
            rng,
        )
        for name, query in QUERIES.items():
            expected = [dict(r) for r in await one_by_one.fetch(query)]
            assert [dict(r) for r in await batched.fetch(query)] == expected, name
        templates = {r["template"] for r in await batched.fetch(QUERIES["deliveries"])}
        assert templates >= {
            "confirmation_request",
            "application_confirmed",
            "withdrawal_confirmed",
            "idea_thanks",
            "seat_granted",
        }
        # Some confirmations waited for their receipt and were then released; others
        # are still waiting for a receipt never sent.
        assert await batched.fetchval("SELECT count(*) FROM deferred_messages") > 0
        released = await batched.fetchval(
            "SELECT count(*) FROM deliveries"
            " WHERE template = 'application_confirmed' AND recipient_ref = ANY($1::uuid[])",
            list(confirmed_first),
        )
        assert released > 0
        statuses = {r["status"] for r in await batched.fetch(QUERIES["reminders"])}
        assert statuses == {"scheduled", "cancelled"}
    finally:
        await one_by_one.close()
        await batched.close()
