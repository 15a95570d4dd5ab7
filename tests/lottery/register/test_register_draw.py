"""The register draw on the real broker and database: a streamed import with its error
report, an invitation wave whose letters follow the register within one letter per
stratum, recomputed by anyone from the published pool and seed, and a second wave that
invites nobody twice."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bench.register import write_synthetic_register
from lottery.domain import invitations as inv
from lottery.entrypoints.cli import main as verify_cli
from lottery.main import create_app
from lottery.settings import Settings
from mitwirken.infra import Tansu
from shared import topics
from shared.auth import issue_staff_token
from shared.events import Envelope, decode
from shared.settings import DEVELOPMENT_SECRET
from tests.support.kafka import read_topic
from tests.support.services import eventually, running, settings_for

pytestmark = pytest.mark.integration

ADMIN = {
    "Authorization": "Bearer "
    + issue_staff_token(DEVELOPMENT_SECRET, subject="staff@test", role="admin")
}
WAVE_1 = {"sources": [["3", "11", "19", "27", "38", "49"]], "letters_per_seat": 5}
WAVE_2 = {"sources": [["1", "2", "3", "4", "5", "6"]], "letters_per_seat": 2, "wave": 2}


async def chunked(data: bytes, size: int = 4096) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def lottery_events_until(kafka: Tansu, *, wave: int) -> list[Envelope]:
    """The lottery topic's events, once the given invitation wave is among them."""

    async def read() -> list[Envelope]:
        records = await read_topic(
            kafka.bootstrap_servers, topics.LOTTERY_EVENTS, at_least=1, timeout_s=5
        )
        events = [decode(r.value).envelope for r in records]
        drawn = {e.payload["wave"] for e in events if e.event_type == "InvitationsDrawn"}
        return events if wave in drawn else []

    found: list[Envelope] = await eventually(read, timeout_s=60)
    return found


async def test_import_draw_waves_and_verify_from_the_published_record(
    kafka: Tansu, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    write_synthetic_register(path, 3000, seed=11)
    extra = (
        "X1;Kurz;Karl;;1970-01-01;m;deutsch;Weg;1;;041;Leipzig;\n"  # postal code broken
        "00000001;Doppelt;Dora;;1970-01-01;w;deutsch;Weg;1;;04109;Leipzig;\n"  # id repeated
    )
    data = path.read_bytes() + extra.encode()
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, _):
        url = "/staff/districts/leipzig/register/imports"
        assert (await client.post(url, content=data)).status_code == 401
        response = await client.post(
            url, content=chunked(data), headers={**ADMIN, "Content-Type": "text/csv"}
        )
        assert response.status_code == 200, response.text
        report = response.json()
        rows = list(csv.reader(io.StringIO(data.decode()), delimiter=";"))[1:]
        blocked = sum(1 for r in rows if r[-1] == "1")
        assert report["blocked"] == blocked
        assert report["accepted"] + report["rejected"] + report["blocked"] == len(rows)
        reasons = {(e["row_number"], e["column_name"]) for e in report["rejected_rows"]}
        assert (len(rows), "postal_code") in reasons
        assert (len(rows) + 1, "record_id") in reasons
        errors = await client.get(f"{url}/{report['import_id']}/errors", headers=ADMIN)
        assert errors.text.startswith("row_number;record_id;column;reason")
        assert len(errors.text.strip().splitlines()) == report["rejected"] + 1
        assert "Doppelt" not in errors.text  # the report names the problem, not the value

        draw = "/staff/districts/leipzig/register/invitations"
        response = await client.post(draw, json=WAVE_1, headers=ADMIN)
        assert response.status_code == 200, response.text
        summary = response.json()
        assert summary["letters"] == 30 * 5
        register_total = sum(s["register"] for s in summary["strata"])
        assert register_total == report["accepted"]
        for s in summary["strata"]:  # within one letter of the exact share, per stratum
            exact = summary["letters"] * s["register"] / register_total
            assert math.floor(exact) <= s["letters"] <= math.ceil(exact)
        assert (await client.post(draw, json=WAVE_1, headers=ADMIN)).status_code == 409

        public = (await client.get("/draws/leipzig/invitations")).json()
        assert public["commitment"]["pool_hash"] == report["pool_hash"]
        pool_text = (await client.get("/draws/leipzig/invitations/pool")).text
        pool = [
            (line.split("\t")[0], tuple(line.split("\t")[1:])) for line in pool_text.splitlines()
        ]
        assert len(pool) == report["accepted"]
        record = public["waves"][0]
        allocation = {
            (s["age_band"], s["gender"], s["municipality"]): s["letters"]
            for s in record["allocation"]
        }
        invited = {tuple(k.split("\t")): v for k, v in record["invited"].items()}
        assert inv.verify_invitations(pool, allocation, record["seed"], invited).matches
        first_wave = {p for ids in invited.values() for p in ids}

        again = dict(WAVE_2, sources=WAVE_1["sources"])
        reused = await client.post(draw, json=again, headers=ADMIN)
        assert reused.status_code == 422
        second = await client.post(draw, json=WAVE_2, headers=ADMIN)
        assert second.status_code == 200, second.text
        reimport = await client.post(url, content=data, headers=ADMIN)
        assert reimport.status_code == 409
        waves = (await client.get("/draws/leipzig/invitations")).json()["waves"]
        # Read while the service runs: its relay publishes the second wave after the
        # answer, and a stopping relay leaves what it has not sent for its next start.
        events = await lottery_events_until(kafka, wave=2)

    # Anyone recomputes each wave from the published record and pool.
    pool_file = tmp_path / "pool.txt"
    pool_file.write_text(pool_text, encoding="utf-8")
    for published_wave in waves:
        wave_file = tmp_path / f"wave{published_wave['wave']}.json"
        wave_file.write_text(json.dumps(published_wave))
        assert verify_cli([str(wave_file), str(pool_file)]) == 0
    pool_file.write_text(pool_text.replace("\tfemale\t", "\tmale\t", 1), encoding="utf-8")
    assert verify_cli([str(wave_file), str(pool_file)]) == 1
    kinds = Counter(e.event_type for e in events)
    assert kinds["RegisterImported"] == 1 and kinds["DrawCommitted"] == 1
    invitees = [
        i for e in events if e.event_type == "InvitationsDrawn" for i in e.payload["invitees"]
    ]
    waves = Counter(e.payload["wave"] for e in events if e.event_type == "InvitationsDrawn")
    assert set(waves) == {1, 2}
    assert len(invitees) == 150 + 60
    ids = [str(i["invitee_id"]) for i in invitees]
    assert len(set(ids)) == len(ids) and first_wave <= set(ids)
    assert all(inv.normalise_code(i["invitation_code"]) for i in invitees)
    assert len({i["invitation_code"] for i in invitees}) == len(invitees)
    imported = next(e for e in events if e.event_type == "RegisterImported").payload
    assert sum(p["count"] for p in imported["population"]) == report["accepted"]
