"""The event contract: every event type, and how a consumer turns bytes into one.

Adding an event: define it in the module of the service that publishes it and list it
in ``_ALL`` below; the AsyncAPI document (docs/asyncapi.yaml) then changes, and the
contract test asks for the document to be regenerated.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from shared.events import lottery, notifications, registration
from shared.events.common import DECODING
from shared.events.envelope import (
    Envelope,
    Event,
    PoisonMessage,
    describe_validation_error,
    parse_envelope,
)

_DECODING = {DECODING: True}

_ALL: tuple[type[Event], ...] = (
    registration.ApplicationSubmitted,
    registration.ApplicationReceived,
    registration.ApplicationConfirmed,
    registration.ApplicationRejected,
    registration.ApplicationWithdrawn,
    registration.ApplicationsClosed,
    registration.IdeaSubmitted,
    registration.InvitationAnswered,
    registration.WorkshopScheduled,
    registration.ParticipantCheckedIn,
    registration.GuidelineRecorded,
    registration.PersonalDataErased,
    lottery.RegisterImported,
    lottery.InvitationsDrawn,
    lottery.DrawCommitted,
    lottery.LotteryDrawn,
    lottery.SeatOffered,
    lottery.SeatDeclined,
    lottery.ParticipantPromoted,
    lottery.PanelDrawn,
    notifications.NotificationSent,
    notifications.NotificationFailed,
)

EVENT_TYPES: dict[str, type[Event]] = {cls.event_type: cls for cls in _ALL}


def events_on(topic: str) -> tuple[type[Event], ...]:
    return tuple(cls for cls in _ALL if cls.topic == topic)


@dataclass(frozen=True, slots=True)
class ReceivedEvent:
    """An event as a consumer sees it: the envelope and its typed payload."""

    envelope: Envelope
    payload: Event


def decode(raw: bytes | None, *, topic: str | None = None) -> ReceivedEvent:
    """Bytes to a typed event, or PoisonMessage with a reason a person understands."""
    return decode_envelope(parse_envelope(raw), topic=topic)


def decode_envelope(envelope: Envelope, *, topic: str | None = None) -> ReceivedEvent:
    """An envelope to a typed event, or PoisonMessage (unknown type or version, bad payload)."""
    cls = EVENT_TYPES.get(envelope.event_type)
    if cls is None:
        raise PoisonMessage(f"unknown event type {envelope.event_type!r}")
    if topic is not None and cls.topic != topic:
        raise PoisonMessage(f"event type {envelope.event_type!r} does not belong on topic {topic}")
    known_major = int(cls.schema_version.split(".", 1)[0])
    if envelope.major_version != known_major:
        raise PoisonMessage(
            f"{envelope.event_type} schema version {envelope.schema_version} is not supported "
            f"(this consumer reads major version {known_major})"
        )
    try:
        payload = cls.model_validate(envelope.payload, context=_DECODING)
    except ValidationError as exc:
        raise PoisonMessage(
            f"invalid {envelope.event_type} payload: {describe_validation_error(exc)}"
        ) from None
    return ReceivedEvent(envelope=envelope, payload=payload)


__all__ = [
    "EVENT_TYPES",
    "Envelope",
    "Event",
    "PoisonMessage",
    "ReceivedEvent",
    "decode",
    "decode_envelope",
    "events_on",
    "parse_envelope",
]
