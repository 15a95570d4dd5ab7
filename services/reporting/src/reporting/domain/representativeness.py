"""Representativeness: the seated participants beside the district's population.

Invariants: for each attribute (age band, gender, municipality) there is one row per
value that occurs among the seated or in the population; shares are of the attribute's
own total (so each column of shares sums to 1 up to rounding) and None where that total
is 0; the gap is the seated share minus the population share, in percentage points.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ATTRIBUTES = ("age_band", "gender", "municipality")


def _share(n: int, total: int) -> float | None:
    return round(n / total, 4) if total else None


def compare(seated: Mapping[str, int], population: Mapping[str, int]) -> list[dict[str, Any]]:
    """One row per value: seated count and share, population count and share, gap."""
    seated_total = sum(seated.values())
    population_total = sum(population.values())
    rows = []
    for value in sorted(set(seated) | set(population)):
        s = _share(seated.get(value, 0), seated_total)
        p = _share(population.get(value, 0), population_total)
        rows.append(
            {
                "value": value,
                "seated": seated.get(value, 0),
                "seated_share": s,
                "population": population.get(value, 0),
                "population_share": p,
                "gap_points": None if s is None or p is None else round(100 * (s - p), 1),
            }
        )
    return rows
