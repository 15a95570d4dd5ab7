"""Quotas in proportion to the district's population.

Responsibility: per quota category, share the seats among its values in proportion to
the population by the largest-remainder method, and allow a tolerance around each
share.

Invariant: per category the shares sum to the seats, so the quotas of one category
always admit a panel of that size; ties in the remainders go to the larger group, then
to the value that sorts first, so the result does not depend on input order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from lottery.domain.panels.model import Quota

Population = Mapping[tuple[str, str], int] | Iterable[tuple[Mapping[str, str], int]]
"""Either people per (category, value), or rows of (features, number of people)."""


def _marginals(population: Population, categories: Sequence[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {c: defaultdict(int) for c in categories}
    if isinstance(population, Mapping):
        for (category, value), n in population.items():
            if category in counts:
                counts[category][value] += int(n)
    else:
        for features, n in population:
            for category in categories:
                value = features.get(category)
                if value:
                    counts[category][value] += int(n)
    return {c: dict(v) for c, v in counts.items()}


def largest_remainder(counts: Mapping[str, int], seats: int) -> dict[str, int]:
    """Seats per value in proportion to ``counts``, summing to ``seats``."""
    total = sum(counts.values())
    if total <= 0:
        raise ValueError("the population of a quota category is empty")
    exact = {v: seats * n / total for v, n in counts.items()}
    shares = {v: int(x) for v, x in exact.items()}
    left = seats - sum(shares.values())
    order = sorted(exact, key=lambda v: (-(exact[v] - shares[v]), -counts[v], v))
    for v in order[:left]:
        shares[v] += 1
    return dict(sorted(shares.items()))


def proportional_quotas(
    population: Population,
    seats: int,
    categories: Sequence[str] = ("age_band", "gender", "municipality"),
    tolerance: int | float = 0.1,
) -> tuple[Quota, ...]:
    """Per category value: its proportional share of the seats, give or take the
    tolerance, never less than zero nor more than the seats.

    ``tolerance`` is in seats if a whole number (1: one seat either way) and a fraction
    of the share otherwise (0.1: ten percent, rounded up, at least one seat either way).
    """
    if seats <= 0:
        raise ValueError("a panel needs at least one seat")
    quotas = []
    for category, counts in _marginals(population, categories).items():
        for value, share in largest_remainder(counts, seats).items():
            if isinstance(tolerance, int):
                give = tolerance
            else:
                give = max(1, -int(-(share * tolerance) // 1))
            quotas.append(
                Quota(
                    category=category,
                    value=value,
                    minimum=max(0, share - give),
                    maximum=min(seats, share + give),
                )
            )
    return tuple(quotas)
