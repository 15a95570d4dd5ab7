"""The workshop day in registration, on the real broker and database: seats learnt from
the lottery, check-in by the confirmation's code and after a search by name (incl. the
register half and a person promoted from the waitlist), refusals with the reason, and
guidelines recorded with the ideas that fed into them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from mitwirken.infra import Tansu
from registration.main import create_app
from registration.settings import Settings
from shared import topics
from shared.auth import issue_staff_token
from shared.events import Envelope, decode
from shared.events.lottery import (
    InvitationsDrawn,
    Invitee,
    LotteryDrawn,
    PanelDrawn,
    ParticipantPromoted,
)
from shared.settings import DEVELOPMENT_SECRET
from tests.registration.support import applicant, book
from tests.support.browser import artifact_path
from tests.support.kafka import produce, read_topic
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

HALLE = {
    "Authorization": "Bearer "
    + issue_staff_token(
        DEVELOPMENT_SECRET, subject="desk@test", role="coordinator", district_id="halle"
    )
}
BASE = "/staff/districts/halle"


def lottery(event: Any) -> bytes:
    return Envelope.wrap(event, district_id="halle", producer="lottery").to_bytes()


async def card(client: Any, n: int, given: str, family: str) -> uuid.UUID:
    entry = {
        "card_id": f"card-{n}",
        "district_id": "halle",
        "applicant": applicant(given_name=given, family_name=family, email=None),
        "received_on": date.today().isoformat(),
    }
    r = await client.post("/staff/reply-cards", json=entry, headers=HALLE)
    assert r.status_code == 201, r.text
    return uuid.UUID(r.json()["application_id"])


async def on_the_phone(page: Any, client: Any) -> None:
    """A phone-sized page whose requests go to the service in this process."""
    await page.set_viewport_size({"width": 390, "height": 844})

    async def forward(route: Any) -> None:
        request = route.request
        response = await client.request(
            request.method,
            request.url.replace("http://desk.test", ""),
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            content=request.post_data_buffer,
        )
        await route.fulfill(
            status=response.status_code, headers=dict(response.headers), body=response.content
        )

    await page.route("http://desk.test/**", forward)


async def test_check_in_by_code_and_by_name_and_the_guidelines(
    kafka: Tansu, database_url: str, page: Any
) -> None:
    settings = Settings(**settings_for(kafka.bootstrap_servers, database_url))
    async with running(create_app(settings, districts=book())) as (client, _):
        held = await card(client, 1, "Jördis", "Weiß")
        leaver = await card(client, 2, "Karl", "Lehmann")
        waiting = await card(client, 3, "Mia", "Schulze")
        invitee = uuid.uuid4()
        await produce(
            kafka.bootstrap_servers,
            topics.LOTTERY_EVENTS,
            [
                lottery(
                    LotteryDrawn(
                        draw_id=uuid.uuid4(),
                        seated=(held, leaver),
                        waitlist=(waiting,),
                        audit_reference="/draws/halle/applicants",
                    )
                ),
                lottery(
                    InvitationsDrawn(
                        draw_id=uuid.uuid4(),
                        invitees=(
                            Invitee(
                                invitee_id=invitee,
                                invitation_code="ABCDEFGH2J",
                                given_name="Ole",
                                family_name="Brandt",
                                street="Ring",
                                house_number="1",
                                postal_code="06108",
                                municipality="Halle (Saale)",
                            ),
                        ),
                        audit_reference="/draws/halle/invitations",
                    )
                ),
                lottery(
                    PanelDrawn(
                        draw_id=uuid.uuid4(),
                        seated=(invitee,),
                        selection_method="leximin",
                        minimum_probability=0.5,
                        panel_count=1,
                        panel_index=0,
                        audit_reference="/draws/halle/panel",
                    )
                ),
                lottery(
                    ParticipantPromoted(
                        application_id=waiting, waitlist_position=1, replaces=leaver
                    )
                ),
            ],
        )
        await eventually(
            lambda: fetchval(
                database_url,
                "SELECT count(*) = 1 FROM workshop_seats WHERE state = 'released'"
                " AND EXISTS (SELECT 1 FROM workshop_seats WHERE half = 'register')",
            )
        )

        html = await client.get(f"{BASE}/check-in")
        assert html.status_code == 200 and 'id="search-form"' in html.text
        assert "BarcodeDetector" in html.text and "sessionStorage" in html.text

        scanned = await client.post(
            f"{BASE}/check-in", json={"code": f" MWCHECKIN:halle:{held}"}, headers=HALLE
        )
        assert scanned.status_code == 200, scanned.text
        assert scanned.json()["person"]["family_name"] == "Weiß"
        assert scanned.json()["already_checked_in"] is False
        again = await client.post(
            f"{BASE}/check-in", json={"code": f"MWCHECKIN:halle:{held}"}, headers=HALLE
        )
        assert again.json()["already_checked_in"] is True

        gone = await client.post(
            f"{BASE}/check-in", json={"code": f"MWCHECKIN:halle:{leaver}"}, headers=HALLE
        )
        assert (gone.status_code, gone.json()["type"].rsplit("/", 1)[1]) == (409, "seat-given-up")
        other = await client.post(
            f"{BASE}/check-in", json={"code": f"MWCHECKIN:leipzig:{held}"}, headers=HALLE
        )
        assert other.status_code == 422
        unsigned = await client.post(f"{BASE}/check-in", json={"code": f"MWCHECKIN:halle:{held}"})
        assert unsigned.status_code == 401

        found = await client.get(f"{BASE}/check-in/search", params={"q": "schul"}, headers=HALLE)
        assert [(p["given_name"], p["state"]) for p in found.json()] == [("Mia", "seated")]
        promoted = await client.post(
            f"{BASE}/check-in",
            json={"participant_id": found.json()[0]["participant_id"]},
            headers=HALLE,
        )
        assert promoted.status_code == 200, promoted.text
        brandt = await client.get(
            f"{BASE}/check-in/search", params={"q": "ole brandt"}, headers=HALLE
        )
        assert [p["half"] for p in brandt.json()] == ["register"]
        # At the desk on a phone: sign in, search by name, check in with one tap.
        await on_the_phone(page, client)
        await page.goto(f"http://desk.test{BASE}/check-in")
        await page.fill("#token", HALLE["Authorization"].removeprefix("Bearer "))
        await page.click("#login-form button")
        await page.fill("#q", "Brandt")
        await page.click("#search-form button")
        await page.click("text=Einchecken: Ole Brandt")
        await page.wait_for_selector("#status.ok")
        assert "checked in: Ole Brandt" in await page.inner_text("#status")
        assert "Melderegister / register: 1 / 1" in await page.inner_text("#counts")
        await page.screenshot(path=str(artifact_path("check-in-phone.png")), full_page=True)
        register = await client.post(
            f"{BASE}/check-in", json={"participant_id": str(invitee)}, headers=HALLE
        )
        assert register.json()["already_checked_in"] is True
        assert register.json()["attendance"] == {
            "applicants": {"seated": 2, "checked_in": 2},
            "register": {"seated": 1, "checked_in": 1},
        }

        idea = await client.post(
            "/ideas",
            json={
                "district_id": "halle",
                "text": "Mehr Radwege",
                "field_of_action": "mobility_and_logistics",
            },
        )
        idea_id = idea.json()["idea_id"]
        guideline = {
            "title": "Radverkehr stärken",
            "text": "Der Landkreis baut ein durchgehendes Radwegenetz.",
            "field_of_action": "mobility_and_logistics",
            "supporting_statements": ["Sicher zur Schule", " "],
            "idea_ids": [idea_id],
        }
        unknown = await client.post(
            f"{BASE}/guidelines", json={**guideline, "idea_ids": [str(uuid.uuid4())]}, headers=HALLE
        )
        assert (unknown.status_code, unknown.json()["type"].rsplit("/", 1)[1]) == (
            422,
            "unknown-ideas",
        )
        recorded = await client.post(f"{BASE}/guidelines", json=guideline, headers=HALLE)
        assert recorded.status_code == 201, recorded.text
        listed = (await client.get(f"{BASE}/guidelines", headers=HALLE)).json()
        assert [(g["title"], g["supporting_statements"], g["idea_ids"]) for g in listed] == [
            ("Radverkehr stärken", ["Sicher zur Schule"], [idea_id])
        ]

        records = await read_topic(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, at_least=8)
    events = [decode(r.value).envelope for r in records]
    check_ins = [
        (e.payload["participant_id"], e.payload["half"], e.payload["method"])
        for e in events
        if e.event_type == "ParticipantCheckedIn"
    ]
    assert check_ins == [
        (str(held), "applicants", "qr_code"),
        (str(waiting), "applicants", "name_search"),
        (str(invitee), "register", "name_search"),
    ]
    assert [e.payload["title"] for e in events if e.event_type == "GuidelineRecorded"] == [
        "Radverkehr stärken"
    ]
    assert not any(
        "Weiß" in str(e.payload) for e in events if e.event_type == "ParticipantCheckedIn"
    )
