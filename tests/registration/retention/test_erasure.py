"""Retention on the real broker and database: a configured time after its workshop, a
district's personal data is gone from registration's store, PersonalDataErased is
published once, and another district's data stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from mitwirken.infra import Tansu
from registration.main import create_app
from registration.service.districts import DistrictBook
from registration.service.retention import erase_due_districts
from registration.settings import Settings
from shared import topics
from shared.events import decode
from shared.events.registration import PersonalDataErased
from tests.registration.support import applicant, terms
from tests.support.kafka import read_topic
from tests.support.services import running, settings_for

pytestmark = pytest.mark.integration

CONSENT = {"given": True, "text_version": "v1"}
PERSONAL = ("Jördis", "Weiß", "joerdis", "Große Ulrichstraße", "0345 123456", "Ideenautorin")


async def personal_values(url: str, district_id: str) -> list[str]:
    """Every text value of the district's rows that holds one of the test person's data."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT a::text AS row FROM applications a WHERE district_id = $1 "
            "UNION ALL SELECT i::text FROM ideas i WHERE district_id = $1",
            district_id,
        )
    finally:
        await conn.close()
    return [r["row"] for r in rows if any(p.casefold() in r["row"].casefold() for p in PERSONAL)]


async def test_a_districts_personal_data_is_erased_after_retention_and_announced_once(
    kafka: Tansu, database_url: str
) -> None:
    now = datetime.now(UTC)
    districts = DistrictBook(
        [terms("halle", now + timedelta(days=1)), terms("leipzig", now + timedelta(days=60))],
        reply_card_grace=timedelta(0),
    )
    settings = Settings(
        **settings_for(kafka.bootstrap_servers, database_url, retention_days_after_workshop=90)
    )
    async with running(create_app(settings, districts=districts)) as (client, runtime):
        for district, street in (
            ("halle", "Große Ulrichstraße"),
            ("leipzig", "Große Ulrichstraße"),
        ):
            person = applicant(phone="0345 123456")
            if district == "leipzig":
                person["address"] = {
                    "street": street,
                    "house_number": "7",
                    "postal_code": "04109",
                    "municipality": "Leipzig",
                }
            response = await client.post(
                "/applications",
                json={"district_id": district, "applicant": person, "consent": CONSENT},
            )
            assert response.status_code == 201, response.text
            response = await client.post(
                "/ideas",
                json={
                    "district_id": district,
                    "text": "Mehr Busse am Abend",
                    "author_name": "Ideenautorin",
                    "author_email": "autorin@example.org",
                },
            )
            assert response.status_code in (201, 202), response.text
        assert await personal_values(database_url, "halle")

        halle_workshop = districts.terms("halle").workshop_date  # type: ignore[union-attr]
        day_after_retention = datetime.combine(
            halle_workshop + timedelta(days=90), datetime.min.time(), UTC
        )
        too_early = day_after_retention - timedelta(days=1)
        assert await erase_due_districts(runtime.pool, too_early, retention_days=90) == []
        assert await personal_values(database_url, "halle")

        assert await erase_due_districts(runtime.pool, day_after_retention, retention_days=90) == [
            "halle"
        ]
        assert await erase_due_districts(runtime.pool, day_after_retention, retention_days=90) == []

        assert await personal_values(database_url, "halle") == []
        assert len(await personal_values(database_url, "leipzig")) == 2
        conn = await asyncpg.connect(database_url)
        try:
            remaining = await conn.fetchrow(
                "SELECT count(*) AS applications, min(status) AS status, min(gender) AS gender "
                "FROM applications WHERE district_id = 'halle'"
            )
        finally:
            await conn.close()
        assert dict(remaining) == {
            "applications": 1,
            "status": "pending_confirmation",
            "gender": "female",
        }

        # two WorkshopScheduled, two ApplicationReceived, two IdeaSubmitted, one erasure
        records = await read_topic(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, at_least=7)
        erasures = [
            decode(r.value)
            for r in records
            if decode(r.value).envelope.event_type == "PersonalDataErased"
        ]
        assert len(erasures) == 1
        assert erasures[0].envelope.district_id == "halle"
        assert isinstance(erasures[0].payload, PersonalDataErased)
        assert erasures[0].payload.workshop_date == halle_workshop


async def test_an_administrator_may_erase_a_district_early_and_only_once(
    kafka: Tansu, database_url: str
) -> None:
    from shared.auth import issue_staff_token

    now = datetime.now(UTC)
    districts = DistrictBook(
        [terms("halle", now + timedelta(days=5))], reply_card_grace=timedelta(0)
    )
    settings = Settings(**settings_for(kafka.bootstrap_servers, database_url))
    secret = settings.signing_secret.get_secret_value()
    admin = {"Authorization": "Bearer " + issue_staff_token(secret, subject="a", role="admin")}
    coordinator = {
        "Authorization": "Bearer "
        + issue_staff_token(secret, subject="c", role="coordinator", district_id="halle")
    }
    url = "/staff/districts/halle/personal-data/erase"
    async with running(create_app(settings, districts=districts)) as (client, _):
        response = await client.post(
            "/applications",
            json={"district_id": "halle", "applicant": applicant(), "consent": CONSENT},
        )
        assert response.status_code == 201, response.text

        refused = await client.post(url, json={"confirm_district_id": "halle"}, headers=coordinator)
        assert refused.status_code == 403
        mismatch = await client.post(url, json={"confirm_district_id": "leipzig"}, headers=admin)
        assert mismatch.status_code == 422
        assert await personal_values(database_url, "halle")

        done = await client.post(url, json={"confirm_district_id": "halle"}, headers=admin)
        assert done.status_code == 200, done.text
        assert await personal_values(database_url, "halle") == []
        again = await client.post(url, json={"confirm_district_id": "halle"}, headers=admin)
        assert again.status_code == 409
        assert "bereits gelöscht" in again.json()["detail"]
