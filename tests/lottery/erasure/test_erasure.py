"""Erasure on the real broker and database: when registration announces that a
district's retention period ended, the lottery deletes that district's register names
and addresses, keeps the pseudonymous pool the draws are verified from, and leaves other
districts alone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bench.register import write_synthetic_register
from lottery.main import create_app
from lottery.settings import Settings
from mitwirken.infra import Tansu
from shared import topics
from shared.auth import issue_staff_token
from shared.events.envelope import Envelope
from shared.events.registration import PersonalDataErased
from shared.settings import DEVELOPMENT_SECRET
from tests.support.kafka import produce
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

ADMIN = {
    "Authorization": "Bearer "
    + issue_staff_token(DEVELOPMENT_SECRET, subject="staff@test", role="admin"),
    "Content-Type": "text/csv",
}

RECORDS_OF = (
    "SELECT count(*) FROM register_records r JOIN register_imports i USING (import_id) "
    "WHERE i.district_id = $1"
)
POOL_OF = (
    "SELECT count(*) FROM register_pool p JOIN register_imports i USING (import_id) "
    "WHERE i.district_id = $1"
)


async def test_register_names_go_and_the_pseudonymous_pool_stays(
    kafka: Tansu, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    write_synthetic_register(path, 300, seed=5)
    data = path.read_bytes()
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, _):
        for district in ("leipzig", "halle"):
            response = await client.post(
                f"/staff/districts/{district}/register/imports", content=data, headers=ADMIN
            )
            assert response.status_code == 200, response.text
        accepted_in_leipzig = await fetchval(database_url, RECORDS_OF, "leipzig")
        assert accepted_in_leipzig > 250

        erased = Envelope.wrap(
            PersonalDataErased(
                workshop_date=date(2026, 3, 14), retention_days=90, erased_at=datetime.now(UTC)
            ),
            district_id="leipzig",
            producer="registration",
        )
        await produce(
            kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, [erased.to_bytes()], key=b"leipzig"
        )

        async def names_gone() -> bool:
            return await fetchval(database_url, RECORDS_OF, "leipzig") == 0

        await eventually(names_gone)
        assert await fetchval(database_url, POOL_OF, "leipzig") == accepted_in_leipzig
        assert await fetchval(database_url, RECORDS_OF, "halle") == accepted_in_leipzig
        assert (
            await fetchval(
                database_url,
                "SELECT count(*) FROM register_import_errors e JOIN register_imports i "
                "USING (import_id) WHERE i.district_id = 'leipzig'",
            )
            == 0
        )
