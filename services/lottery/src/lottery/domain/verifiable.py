"""Publicly verifiable draws: the one module the rest of the service imports.

Responsibility: gather the typed API (``rfc3797`` for the method, ``records`` for what
is published, ``audit`` for drawing and verifying) and offer it in the JSON form the
service stores and publishes: ``commitment`` and ``perform`` take and give plain dicts.

Invariant: the outcome depends only on the committed pool and the public seed values.
Anyone holding the audit record (pool, seed values, algorithm, seats) can recompute the
draw with this module, or with any independent implementation of RFC 3797 (with
SHA-256 in place of MD5 for ``rfc3797-sha256-v1``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lottery.domain.audit import VerificationResult, draw, draw_order, verify
from lottery.domain.records import (
    AuditRecord,
    Commitment,
    DuplicateIdError,
    EmptyPoolError,
    InvalidIdError,
    NegativeSeatsError,
    RecordFormatError,
    canonical_pool,
    pool_hash,
)
from lottery.domain.rfc3797 import (
    DEFAULT_ALGORITHM,
    MAX_POOL_SIZE,
    RFC3797_MD5,
    RFC3797_SHA256,
    DrawInputError,
    EmptySeedValueError,
    MissingSeedError,
    PoolTooLargeError,
    UnknownAlgorithmError,
    canonical_value,
    digest,
    key_string,
    selection_order,
)

# The name under which callers first knew the result of ``verify``.
Verification = VerificationResult

__all__ = [
    "DEFAULT_ALGORITHM",
    "MAX_POOL_SIZE",
    "RFC3797_MD5",
    "RFC3797_SHA256",
    "AuditRecord",
    "Commitment",
    "DrawInputError",
    "DuplicateIdError",
    "EmptyPoolError",
    "EmptySeedValueError",
    "InvalidIdError",
    "MissingSeedError",
    "NegativeSeatsError",
    "PoolTooLargeError",
    "RecordFormatError",
    "UnknownAlgorithmError",
    "Verification",
    "VerificationResult",
    "canonical_pool",
    "canonical_value",
    "commitment",
    "digest",
    "draw",
    "draw_order",
    "key_string",
    "perform",
    "pool_hash",
    "selection_order",
    "verify",
]


def commitment(
    *,
    draw_id: str,
    pool: Sequence[str],
    seats: int,
    randomness_source: str,
    algorithm: str = DEFAULT_ALGORITHM,
    district_id: str | None = None,
    kind: str | None = None,
) -> dict[str, Any]:
    """The commitment as published before the seed values exist (JSON-compatible)."""
    return Commitment.create(
        draw_id=draw_id,
        pool=pool,
        seats=seats,
        randomness_source=randomness_source,
        algorithm=algorithm,
        district_id=district_id,
        kind=kind,
    ).to_dict()


def perform(
    committed: Mapping[str, Any] | Commitment, seed: Sequence[Sequence[str | int]]
) -> dict[str, Any]:
    """The audit record (JSON-compatible) of drawing a published commitment."""
    if not isinstance(committed, Commitment):
        committed = Commitment.from_dict(committed)
    return draw(committed, seed).to_dict()
