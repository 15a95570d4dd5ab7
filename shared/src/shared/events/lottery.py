"""Events the lottery service publishes: draws, their commitments, and seats over time."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from shared import topics
from shared.events.envelope import Event


class PopulationCount(BaseModel):
    """How many residents of one stratum the register holds (an aggregate, never a person)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    age_band: str
    gender: str
    municipality: str
    count: int = Field(ge=0)


class RegisterImported(Event):
    """A register extract was imported. ``population`` gives the district's structure
    by stratum, which reporting sets beside the seated participants."""

    event_type: ClassVar[str] = "RegisterImported"
    schema_version: ClassVar[str] = "1.1"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    import_id: uuid.UUID
    records_accepted: int = Field(ge=0)
    records_rejected: int = Field(ge=0)
    records_blocked: int = Field(ge=0)
    population: tuple[PopulationCount, ...] = ()


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
    doctorate: str | None = None
    address_supplement: str | None = None


class InvitationsDrawn(Event):
    """Invitation letters to write: one wave of people drawn from the register.
    Registration learns the invitation codes from it; notifications writes the letters."""

    event_type: ClassVar[str] = "InvitationsDrawn"
    schema_version: ClassVar[str] = "1.1"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    draw_id: uuid.UUID
    invitees: tuple[Invitee, ...]
    audit_reference: str
    wave: int = Field(default=1, ge=1)
    response_deadline: date | None = None


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


class PanelDrawn(Event):
    """The register seats: a panel picked from the respondents by the published panel
    list and the public seed. ``seated`` are invitee ids; ``reserves`` in order."""

    event_type: ClassVar[str] = "PanelDrawn"
    topic: ClassVar[str] = topics.LOTTERY_EVENTS

    draw_id: uuid.UUID
    seated: tuple[uuid.UUID, ...]
    reserves: tuple[uuid.UUID, ...] = ()
    selection_method: str
    minimum_probability: float = Field(ge=0, le=1)
    panel_count: int = Field(ge=1)
    panel_index: int = Field(ge=0)
    audit_reference: str
