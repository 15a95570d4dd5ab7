"""Recognising the same person across channels and spellings.

Invariant: two applications with the same person key in one district are one
application. The key folds what differs between a web form and a hand-written card
(case, accents, umlauts written as ae/oe/ue, ß as ss, punctuation and spacing) and
combines the names with the birth year and postal code.
"""

from __future__ import annotations

import hashlib
import unicodedata

_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "æ": "ae", "ø": "oe"})


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents and punctuation dropped."""
    lowered = unicodedata.normalize("NFC", text).casefold().translate(_FOLDS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if c.isalnum())


def person_key(given_name: str, family_name: str, birth_year: int | None, postal_code: str) -> str:
    """A stable, non-reversible key for duplicate detection (no personal data in clear)."""
    raw = "|".join((fold(family_name), fold(given_name), str(birth_year or ""), postal_code))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
