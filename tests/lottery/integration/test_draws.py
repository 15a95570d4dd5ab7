"""The applicants' lottery on the real broker and database: commitment at closing, one
draw with the public seed, verification from the published record, seats passed down
the waitlist exactly once, and a crashed draw that gives the same result when rerun."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from lottery.domain.verifiable import verify
from lottery.main import create_app
from lottery.service import draws
from lottery.settings import Settings
from mitwirken.infra import Tansu
from shared import topics
from shared.auth import issue_staff_token
from shared.events import Envelope, decode
from shared.events.common import Applicant, Channel
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationsClosed,
    ApplicationWithdrawn,
    WorkshopScheduled,
)
from shared.settings import DEVELOPMENT_SECRET
from tests.support.kafka import produce, read_topic
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

SEED = {"sources": [["3", "11", "19", "27", "38", "49"]]}
ADMIN = {
    "Authorization": "Bearer "
    + issue_staff_token(DEVELOPMENT_SECRET, subject="staff@test", role="admin")
}


def wrap(event: Any) -> bytes:
    return Envelope.wrap(event, district_id="halle", producer="registration").to_bytes()


def registration_history(n: int) -> tuple[list[uuid.UUID], list[bytes]]:
    now = datetime.now(UTC)
    ids = [uuid.uuid4() for _ in range(n)]
    person = Applicant(given_name="A", family_name="B")
    events = [
        wrap(
            WorkshopScheduled(
                workshop_date=date.today() + timedelta(days=10),
                town="Halle (Saale)",
                applicant_seats=30,
                register_seats=30,
                application_deadline=now,
            )
        )
    ]
    for i in ids:
        events.append(
            wrap(
                ApplicationReceived(
                    application_id=i, channel=Channel.WEB, applicant=person, received_at=now
                )
            )
        )
        events.append(wrap(ApplicationConfirmed(application_id=i, confirmed_at=now)))
    events.append(wrap(ApplicationsClosed(deadline=now, received=n, confirmed=n, lapsed=0)))
    return ids, events


async def lottery_events(kafka: Tansu, at_least: int) -> list[Envelope]:
    records = await read_topic(kafka.bootstrap_servers, topics.LOTTERY_EVENTS, at_least=at_least)
    return [decode(r.value).envelope for r in records]


async def test_commit_draw_verify_and_refuse_a_second_draw(kafka: Tansu, database_url: str) -> None:
    ids, history = registration_history(40)
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, runtime):
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, history, key=b"halle")
        await eventually(lambda: fetchval(database_url, "SELECT count(*) FROM draws"))
        committed = (await client.get("/draws/halle/applicants")).json()
        assert committed["audit_record"] is None
        assert sorted(committed["commitment"]["pool"]) == sorted(str(i) for i in ids)

        # A crash in the middle of the draw leaves nothing; the rerun gives the same result.
        async with runtime.pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            crashed = await draws.draw(
                conn, "halle", seed=SEED["sources"], actor="t", now=datetime.now(UTC)
            )
            await tx.rollback()

        response = await client.post("/staff/districts/halle/draw", json=SEED, headers=ADMIN)
        assert response.status_code == 200, response.text
        assert (response.json()["seated"], response.json()["waitlist"]) == (30, 10)
        again = await client.post("/staff/districts/halle/draw", json=SEED, headers=ADMIN)
        assert again.status_code == 409
        assert "drawn already" in again.json()["detail_en"]

        published = (await client.get("/draws/halle/applicants")).json()["audit_record"]
        assert published["seated"] == list(crashed.seated)
        assert verify(published).matches
        events = await lottery_events(kafka, 2)
    assert [e.event_type for e in events] == ["DrawCommitted", "LotteryDrawn"]
    drawn = events[1].payload
    assert [str(x) for x in drawn["seated"]] == published["seated"]
    assert (
        await fetchval(
            database_url,
            "SELECT count(*) FROM audit_log WHERE action = 'draw_performed'"
            " AND actor = 'staff@test'",
        )
        == 1
    )


async def test_a_withdrawal_seats_the_first_on_the_waitlist_exactly_once(
    kafka: Tansu, database_url: str
) -> None:
    _, history = registration_history(35)
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, _):
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, history, key=b"halle")
        await eventually(lambda: fetchval(database_url, "SELECT count(*) FROM draws"))
        result = (
            await client.post("/staff/districts/halle/draw", json=SEED, headers=ADMIN)
        ).json()["audit_record"]
        leaving, first_waiting = result["seated"][0], result["waitlist"][0]
        withdrawal = wrap(
            ApplicationWithdrawn(application_id=uuid.UUID(leaving), withdrawn_at=datetime.now(UTC))
        )
        await produce(
            kafka.bootstrap_servers,
            topics.REGISTRATION_EVENTS,
            [withdrawal, withdrawal],
            key=b"halle",
        )
        await eventually(
            lambda: fetchval(
                database_url,
                "SELECT state = 'seated' FROM placements WHERE application_id = $1",
                uuid.UUID(first_waiting),
            )
        )
        events = await lottery_events(kafka, 4)
    offered = [e for e in events if e.event_type == "SeatOffered"]
    promoted = [e for e in events if e.event_type == "ParticipantPromoted"]
    assert len(offered) == len(promoted) == 1
    assert offered[0].payload["application_id"] == first_waiting
    assert offered[0].payload["waitlist_position"] == 1
    assert promoted[0].payload["replaces"] == leaving
    counts = await fetchval(database_url, "SELECT count(*) FROM placements WHERE state = 'seated'")
    assert counts == 30


async def test_no_lottery_when_applications_do_not_exceed_seats(
    kafka: Tansu, database_url: str
) -> None:
    ids, history = registration_history(12)
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app):
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, history, key=b"halle")
        events = await lottery_events(kafka, 2)
    drawn = next(e for e in events if e.event_type == "LotteryDrawn")
    assert sorted(drawn.payload["seated"]) == sorted(str(i) for i in ids)
    assert drawn.payload["waitlist"] == []
