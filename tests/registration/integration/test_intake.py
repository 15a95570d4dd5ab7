"""Registration on the real broker and database: web applications with double opt-in,
refusals that store and emit nothing, reply-card imports, the event intake path and
staff access."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from mitwirken.infra import Tansu
from registration.main import create_app
from registration.settings import Settings
from shared import topics
from shared.auth import issue_staff_token
from shared.events import Envelope, decode
from shared.events.common import Applicant
from shared.events.registration import ApplicationSubmitted
from shared.settings import DEVELOPMENT_SECRET
from tests.registration.support import applicant, book
from tests.support.kafka import produce, read_topic
from tests.support.services import fetchval, running, settings_for

pytestmark = pytest.mark.integration

CONSENT = {"given": True, "text_version": "2026-11-v1"}
EMITTED = (
    "SELECT count(*) FROM outbox"
    " WHERE convert_from(value, 'UTF8')::jsonb->>'event_type'"
    " NOT IN ('ApplicationsClosed', 'WorkshopScheduled')"
)


def admin() -> dict[str, str]:
    token = issue_staff_token(DEVELOPMENT_SECRET, subject="admin@test", role="admin")
    return {"Authorization": f"Bearer {token}"}


def coordinator(district: str) -> dict[str, str]:
    token = issue_staff_token(
        DEVELOPMENT_SECRET, subject="c@test", role="coordinator", district_id=district
    )
    return {"Authorization": f"Bearer {token}"}


async def events_of(kafka: Tansu, at_least: int) -> list[Envelope]:
    """Registration's events, except the closing of the district whose deadline passed."""
    records = await read_topic(
        kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, at_least=at_least + 4
    )
    envelopes = [decode(r.value).envelope for r in records]
    return [
        e
        for e in envelopes
        if e.district_id != "closed-district" and e.event_type != "WorkshopScheduled"
    ]


def app_for(kafka: Tansu, url: str, **extra: Any) -> Any:
    settings = Settings(**settings_for(kafka.bootstrap_servers, url, **extra))
    return create_app(settings, districts=book())


async def test_web_application_is_confirmed_through_its_link(
    kafka: Tansu, database_url: str
) -> None:
    async with running(app_for(kafka, database_url)) as (client, _):
        response = await client.post(
            "/applications",
            json={"district_id": "halle", "applicant": applicant(), "consent": CONSENT},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "pending_confirmation"
        [received] = await events_of(kafka, 1)
        assert received.event_type == "ApplicationReceived"
        link = received.payload["confirmation_url"]
        token = link.split("token=", 1)[1]

        confirmed = await client.post("/applications/confirm", params={"token": token})
        assert confirmed.status_code == 200, confirmed.text
        again = await client.post("/applications/confirm", params={"token": token})
        assert again.status_code == 200
        forged = await client.post("/applications/confirm", params={"token": token[:-2] + "xx"})
        assert forged.status_code == 400
        assert forged.headers["content-type"] == "application/problem+json"

        received_then_confirmed = await events_of(kafka, 2)
        assert [e.event_type for e in received_then_confirmed] == [
            "ApplicationReceived",
            "ApplicationConfirmed",
        ]
        assert received_then_confirmed[1].payload["application_id"] == body["application_id"]


@pytest.mark.parametrize(
    ("form", "status", "code", "words"),
    [
        (
            {
                "district_id": "closed-district",
                "applicant": applicant(
                    address={
                        "street": "Markt",
                        "house_number": "1",
                        "postal_code": "06712",
                        "municipality": "Zeitz",
                    }
                ),
            },
            409,
            "deadline-passed",
            "Anmeldefrist ist abgelaufen",
        ),
        (
            {"district_id": "leipzig", "applicant": applicant()},
            422,
            "outside-district",
            "nicht im Landkreis",
        ),
        (
            {
                "district_id": "halle",
                "applicant": applicant(),
                "consent": {"given": False, "text_version": "v1"},
            },
            422,
            "consent-required",
            "Einwilligung",
        ),
        (
            {"district_id": "atlantis", "applicant": applicant()},
            422,
            "unknown-district",
            "gibt es in diesem Beteiligungsprozess nicht",
        ),
    ],
)
async def test_refused_applications_leave_no_trace(
    kafka: Tansu, database_url: str, form: dict[str, Any], status: int, code: str, words: str
) -> None:
    form = {"consent": CONSENT, **form}
    async with running(app_for(kafka, database_url)) as (client, _):
        response = await client.post("/applications", json=form)
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["type"].endswith(code)
    assert words in problem["detail"]
    assert problem["detail_en"]
    assert await fetchval(database_url, "SELECT count(*) FROM applications") == 0
    assert await fetchval(database_url, EMITTED) == 0


async def test_a_second_application_of_the_same_person_is_refused(
    kafka: Tansu, database_url: str
) -> None:
    async with running(app_for(kafka, database_url)) as (client, _):
        first = await client.post(
            "/applications",
            json={"district_id": "halle", "applicant": applicant(), "consent": CONSENT},
        )
        assert first.status_code == 201
        # The same person on a reply card, with another spelling of the names.
        card = await client.post(
            "/staff/reply-cards",
            headers=admin(),
            json={
                "card_id": "K-77",
                "district_id": "halle",
                "received_on": "2026-11-20",
                "applicant": applicant(given_name="Joerdis", family_name="WEISS", email=None),
            },
        )
        second = await client.post(
            "/applications",
            json={"district_id": "halle", "applicant": applicant(), "consent": CONSENT},
        )
    for response in (card, second):
        assert response.status_code == 409, response.text
        assert response.json()["type"].endswith("already-applied")
        assert "bereits eine Bewerbung" in response.json()["detail"]
    assert await fetchval(database_url, "SELECT count(*) FROM applications") == 1
    assert await fetchval(database_url, EMITTED) == 1


def card_rows(n: int, bad_every: int) -> tuple[str, int]:
    lines = [
        "card_id,district_id,given_name,family_name,street,house_number,postal_code,"
        "municipality,birth_year,gender,received_on"
    ]
    bad = 0
    for i in range(n):
        postal = "04109" if i % 2 else "04177"
        if i % bad_every == bad_every - 1:
            bad += 1
            postal = "99999"  # not in Leipzig: refused as outside the district
        lines.append(
            f"C{i:05d},leipzig,Vorname{i},Nachname{i},Hauptstraße,{i},{postal},"
            f"Leipzig,{1940 + i % 60},{'wmd'[i % 3]},2026-11-20"
        )
    return "\n".join(lines) + "\n", bad


async def test_reply_card_import_reports_bad_rows_and_is_idempotent(
    kafka: Tansu, database_url: str
) -> None:
    text, bad = card_rows(1000, bad_every=20)
    assert bad == 50
    async with running(app_for(kafka, database_url)) as (client, _):
        headers = {**admin(), "content-type": "text/csv"}
        first = await client.post(
            "/staff/reply-cards/import", content=text.encode(), headers=headers
        )
        assert first.status_code == 200, first.text
        report = first.json()
        assert (report["accepted"], report["rejected"], report["already_imported"]) == (950, 50, 0)
        assert {r["line"] for r in report["rejected_rows"]} == {
            i + 2 for i in range(1000) if i % 20 == 19
        }
        assert all("not in the workshop's district" in r["reason"] for r in report["rejected_rows"])

        second = await client.post(
            "/staff/reply-cards/import", content=text.encode(), headers=headers
        )
        assert second.json()["accepted"] == 0
        assert second.json()["already_imported"] == 950
    assert await fetchval(database_url, "SELECT count(*) FROM applications") == 950
    assert (
        await fetchval(database_url, "SELECT count(*) FROM applications WHERE status = 'confirmed'")
        == 950
    )
    # Each card: ApplicationReceived and ApplicationConfirmed.
    assert await fetchval(database_url, EMITTED) == 1900


async def test_staff_endpoints_refuse_missing_wrong_and_foreign_tokens(
    kafka: Tansu, database_url: str
) -> None:
    entry = {
        "card_id": "K-1",
        "district_id": "halle",
        "received_on": "2026-11-20",
        "applicant": applicant(email=None),
    }
    expired = issue_staff_token(
        DEVELOPMENT_SECRET, subject="x", role="admin", now=datetime(2020, 1, 1, tzinfo=UTC)
    )
    wrong = issue_staff_token("another-secret", subject="x", role="admin")
    async with running(app_for(kafka, database_url)) as (client, _):
        cases = {
            "missing": {},
            "malformed": {"Authorization": "Token abc"},
            "garbage": {"Authorization": "Bearer abc.def.ghi"},
            "expired": {"Authorization": f"Bearer {expired}"},
            "wrongly signed": {"Authorization": f"Bearer {wrong}"},
        }
        for name, headers in cases.items():
            response = await client.post("/staff/reply-cards", json=entry, headers=headers)
            assert response.status_code == 401, name
            assert response.headers["www-authenticate"] == "Bearer"
        foreign = await client.post(
            "/staff/reply-cards", json=entry, headers=coordinator("leipzig")
        )
        assert foreign.status_code == 403
        own = await client.post("/staff/reply-cards", json=entry, headers=coordinator("halle"))
        assert own.status_code == 201, own.text


async def test_the_website_may_submit_through_kafka_with_the_same_rules(
    kafka: Tansu, database_url: str
) -> None:
    good = ApplicationSubmitted(
        submission_id=uuid.uuid4(),
        district_id="halle",
        applicant=Applicant.model_validate(applicant()),
        consent_text_version="v1",
        submitted_at=datetime.now(UTC),
    )
    outside = good.model_copy(update={"submission_id": uuid.uuid4(), "district_id": "leipzig"})
    other = Applicant.model_validate(applicant(email="jemand.anders@example.org"))
    bad_email = good.model_copy(update={"submission_id": uuid.uuid4(), "applicant": other})
    raw = [
        Envelope.wrap(e, district_id=e.district_id, producer="website").to_bytes()
        for e in (good, outside, bad_email)
    ]
    # An address of the right shape that the full check refuses (two dots in a row): a
    # consumer decodes by shape, so the intake must refuse it.
    raw[2] = raw[2].replace(b"jemand.anders@", b"jemand..anders@")
    async with running(app_for(kafka, database_url)):
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_SUBMISSIONS, [raw[0], raw[0]])
        await produce(
            kafka.bootstrap_servers, topics.REGISTRATION_SUBMISSIONS, [raw[1]], key=b"leipzig"
        )
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_SUBMISSIONS, [raw[2]])
        events = await events_of(kafka, 3)
    kinds = sorted(e.event_type for e in events)
    assert kinds == ["ApplicationReceived", "ApplicationRejected", "ApplicationRejected"]
    reasons = {
        e.payload["submission_id"]: e.payload["reason_code"]
        for e in events
        if e.event_type == "ApplicationRejected"
    }
    assert reasons == {
        str(outside.submission_id): "outside-district",
        str(bad_email.submission_id): "invalid-email",
    }
    assert await fetchval(database_url, "SELECT count(*) FROM applications") == 1


@pytest.mark.parametrize("name", ["Weiß\u0000", "Weiß\nDROP", "Wei\tß"])
async def test_a_name_with_control_characters_is_refused_with_a_reason(
    kafka: Tansu, database_url: str, name: str
) -> None:
    async with running(app_for(kafka, database_url)) as (client, _):
        response = await client.post(
            "/applications",
            json={
                "district_id": "halle",
                "applicant": applicant(family_name=name),
                "consent": CONSENT,
            },
        )
    assert response.status_code == 422, response.text
    assert "family_name" in response.text
    assert "control characters" in response.text
    assert await fetchval(database_url, "SELECT count(*) FROM applications") == 0


@pytest.mark.parametrize(
    ("idea", "field", "reason"),
    [
        ({"text": "Mehr\u0000Busse"}, "text", "control characters"),
        ({"text": "Busse", "author_name": "Anna\nB."}, "author_name", "control characters"),
        ({"text": "Busse", "author_email": "anna@"}, "author_email", "email"),
    ],
)
async def test_an_unusable_idea_is_refused_with_a_reason(
    kafka: Tansu, database_url: str, idea: dict[str, str], field: str, reason: str
) -> None:
    async with running(app_for(kafka, database_url)) as (client, _):
        refused = await client.post("/ideas", json={"district_id": "halle", **idea})
        kept = await client.post(
            "/ideas",
            json={
                "district_id": "halle",
                "text": "Mehr Busse\nauch abends",
                "author_email": "a@b.de",
            },
        )
    assert refused.status_code == 422, refused.text
    assert field in refused.text and reason in refused.text
    assert kept.status_code == 201, kept.text
    assert await fetchval(database_url, "SELECT count(*) FROM ideas") == 1
