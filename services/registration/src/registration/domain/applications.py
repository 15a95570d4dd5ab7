"""Applications as the domain sees them, and the rules that decide whether one counts.

Invariants:
- A web application counts only once its e-mail address is confirmed; a reply card
  counts when it was received by the deadline.
- Only residents of the district can apply (postal code and municipality must belong to
  the district in the rollout configuration).
- The same person (see ``people.person_key``) has at most one application per district.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from registration.domain import refusals
from registration.domain.people import person_key
from registration.domain.refusals import Refusal
from shared.events.common import Applicant, Channel


class Status(StrEnum):
    PENDING_CONFIRMATION = "pending_confirmation"
    CONFIRMED = "confirmed"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class DistrictTerms(Protocol):
    """What the rules need to know of a district (from the rollout configuration)."""

    @property
    def application_deadline(self) -> datetime: ...

    def is_resident(self, postal_code: str, municipality: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class Application:
    application_id: uuid.UUID
    district_id: str
    channel: Channel
    applicant: Applicant
    person_key: str
    status: Status
    received_at: datetime
    submission_id: uuid.UUID | None = None
    card_id: str | None = None
    consent_text_version: str | None = None

    @property
    def counts(self) -> bool:
        return self.status is Status.CONFIRMED


def is_valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except PydanticCustomError:
        return False
    return True


def assess(
    applicant: Applicant,
    *,
    channel: Channel,
    terms: DistrictTerms,
    now: datetime,
    consent_text_version: str | None,
    received_on: date | None = None,
) -> list[Refusal]:
    """Every reason this application cannot be accepted (empty when it can)."""
    found: list[Refusal] = []
    if channel is Channel.WEB:
        if now >= terms.application_deadline:
            found.append(refusals.deadline_passed(terms.application_deadline))
        if applicant.email is None:
            found.append(refusals.email_required())
        if not consent_text_version:
            found.append(refusals.consent_required())
    elif (
        received_on is not None
        and received_on >= terms.application_deadline.astimezone(refusals.BERLIN).date()
    ):
        # The deadline is the first instant too late (local midnight), so a card received
        # on the deadline's own date came too late.
        found.append(refusals.card_received_late(terms.application_deadline))
    if applicant.email is not None and not is_valid_email(applicant.email):
        # Reachable for submissions read from the topic, whose addresses were decoded by
        # their shape only (shared.events.common.email_address).
        found.append(refusals.invalid_email())
    if applicant.address is None:
        found.append(refusals.address_required())
    elif not terms.is_resident(applicant.address.postal_code, applicant.address.municipality):
        found.append(refusals.outside_district())
    if applicant.birth_year is None:
        found.append(refusals.birth_year_required())
    return found


def new_application(
    district_id: str,
    applicant: Applicant,
    *,
    channel: Channel,
    received_at: datetime,
    submission_id: uuid.UUID | None = None,
    card_id: str | None = None,
    consent_text_version: str | None = None,
) -> Application:
    assert applicant.address is not None, "assess() requires an address first"
    return Application(
        application_id=uuid.uuid4(),
        district_id=district_id,
        channel=channel,
        applicant=applicant,
        person_key=person_key(
            applicant.given_name,
            applicant.family_name,
            applicant.birth_year,
            applicant.address.postal_code,
        ),
        # A reply card is signed on paper and needs no e-mail confirmation.
        status=Status.CONFIRMED if channel is Channel.REPLY_CARD else Status.PENDING_CONFIRMATION,
        received_at=received_at,
        submission_id=submission_id,
        card_id=card_id,
        consent_text_version=consent_text_version,
    )
