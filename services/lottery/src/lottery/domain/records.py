"""The published documents of a verifiable draw: the commitment and the audit record,
with the canonical pool they rest on, and their JSON-compatible form.

Responsibility: represent and (de)serialise what is published; make the pool canonical
and hash it. Whether a record's outcome is right is for ``audit.verify`` to say.

Invariants: the pool is canonical (sorted; hashed as one id per line, each line ending
in a newline), so the order in which ids were collected cannot influence the draw;
``from_dict(to_dict(x)) == x``; reading a record checks its shape, never its contents.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lottery.domain.rfc3797 import DEFAULT_ALGORITHM, DrawInputError, hash_function


class EmptyPoolError(DrawInputError):
    pass


class DuplicateIdError(DrawInputError):
    pass


class InvalidIdError(DrawInputError):
    pass


class NegativeSeatsError(DrawInputError):
    pass


class RecordFormatError(DrawInputError):
    """A commitment or audit record is not shaped as this module writes them."""


def canonical_pool(pool: Sequence[str]) -> list[str]:
    """The pool sorted; an empty pool is allowed here (nobody applied), not in a draw."""
    if isinstance(pool, str):
        raise InvalidIdError("the pool must be a list of ids, not a single text")
    entries = set(pool) if all(isinstance(entry, str) for entry in pool) else None
    # A line break inside an id would let two pools share one serialisation and hash.
    if entries is None or "" in entries or "\n" in "".join(entries):
        unusable = next(e for e in pool if not isinstance(e, str) or not e or "\n" in e)
        raise InvalidIdError(f"the pool entry {unusable!r} is not a usable id")
    if len(entries) != len(pool):
        twice = sorted(entry for entry, n in Counter(pool).items() if n > 1)
        raise DuplicateIdError(f"the pool lists these ids more than once: {', '.join(twice)}")
    return sorted(pool)


def pool_hash(pool: Sequence[str]) -> str:
    """SHA-256 (hex) of the sorted pool, one id per line, each line ending in a newline."""
    text = "".join(f"{entry}\n" for entry in canonical_pool(pool))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Commitment:
    """What is published before the seed values exist; ``district_id`` and ``kind`` say
    which draw it is where one deployment runs several."""

    draw_id: str
    pool: tuple[str, ...]
    pool_hash: str
    algorithm: str
    seats: int
    randomness_source: str
    district_id: str | None = None
    kind: str | None = None

    @classmethod
    def create(
        cls,
        *,
        draw_id: str,
        pool: Sequence[str],
        seats: int,
        randomness_source: str,
        algorithm: str = DEFAULT_ALGORITHM,
        district_id: str | None = None,
        kind: str | None = None,
    ) -> Commitment:
        if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
            raise NegativeSeatsError(f"the number of seats must be 0 or more, not {seats!r}")
        hash_function(algorithm)
        return cls(
            draw_id=draw_id,
            pool=tuple(canonical_pool(pool)),
            pool_hash=pool_hash(pool),
            algorithm=algorithm,
            seats=seats,
            randomness_source=randomness_source,
            district_id=district_id,
            kind=kind,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"draw_id": self.draw_id}
        if self.district_id is not None:
            data["district_id"] = self.district_id
        if self.kind is not None:
            data["kind"] = self.kind
        data.update(
            algorithm=self.algorithm,
            seats=self.seats,
            pool=list(self.pool),
            pool_hash=self.pool_hash,
            randomness_source=self.randomness_source,
        )
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Commitment:
        """Read a commitment as published; its contents are checked by ``verify``."""
        seats = _field(data, "seats", int)
        if isinstance(seats, bool):
            raise RecordFormatError("'seats' must be a whole number")
        return cls(
            draw_id=_field(data, "draw_id", str),
            pool=_strings(data, "pool"),
            pool_hash=_field(data, "pool_hash", str),
            algorithm=_field(data, "algorithm", str),
            seats=seats,
            randomness_source=_field(data, "randomness_source", str),
            district_id=_field(data, "district_id", str, optional=True),
            kind=_field(data, "kind", str, optional=True),
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """The commitment, the public seed values, the key string derived from them and the
    outcome. ``key`` is empty when nobody had to be drawn (no more entries than seats)."""

    commitment: Commitment
    seed: tuple[tuple[str, ...], ...]
    key: str
    seated: tuple[str, ...]
    waitlist: tuple[str, ...]

    @property
    def order(self) -> tuple[str, ...]:
        return self.seated + self.waitlist

    def to_dict(self) -> dict[str, Any]:
        # Flat, with the commitment's fields at the top: the format published since the
        # first draws, so that older records stay readable by the same verifier.
        return {
            **self.commitment.to_dict(),
            "seed": [list(source) for source in self.seed],
            "key": self.key,
            "order": list(self.order),
            "seated": list(self.seated),
            "waitlist": list(self.waitlist),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AuditRecord:
        seed = data.get("seed")
        if not isinstance(seed, list | tuple):
            raise RecordFormatError("the audit record lacks the list 'seed'")
        if not all(
            isinstance(s, list | tuple) and all(isinstance(v, str | int) for v in s) for s in seed
        ):
            raise RecordFormatError("'seed' must be a list of lists of values")
        return cls(
            commitment=Commitment.from_dict(data),
            seed=tuple(tuple(str(v) for v in source) for source in seed),
            key=_field(data, "key", str),
            seated=_strings(data, "seated"),
            waitlist=_strings(data, "waitlist"),
        )


def _field(data: Mapping[str, Any], name: str, kind: type, *, optional: bool = False) -> Any:
    value = data.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, kind):
        raise RecordFormatError(f"the record's {name!r} is missing or not a {kind.__name__}")
    return value


def _strings(data: Mapping[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise RecordFormatError(f"the record's {name!r} must be a list of ids")
    return tuple(value)
