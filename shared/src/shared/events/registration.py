"""Events the registration service publishes, and the website's intake event.

Registration is the only service that decides whether an application counts.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from shared import topics
from shared.events.common import (
    AccessibilityNeed,
    Applicant,
    Channel,
    EmailAddress,
    Language,
)
from shared.events.envelope import Event


class ApplicationSubmitted(Event):
    """A resident's application as the website sends it (same validation as the API)."""

    event_type: ClassVar[str] = "ApplicationSubmitted"
    topic: ClassVar[str] = topics.REGISTRATION_SUBMISSIONS

    submission_id: uuid.UUID
    district_id: str
    applicant: Applicant
    consent_text_version: str | None = None
    submitted_at: datetime


class ApplicationReceived(Event):
    event_type: ClassVar[str] = "ApplicationReceived"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    application_id: uuid.UUID
    channel: Channel
    applicant: Applicant
    received_at: datetime
    confirmation_url: str | None = None
    """Set for web applications: the double opt-in link the applicant must follow."""
    withdrawal_url: str | None = None
    """The applicant's personal link to withdraw."""


class ApplicationConfirmed(Event):
    event_type: ClassVar[str] = "ApplicationConfirmed"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    application_id: uuid.UUID
    confirmed_at: datetime


class ApplicationRejected(Event):
    """An intake attempt that does not count, with the reason a person can read."""

    event_type: ClassVar[str] = "ApplicationRejected"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    submission_id: uuid.UUID
    reason_code: str
    reason: str


class ApplicationWithdrawn(Event):
    event_type: ClassVar[str] = "ApplicationWithdrawn"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    application_id: uuid.UUID
    withdrawn_at: datetime
    by_staff: bool = False


class ApplicationsClosed(Event):
    """The closing barrier: no application of this district follows it on the topic."""

    event_type: ClassVar[str] = "ApplicationsClosed"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    deadline: datetime
    received: int = Field(ge=0)
    confirmed: int = Field(ge=0)
    lapsed: int = Field(ge=0)


class IdeaSubmitted(Event):
    event_type: ClassVar[str] = "IdeaSubmitted"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    idea_id: uuid.UUID
    text: str = Field(min_length=1, max_length=2000)
    field_of_action: str | None = None
    author_name: str | None = None
    author_email: str | None = None
    submitted_at: datetime


class InvitationAnswered(Event):
    """A person invited from the register answered (accepted or declined)."""

    event_type: ClassVar[str] = "InvitationAnswered"
    schema_version: ClassVar[str] = "1.1"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    invitee_id: uuid.UUID
    accepts: bool
    birth_year: int | None = None
    gender: str | None = None
    municipality: str | None = None
    answered_at: datetime
    channel: Channel = Channel.WEB
    email: EmailAddress | None = None
    phone: str | None = Field(default=None, max_length=50)
    language: Language = Language.DE
    accessibility_needs: tuple[AccessibilityNeed, ...] = ()
    quota_answers: dict[str, str] = Field(default_factory=dict)


class WorkshopScheduled(Event):
    """A district's workshop as configured for this rollout (date, seats, deadline)."""

    event_type: ClassVar[str] = "WorkshopScheduled"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    workshop_date: date
    town: str
    applicant_seats: int = Field(ge=0)
    register_seats: int = Field(ge=0)
    application_deadline: datetime
    venue: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class ParticipantCheckedIn(Event):
    """A seated participant arrived at the workshop. ``participant_id`` is the
    application id (applicants' half) or the invitee id (register half)."""

    event_type: ClassVar[str] = "ParticipantCheckedIn"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    participant_id: uuid.UUID
    half: str = Field(pattern=r"^(applicants|register)$")
    method: str = Field(pattern=r"^(qr_code|name_search)$")
    checked_in_at: datetime


class GuidelineRecorded(Event):
    """A guideline (Leitlinie) the workshop agreed, as the moderators recorded it."""

    event_type: ClassVar[str] = "GuidelineRecorded"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    guideline_id: uuid.UUID
    title: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=5000)
    field_of_action: str
    supporting_statements: tuple[str, ...] = ()
    idea_ids: tuple[uuid.UUID, ...] = ()
    recorded_at: datetime


class PersonalDataErased(Event):
    """The retention period of a district's process has ended: registration erased
    its personal data, and every other service erases what it holds of that district.
    Aggregates and pseudonymous audit records stay."""

    event_type: ClassVar[str] = "PersonalDataErased"
    topic: ClassVar[str] = topics.REGISTRATION_EVENTS

    workshop_date: date
    retention_days: int = Field(ge=0)
    erased_at: datetime
