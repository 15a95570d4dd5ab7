"""Events the lottery service publishes: draws, their commitments, and seats over time."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared import topics
from shared.events.envelope import Event


class RegisterImported(Event):
    event_type: ClassVar[str] = "RegisterImported"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    import_id: uuid.UUID
    records_accepted: int = Field(ge=0)
    records_rejected: int = Field(ge=0)
    records_blocked: int = Field(ge=0)


class Invitee(BaseModel):
    """One person drawn for an invitation letter (carried inside InvitationsDrawn)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    invitee_id: uuid.UUID
    invitation_code: str
    given_name: str
    family_name: str
    street: str
    house_number: str
    postal_code: str
    municipality: str


class InvitationsDrawn(Event):
    event_type: ClassVar[str] = "InvitationsDrawn"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    draw_id: uuid.UUID
    invitees: tuple[Invitee, ...]
    audit_reference: str


class DrawCommitted(Event):
    """Published before a draw: what will be drawn from, and the public source of chance."""

    event_type: ClassVar[str] = "DrawCommitted"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    draw_id: uuid.UUID
    kind: str
    pool_size: int = Field(ge=0)
    pool_hash: str
    algorithm: str
    randomness_source: str


class LotteryDrawn(Event):
    event_type: ClassVar[str] = "LotteryDrawn"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    draw_id: uuid.UUID
    seated: tuple[uuid.UUID, ...]
    waitlist: tuple[uuid.UUID, ...]
    audit_reference: str


class SeatOffered(Event):
    event_type: ClassVar[str] = "SeatOffered"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    application_id: uuid.UUID
    waitlist_position: int = Field(ge=1)
    offered_at: datetime


class SeatDeclined(Event):
    event_type: ClassVar[str] = "SeatDeclined"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    application_id: uuid.UUID
    declined_at: datetime


class ParticipantPromoted(Event):
    event_type: ClassVar[str] = "ParticipantPromoted"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    application_id: uuid.UUID
    waitlist_position: int = Field(ge=1)
    replaces: uuid.UUID
