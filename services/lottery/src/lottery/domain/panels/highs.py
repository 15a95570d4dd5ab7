"""The two optimisation models of panel selection, on the open HiGHS solver.

- ``PanelFinder``: the integer program whose solutions are exactly the panels that meet
  the quotas, as counts per type (used to price new panels and to test feasibility);
- ``Portfolio``: the linear program over a growing set of panels that chooses their
  weights in the lottery (the master problem of column generation).

Invariant: HiGHS runs single-threaded with fixed options, so the same input gives the
same output on the same HiGHS version.
"""

from __future__ import annotations

from collections.abc import Sequence

import highspy
import numpy as np

from lottery.domain.panels.types import TypeModel

INF = highspy.kHighsInf
TOLERANCE = 1e-9


def _highs() -> highspy.Highs:
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("primal_feasibility_tolerance", TOLERANCE)
    h.setOptionValue("dual_feasibility_tolerance", TOLERANCE)
    return h


def _add_rows(
    h: highspy.Highs, rows: Sequence[tuple[Sequence[int], float, float]], coeff: Sequence[float]
) -> None:
    """Rows over the first variables: (variable indices, lower, upper); coefficients
    ``coeff[i]`` per variable index."""
    for indices, lower, upper in rows:
        idx = np.array(indices, dtype=np.int32)
        h.addRow(lower, upper, len(idx), idx, np.array([coeff[i] for i in idx], dtype=np.float64))


class PanelFinder:
    """Integer counts per type that meet the seats, the quotas and the household rule."""

    def __init__(self, model: TypeModel) -> None:
        self.model = model
        h = _highs()
        n = len(model)
        sizes = np.array(model.sizes, dtype=np.float64)
        h.addVars(n, np.zeros(n), sizes)
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger)
        )
        ones = [1.0] * n
        rows: list[tuple[Sequence[int], float, float]] = [
            (range(n), float(model.seats), float(model.seats))
        ]
        self.consistent = all(q.minimum <= q.maximum for q in model.quotas)
        for q, types in zip(model.quotas, model.quota_types, strict=True):
            if types and self.consistent:
                rows.append((types, float(q.minimum), float(q.maximum)))
        rows.extend((types, 0.0, 1.0) for types in model.households)
        _add_rows(h, rows, ones)
        self.empty_quotas = [
            q for q, types in zip(model.quotas, model.quota_types, strict=True) if not types
        ]
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self.n = n
        self.columns = np.arange(n, dtype=np.int32)

    def best(
        self, weights: np.ndarray, gap: float = 1e-9
    ) -> tuple[tuple[int, ...], float, float] | None:
        """A panel with a large sum of ``weights[t] * count[t]`` (the largest within the
        relative ``gap``), its value and an upper bound on the largest; None if no panel
        meets the quotas."""
        if not self.consistent or any(q.minimum > 0 for q in self.empty_quotas):
            return None
        h = self.h
        h.setOptionValue("mip_rel_gap", gap)
        h.setOptionValue("mip_abs_gap", min(gap, 1e-6))
        h.changeColsCost(self.n, self.columns, weights.astype(np.float64))
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            return None
        values = np.asarray(h.getSolution().col_value)
        counts = tuple(round(v) for v in values)
        value = float(np.dot(weights, counts))
        bound = max(value, float(h.getInfo().mip_dual_bound))
        return counts, value, bound


class Portfolio:
    """max z over lottery weights w of panels, s.t. sum(w) = 1 and, per type t, the
    selection probability sum_P w_P * count_P[t] / size[t] is at least z (types not yet
    fixed) or at least its fixed level (types fixed by earlier leximin stages)."""

    def __init__(self, model: TypeModel) -> None:
        h = _highs()
        h.setOptionValue("presolve", "off")
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", 4)
        self.sizes = np.array(model.sizes, dtype=np.float64)
        n = len(model)
        h.addVar(0.0, 1.0)  # z
        h.changeColCost(0, 1.0)
        h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([], dtype=np.float64))
        for _t in range(n):
            h.addRow(0.0, INF, 1, np.array([0], dtype=np.int32), np.array([-1.0]))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.h = h
        self.n = n
        self.panels: list[tuple[int, ...]] = []
        self._matrix = np.zeros((64, n), dtype=np.float64)
        self.fixed: dict[int, float] = {}

    @property
    def matrix(self) -> np.ndarray:
        """The panels as rows of counts per type."""
        return self._matrix[: len(self.panels)]

    def add(self, counts: tuple[int, ...]) -> None:
        rows = [0] + [t + 1 for t, c in enumerate(counts) if c]
        values = [1.0] + [c / self.sizes[t] for t, c in enumerate(counts) if c]
        self.h.addCol(0.0, 0.0, INF, len(rows), np.array(rows, dtype=np.int32), np.array(values))
        if len(self.panels) == len(self._matrix):
            self._matrix = np.concatenate([self._matrix, np.zeros_like(self._matrix)])
        self._matrix[len(self.panels)] = counts
        self.panels.append(counts)

    def fix(self, t: int, level: float) -> None:
        """From now on type ``t`` keeps at least ``level`` and leaves the objective."""
        self.fixed[t] = level
        self.h.changeCoeff(t + 1, 0, 0.0)
        self.h.changeRowBounds(t + 1, level, INF)

    def solve(self) -> tuple[float, np.ndarray, float, np.ndarray]:
        """The optimum z, the panel weights, and the dual prices: per panel-row constant
        and per type weight, so that a new panel improves z iff
        ``weights @ counts > constant``."""
        h = self.h
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the portfolio LP ended with {h.modelStatusToString(status)}")
        solution = h.getSolution()
        col = np.asarray(solution.col_value)
        dual = np.asarray(solution.row_dual)
        # HiGHS reports row duals of a maximisation with the sign of the minimisation
        # of -z; turned around here, a type's price is >= 0.
        prices = -dual[1:] / self.sizes
        return float(col[0]), col[1:].copy(), float(dual[0]), prices

    def type_duals(self) -> np.ndarray:
        return -np.asarray(self.h.getSolution().row_dual)[1:]
