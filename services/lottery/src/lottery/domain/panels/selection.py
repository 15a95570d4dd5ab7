"""Selection probabilities by column generation over panels of types: maximin and LEXIMIN.

Maximin maximises the lowest selection probability of any respondent. LEXIMIN (Flanigan
et al., Nature 2021) then maximises the next lowest, and so on: each stage maximises the
lowest probability among the types not yet fixed, and fixes the types that cannot rise
above it in any optimal lottery (those with a positive dual price: by complementary
slackness they sit at that level in every optimum).

Respondents of one type are interchangeable, and the optimum is unique for LEXIMIN and
can be made symmetric for maximin, so every member of a type gets the same probability:
the type's expected seats divided by its size. The linear program therefore has one row
per type, not per person, and each new panel is found by an integer program over counts
per type (``PanelFinder``), which keeps both small.

Invariant: every panel in the returned portfolio meets the seats, every quota and the
one-per-household rule; the probabilities are the portfolio's marginals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from lottery.domain.panels.highs import PanelFinder, Portfolio
from lottery.domain.panels.infeasible import explain
from lottery.domain.panels.model import (
    Distribution,
    Infeasible,
    Method,
    Quota,
    Respondent,
    TypePanel,
)
from lottery.domain.panels.swaps import SwapSearch
from lottery.domain.panels.types import TypeModel, compress

IMPROVEMENT = 1e-9
"""A new panel is added while it raises the objective's dual bound by more than this."""
FIX_PRICE = 1e-6
"""A type whose dual price exceeds this is fixed at the stage's level."""
MAX_PANELS = 20_000
LOOSE_GAP = 1e-2
TIGHT_GAP = 1e-9
STARTS = 4
ADD = 1000


def select_distribution(
    respondents: Iterable[Respondent],
    quotas: Sequence[Quota],
    seats: int,
    method: Method = "leximin",
) -> Distribution:
    """The lottery over panels that is maximin or LEXIMIN fair to the respondents.

    Raises ``Infeasible`` with a report when no panel meets the quotas.
    """
    if method not in ("leximin", "maximin"):
        raise ValueError(f"unknown selection method {method!r}; known: leximin, maximin")
    people = list(respondents)
    model = compress(people, quotas, seats)
    finder = PanelFinder(model)
    first = finder.best(np.array([1.0 / s for s in model.sizes]))
    if first is None:
        raise Infeasible(explain(model))
    portfolio = Portfolio(model)
    swaps = SwapSearch(model)
    cover = _cover(first[0], finder, swaps)
    for counts in cover:
        portfolio.add(counts)
    known = set(cover)
    unfixed = set(range(len(model)))
    while unfixed:
        level = _maximise_lowest(portfolio, finder, swaps, known)
        if method == "maximin":
            break
        prices = portfolio.type_duals()
        binding = {t for t in unfixed if prices[t] > FIX_PRICE}
        if not binding:
            binding = {max(unfixed, key=lambda t: (prices[t], -t))}
        for t in sorted(binding):
            portfolio.fix(t, max(level - IMPROVEMENT, 0.0))
        unfixed -= binding
    _, weights, _, _ = portfolio.solve()
    return _distribution(model, portfolio.panels, weights, method)


def _cover(first: tuple[int, ...], finder: PanelFinder, swaps: SwapSearch) -> list[tuple[int, ...]]:
    """Panels that together seat every type that any panel can seat.

    Until every type sits on some panel of the lottery, the lowest probability is zero
    and the dual prices say little, so column generation would add panels one
    uncovered type at a time; a greedy cover gets there in a few panels.
    """
    panels = {first: None}
    covered = np.array(first) > 0
    last = first
    while not covered.all():
        prices = np.where(covered, 0.0, 1.0)
        counts, _ = swaps.improve(last, prices)
        if not (np.array(counts) > 0)[~covered].any():
            found = finder.best(prices, TIGHT_GAP)
            if found is None or found[1] <= 0.5:
                break
            counts = found[0]
        panels[counts] = None
        covered |= np.array(counts) > 0
        last = counts
    return list(panels)


def _maximise_lowest(
    portfolio: Portfolio,
    finder: PanelFinder,
    swaps: SwapSearch,
    known: set[tuple[int, ...]],
) -> float:
    """Add panels until none raises the lowest probability of the unfixed types.

    Better panels come first from swaps on the panels with most weight in the current
    lottery; when swaps find none, the integer program searches with a loose gap
    (any better panel will do) and, when that finds none either, proves with a tight
    gap that none exists.
    """
    gap = LOOSE_GAP
    while True:
        level, weights, bound, prices = portfolio.solve()
        # The panels in use are worth exactly the bound at these prices (all others
        # at most that), so the heaviest of them are the starts closest to a better one.
        starts = [portfolio.panels[i] for i in np.argsort(-weights, kind="stable")[:STARTS]]
        fresh = [c for c in swaps.better(starts, prices, bound + IMPROVEMENT) if c not in known]
        if fresh:
            for counts in fresh[:ADD]:
                portfolio.add(counts)
                known.add(counts)
            continue
        found = finder.best(prices, gap)
        if found is None:  # pragma: no cover - the first panel proved feasibility
            raise RuntimeError("the panel search failed after a panel had been found")
        counts, value, ceiling = found
        if value <= bound + IMPROVEMENT or counts in known:
            if ceiling <= bound + IMPROVEMENT or gap <= TIGHT_GAP:
                return level
            gap = TIGHT_GAP
            continue
        gap = LOOSE_GAP
        if len(known) >= MAX_PANELS:  # pragma: no cover - a guard, never reached in tests
            raise RuntimeError("the selection did not converge")
        portfolio.add(counts)
        known.add(counts)


def _distribution(
    model: TypeModel,
    panels: Sequence[tuple[int, ...]],
    weights: np.ndarray,
    method: Method,
) -> Distribution:
    weights = np.where(weights > 1e-12, weights, 0.0)
    weights = weights / weights.sum()
    chosen = [(p, float(w)) for p, w in zip(panels, weights, strict=True) if w > 0]
    chosen.sort(key=lambda pw: (-pw[1], pw[0]))
    counts = np.array([p for p, _ in chosen], dtype=np.float64)
    expected = np.array([w for _, w in chosen]) @ counts
    sizes = np.array(model.sizes, dtype=np.float64)
    per_type = np.clip(expected / sizes, 0.0, 1.0)
    probabilities = {
        pid: float(per_type[t]) for t, members in enumerate(model.members) for pid in members
    }
    return Distribution(
        method=method,
        seats=model.seats,
        quotas=model.quotas,
        probabilities=dict(sorted(probabilities.items())),
        types=model.members,
        portfolio=tuple(TypePanel(counts=p, weight=w) for p, w in chosen),
    )
