"""Which message each event causes, to whom: pure decisions, no I/O.

A ``MessageRequest`` names the template, the recipient (by reference) and the values
the template needs; rendering and sending happen elsewhere.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class MessageRequest:
    template: str
    recipient_ref: uuid.UUID
    values: dict[str, Any] = field(default_factory=dict)


TEMPLATES = (
    "confirmation_request",
    "application_confirmed",
    "withdrawal_confirmed",
    "seat_granted",
    "waitlisted",
    "seat_offered",
    "idea_thanks",
    "panel_seat_granted",
    "reminder",
)


def lottery_result(
    seated: tuple[uuid.UUID, ...], waitlist: tuple[uuid.UUID, ...]
) -> list[MessageRequest]:
    """Everyone in the draw hears the result: a seat, or a waitlist place with its number."""
    requests = [MessageRequest("seat_granted", ref) for ref in seated]
    requests += [
        MessageRequest("waitlisted", ref, {"waitlist_position": position})
        for position, ref in enumerate(waitlist, start=1)
    ]
    return requests
