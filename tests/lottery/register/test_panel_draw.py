"""The register panel on the real broker and database: answers arrive from registration,
quotas that cannot be met are named with a relaxation, the panel list is committed
and published before the seed, one panel is picked, and ``mitwirken-verify`` agrees."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.register import write_synthetic_register
from lottery.entrypoints.cli import main as verify_cli
from lottery.main import create_app
from lottery.settings import Settings
from mitwirken.infra import Tansu
from shared import topics
from shared.auth import issue_staff_token
from shared.events import Envelope, decode
from shared.events.registration import InvitationAnswered
from shared.settings import DEVELOPMENT_SECRET
from tests.support.kafka import produce, read_topic
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

ADMIN = {
    "Authorization": "Bearer "
    + issue_staff_token(DEVELOPMENT_SECRET, subject="staff@test", role="admin")
}


async def test_commit_publish_pick_and_verify_the_panel(
    kafka: Tansu, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "register.csv"
    write_synthetic_register(path, 1500, seed=3)
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, _):
        base = "/staff/districts/leipzig"
        imported = await client.post(
            f"{base}/register/imports", content=path.read_bytes(), headers=ADMIN
        )
        assert imported.status_code == 200, imported.text
        wave = await client.post(
            f"{base}/register/invitations",
            json={"sources": [["7", "13", "21"]], "letters_per_seat": 10},
            headers=ADMIN,
        )
        assert wave.status_code == 200, wave.text
        invited = [
            i
            for w in (await client.get("/draws/leipzig/invitations")).json()["waves"]
            for ids in w["invited"].values()
            for i in ids
        ]
        answers = [
            Envelope.wrap(
                InvitationAnswered(
                    invitee_id=uuid.UUID(person),
                    accepts=n % 3 != 0,  # two in three accept
                    answered_at=datetime.now(UTC),
                ),
                district_id="leipzig",
                producer="registration",
            ).to_bytes()
            for n, person in enumerate(invited)
        ]
        await produce(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, answers, b"leipzig")
        await eventually(
            lambda: fetchval(
                database_url, "SELECT count(*) = $1 FROM register_respondents", len(invited)
            )
        )
        accepting = sum(1 for n in range(len(invited)) if n % 3 != 0)

        impossible = {"category": "gender", "value": "diverse", "minimum": 25, "maximum": 30}
        refused = await client.post(
            f"{base}/panel/commit", json={"quotas": [impossible]}, headers=ADMIN
        )
        assert refused.status_code == 422, refused.text
        report = refused.json()["report"]
        assert report["relaxations"] and report["de"] and report["en"]

        committed = await client.post(
            f"{base}/panel/commit", json={"method": "leximin", "panel_count": 200}, headers=ADMIN
        )
        assert committed.status_code == 200, committed.text
        assert committed.json()["respondents"] == accepting
        published = (await client.get("/draws/leipzig/panel")).json()
        commitment = published["commitment"]
        assert published["audit_record"] is None and len(commitment["panels"]) == 200
        assert len(commitment["probabilities"]) == accepting
        assert abs(sum(commitment["probabilities"].values()) - 30) < 1e-6
        assert "Müller" not in json.dumps(published)

        drawn = await client.post(
            f"{base}/panel/draw", json={"seed": "3 11 19 27 38 49"}, headers=ADMIN
        )
        assert drawn.status_code == 200, drawn.text
        again = await client.post(f"{base}/panel/draw", json={"seed": "1 2 3"}, headers=ADMIN)
        assert again.status_code == 409
        record = (await client.get("/draws/leipzig/panel")).json()["audit_record"]
        records = await read_topic(kafka.bootstrap_servers, topics.LOTTERY_EVENTS, at_least=5)

    seated = record["seated"]
    assert len(seated) == len(set(seated)) == 30
    assert (
        await fetchval(
            database_url,
            "SELECT count(DISTINCT household_key) FROM register_pool"
            " WHERE person_id = ANY($1::uuid[])",
            seated,
        )
        == 30
    )  # one person per household
    audit = tmp_path / "panel.json"
    audit.write_text(json.dumps(record))
    assert verify_cli([str(audit)]) == 0
    audit.write_text(json.dumps({**record, "seed": "1 2 3 4 5 6"}))
    assert verify_cli([str(audit)]) == 1
    events = [decode(r.value).envelope for r in records]
    kinds = Counter(e.event_type for e in events)
    assert kinds["PanelDrawn"] == 1 and kinds["DrawCommitted"] == 2
    panel_drawn = next(e for e in events if e.event_type == "PanelDrawn").payload
    assert sorted(str(x) for x in panel_drawn["seated"]) == sorted(seated)
    assert panel_drawn["panel_index"] == record["panel_index"]
