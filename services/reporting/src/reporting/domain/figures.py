"""Small rules behind the figures: age bands, days to the deadline, rates, pseudonyms.

Invariants: an age band depends only on the birth year and the year of the event (not
on today), so a rebuild gives the same bands; a pseudonym is stable for one id and key
and reveals nothing about the id without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import uuid
from datetime import datetime

from shared import vocabulary

AGE_BANDS: tuple[tuple[int, int | None, str], ...] = ((0, 15, "unter 16"), *vocabulary.AGE_BANDS)
UNKNOWN_AGE = "unbekannt"


def age_band(birth_year: int | None, in_year: int) -> str:
    """The age band of someone born in ``birth_year``, as of ``in_year``."""
    if birth_year is None:
        return UNKNOWN_AGE
    age = in_year - birth_year
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return UNKNOWN_AGE


def days_left(deadline: datetime, now: datetime) -> int:
    """Whole days until the deadline, counting a started day; 0 once it has passed."""
    seconds = (deadline - now).total_seconds()
    return max(0, math.ceil(seconds / 86_400))


def rate(part: int, whole: int) -> float | None:
    """``part / whole`` rounded to four places, or None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def pseudonym(participant_id: uuid.UUID, key: str) -> str:
    """A stable pseudonymous id for lists given to people who may not see names."""
    digest = hmac.new(key.encode(), participant_id.bytes, hashlib.sha256).hexdigest()
    return "T-" + digest[:10].upper()
