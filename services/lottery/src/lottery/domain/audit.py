"""Drawing a committed pool and verifying a draw from its audit record.

Responsibility: draw the whole pool in order with RFC 3797 (see ``rfc3797``) from the
commitment and the public seed values, and recompute a published record to check it.

Invariants: the outcome depends only on the committed pool and the public seed values;
the first ``seats`` of the drawn order are seated and the rest form the waitlist in
drawn order, so moving up from the waitlist follows the same public draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from lottery.domain.records import (
    AuditRecord,
    Commitment,
    EmptyPoolError,
    NegativeSeatsError,
    canonical_pool,
    pool_hash,
)
from lottery.domain.rfc3797 import (
    DEFAULT_ALGORITHM,
    DrawInputError,
    key_string,
    selection_order,
)


def draw_order(
    pool: Sequence[str],
    sources: Sequence[Sequence[str | int]],
    algorithm: str = DEFAULT_ALGORITHM,
) -> list[str]:
    """The whole pool in drawn order: the seated first, then the waitlist."""
    ordered = canonical_pool(pool)
    if not ordered:
        raise EmptyPoolError("the pool is empty: there is nobody to draw")
    positions = selection_order(len(ordered), key_string(sources), algorithm)
    return [ordered[p - 1] for p in positions]


def draw(commitment: Commitment, sources: Sequence[Sequence[str | int]]) -> AuditRecord:
    """Draw the committed pool with the public seed values. With no more entries than
    seats and no seed values, everyone is seated in pool order and nothing is drawn."""
    if commitment.seats < 0:
        raise NegativeSeatsError("the number of seats cannot be negative")
    pool = canonical_pool(commitment.pool)
    if not sources and len(pool) <= commitment.seats:
        order, key = pool, ""
    else:
        key = key_string(sources)
        order = draw_order(pool, sources, commitment.algorithm)
    return AuditRecord(
        commitment=commitment,
        seed=tuple(tuple(str(v) for v in source) for source in sources),
        key=key,
        seated=tuple(order[: commitment.seats]),
        waitlist=tuple(order[commitment.seats :]),
    )


@dataclass(frozen=True, slots=True)
class VerificationResult:
    matches: bool
    differences: tuple[str, ...]


def verify(
    record: AuditRecord | Mapping[str, Any],
    published: Commitment | Mapping[str, Any] | None = None,
) -> VerificationResult:
    """Recompute a draw from its audit record alone and list every disagreement. Given
    the commitment as published before the draw, also check the record still holds it."""
    try:
        parsed = record if isinstance(record, AuditRecord) else AuditRecord.from_dict(record)
        if isinstance(published, Mapping):
            published = Commitment.from_dict(published)
    except DrawInputError as exc:
        return VerificationResult(False, (str(exc),))
    commitment = parsed.commitment
    differences = []
    if published is not None:
        differences += [
            f"the record's {name} differs from the published commitment"
            for name in (f.name for f in fields(Commitment))
            if getattr(published, name) != getattr(commitment, name)
        ]
    try:
        if pool_hash(commitment.pool) != commitment.pool_hash:
            differences.append("the pool hash does not match the listed pool")
        recomputed = draw(commitment, parsed.seed)
    except DrawInputError as exc:
        return VerificationResult(False, (*differences, f"the draw cannot be recomputed: {exc}"))
    if recomputed.key != parsed.key:
        differences.append(
            f"the key string differs: recorded {parsed.key!r}, recomputed {recomputed.key!r}"
        )
    for label, recorded, expected in (
        ("seated", parsed.seated, recomputed.seated),
        ("waitlist", parsed.waitlist, recomputed.waitlist),
    ):
        if recorded != expected:
            differences.append(_describe(label, recorded, expected))
    if isinstance(record, Mapping) and record.get("order", list(parsed.order)) != list(
        parsed.order
    ):
        differences.append("the order is not the seated followed by the waitlist")
    return VerificationResult(not differences, tuple(differences))


def _describe(label: str, recorded: tuple[str, ...], expected: tuple[str, ...]) -> str:
    extra = sorted(set(recorded) - set(expected))
    missing = sorted(set(expected) - set(recorded))
    if extra or missing:
        detail = f"recorded but not drawn: {', '.join(extra) or 'none'}; "
        detail += f"drawn but not recorded: {', '.join(missing) or 'none'}"
    elif len(recorded) != len(expected):
        detail = f"{len(recorded)} entries recorded, {len(expected)} drawn"
    else:
        first = next(i for i, (a, b) in enumerate(zip(recorded, expected, strict=True)) if a != b)
        detail = f"the same ids in another order, first at position {first + 1}"
    return f"the {label} differ from the recomputed draw ({detail})"
