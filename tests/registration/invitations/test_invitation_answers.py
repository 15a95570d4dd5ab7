"""Answers to register invitations on the real broker and database: registration learns
the codes from the lottery's InvitationsDrawn; a code works once, only for its invitee
and district, only until the deadline; a guessed code is refused and rate limited."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from mitwirken.infra import Tansu
from registration.main import create_app
from registration.settings import Settings
from shared import topics
from shared.auth import issue_staff_token
from shared.events import Envelope, decode
from shared.events.lottery import InvitationsDrawn, Invitee
from shared.settings import DEVELOPMENT_SECRET
from tests.registration.support import book
from tests.support.kafka import produce, read_topic
from tests.support.services import eventually, fetchval, running, settings_for

pytestmark = pytest.mark.integration

CODES = ["ABCDE-FGH2J", "KLMNP-QRS3T", "UVWXY-Z2345", "23456-789AB"]


def staff(district: str) -> dict[str, str]:
    token = issue_staff_token(
        DEVELOPMENT_SECRET, subject="c@test", role="coordinator", district_id=district
    )
    return {"Authorization": f"Bearer {token}"}


def drawn(district: str, codes: list[str], deadline: date) -> tuple[list[uuid.UUID], bytes]:
    ids = [uuid.uuid4() for _ in codes]
    event = InvitationsDrawn(
        draw_id=uuid.uuid4(),
        invitees=tuple(
            Invitee(
                invitee_id=i,
                invitation_code=code,
                given_name="Anna",
                family_name="Muster",
                street="Lindenstraße",
                house_number="3",
                postal_code="04109",
                municipality="Leipzig",
            )
            for i, code in zip(ids, codes, strict=True)
        ),
        audit_reference=f"/draws/{district}/invitations",
        response_deadline=deadline,
    )
    return ids, Envelope.wrap(event, district_id=district, producer="lottery").to_bytes()


def yes(code: str, **extra: Any) -> dict[str, Any]:
    return {
        "invitation_code": code,
        "accepts": True,
        "birth_year": 1990,
        "gender": "female",
        "municipality": "Leipzig",
        "email": "anna@example.org",
        **extra,
    }


async def test_codes_work_once_for_their_invitee_and_district_until_the_deadline(
    kafka: Tansu, database_url: str
) -> None:
    today = datetime.now(UTC).date()
    ids, leipzig = drawn("leipzig", CODES[:3], today + timedelta(days=21))
    late_ids, late = drawn("halle", CODES[3:], today - timedelta(days=2))
    settings = Settings(**settings_for(kafka.bootstrap_servers, database_url))
    app = create_app(settings, districts=book())
    async with running(app) as (client, _):
        await produce(kafka.bootstrap_servers, topics.LOTTERY_EVENTS, [leipzig, leipzig, late])
        await eventually(
            lambda: fetchval(database_url, "SELECT count(*) = 4 FROM invitation_codes")
        )
        assert not await fetchval(
            database_url, "SELECT count(*) FROM invitation_codes WHERE code_hash LIKE 'ABCDE%'"
        )  # only keyed hashes are kept

        first = await client.post("/invitations/answers", json=yes("abcde fgh2j"))
        assert first.status_code == 201, first.text
        assert first.json()["invitee_id"] == str(ids[0])
        used = await client.post("/invitations/answers", json=yes(CODES[0]))
        guessed = await client.post("/invitations/answers", json=yes("ZZZZZ-ZZZZZ"))
        assert used.status_code == guessed.status_code == 404
        assert used.json()["detail_en"] == guessed.json()["detail_en"]
        assert "used already" in used.json()["detail_en"]

        missing = await client.post("/invitations/answers", json=yes(CODES[1], gender=None))
        assert (missing.status_code, missing.json()["field"]) == (422, "gender")
        declined = await client.post(
            "/invitations/answers", json={"invitation_code": CODES[1], "accepts": False}
        )
        assert declined.status_code == 201

        closed = await client.post("/invitations/answers", json=yes(CODES[3]))
        assert closed.status_code == 410

        # Reply cards: staff of another district cannot use a Leipzig code.
        card = yes(CODES[2], received_on=today.isoformat())
        url = "/staff/districts/{}/invitations/answers"
        other = await client.post(url.format("halle"), json=card, headers=staff("halle"))
        assert other.status_code == 404
        entered = await client.post(url.format("leipzig"), json=card, headers=staff("leipzig"))
        assert entered.status_code == 201, entered.text

        # Guessing goes on only a few times before the client is stopped.
        statuses = [
            (await client.post("/invitations/answers", json=yes(f"2345{n}-ABCDE"))).status_code
            for n in range(5, 10)
        ]
        assert statuses[-1] == 429 and set(statuses) <= {404, 429}

        records = await read_topic(kafka.bootstrap_servers, topics.REGISTRATION_EVENTS, at_least=3)
    answers = [decode(r.value).envelope for r in records]
    answers = [e for e in answers if e.event_type == "InvitationAnswered"]
    seen = [
        (str(e.payload["invitee_id"]), e.payload["accepts"], e.payload["channel"]) for e in answers
    ]
    assert seen == [
        (str(ids[0]), True, "web"),
        (str(ids[1]), False, "web"),
        (str(ids[2]), True, "reply_card"),
    ]
    assert answers[2].district_id == "leipzig"
    assert str(late_ids[0]) not in {str(e.payload["invitee_id"]) for e in answers}
