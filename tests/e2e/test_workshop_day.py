"""The workshop day through the real services (registration, lottery, reporting on one
broker and one PostgreSQL, each with its own database): reply-card applications, the
closing and the draw, a withdrawal on the workshop day whose seat staff hand by phone
to a waitlisted person of their choice (not the next in line), check-in by the QR
code's text and by name search (the promoted person included), attendance in
reporting's figures equal to registration's count, and the guidelines report as PDF
(from the command) with the guidelines, the seat figures and the verification
instructions, and no personal data."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import asyncpg
import pytest
from pypdf import PdfReader

from lottery.main import create_app as create_lottery
from lottery.settings import Settings as LotterySettings
from mitwirken.infra import Tansu
from registration.main import create_app as create_registration
from registration.service.districts import DistrictBook
from registration.settings import Settings as RegistrationSettings
from reporting.main import create_app as create_reporting
from reporting.settings import Settings as ReportingSettings
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.registration.support import terms
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.e2e

DISTRICT = "halle"
ADMIN = {
    "Authorization": "Bearer " + issue_staff_token(DEVELOPMENT_SECRET, subject="e", role="admin")
}
DESK = f"/staff/districts/{DISTRICT}"


def person(i: int) -> dict[str, Any]:
    return {
        "given_name": f"Vorname{i}",
        "family_name": f"Tagesname{i}",
        "address": {
            "street": "Lindenstraße",
            "house_number": str(i + 1),
            "postal_code": "06108",
            "municipality": "Halle (Saale)",
        },
        "birth_year": 1950 + 7 * i,
        "gender": ("female", "male")[i % 2],
    }


async def rows(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def test_check_in_on_the_day_and_the_guidelines_report(
    kafka: Tansu, new_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    dbs = {name: new_database_url(name[:4]) for name in ("registration", "lottery", "reporting")}
    deadline = datetime.now(UTC) + timedelta(days=10)
    book = DistrictBook(
        [dataclasses.replace(terms(DISTRICT, deadline), applicant_seats=3, register_seats=0)],
        reply_card_grace=timedelta(0),
    )
    registration_app = create_registration(
        RegistrationSettings(
            **settings_for(
                kafka.bootstrap_servers, dbs["registration"], closing_check_interval_s=0.2
            )
        ),
        districts=book,
    )
    async with (
        running(
            create_lottery(LotterySettings(**settings_for(kafka.bootstrap_servers, dbs["lottery"])))
        ) as (lottery, _),
        running(
            create_reporting(
                ReportingSettings(**settings_for(kafka.bootstrap_servers, dbs["reporting"]))
            )
        ) as (reporting, _),
        running(registration_app) as (registration, _),
    ):
        ids = []
        for i in range(6):
            card = await registration.post(
                "/staff/reply-cards",
                headers=ADMIN,
                json={
                    "card_id": f"K-{i}",
                    "district_id": DISTRICT,
                    "applicant": person(i),
                    "received_on": datetime.now(UTC).date().isoformat(),
                },
            )
            assert card.status_code == 201, card.text
            ids.append(uuid.UUID(card.json()["application_id"]))
        idea = await registration.post(
            "/ideas",
            json={
                "district_id": DISTRICT,
                "text": "Mehr Bänke am Fluss",
                "field_of_action": "tourism_and_culture",
            },
        )
        idea_id = idea.json()["idea_id"]

        conn = await asyncpg.connect(dbs["registration"])
        await conn.execute("UPDATE districts SET closes_at = now()")
        await conn.close()
        await eventually(
            lambda: fetchval(dbs["lottery"], "SELECT count(*) = 1 FROM draws"), timeout_s=60
        )
        draw = await lottery.post(
            f"{DESK}/draw", headers=ADMIN, json={"sources": [["3", "14", "15", "92", "65", "35"]]}
        )
        assert draw.status_code == 200, draw.text
        await eventually(
            lambda: fetchval(dbs["registration"], "SELECT count(*) = 6 FROM workshop_seats")
        )
        order = {
            r["application_id"]: (r["state"], r["waitlist_position"])
            for r in await rows(
                dbs["lottery"], "SELECT application_id, state, waitlist_position FROM placements"
            )
        }
        seated = [a for a in ids if order[a][0] == "seated"]
        waiting = sorted((a for a in ids if order[a][0] == "waitlisted"), key=lambda a: order[a][1])
        assert (len(seated), len(waiting)) == (3, 3)

        # The workshop day: a seat holder withdraws; the seat is not passed on by itself.
        conn = await asyncpg.connect(dbs["lottery"])
        await conn.execute("UPDATE districts SET workshop_date = current_date")
        await conn.close()
        leaver, chosen = seated[0], waiting[-1]
        links = registration_app.state.registration.links
        token = parse_qs(urlparse(links.withdrawal_url(leaver)).query)["token"][0]
        assert (
            await registration.post("/applications/withdraw", params={"token": token})
        ).status_code == 200
        await eventually(
            lambda: fetchval(
                dbs["lottery"],
                "SELECT state = 'released' FROM placements WHERE application_id = $1",
                leaver,
            )
        )
        handed = await lottery.post(
            f"{DESK}/seats/{leaver}/hand-over", headers=ADMIN, json={"to": str(chosen)}
        )
        assert handed.status_code == 200, handed.text
        await eventually(
            lambda: fetchval(
                dbs["registration"],
                "SELECT state = 'seated' FROM workshop_seats WHERE participant_id = $1",
                chosen,
            )
        )

        # Check-in: by the QR code's text, and after a search by name.
        scanned = await registration.post(
            f"{DESK}/check-in", headers=ADMIN, json={"code": f"MWCHECKIN:{DISTRICT}:{seated[1]}"}
        )
        assert scanned.status_code == 200, scanned.text
        refused = await registration.post(
            f"{DESK}/check-in", headers=ADMIN, json={"code": f"MWCHECKIN:{DISTRICT}:{leaver}"}
        )
        assert refused.status_code == 409
        family = f"Tagesname{ids.index(chosen)}"
        found = await registration.get(
            f"{DESK}/check-in/search", headers=ADMIN, params={"q": family}
        )
        assert [p["participant_id"] for p in found.json()] == [str(chosen)]
        promoted = await registration.post(
            f"{DESK}/check-in", headers=ADMIN, json={"participant_id": str(chosen)}
        )
        assert promoted.status_code == 200, promoted.text
        desk = promoted.json()["attendance"]["applicants"]
        assert desk == {"seated": 3, "checked_in": 2}

        guideline = await registration.post(
            f"{DESK}/guidelines",
            headers=ADMIN,
            json={
                "title": "Flussufer als Treffpunkt",
                "text": "Das Ufer wird mit Bänken und Schatten zum Treffpunkt für alle.",
                "field_of_action": "tourism_and_culture",
                "supporting_statements": ["Ältere brauchen Sitzplätze"],
                "idea_ids": [idea_id],
            },
        )
        assert guideline.status_code == 201, guideline.text

        async def reported() -> dict[str, Any] | None:
            figures = (
                await reporting.get(f"/api/staff/districts/{DISTRICT}/figures", headers=ADMIN)
            ).json()
            done = figures["attendance"]["applicants"]["checked_in"] == 2
            has_guideline = await fetchval(dbs["reporting"], "SELECT count(*) = 1 FROM guidelines")
            return figures if done and has_guideline else None

        figures = await eventually(reported, timeout_s=60)
        attendance = figures["attendance"]["applicants"]
        assert {"seated": attendance["seated"], "checked_in": attendance["checked_in"]} == desk
        assert sum(g["checked_in"] for g in attendance["by_gender"].values()) == 2
        assert figures["seats"]["applicants"]["from_waitlist"] == 1

        page = await reporting.get(f"/leitlinien/{DISTRICT}")
        assert page.status_code == 200 and "Flussufer als Treffpunkt" in page.text

    out = tmp_path / "leitlinien.pdf"
    await asyncio.to_thread(
        subprocess.run,
        [
            sys.executable,
            "-m",
            "reporting.guidelines_report",
            "--district",
            DISTRICT,
            "--out",
            str(out),
            "--database-url",
            dbs["reporting"],
        ],
        check=True,
        capture_output=True,
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Flussufer als Treffpunkt" in text and "Ältere brauchen Sitzplätze" in text
    assert "Plätze / seats 3, besetzt / filled 3, anwesend / checked in 2" in text
    assert "mitwirken-verify" in text and "RFC 3797" in text
    flat = " ".join(text.split())
    for i, a in enumerate(ids):
        assert f"Tagesname{i}" not in flat and f"Vorname{i}" not in flat and str(a) not in flat
