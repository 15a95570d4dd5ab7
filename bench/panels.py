"""Panels: selection probabilities for the register half, our open-solver selection core
against the reference package ``sortition-algorithms`` run directly on the same input.

Synthetic pools of respondents skewed against the population (older, more from the
larger town, as answers to invitation letters tend to be), quotas proportional to the
population with a tolerance of one seat, a few two-person households. For each pool:
our LEXIMIN and maximin (seconds and lowest selection probability), and the package's
maximin (its LEXIMIN needs the commercial Gurobi solver) in a child process with a time
limit; when it does not finish, the row says so and carries no baseline.

Runnable alone: ``uv run python -m bench.panels [--quick] [--limit SECONDS]``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import time
from collections.abc import Sequence
from typing import Any

from lottery.domain.panels import (
    Quota,
    Respondent,
    proportional_quotas,
    select_distribution,
)

CATEGORIES: dict[str, tuple[tuple[str, float, float], ...]] = {
    # value, share of the population, relative response propensity
    "age_band": (
        ("16-29", 0.18, 0.6),
        ("30-44", 0.24, 0.9),
        ("45-59", 0.26, 1.1),
        ("60-74", 0.21, 1.4),
        ("75+", 0.11, 0.8),
    ),
    "gender": (("female", 0.505, 1.05), ("male", 0.49, 0.95), ("diverse", 0.005, 1.0)),
    "municipality": (
        ("Borna", 0.22, 1.3),
        ("Markkleeberg", 0.19, 1.2),
        ("Grimma", 0.18, 1.0),
        ("Wurzen", 0.12, 0.9),
        ("Colditz", 0.09, 0.8),
        ("Geithain", 0.08, 0.8),
        ("Frohburg", 0.07, 0.7),
        ("Kitzscher", 0.05, 0.7),
    ),
    "education": (("school", 0.35, 0.6), ("vocational", 0.45, 1.0), ("university", 0.20, 1.8)),
}


def synthetic_pool(
    respondents: int, categories: Sequence[str], seed: int = 0, households: float = 0.03
) -> tuple[list[Respondent], dict[tuple[str, str], int]]:
    """Respondents drawn with response propensities, and the population they come from
    (per category and value, for a district of 100,000)."""
    rng = random.Random(seed)
    population = {
        (c, v): round(100_000 * share) for c in categories for v, share, _ in CATEGORIES[c]
    }
    people = []
    for i in range(respondents):
        features = {}
        for c in categories:
            values = CATEGORIES[c]
            weights = [share * propensity for _, share, propensity in values]
            features[c] = rng.choices([v for v, _, _ in values], weights)[0]
        people.append(Respondent(person_id=f"p{i:05d}", features=features))
    pairs = int(respondents * households / 2)
    chosen = rng.sample(range(respondents), 2 * pairs)
    for h in range(pairs):
        for i in chosen[2 * h : 2 * h + 2]:
            p = people[i]
            people[i] = Respondent(p.person_id, p.features, household=f"h{h:04d}")
    return people, population


def reference_maximin(people: Sequence[Respondent], quotas: Sequence[Quota], seats: int) -> float:
    """The lowest selection probability of ``sortition-algorithms``' maximin, run
    directly (HiGHS backend, households as a same-address column)."""
    from sortition_algorithms.committee_generation import find_distribution_maximin
    from sortition_algorithms.features import FeatureValueMinMax
    from sortition_algorithms.people import People

    features: dict[str, dict[str, FeatureValueMinMax]] = {}
    for q in quotas:
        features.setdefault(q.category, {})[q.value] = FeatureValueMinMax(
            min=q.minimum, max=q.maximum
        )
    pool = People(["household"])
    for row, p in enumerate(people):
        data = {c: p.features[c] for c in features}
        data["household"] = p.household or f"single-{p.person_id}"
        pool.add(p.person_id, data, features, row)  # type: ignore[arg-type]
    committees, probabilities, _ = find_distribution_maximin(
        features,  # type: ignore[arg-type]
        pool,
        seats,
        ["household"],
    )
    marginal = dict.fromkeys(pool, 0.0)
    for committee, probability in zip(committees, probabilities, strict=True):
        for pid in committee:
            marginal[pid] += probability
    return min(marginal.values())


def _child(conn: Any, people: Any, quotas: Any, seats: int) -> None:
    start = time.perf_counter()
    value = reference_maximin(people, quotas, seats)
    conn.send((time.perf_counter() - start, value))


def reference_with_limit(
    people: Sequence[Respondent], quotas: Sequence[Quota], seats: int, limit: float
) -> tuple[float, float] | None:
    """(seconds, lowest probability) of the reference, or None past ``limit`` seconds."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, list(people), list(quotas), seats))
    child.start()
    try:
        if receive.poll(limit):
            result: tuple[float, float] = receive.recv()
            return result
        return None
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _timed(
    people: Sequence[Respondent], quotas: Sequence[Quota], seats: int, method: Any
) -> tuple[float, float, int]:
    start = time.perf_counter()
    distribution = select_distribution(people, quotas, seats, method=method)
    return (
        time.perf_counter() - start,
        distribution.minimum_probability,
        len(distribution.portfolio),
    )


def measure(quick: bool, limit: float = 120.0) -> list[dict[str, Any]]:
    three = ("age_band", "gender", "municipality")
    four = (*three, "education")
    cases: list[tuple[int, int, tuple[str, ...], float | None]] = (
        [(100, 12, three, 60.0), (120, 12, four, 60.0)]
        if quick
        else [
            (300, 30, three, limit),
            (1000, 30, three, limit),
            (3000, 30, three, None),
            (1000, 30, four, limit),
        ]
    )
    rows = []
    for size, seats, categories, reference_limit in cases:
        people, population = synthetic_pool(size, categories, seed=size)
        quotas = proportional_quotas(population, seats, categories, tolerance=1)
        reference = (
            reference_with_limit(people, quotas, seats, reference_limit)
            if reference_limit
            else None
        )
        label = f"{seats} seats from {size:,} respondents, {len(categories)} quota categories"
        if reference is not None:
            baseline_note = (
                f"sortition-algorithms maximin {reference[0]:.1f} s, minimum {reference[1]:.6f}"
            )
        elif reference_limit:
            baseline_note = (
                f"sortition-algorithms maximin did not finish within {reference_limit:.0f} s"
            )
        else:
            baseline_note = (
                "sortition-algorithms maximin not run (no result within 300 s at this size)"
            )
        for method in ("leximin", "maximin"):
            seconds, lowest, panels = _timed(people, quotas, seats, method)
            gap = f"; |ours - reference| = {abs(lowest - reference[1]):.1e}" if reference else ""
            rows.append(
                {
                    "name": f"panels: {method} time, {label}",
                    "value": seconds,
                    "unit": "s",
                    "baseline_name": "sortition-algorithms maximin",
                    "baseline": reference[0] if reference else None,
                    "note": f"{panels} panels in the lottery; {baseline_note}",
                }
            )
            rows.append(
                {
                    "name": f"panels: {method} lowest selection probability, {label}",
                    "value": lowest,
                    "unit": "probability",
                    "baseline_name": "sortition-algorithms maximin",
                    "baseline": reference[1] if reference else None,
                    "note": f"{baseline_note}{gap}",
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.panels", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds for the reference")
    args = parser.parse_args()
    for row in measure(args.quick, args.limit):
        baseline = f" (baseline {row['baseline']:.6g})" if row["baseline"] is not None else ""
        print(f"{row['name']}: {row['value']:.6g} {row['unit']}{baseline}; {row['note']}")


if __name__ == "__main__":
    main()
