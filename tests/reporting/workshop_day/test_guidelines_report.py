"""The workshop day in reporting: who came next to who was seated (by half, age band
and gender), and the guidelines report as PDF and web page, without personal data."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import asyncpg
import pytest
from pypdf import PdfReader

from reporting.entrypoints.consumers import on_any_event
from reporting.entrypoints.guidelines import render_html
from reporting.entrypoints.html import dashboard as dashboard_html
from reporting.guidelines_report import render_pdf
from reporting.main import MIGRATIONS
from reporting.service.figures import figures
from reporting.service.workshop_day import report
from shared.db import migrate, migration_files
from shared.events import Envelope, Event, decode
from shared.events.common import Applicant, Channel, Gender
from shared.events.lottery import DrawCommitted, LotteryDrawn, ParticipantPromoted
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    GuidelineRecorded,
    IdeaSubmitted,
    ParticipantCheckedIn,
    WorkshopScheduled,
)

pytestmark = pytest.mark.integration
NOW = datetime(2026, 5, 9, 9, tzinfo=UTC)


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=2)
    await migrate(pool, migration_files(MIGRATIONS))
    async with pool.acquire() as c:
        yield c
    await pool.close()


async def feed(conn: asyncpg.Connection, district: str, *events: Event) -> None:
    for event in events:
        raw = Envelope.wrap(event, district_id=district, producer="test").to_bytes()
        async with conn.transaction():
            await on_any_event(conn, decode(raw))


async def test_attendance_and_the_report_of_a_district(conn: asyncpg.Connection) -> None:
    people = [uuid.uuid4() for _ in range(8)]
    await feed(
        conn,
        "burgenland",
        WorkshopScheduled(
            workshop_date=date(2026, 5, 9),
            town="Naumburg",
            applicant_seats=6,
            register_seats=6,
            application_deadline=NOW,
        ),
        *[
            ApplicationReceived(
                application_id=p,
                channel=Channel.WEB,
                applicant=Applicant(
                    given_name=f"Geheimvorname{i}",
                    family_name=f"Geheimname{i}",
                    birth_year=1950 + 5 * i,
                    gender=Gender.FEMALE if i % 2 else Gender.MALE,
                ),
                received_at=NOW,
            )
            for i, p in enumerate(people)
        ],
        *[ApplicationConfirmed(application_id=p, confirmed_at=NOW) for p in people],
        DrawCommitted(
            draw_id=(draw := uuid.uuid4()),
            kind="applicants",
            pool_size=8,
            pool_hash="ab12cd34",
            algorithm="rfc3797-sha256-v1",
            randomness_source="Lotto 6 aus 49, 2026-03-01",
        ),
        LotteryDrawn(
            draw_id=draw,
            seated=tuple(people[:6]),
            waitlist=tuple(people[6:]),
            audit_reference="/draws/burgenland/applicants",
        ),
        ParticipantPromoted(application_id=people[7], waitlist_position=2, replaces=people[0]),
        IdeaSubmitted(
            idea_id=(idea := uuid.uuid4()),
            text="Mehr Busse",
            field_of_action="mobility_and_logistics",
            submitted_at=NOW,
        ),
        *[
            ParticipantCheckedIn(participant_id=p, half="applicants", method=m, checked_in_at=NOW)
            for p, m in ((people[1], "qr_code"), (people[2], "qr_code"), (people[7], "name_search"))
        ],
        GuidelineRecorded(
            guideline_id=uuid.uuid4(),
            title="Busse im Stundentakt",
            text="Jeder Ort ist mindestens stündlich erreichbar.",
            field_of_action="mobility_and_logistics",
            supporting_statements=("Auch am Wochenende",),
            idea_ids=(idea,),
            recorded_at=NOW,
        ),
    )
    data = await report(conn, "burgenland", now=NOW)
    attendance = data["attendance"]["applicants"]
    assert (attendance["seated"], attendance["checked_in"]) == (6, 3)
    assert sum(g["checked_in"] for g in attendance["by_gender"].values()) == 3
    assert data["seats"]["applicants"]["from_waitlist"] == 1

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(data))).pages)
    assert "Busse im Stundentakt" in text and "Auch am Wochenende" in text
    assert "besetzt / filled 6, anwesend / checked in 3" in text
    assert "mitwirken-verify" in text and "ab12cd34" in text
    page = render_html(data)
    for output in (" ".join(text.split()), page):
        assert "Geheim" not in output
        assert not any(str(p) in output for p in people)
    assert "Busse im Stundentakt" in page
    region = await report(conn, None, now=NOW)
    assert region["attendance"]["total"]["checked_in"] == 3

    # The staff dashboard shows who came next to who held a seat.
    staff_view = dashboard_html(
        await figures(conn, "burgenland", now=NOW),
        [],
        title="Auswertung",
        query=None,
        links={},
        hidden={},
    )
    assert "Anwesend am Workshoptag (Bewerbungen)</th><td>3 von 6" in staff_view
