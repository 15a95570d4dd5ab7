"""Web applications arriving together share transactions on the real database, and each
still gets its own answer: accepted with its own event, refused as a second application
of the same person, or failed alone when the database refuses it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from registration.adapters.links import LinkSigner
from registration.domain.applications import Application
from registration.main import MIGRATIONS
from registration.service import intake
from registration.service.group_commit import GroupCommit
from shared import db
from shared.events.common import Applicant, Channel
from tests.registration.support import applicant, book

pytestmark = pytest.mark.integration


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await db.create_pool(database_url, min_size=1, max_size=4)
    await db.migrate(pool, db.migration_files(MIGRATIONS))
    yield pool
    await pool.close()


def writer(pool: asyncpg.Pool) -> GroupCommit:
    districts = book()
    links = intake.Links(LinkSigner("test-secret"), "https://mitwirken.example")
    return GroupCommit(pool, districts=districts, links=links, clock=lambda: datetime.now(UTC))


def web(i: int, **overrides: Any) -> intake.Submission:
    person = Applicant.model_validate(
        applicant(given_name=f"Person{i}", email=f"person{i}@example.org", **overrides)
    )
    return intake.Submission("halle", person, Channel.WEB, consent_text_version="v1")


async def receipts(conn: asyncpg.Connection) -> int:
    """ApplicationReceived events in the outbox (storing the districts adds others)."""
    return int(
        await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE convert_from(value, 'UTF8')::jsonb->>'event_type'"
            " = 'ApplicationReceived'"
        )
    )


async def store_districts(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await book().store(conn)


async def test_concurrent_applications_share_transactions_and_keep_their_answers(
    pool: asyncpg.Pool,
) -> None:
    await store_districts(pool)
    group = writer(pool)
    submissions = [web(i) for i in range(300)] + [web(i) for i in range(5)]  # 5 twice
    answers = await asyncio.gather(*(group.submit(s) for s in submissions), return_exceptions=True)
    accepted = [a for a in answers if isinstance(a, Application)]
    refused = [a for a in answers if isinstance(a, intake.Refused)]
    assert len(accepted) == 300
    assert len({a.application_id for a in accepted}) == 300
    assert [r.refusals[0].code for r in refused] == ["already-applied"] * 5
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM applications") == 300
        assert await receipts(conn) == 300
        # Rows written by one transaction share its id (xmin): far fewer than 300.
        transactions = await conn.fetchval("SELECT count(DISTINCT xmin::text) FROM applications")
    assert transactions <= 10


async def test_an_application_the_database_refuses_fails_alone(pool: asyncpg.Pool) -> None:
    await store_districts(pool)
    group = writer(pool)
    good = [web(i) for i in range(40)]
    # A NUL character passes no entry point (the contract refuses control characters),
    # but if one got this far, PostgreSQL would refuse the row: only this one may fail.
    bad = web(99)
    bad = intake.Submission(
        "halle",
        bad.applicant.model_copy(update={"family_name": "We\x00iß"}),
        Channel.WEB,
        consent_text_version="v1",
    )
    answers = await asyncio.gather(
        *(group.submit(s) for s in [*good[:20], bad, *good[20:]]), return_exceptions=True
    )
    failed = answers[20]
    assert isinstance(failed, asyncpg.PostgresError)
    assert all(isinstance(a, Application) for a in answers[:20] + answers[21:])
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM applications") == 40
        assert await receipts(conn) == 40


async def test_a_closed_district_refuses_within_a_batch(pool: asyncpg.Pool) -> None:
    await store_districts(pool)
    group = writer(pool)
    closed = intake.Submission(
        "closed-district", web(7).applicant, Channel.WEB, consent_text_version="v1"
    )
    answers = await asyncio.gather(
        group.submit(web(1)), group.submit(closed), group.submit(web(2)), return_exceptions=True
    )
    assert isinstance(answers[0], Application)
    assert isinstance(answers[1], intake.Refused)
    assert isinstance(answers[2], Application)


async def test_every_field_of_a_batch_is_stored_as_given(pool: asyncpg.Pool) -> None:
    await store_districts(pool)
    group = writer(pool)
    needs = web(1, accessibility_needs=["step_free_access", "childcare"], phone="0345 123")
    plain = web(2, language="en", birth_year=1999)
    first, second = await asyncio.gather(group.submit(needs), group.submit(plain))
    assert isinstance(first, Application) and isinstance(second, Application)
    async with pool.acquire() as conn:
        rows = {
            r["given_name"]: dict(r)
            for r in await conn.fetch(
                "SELECT given_name, family_name, street, postal_code, email, phone, birth_year,"
                " gender, accessibility_needs, language, channel, status, consent_text_version"
                " FROM applications"
            )
        }
    assert rows["Person1"]["accessibility_needs"] == ["step_free_access", "childcare"]
    assert rows["Person1"]["phone"] == "0345 123"
    assert rows["Person2"]["accessibility_needs"] == []
    assert rows["Person2"] == {
        "given_name": "Person2",
        "family_name": "Weiß",
        "street": "Große Ulrichstraße",
        "postal_code": "06108",
        "email": "person2@example.org",
        "phone": None,
        "birth_year": 1999,
        "gender": "female",
        "accessibility_needs": [],
        "language": "en",
        "channel": "web",
        "status": "pending_confirmation",
        "consent_text_version": "v1",
    }
