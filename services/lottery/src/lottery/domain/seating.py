"""Seats of the applicants' half over time: the draw's order gives the seated and the
waitlist; a released seat goes to the first person still waiting.

Invariants: a person holds at most one placement; the waitlist is served strictly in
drawn order; a seat is only passed on before the workshop day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Outcome:
    seated: tuple[str, ...]
    waitlist: tuple[str, ...]


def split_order(order: Sequence[str], seats: int) -> Outcome:
    """The first ``seats`` of the drawn order are seated, the rest wait in that order."""
    if seats < 0:
        raise ValueError("the number of seats cannot be negative")
    return Outcome(seated=tuple(order[:seats]), waitlist=tuple(order[seats:]))


def may_pass_on_seat(today: date, workshop_date: date | None) -> bool:
    """Seats freed before the workshop day go to the waitlist; on the day staff decide."""
    return workshop_date is None or today < workshop_date
