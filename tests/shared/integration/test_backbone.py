"""The backbone on the real broker and database: a web application reaches every
consuming store once, survives a relay crash after publishing, is deduplicated when
delivered twice, and poison messages go to the dead-letter topic while the consumer
goes on."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from lottery.main import create_app as create_lottery
from lottery.settings import Settings as LotterySettings
from mitwirken.infra import Tansu
from notifications.main import create_app as create_notifications
from notifications.settings import Settings as NotificationsSettings
from registration.adapters import repository
from registration.adapters.links import LinkSigner
from registration.main import create_app as create_registration
from registration.service import intake
from registration.settings import Settings as RegistrationSettings
from reporting.main import create_app as create_reporting
from reporting.settings import Settings as ReportingSettings
from shared import db, topics
from shared.events import Envelope
from shared.events.common import Applicant, Channel
from shared.events.registration import ApplicationConfirmed
from shared.messaging.broker import build_producer, ensure_topics
from shared.messaging.outbox import OutboxRelay
from shared.settings import ServiceSettings
from tests.registration.support import applicant, book
from tests.support.kafka import produce, read_topic
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

RECEIVED_IN_INBOX = "SELECT count(*) FROM inbox WHERE event_type = 'ApplicationReceived'"

APPLICANT = applicant()
LEIPZIG_APPLICANT = applicant(
    address={
        "street": "Ring",
        "house_number": "1",
        "postal_code": "04109",
        "municipality": "Leipzig",
    }
)


async def reporting_count(url: str, district: str, event_type: str) -> int:
    value = await fetchval(
        url,
        "SELECT count FROM event_counts WHERE district_id = $1 AND event_type = $2",
        district,
        event_type,
    )
    return int(value or 0)


async def test_one_web_application_reaches_every_consumer_once(
    kafka: Tansu, new_database_url: Any
) -> None:
    urls = {name: new_database_url(name[:3]) for name in ("reg", "lot", "not", "rep")}
    b = kafka.bootstrap_servers
    registration = create_registration(
        RegistrationSettings(**settings_for(b, urls["reg"])), districts=book()
    )
    lottery = create_lottery(LotterySettings(**settings_for(b, urls["lot"])))
    notifications = create_notifications(NotificationsSettings(**settings_for(b, urls["not"])))
    reporting = create_reporting(ReportingSettings(**settings_for(b, urls["rep"])))
    async with (
        running(registration) as (client, _),
        running(lottery),
        running(notifications),
        running(reporting) as (reporting_client, _),
    ):
        ready = await client.get("/health/ready")
        assert ready.status_code == 200, ready.text
        response = await client.post(
            "/applications",
            json={
                "district_id": "halle",
                "applicant": APPLICANT,
                "consent": {"given": True, "text_version": "v1"},
            },
        )
        assert response.status_code == 201, response.text
        application_id = uuid.UUID(response.json()["application_id"])

        q = "SELECT count(*) FROM {} WHERE {} = $1"
        for url, table, column in (
            (urls["lot"], "applicants", "application_id"),
            (urls["not"], "recipients", "recipient_ref"),
            (urls["rep"], "applications", "application_id"),
        ):
            await eventually(
                lambda u=url, t=table, c=column: fetchval(u, q.format(t, c), application_id)
            )
        assert await reporting_count(urls["rep"], "halle", "ApplicationReceived") == 1
        figures = await reporting_client.get("/api/districts/halle/figures")
        assert figures.json()["event_counts"]["ApplicationReceived"] == 1
        # Nothing is left waiting in registration's outbox.
        assert (
            await fetchval(urls["reg"], "SELECT count(*) FROM outbox WHERE published_at IS NULL")
            == 0
        )
        for url in (urls["lot"], urls["not"], urls["rep"]):
            assert await fetchval(url, RECEIVED_IN_INBOX) == 1


class CrashAfterPublish(OutboxRelay):
    """A relay that dies after the broker acknowledged, before it marked the rows published."""

    async def _mark_published(self, conn: Any, ids: list[int]) -> None:
        raise RuntimeError("killed between publish and commit")


async def test_relay_crash_between_publish_and_commit_changes_nothing_downstream(
    kafka: Tansu, new_database_url: Any
) -> None:
    reg_url, rep_url = new_database_url("reg"), new_database_url("rep")
    settings = ServiceSettings(**settings_for(kafka.bootstrap_servers, reg_url))
    await db.ensure_database(reg_url)
    pool = await db.create_pool(reg_url)
    from registration.main import MIGRATIONS

    await db.migrate(pool, db.migration_files(MIGRATIONS))
    leipzig = book().terms("leipzig")
    assert leipzig is not None
    async with pool.acquire() as conn:
        # Only the district row, without announcing it: this test counts published events.
        await repository.upsert_district(
            conn,
            "leipzig",
            deadline=leipzig.application_deadline,
            closes_at=leipzig.application_deadline,
            workshop_date=leipzig.workshop_date,
            applicant_seats=30,
            register_seats=30,
        )
    await ensure_topics(
        kafka.bootstrap_servers,
        topics.all_topics_with_dead_letters(),
        partitions=3,
        replication_factor=1,
    )
    links = intake.Links(LinkSigner("secret"), "http://localhost")
    async with pool.acquire() as conn, conn.transaction():
        application = await intake.submit(
            conn,
            intake.Submission(
                "leipzig", Applicant.model_validate(LEIPZIG_APPLICANT), Channel.WEB, "v1"
            ),
            districts=book(),
            links=links,
            now=datetime.now(UTC),
        )
    producer = build_producer(settings, "test")
    await producer.start()
    try:
        with pytest.raises(RuntimeError):
            await CrashAfterPublish(pool, producer).publish_batch()
        assert (
            await fetchval(reg_url, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 1
        )
        # The relay restarts and publishes the same row again.
        assert await OutboxRelay(pool, producer).publish_batch() == 1
    finally:
        await producer.stop()
        await pool.close()
    published = await read_topic(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, at_least=2)
    assert len(published) == 2, "the crash must have left the event published twice"

    reporting = create_reporting(
        ReportingSettings(**settings_for(kafka.bootstrap_servers, rep_url))
    )
    async with running(reporting):
        await eventually(lambda: reporting_count(rep_url, "leipzig", "ApplicationReceived"))
        assert (
            await fetchval(
                rep_url,
                "SELECT count(*) FROM applications WHERE application_id = $1",
                application.application_id,
            )
            == 1
        )
        # Let the consumer see the whole topic before judging the count.
        await eventually(lambda: fetchval(rep_url, "SELECT count(*) = 1 FROM inbox"))
        assert await reporting_count(rep_url, "leipzig", "ApplicationReceived") == 1


def confirmed_event(district: str) -> Envelope:
    return Envelope.wrap(
        ApplicationConfirmed(application_id=uuid.uuid4(), confirmed_at=datetime.now(UTC)),
        district_id=district,
        producer="registration",
    )


async def test_the_same_event_delivered_twice_has_one_effect(
    kafka: Tansu, new_database_url: Any
) -> None:
    rep_url = new_database_url("rep")
    reporting = create_reporting(
        ReportingSettings(**settings_for(kafka.bootstrap_servers, rep_url))
    )
    async with running(reporting):
        event = confirmed_event("saalekreis").to_bytes()
        marker = confirmed_event("saalekreis").to_bytes()
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, [event, event, marker])
        await eventually(lambda: fetchval(rep_url, "SELECT count(*) = 2 FROM inbox"))
        assert await reporting_count(rep_url, "saalekreis", "ApplicationConfirmed") == 2


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_consumer_goes_on(
    kafka: Tansu, new_database_url: Any
) -> None:
    rep_url = new_database_url("rep")
    reporting = create_reporting(
        ReportingSettings(**settings_for(kafka.bootstrap_servers, rep_url))
    )
    future = confirmed_event("nordsachsen").model_dump(mode="json")
    future["schema_version"] = "2.0"
    import json

    poison = [
        b"\xff\x00 not json",
        b'{"event_type": "ApplicationConfirmed"}',
        json.dumps(future).encode(),
    ]
    valid = confirmed_event("nordsachsen").to_bytes()
    async with running(reporting):
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, [*poison, valid])
        await eventually(lambda: reporting_count(rep_url, "nordsachsen", "ApplicationConfirmed"))
        dead = await read_topic(
            kafka.bootstrap_servers,
            topics.dead_letter_topic(topics.REGISTRATION_EVENTS),
            at_least=3,
        )
    assert sorted(r.value for r in dead) == sorted(poison)
    reasons = {dict(r.headers)["dlq-reason"].decode() for r in dead}
    assert any("not valid JSON" in r for r in reasons)
    assert any("invalid envelope" in r for r in reasons)
    assert any("schema version 2.0 is not supported" in r for r in reasons)
    assert all(dict(r.headers)["dlq-consumer"] == b"reporting" for r in dead)
    assert await reporting_count(rep_url, "nordsachsen", "ApplicationConfirmed") == 1
