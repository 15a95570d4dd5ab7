"""Read models fed by a realistic run of events for two districts: every figure of the
JSON API equals what was published, and a rebuild from the topics gives identical rows."""

from __future__ import annotations

from typing import Any

import asyncpg

from mitwirken.infra import Tansu
from reporting.adapters.repository import table_contents
from reporting.main import MIGRATIONS, create_app
from reporting.service.rebuild import rebuild
from reporting.settings import Settings
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.reporting.integration.scenario import build
from tests.support.services import eventually, fetchval, running, settings_for

ADMIN = {
    "Authorization": "Bearer " + issue_staff_token(DEVELOPMENT_SECRET, subject="a", role="admin")
}


async def contents(url: str) -> dict[str, list[dict[str, Any]]]:
    conn = await asyncpg.connect(url)
    try:
        return await table_contents(conn)
    finally:
        await conn.close()


async def test_every_figure_matches_the_events_and_a_rebuild_is_identical(
    kafka: Tansu, database_url: str, new_database_url: Any
) -> None:
    scenario, ids = build()
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, _):
        await scenario.publish(kafka.bootstrap_servers)
        await eventually(
            lambda: fetchval(database_url, "SELECT count(*) = $1 FROM inbox", scenario.count),
            timeout_s=60,
        )
        public = (await client.get("/api/districts/halle/figures")).json()
        halle = (await client.get("/api/staff/districts/halle/figures", headers=ADMIN)).json()
        leipzig = (await client.get("/api/staff/districts/leipzig/figures", headers=ADMIN)).json()
        region = (await client.get("/api/staff/region/figures", headers=ADMIN)).json()

    assert public == {"district_id": "halle", "event_counts": halle["event_counts"]}
    assert halle["event_counts"] == {
        "WorkshopScheduled": 1,
        "ApplicationReceived": 6,
        "ApplicationConfirmed": 4,
        "IdeaSubmitted": 7,
        "ApplicationsClosed": 1,
        "DrawCommitted": 1,
        "LotteryDrawn": 1,
        "ApplicationWithdrawn": 1,
        "SeatOffered": 1,
        "ParticipantPromoted": 1,
        "RegisterImported": 1,
        "InvitationsDrawn": 2,
        "InvitationAnswered": 3,
        "PanelDrawn": 1,
        "NotificationSent": 4,
        "NotificationFailed": 2,
    }
    [workshop] = halle["workshops"]
    assert workshop["applicant_seats"] == 3 and workshop["register_seats"] == 2
    assert workshop["days_left"] in (10, 11) and workshop["closed"] is True
    assert halle["applications"] == {
        "received": 6,
        "confirmed": 4,
        "withdrawn": 1,
        "confirmation_rate": 0.6667,
        "by_channel": {
            "web": {"received": 4, "confirmed": 3, "withdrawn": 1},
            "reply_card": {"received": 2, "confirmed": 1, "withdrawn": 0},
        },
        "per_day": [
            {"day": "2024-03-04", "web": 3, "reply_card": 1},
            {"day": "2024-03-05", "web": 1, "reply_card": 1},
        ],
    }
    assert halle["demographics"] == {
        "age_band": {"25-34": 1, "35-44": 1, "55-64": 2, "65-74": 1},
        "gender": {"not_stated": 5},
        "municipality": {"Halle (Saale)": 5},
    }
    assert halle["closings"][0]["received"] == 6 and halle["closings"][0]["lapsed"] == 2
    assert halle["seats"] == {
        "applicants": {"seats": 3, "filled": 3, "by_lottery": 2, "from_waitlist": 1, "free": 0},
        "register": {
            "seats": 2,
            "filled": 1,
            "invited": 4,
            "accepted": 2,
            "declined": 1,
            "free": 1,
        },
    }
    register = halle["register"]
    assert (register["invited"], register["answered"], register["response_rate"]) == (4, 3, 0.75)
    assert register["waves"] == [
        {"wave": 1, "invited": 3, "answered": 2, "accepted": 1, "declined": 1},
        {"wave": 2, "invited": 1, "answered": 1, "accepted": 1, "declined": 0},
    ]
    assert register["answers_by_channel"] == {
        "web": {"accepts": 1, "declines": 0},
        "reply_card": {"accepts": 1, "declines": 1},
    }
    [panel] = register["panels"]
    assert (panel["seated"], panel["reserves"], panel["selection_method"]) == (1, 1, "leximin")
    assert halle["composition"]["applicants"]["age_band"] == {
        "25-34": 1,
        "35-44": 1,
        "55-64": 1,
    }
    assert halle["composition"]["register"] == {
        "age_band": {"35-44": 1},
        "gender": {"female": 1},
        "municipality": {"Halle (Saale)": 1},
    }
    assert halle["population"]["municipality"] == {"Ammendorf": 300, "Halle (Saale)": 700}
    assert [
        (r["value"], r["seated"], r["seated_share"], r["population_share"], r["gap_points"])
        for r in halle["representativeness"]["age_band"]
    ] == [
        ("25-34", 1, 0.25, 0.2, 5.0),
        ("35-44", 2, 0.5, 0.2, 30.0),
        ("55-64", 1, 0.25, 0.3, -5.0),
        ("65-74", 0, 0.0, 0.3, -30.0),
    ]
    assert [(r["value"], r["seated"]) for r in halle["representativeness"]["gender"]] == [
        (
            "female",
            1,
        ),
        ("male", 0),
        ("not_stated", 3),
    ]
    assert halle["waitlist"] == {"length": 0, "released_seats": 1}
    [draw] = halle["draws"]
    assert draw["draw_id"] == str(ids["draw"])
    assert (draw["pool_size"], draw["seated"], draw["waitlisted"]) == (4, 3, 1)
    assert draw["pool_hash"] == "ab" * 32 and draw["audit_reference"] == "/draws/halle/applicants"
    assert halle["ideas"] == {
        "total": 7,
        "by_field_of_action": {"Energie": 1, "Mobilität und Logistik": 2, "(ohne)": 4},
    }
    assert halle["notifications"] == {
        "sent": 4,
        "failed": 1,
        "failed_permanent": 1,
        "by_template": {"confirmation_request": {"sent": 4, "failed": 1}},
    }

    assert leipzig["applications"]["received"] == 2
    assert leipzig["applications"]["confirmation_rate"] == 0.5
    assert leipzig["seats"]["applicants"] == {
        "seats": 30,
        "filled": 0,
        "by_lottery": 0,
        "from_waitlist": 0,
        "free": 30,
    }
    assert leipzig["draws"] == [] and leipzig["notifications"]["sent"] == 0
    assert leipzig["register"]["invited"] == 1 and leipzig["population"]["gender"] == {}

    assert region["scope"] == "region"
    assert region["applications"]["received"] == 8
    assert region["applications"]["confirmed"] == 5
    assert region["seats"]["applicants"]["seats"] == 33
    assert region["ideas"]["by_field_of_action"]["Mobilität und Logistik"] == 3
    assert [w["district_id"] for w in region["workshops"]] == ["halle", "leipzig"]
    assert region["event_counts"]["ApplicationReceived"] == 8

    # No author, e-mail or address is kept anywhere; Leipzig's names are erased (also
    # those of invitations read after the erasure), Halle's are kept for the venue list.
    dump = repr(await contents(database_url))
    for personal in ("geheim@example.org", "Geheim", "person1@example.org", "Lindenstraße"):
        assert personal not in dump
    for erased in ("Vorname7", "Nachname8", "Geladen5", "Register5"):
        assert erased not in dump
    assert "Vorname1" in dump and "Geladen1" in dump

    # Rebuild in place, and into a fresh database: identical rows both times.
    before = await contents(database_url)
    report = await rebuild(database_url, kafka.bootstrap_servers, migrations_dir=MIGRATIONS)
    assert report.handled == scenario.count and report.failed == 0
    assert await contents(database_url) == before
    assert await fetchval(database_url, "SELECT count(*) FROM inbox") == scenario.count
    fresh = new_database_url("rb")
    await rebuild(fresh, kafka.bootstrap_servers, migrations_dir=MIGRATIONS)
    assert await contents(fresh) == before
