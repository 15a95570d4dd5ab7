"""The invitation draw: how many letters per stratum, who gets them, and their codes.

Responsibility: allocate a wave's letters to strata (age band, gender, municipality) in
proportion to the register by largest remainders, optionally weighting groups that
answer less; rank each stratum's people by the public seed and take the first; make
invitation codes. No I/O.

The draw ("rfc3797-sha256-rank-v1"): the RFC 3797 key string of the public seed values
(see ``rfc3797``); every person of the committed pool gets the number SHA-256(key in
ASCII followed by the person id), read as a big-endian integer; within each stratum
the people with the smallest numbers are invited (ties, which do not occur in
practice, by person id). RFC 3797's own picks count in two bytes (at most 65,536), too
few for a city's register; ranking by hash keeps the same public key string and any
pool size, and any SHA-256 implementation recomputes it.

Invariants:
- Each stratum gets the floor or the ceiling of its exact proportional share, never
  more than it holds, and the letters add up to the wave's total (Hamilton's method).
- The outcome depends only on the committed pool, the allocation and the seed values.
- An invitation code is 10 characters from an alphabet without look-alikes (no 0/O,
  1/I): 9 drawn with ``secrets`` (45 bits) and a check character that catches every
  single mistyped character and every swap of two neighbours.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from lottery.domain.rfc3797 import key_string

ALGORITHM = "rfc3797-sha256-rank-v1"
Stratum = tuple[str, str, str]
"""(age band, gender, municipality)."""

LETTERS_PER_SEAT_RANGE = (20, 35)
"""German practice: 3 to 10 % of those invited answer yes, so 20 to 35 letters per seat."""


class AllocationError(ValueError):
    pass


def stratum_label(stratum: Stratum) -> str:
    return "\t".join(stratum)


def _hamilton(
    weights: Mapping[Stratum, float], caps: Mapping[Stratum, int], total: int
) -> dict[Stratum, int]:
    """Largest remainders over ``weights``; a stratum's share never exceeds its cap (the
    excess goes to the others in proportion)."""
    allocation = dict.fromkeys(weights, 0)
    open_ = {s for s, w in weights.items() if w > 0 and caps[s] > 0}
    left = total
    while left > 0 and open_:
        weight = sum(weights[s] for s in open_)
        exact = {s: left * weights[s] / weight for s in open_}
        capped = {s for s in open_ if exact[s] >= caps[s] - allocation[s]}
        if capped:  # fill the strata that would overflow, then share the rest again
            for s in capped:
                left -= caps[s] - allocation[s]
                allocation[s] = caps[s]
            open_ -= capped
            continue
        floors = {s: math.floor(exact[s]) for s in open_}
        for s in open_:
            allocation[s] += floors[s]
        rest = left - sum(floors.values())
        # Largest remainder first; ties by the larger stratum, then by its name.
        order = sorted(open_, key=lambda s: (-(exact[s] - floors[s]), -caps[s], s))
        for s in order[:rest]:
            allocation[s] += 1
        left = 0
    return allocation


def allocate(
    counts: Mapping[Stratum, int],
    letters: int,
    oversample: Mapping[str, Mapping[str, float]] | None = None,
) -> dict[Stratum, int]:
    """Letters per stratum, proportional to the register (``counts``). ``oversample``
    weights groups that answer less, e.g. ``{"age_band": {"16-24": 1.5}}``."""
    if letters < 0:
        raise AllocationError("the number of letters cannot be negative")
    population = sum(counts.values())
    if letters > population:
        raise AllocationError(
            f"{letters} letters requested but the register holds {population} drawable people"
        )
    attributes = ("age_band", "gender", "municipality")
    weights: dict[Stratum, float] = {}
    for stratum, count in counts.items():
        factor = 1.0
        for attribute, value in zip(attributes, stratum, strict=True):
            factor *= (oversample or {}).get(attribute, {}).get(value, 1.0)
        if factor < 0:
            raise AllocationError("oversampling factors must not be negative")
        weights[stratum] = count * factor
    return _hamilton(weights, counts, letters)


def letters_for(seats: int, letters_per_seat: int) -> int:
    return seats * letters_per_seat


def letters_per_seat_for(positive_rate: float, respondents_per_seat: float = 1.0) -> int:
    """Letters per seat so that ``respondents_per_seat`` say yes at ``positive_rate``."""
    if not 0 < positive_rate <= 1:
        raise AllocationError("the answer rate must lie between 0 and 1")
    return math.ceil(respondents_per_seat / positive_rate)


def second_wave_letters(
    seats: int, letters_sent: int, accepted: int, respondents_per_seat: float = 1.0
) -> int:
    """Letters for another wave, at the answer rate the first waves showed (at least
    the low end of German practice, 3 %, when nobody has answered yet)."""
    wanted = math.ceil(seats * respondents_per_seat) - accepted
    if wanted <= 0:
        return 0
    rate = accepted / letters_sent if accepted and letters_sent else 0.03
    return math.ceil(wanted / rate)


def person_number(key: str, person_id: str) -> int:
    return int.from_bytes(hashlib.sha256((key + person_id).encode("ascii")).digest(), "big")


def draw_invitees(
    pool: Iterable[tuple[str, Stratum]],
    allocation: Mapping[Stratum, int],
    sources: Sequence[Sequence[str | int]],
    exclude: frozenset[str] = frozenset(),
) -> dict[Stratum, list[str]]:
    """Who is invited per stratum, in drawn order (``exclude``: invited in earlier waves)."""
    key = key_string(sources)
    ranked: dict[Stratum, list[tuple[int, str]]] = {s: [] for s in allocation}
    for person_id, stratum in pool:
        if person_id not in exclude and allocation.get(stratum):
            ranked[stratum].append((person_number(key, person_id), person_id))
    return {s: [p for _, p in sorted(ranked[s])[: allocation[s]]] for s in allocation}


@dataclass(frozen=True, slots=True)
class InvitationCheck:
    matches: bool
    differences: tuple[str, ...]


def verify_invitations(
    pool: Iterable[tuple[str, Stratum]],
    allocation: Mapping[Stratum, int],
    sources: Sequence[Sequence[str | int]],
    invited: Mapping[Stratum, Sequence[str]],
    exclude: frozenset[str] = frozenset(),
) -> InvitationCheck:
    """Recompute a wave from the published pool and seed and compare it per stratum."""
    expected = draw_invitees(pool, allocation, sources, exclude)
    differences = tuple(
        f"stratum {' / '.join(s)}: the invited differ from the recomputed draw"
        for s in sorted(set(expected) | set(invited))
        if list(expected.get(s, [])) != list(invited.get(s, []))
    )
    return InvitationCheck(not differences, differences)


# Invitation codes -------------------------------------------------------------------

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
_VALUE = {c: i for i, c in enumerate(CODE_ALPHABET)}


def _check_character(body: str) -> str:
    """Luhn mod N over the alphabet (N = 32)."""
    n = len(CODE_ALPHABET)
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return CODE_ALPHABET[(n - total % n) % n]


def new_code() -> str:
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH - 1))
    return body + _check_character(body)


def normalise_code(text: str) -> str | None:
    """The code as typed (spaces, hyphens and lower case allowed), or None if it cannot
    be one (wrong length, a character outside the alphabet, a wrong check character)."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in _VALUE for c in code):
        return None
    return code if _check_character(code[:-1]) == code[-1] else None


def display_code(code: str) -> str:
    """As printed on the letter: two groups of five ('ABCDE-FGHJK')."""
    return f"{code[:5]}-{code[5:]}"
