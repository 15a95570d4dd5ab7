"""The event contract: envelopes round-trip, and every kind of bad message is refused
with a reason a person can act on."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared import topics
from shared.events import EVENT_TYPES, Envelope, PoisonMessage, decode, events_on
from shared.events.common import Applicant
from shared.events.registration import ApplicationConfirmed, ApplicationsClosed

REQUIRED = {
    "ApplicationSubmitted",
    "ApplicationReceived",
    "ApplicationConfirmed",
    "ApplicationRejected",
    "ApplicationWithdrawn",
    "ApplicationsClosed",
    "IdeaSubmitted",
    "RegisterImported",
    "InvitationsDrawn",
    "LotteryDrawn",
    "SeatOffered",
    "SeatDeclined",
    "ParticipantPromoted",
    "NotificationSent",
    "NotificationFailed",
}


def confirmed() -> ApplicationConfirmed:
    return ApplicationConfirmed(application_id=uuid.uuid4(), confirmed_at=datetime.now(UTC))


def test_the_contract_has_every_event_the_process_needs() -> None:
    assert set(EVENT_TYPES) >= REQUIRED
    assert {e.event_type for e in events_on(topics.REGISTRATION_EVENTS)} >= {
        "ApplicationReceived",
        "ApplicationsClosed",
    }


def test_an_envelope_round_trips_through_bytes() -> None:
    event = confirmed()
    envelope = Envelope.wrap(event, district_id="halle", producer="registration")
    received = decode(envelope.to_bytes(), topic=topics.REGISTRATION_EVENTS)
    assert received.envelope == envelope
    assert received.payload == event
    assert envelope.correlation_id == envelope.event_id
    assert envelope.causation_id is None


def test_a_caused_event_carries_correlation_and_causation() -> None:
    cause = Envelope.wrap(confirmed(), district_id="halle", producer="registration")
    effect = Envelope.wrap(
        ApplicationsClosed(deadline=datetime.now(UTC), received=1, confirmed=1, lapsed=0),
        district_id="halle",
        producer="registration",
        causation=cause,
    )
    assert effect.correlation_id == cause.correlation_id
    assert effect.causation_id == cause.event_id


def test_occurred_at_is_normalised_to_utc() -> None:
    local = datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    envelope = Envelope.wrap(confirmed(), district_id="x", producer="p", occurred_at=local)
    assert envelope.occurred_at.utcoffset() == timedelta(0)
    assert envelope.occurred_at == local


def test_a_newer_minor_version_with_unknown_fields_is_read() -> None:
    envelope = Envelope.wrap(confirmed(), district_id="halle", producer="registration")
    data = json.loads(envelope.to_bytes())
    data["schema_version"] = "1.7"
    data["payload"]["added_later"] = "ignored by old readers"
    data["added_to_envelope"] = True
    received = decode(json.dumps(data).encode())
    assert received.envelope.event_id == envelope.event_id


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda d: d.update(schema_version="2.0"), "schema version 2.0 is not supported"),
        (lambda d: d.update(event_type="SomethingElse"), "unknown event type"),
        (lambda d: d["payload"].pop("application_id"), "invalid ApplicationConfirmed payload"),
        (lambda d: d.pop("event_id"), "invalid envelope: event_id"),
        (lambda d: d.update(occurred_at="2026-01-01T00:00:00"), "invalid envelope: occurred_at"),
        (lambda d: d.update(schema_version="one"), "invalid envelope: schema_version"),
    ],
)
def test_bad_envelopes_are_refused_with_a_reason(mutate: object, reason: str) -> None:
    data = json.loads(Envelope.wrap(confirmed(), district_id="d", producer="p").to_bytes())
    mutate(data)  # type: ignore[operator]
    with pytest.raises(PoisonMessage) as refused:
        decode(json.dumps(data).encode())
    assert reason in refused.value.reason


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "empty message"),
        (b"\xff\xfe", "not valid JSON"),
        (b"[1, 2]", "not an object"),
        (b" " * 1_000_001, "exceeds the limit"),
    ],
)
def test_unreadable_messages_are_refused(raw: bytes | None, reason: str) -> None:
    with pytest.raises(PoisonMessage) as refused:
        decode(raw)
    assert reason in refused.value.reason


def test_an_event_on_the_wrong_topic_is_refused() -> None:
    raw = Envelope.wrap(confirmed(), district_id="d", producer="p").to_bytes()
    with pytest.raises(PoisonMessage, match="does not belong on topic"):
        decode(raw, topic=topics.LOTTERY_EVENTS)


def test_the_partition_key_is_the_district() -> None:
    assert topics.partition_key("halle") == b"halle"
    assert topics.dead_letter_topic(topics.LOTTERY_EVENTS) == "mitwirken.lottery.events.dlq"


def test_an_address_is_checked_in_full_where_it_enters_and_by_shape_when_decoded() -> None:
    """The producer checks an address in full; a consumer only refuses what is not an
    address at all, and the registration intake checks submissions again."""
    fields = {"given_name": "Ada", "family_name": "Muster"}
    assert Applicant(email="ada@Example.ORG", **fields).email == "ada@example.org"
    with pytest.raises(ValueError, match="email"):
        Applicant(email="ada..muster@example.org", **fields)
    decoding = {"mitwirken.decoding": True}
    loose = Applicant.model_validate(
        {**fields, "email": "ada..muster@example.org"}, context=decoding
    )
    assert loose.email == "ada..muster@example.org"
    for nonsense in ("ada", "ada@example", "a b@example.org", "x@" + "y" * 320 + ".de"):
        with pytest.raises(ValueError, match="email"):
            Applicant.model_validate({**fields, "email": nonsense}, context=decoding)
