"""The selection method of RFC 3797 ("Publicly Verifiable Nominations Committee (NomCom)
Random Selection"), reproduced exactly, plus the same construction over SHA-256.

Responsibility: turn public random values into a key string (section 4) and the key into
an order of pool positions (sections 4 and 6, and the reference code). Nothing here knows
about people, ids or storage.

Invariant: the order depends only on the key string, the pool size and the algorithm
name; the key string depends only on the public random values as published.

Key string (section 4): every value is written in canonical form; within a source the
values are sorted, smallest first, and concatenated; every source ends with ``/``;
sources keep the order in which they were announced.

- A number is written in decimal without leading zeroes (``0`` if the whole part is
  zero), terminated by a period, or with the period separating the whole from the
  fractional part, which loses its trailing zeroes: ``007`` is ``7.``, ``3.50`` is
  ``3.5``, ``3.0`` is ``3.``, exactly as the RFC's reference code prints them.
- Any other value is canonicalised as the RFC asks for alphanumeric sources: upper
  case, accents, white space and punctuation removed, leaving only ``A-Z`` and ``0-9``,
  then treated like a number and terminated by a period (``"W 4-1"`` is ``W41.``,
  ``"Mažňák"`` is ``MAZNAK.``). Within a source, numbers sort numerically before such
  values, which sort by their canonical text.

Selection: for pick ``i`` (0, 1, ...) the hash of ``i`` as two bytes big-endian, the key
string in ASCII and ``i`` again is read as one big-endian unsigned integer; modulo the
number of positions not yet picked it names which of them (in ascending order) is
picked next and removed. Positions are numbered from 1 as in the RFC.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Protocol

RFC3797_MD5 = "rfc3797-md5"
RFC3797_SHA256 = "rfc3797-sha256-v1"
DEFAULT_ALGORITHM = RFC3797_SHA256

# The counter around the key is two bytes wide, so no more picks than that are defined.
MAX_POOL_SIZE = 1 << 16


class _Hash(Protocol):
    def digest(self) -> bytes: ...


def _md5(data: bytes) -> _Hash:
    # MD5 is what RFC 3797 specifies; it serves reproduction of the RFC, not secrecy.
    return hashlib.md5(data, usedforsecurity=False)


HASHES: dict[str, Callable[[bytes], _Hash]] = {
    RFC3797_MD5: _md5,
    RFC3797_SHA256: hashlib.sha256,
}


class DrawInputError(ValueError):
    """The inputs of a draw are unusable; the message says what to correct."""


class UnknownAlgorithmError(DrawInputError):
    pass


class MissingSeedError(DrawInputError):
    pass


class EmptySeedValueError(DrawInputError):
    pass


class PoolTooLargeError(DrawInputError):
    pass


_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?", re.ASCII)
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]+", re.ASCII)


def _canonical(value: str | int) -> tuple[int, Decimal | str, str]:
    """Sort key and canonical text of one value; numbers sort before other values."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise DrawInputError(f"a seed value must be text or a whole number, not {value!r}")
    text = str(value).strip()
    if not text:
        raise EmptySeedValueError("a seed value is empty; copy the published numbers exactly")
    number = _NUMBER.fullmatch(text)
    if number is not None and text != ".":
        whole = number.group(1).lstrip("0") or "0"
        fraction = (number.group(2) or "").rstrip("0")
        return (0, Decimal(f"{whole}.{fraction}0"), f"{whole}.{fraction}")
    # upper() before dropping accents so that "ß" becomes "SS" rather than nothing.
    decomposed = unicodedata.normalize("NFKD", text.upper())
    letters = _NOT_ALPHANUMERIC.sub("", decomposed)
    if not letters:
        raise EmptySeedValueError(f"the seed value {value!r} has no letters or digits")
    return (1, letters, f"{letters}.")


def canonical_value(value: str | int) -> str:
    """The canonical form of one value as it appears in the key string."""
    return _canonical(value)[2]


def key_string(sources: Sequence[Sequence[str | int]]) -> str:
    """The RFC 3797 key string of the public random sources, in announced order."""
    if isinstance(sources, str) or not sources:
        raise MissingSeedError("no seed values: the draw needs the published random numbers")
    parts = []
    for number, source in enumerate(sources, start=1):
        if isinstance(source, str | int):
            raise DrawInputError(f"source {number} must be a list of values, not {source!r}")
        if not source:
            raise MissingSeedError(f"source {number} has no values")
        values = sorted(_canonical(v) for v in source)
        parts.append("".join(text for _, _, text in values) + "/")
    return "".join(parts)


def hash_function(algorithm: str) -> Callable[[bytes], _Hash]:
    try:
        return HASHES[algorithm]
    except KeyError:
        known = ", ".join(sorted(HASHES))
        raise UnknownAlgorithmError(f"unknown algorithm {algorithm!r}; known: {known}") from None


def digest(index: int, key: str, algorithm: str = DEFAULT_ALGORITHM) -> bytes:
    """The hash for pick ``index`` (0-based), as tabulated in RFC 3797 section 6."""
    if not 0 <= index < MAX_POOL_SIZE:
        raise DrawInputError(f"pick numbers run from 0 to {MAX_POOL_SIZE - 1}, not {index}")
    counter = index.to_bytes(2, "big")
    return hash_function(algorithm)(counter + key.encode("ascii") + counter).digest()


def selection_order(count: int, key: str, algorithm: str = DEFAULT_ALGORITHM) -> list[int]:
    """The order in which positions 1..count are picked: all of them, so that the tail
    of the order is as random and as reproducible as its head."""
    if count < 0:
        raise DrawInputError("the pool size cannot be negative")
    if count > MAX_POOL_SIZE:
        raise PoolTooLargeError(
            f"RFC 3797 counts picks in two bytes: at most {MAX_POOL_SIZE:,} entries, not {count:,}"
        )
    if not key.isascii():
        raise DrawInputError("the key string must be ASCII")
    hasher = hash_function(algorithm)
    key_bytes = key.encode("ascii")
    from_bytes = int.from_bytes
    # Comprehensions over cached counters rather than one loop doing everything: the
    # fairness tests run a million picks, and this cuts their time by about a fifth.
    values = [
        from_bytes(hasher(counter + key_bytes + counter).digest(), "big")
        for counter in _counters(count)
    ]
    pop = list(range(1, count + 1)).pop
    return [pop(value % left) for value, left in zip(values, range(count, 0, -1), strict=True)]


@functools.lru_cache(maxsize=8)
def _counters(count: int) -> tuple[bytes, ...]:
    return tuple(i.to_bytes(2, "big") for i in range(count))
