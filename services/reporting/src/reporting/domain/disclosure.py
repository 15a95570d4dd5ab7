"""Disclosure control for public pages: small counts are never shown exactly.

Invariant: a count below ``THRESHOLD`` (5) is published only as ``"<5"``, zero included,
so that no public figure narrows a group down to a few identifiable people.
"""

from __future__ import annotations

THRESHOLD = 5
SUPPRESSED = "<5"


def public_count(n: int) -> str:
    """``n`` as it may appear on a public page: exact from 5 on, ``"<5"`` below."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    return SUPPRESSED if n < THRESHOLD else str(n)


def public_share(part: int, whole: int) -> str:
    """A percentage for a public page, withheld when either count is below the threshold."""
    if part < THRESHOLD or whole < THRESHOLD:
        return SUPPRESSED
    return f"{round(100 * part / whole)} %"
