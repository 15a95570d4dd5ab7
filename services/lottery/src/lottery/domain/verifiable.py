"""Publicly verifiable draws: the method of RFC 3797 ("Publicly Verifiable NomCom Random
Selection"), exactly, and a SHA-256 variant of it as our default.

Invariant: the outcome depends only on the committed pool and the public seed values.
Anyone with the audit record (pool, seed values, algorithm, seats) can recompute the
draw with this module, or with any independent implementation of RFC 3797.

The method (RFC 3797, sections 4 to 6):
- The key string is built from the public random sources: within each source the
  values are sorted (numbers numerically, written without leading zeros; other values
  as upper-case text, sorted), each followed by ``.``; each source ends with ``/``.
- For the i-th pick (i = 0, 1, ...) the hash of ``i`` as two bytes big-endian, the key
  string, and ``i`` again is read as a big-endian integer; taken modulo the number of
  entries still in the pool it names the entry that is picked and removed.
- The pool is the sorted list of pseudonymous ids, numbered from 1, so the same pool
  always has the same numbering.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

RFC3797_MD5 = "rfc3797-md5"
RFC3797_SHA256 = "rfc3797-sha256-v1"
DEFAULT_ALGORITHM = RFC3797_SHA256

_HASHES: dict[str, Callable[[bytes], bytes]] = {
    RFC3797_MD5: lambda data: hashlib.md5(data, usedforsecurity=False).digest(),
    RFC3797_SHA256: lambda data: hashlib.sha256(data).digest(),
}


class DrawInputError(ValueError):
    """The inputs of a draw are unusable; the message says what to correct."""


def _canonical_value(value: str) -> tuple[int, int | str]:
    text = str(value).strip()
    if not text:
        raise DrawInputError("a seed value is empty")
    if text.isdigit():
        return (0, int(text))
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    if not folded:
        raise DrawInputError(f"the seed value {value!r} has no usable characters")
    return (1, folded)


def key_string(sources: Sequence[Sequence[str | int]]) -> str:
    """The RFC 3797 key string of the public random sources."""
    if not sources:
        raise DrawInputError("no seed values: the draw needs the public random numbers")
    parts = []
    for source in sources:
        values = [_canonical_value(str(v)) for v in source]
        if not values:
            raise DrawInputError("a random source has no values")
        parts.append("".join(f"{v}." for _, v in sorted(values)) + "/")
    return "".join(parts)


def selection_order(count: int, key: str, algorithm: str = DEFAULT_ALGORITHM) -> list[int]:
    """The order in which entries 1..count are picked (1-based, as in RFC 3797)."""
    digest = _hash_for(algorithm)
    remaining = list(range(1, count + 1))
    key_bytes = key.encode("ascii")
    picked = []
    for i in range(count):
        counter = i.to_bytes(2, "big")
        value = int.from_bytes(digest(counter + key_bytes + counter), "big")
        picked.append(remaining.pop(value % len(remaining)))
    return picked


def _hash_for(algorithm: str) -> Callable[[bytes], bytes]:
    try:
        return _HASHES[algorithm]
    except KeyError:
        raise DrawInputError(
            f"unknown algorithm {algorithm!r}; known: {', '.join(sorted(_HASHES))}"
        ) from None


def canonical_pool(pool: Sequence[str]) -> list[str]:
    if not pool:
        return []
    if len(set(pool)) != len(pool):
        raise DrawInputError("the pool lists an id more than once")
    return sorted(pool)


def pool_hash(pool: Sequence[str]) -> str:
    """SHA-256 of the sorted pool, one id per line: what the commitment fixes."""
    return hashlib.sha256("".join(f"{p}\n" for p in canonical_pool(pool)).encode()).hexdigest()


def draw_order(
    pool: Sequence[str], sources: Sequence[Sequence[str | int]], algorithm: str = DEFAULT_ALGORITHM
) -> list[str]:
    """The whole pool in drawn order: seats first, then the waitlist."""
    ordered = canonical_pool(pool)
    if len(ordered) > 65_536:
        raise DrawInputError("RFC 3797 numbers picks with two bytes: at most 65,536 entries")
    return [ordered[i - 1] for i in selection_order(len(ordered), key_string(sources), algorithm)]


def commitment(
    *,
    draw_id: str,
    district_id: str,
    kind: str,
    pool: Sequence[str],
    seats: int,
    randomness_source: str,
    algorithm: str = DEFAULT_ALGORITHM,
) -> dict[str, Any]:
    """What is published before the seed exists."""
    if seats < 0:
        raise DrawInputError("the number of seats cannot be negative")
    _hash_for(algorithm)
    return {
        "draw_id": draw_id,
        "district_id": district_id,
        "kind": kind,
        "algorithm": algorithm,
        "seats": seats,
        "pool": canonical_pool(pool),
        "pool_hash": pool_hash(pool),
        "randomness_source": randomness_source,
    }


def perform(commitment_: dict[str, Any], seed: Sequence[Sequence[str | int]]) -> dict[str, Any]:
    """The audit record: the commitment, the seed values, the key and the outcome. With
    no more entries than seats nobody is drawn and no seed is needed."""
    pool = commitment_["pool"]
    seats = commitment_["seats"]
    if len(pool) <= seats and not seed:
        order, key = list(pool), ""
    else:
        key = key_string(seed)
        order = draw_order(pool, seed, commitment_["algorithm"])
    return {
        **commitment_,
        "seed": [[str(v) for v in source] for source in seed],
        "key": key,
        "order": order,
        "seated": order[:seats],
        "waitlist": order[seats:],
    }


@dataclass(frozen=True, slots=True)
class Verification:
    matches: bool
    differences: tuple[str, ...]


def verify(record: dict[str, Any]) -> Verification:
    """Recompute a draw from its audit record alone."""
    differences = []
    try:
        pool = record["pool"]
        if pool_hash(pool) != record["pool_hash"]:
            differences.append("the pool hash does not match the listed pool")
        recomputed = perform(
            {
                k: record[k]
                for k in (
                    "draw_id",
                    "district_id",
                    "kind",
                    "algorithm",
                    "seats",
                    "pool",
                    "pool_hash",
                    "randomness_source",
                )
            },
            record["seed"],
        )
    except KeyError as exc:
        return Verification(False, (f"the audit record lacks {exc.args[0]!r}",))
    except DrawInputError as exc:
        return Verification(False, (str(exc),))
    for field, label in (("key", "key string"), ("seated", "seated"), ("waitlist", "waitlist")):
        if recomputed[field] != record.get(field):
            differences.append(f"the {label} differs from the recomputed draw")
    return Verification(not differences, tuple(differences))
