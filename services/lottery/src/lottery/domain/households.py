"""Household keys: one key per dwelling, tolerant of the ways one address gets spelled.

Responsibility: normalise an address (street, house number with suffix, supplement,
postal code) to a key so that "Lindenstr. 3a", "Lindenstraße 3 A" and "LINDENSTRASSE
3a" share one; group near-identical street names within one postal code and house
number (typos such as "Lindenstrase") with rapidfuzz.

Invariants: the key depends only on the address, never on the person; two addresses
with different postal codes or house numbers never share a household; grouping is
deterministic (independent of the input order).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping

from rapidfuzz import fuzz

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_STREET_WORDS = (
    (re.compile(r"(str|strasse|strase)\.?$"), "strasse"),
    (re.compile(r"(str|strasse|strase)\.?(?=\s)"), "strasse"),
    (re.compile(r"\bpl\.?$"), "platz"),
    (re.compile(r"\bst\.\s*"), "sankt "),
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NUMBER = re.compile(r"(\d+)\s*([a-z]?)")
_SUPPLEMENT_NOISE = re.compile(
    r"\b(wohnung|whg|app|apartment|appartement|etage|og|eg|dg|nr|no|bei|c\s*o)\b\.?"
)
NEAR_MATCH = 90.0
"""rapidfuzz ratio (0..100) from which two street names of one postal code and house
number count as one spelling of the same street."""


def _fold(text: str) -> str:
    lowered = text.strip().lower().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65_536)
def street_key(street: str) -> str:
    """'Lindenstr.', 'Linden-Straße', 'LINDENSTRASSE' → 'lindenstrasse'."""
    text = _fold(street).replace("-", " ")
    text = re.sub(r"\s+", " ", text).strip()
    for pattern, replacement in _STREET_WORDS:
        text = pattern.sub(replacement, text)
    return _NON_ALNUM.sub("", text)


@functools.lru_cache(maxsize=65_536)
def house_number_key(number: str) -> str:
    """'3 a', '3A', '3-a' → '3a'; ranges keep their first number ('3-5' → '3')."""
    folded = _NON_ALNUM.sub(" ", _fold(number)).strip()
    match = _NUMBER.match(folded)
    if match is None:
        return folded.replace(" ", "")
    digits, letter = match.groups()
    rest = folded[match.end() :].strip()
    if rest and len(rest) == 1 and not letter:
        letter = rest
    return f"{int(digits)}{letter}"


@functools.lru_cache(maxsize=65_536)
def supplement_key(supplement: str | None) -> str:
    """'Whg. 3', 'Wohnung 3', 'App 3' → '3'; empty when there is none."""
    if not supplement:
        return ""
    text = _SUPPLEMENT_NOISE.sub(" ", _fold(supplement))
    return _NON_ALNUM.sub("", text)


def household_key(
    street: str, house_number: str, postal_code: str, supplement: str | None = None
) -> str:
    """The dwelling's key: postal code, street, house number and supplement, normalised."""
    parts = [postal_code.strip(), street_key(street), house_number_key(house_number)]
    extra = supplement_key(supplement)
    return "|".join([*parts, extra] if extra else parts)


def group_households(keys: Mapping[str, str], threshold: float = NEAR_MATCH) -> dict[str, str]:
    """Merge household keys whose street names are near matches within one postal code,
    house number and supplement. ``keys`` maps a person to a key; the result maps the
    person to the first (sorted) key of its group."""
    buckets: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for key in keys.values():
        postal, street, *rest = key.split("|")
        buckets[(postal, *rest)].add(street)
    canonical: dict[str, str] = {}
    for (postal, *rest), streets in buckets.items():
        leaders: list[str] = []
        for street in sorted(streets):
            leader = next(
                (lead for lead in leaders if fuzz.ratio(street, lead) >= threshold), street
            )
            if leader == street:
                leaders.append(street)
            canonical["|".join([postal, street, *rest])] = "|".join([postal, leader, *rest])
    return {person: canonical[key] for person, key in keys.items()}
