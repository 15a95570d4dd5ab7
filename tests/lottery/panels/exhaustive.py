"""An independent LEXIMIN over individuals for tiny pools: every feasible panel listed
by brute force, then one LP per stage and one per person to decide who is stuck at the
stage's level (no dual prices, no column generation, no types)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import highspy
import numpy as np

from lottery.domain.panels import Quota, Respondent

INF = highspy.kHighsInf


def feasible_panels(
    people: Sequence[Respondent], quotas: Sequence[Quota], seats: int
) -> list[tuple[int, ...]]:
    out = []
    for panel in itertools.combinations(range(len(people)), seats):
        households = [people[i].household for i in panel if people[i].household]
        if len(households) != len(set(households)):
            continue
        if all(
            q.minimum
            <= sum(people[i].features.get(q.category) == q.value for i in panel)
            <= q.maximum
            for q in quotas
        ):
            out.append(panel)
    return out


def _lp(
    panels: Sequence[tuple[int, ...]],
    n: int,
    fixed: dict[int, float],
    free: Sequence[int],
    target: int | None,
) -> float:
    """max z (target None) or max p_target, with every fixed person at least their level
    and every free person at least z (or at least the level ``fixed[-1]``)."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("primal_feasibility_tolerance", 1e-10)
    h.setOptionValue("dual_feasibility_tolerance", 1e-10)
    m = len(panels)
    # variables: w_0..w_{m-1}, z
    h.addVars(m + 1, np.zeros(m + 1), np.array([INF] * m + [1.0]))
    cost = np.zeros(m + 1)
    if target is None:
        cost[m] = 1.0
    else:
        cost[[j for j, p in enumerate(panels) if target in p]] = 1.0
    h.changeColsCost(m + 1, np.arange(m + 1, dtype=np.int32), cost)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.addRow(1.0, 1.0, m, np.arange(m, dtype=np.int32), np.ones(m))
    for i in range(n):
        idx = [j for j, p in enumerate(panels) if i in p]
        if i in fixed:
            h.addRow(fixed[i], INF, len(idx), np.array(idx, dtype=np.int32), np.ones(len(idx)))
        elif i in free:
            level = fixed.get(-1)
            if target is None:
                h.addRow(
                    0.0,
                    INF,
                    len(idx) + 1,
                    np.array([*idx, m], dtype=np.int32),
                    np.array([1.0] * len(idx) + [-1.0]),
                )
            else:
                h.addRow(level, INF, len(idx), np.array(idx, dtype=np.int32), np.ones(len(idx)))
    h.run()
    assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return float(h.getInfo().objective_function_value)


def leximin(people: Sequence[Respondent], quotas: Sequence[Quota], seats: int) -> list[float]:
    """The LEXIMIN selection probabilities, sorted from lowest."""
    panels = feasible_panels(people, quotas, seats)
    assert panels, "the tiny pool has no feasible panel"
    n = len(people)
    fixed: dict[int, float] = {}
    while len(fixed) < n:
        free = [i for i in range(n) if i not in fixed]
        z = _lp(panels, n, fixed, free, None)
        stuck = []
        for i in free:
            best = _lp(panels, n, {**fixed, -1: z - 1e-9}, free, i)
            if best <= z + 1e-7:
                stuck.append(i)
        assert stuck, "some person must be stuck at the stage's level"
        for i in stuck:
            fixed[i] = z - 1e-9
    return sorted(v + 1e-9 for v in fixed.values())
