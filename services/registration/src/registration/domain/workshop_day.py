"""The workshop day in plain terms: the check-in code on the seat confirmation, who may
be checked in, and the pattern of the search by name. No I/O."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

CODE_PREFIX = "MWCHECKIN"
SEARCH_MIN_LENGTH = 2


@dataclass(frozen=True, slots=True)
class CheckInCode:
    district_id: str
    participant_id: uuid.UUID


def check_in_code(district_id: str, participant_id: uuid.UUID) -> str:
    """The text the seat confirmation's QR code carries."""
    return f"{CODE_PREFIX}:{district_id}:{participant_id}"


def parse_check_in_code(text: str) -> CheckInCode | None:
    """The code as scanned, typed or pasted (surrounding blanks ignored); None when it is
    not a check-in code at all."""
    prefix, _, rest = text.strip().partition(":")
    district_id, _, participant = rest.rpartition(":")
    if prefix.upper() != CODE_PREFIX or not district_id:
        return None
    try:
        return CheckInCode(district_id, uuid.UUID(participant.strip()))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    code: str
    de: str
    en: str


def check_in_refusal(state: str, application_status: str | None) -> Refusal | None:
    """Why this person cannot be checked in, or None when they hold a seat."""
    if application_status == "withdrawn" or state == "released":
        return Refusal(
            409,
            "seat-given-up",
            "Diese Person hat ihren Platz abgegeben. Wer für sie nachrückt, wird über "
            "die Platzübergabe eingetragen.",
            "This person gave up their seat. Whoever takes it over is recorded through "
            "the hand-over of the seat.",
        )
    if state != "seated":
        return Refusal(
            409,
            "on-waitlist",
            "Diese Person steht auf der Warteliste und hat (noch) keinen Platz. Übergeben "
            "Sie ihr zuerst einen freien Platz.",
            "This person is on the waitlist and holds no seat (yet). Hand them a free seat first.",
        )
    return None


def name_pattern(query: str) -> str | None:
    """An ILIKE pattern for the search (wildcards in the query taken literally), or None
    when the query is too short to search."""
    words = " ".join(query.split())
    if len(words) < SEARCH_MIN_LENGTH:
        return None
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
