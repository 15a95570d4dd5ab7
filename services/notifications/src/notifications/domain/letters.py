"""Letters and personal codes: what a printed invitation or seat confirmation says, and
the payloads of the QR codes on letters and e-mails. Pure data, no I/O.

Invariants:
- The check-in payload is ``MWCHECKIN:<district_id>:<participant_id>``; the check-in
  page decodes exactly this format, so it changes only together with it.
- Names and addresses are printed exactly as the register gave them (no case folding,
  no normalisation): a name is part of a person's identity.
- Letters of a district and wave are ordered by postal code (the print shop's and the
  postal service's order), then by name and id, so the order is stable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

CHECKIN_PREFIX = "MWCHECKIN"
INVITATION = "invitation"
SEAT_CONFIRMATION = "seat_confirmation"
LETTER_KINDS = (INVITATION, SEAT_CONFIRMATION)


def checkin_payload(district_id: str, participant_id: uuid.UUID) -> str:
    """What a participant's check-in QR code encodes (application or invitee id)."""
    if ":" in district_id:
        raise ValueError("a district id must not contain ':'")
    return f"{CHECKIN_PREFIX}:{district_id}:{participant_id}"


def answer_url(public_base_url: str, invitation_code: str) -> str:
    """The registration answer form with the invitation code filled in."""
    return f"{public_base_url.rstrip('/')}/antworten?code={quote(invitation_code, safe='')}"


@dataclass(frozen=True, slots=True)
class Addressee:
    """A person as the register names them, with their postal address."""

    given_name: str
    family_name: str
    street: str
    house_number: str
    postal_code: str
    municipality: str
    doctorate: str | None = None
    address_supplement: str | None = None

    @property
    def full_name(self) -> str:
        parts = [self.doctorate, self.given_name, self.family_name]
        return " ".join(p.strip() for p in parts if p and p.strip())

    def address_lines(self) -> list[str]:
        """The recipient block of the address window (DIN 5008: name, supplement,
        street and number, postal code and town; no blank lines)."""
        lines = [self.full_name]
        if self.address_supplement and self.address_supplement.strip():
            lines.append(self.address_supplement.strip())
        lines.append(f"{self.street} {self.house_number}".strip())
        lines.append(f"{self.postal_code} {self.municipality}".strip())
        return lines


@dataclass(frozen=True, slots=True)
class WorkshopFacts:
    """The workshop as a letter states it (already formatted for German readers)."""

    town: str
    date: str | None
    time: str | None
    venue: str | None


@dataclass(frozen=True, slots=True)
class InvitationLetter:
    invitee_id: uuid.UUID
    addressee: Addressee
    invitation_code: str
    answer_url: str
    answer_base_url: str
    response_deadline: str | None
    letter_date: str
    workshop: WorkshopFacts
    sender_line: str


@dataclass(frozen=True, slots=True)
class SeatLetter:
    invitee_id: uuid.UUID
    addressee: Addressee
    checkin_code: str
    letter_date: str
    workshop: WorkshopFacts
    sender_line: str


def print_order_key(addressee: Addressee, letter_id: uuid.UUID) -> tuple[str, str, str, str]:
    return (addressee.postal_code, addressee.family_name, addressee.given_name, str(letter_id))


def german_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def reminder_due(
    workshop_date: date, days_before: int, local_time: time, zone: ZoneInfo
) -> datetime:
    """When a reminder ``days_before`` the workshop is due: that day at the local time."""
    day = workshop_date - timedelta(days=days_before)
    return datetime.combine(day, local_time, tzinfo=zone)


def reminders_to_schedule(
    workshop_date: date,
    days: tuple[int, ...],
    local_time: time,
    zone: ZoneInfo,
    seat_granted_at: datetime,
) -> list[tuple[int, datetime]]:
    """The reminders a new seat holder gets: those still ahead of the moment the seat
    was granted (a seat granted three days before the workshop gets only the last one)."""
    due = [(d, reminder_due(workshop_date, d, local_time, zone)) for d in days]
    return [(d, at) for d, at in due if at > seat_granted_at]


def mask_email(address: str | None) -> str | None:
    """``anna@example.org`` → ``a***@example.org``: enough for staff to recognise a
    typo's domain, not enough to read the address."""
    if not address:
        return None
    local, _, domain = address.rpartition("@")
    if not local:
        return "***"
    return f"{local[0]}***@{domain}"
