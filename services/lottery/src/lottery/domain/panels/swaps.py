"""A quick search for better panels: swap one seat from one type to another.

Responsibility: given prices per type, improve known panels by single-seat swaps that
keep every quota and the household rule, best swap first, until no swap helps. Column
generation asks this search first and the exact integer program (``PanelFinder``) only
when the search finds nothing, since the program is what proves that no better panel
exists; the search only saves time.

Invariant: every panel it returns meets the seats, the quotas and the household rule
(each swap is checked against all of them), so it may be added to the lottery as is.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from lottery.domain.panels.types import TypeModel


class SwapSearch:
    def __init__(self, model: TypeModel) -> None:
        n = len(model)
        self.low = np.array([q.minimum for q in model.quotas], dtype=np.int64)
        self.high = np.array([q.maximum for q in model.quotas], dtype=np.int64)
        # Each type counts towards at most one quota per category, so a move between
        # two types can only break the quota of a category where their values differ:
        # per category, the quota row of each type (-1 for none) and which types share
        # it are all the search needs, instead of every row against every pair.
        self.rows: list[np.ndarray] = []
        self.same: list[np.ndarray] = []
        for category in model.categories:
            row = np.full(n, -1, dtype=np.int64)
            for r, (q, types) in enumerate(zip(model.quotas, model.quota_types, strict=True)):
                if q.category == category:
                    row[list(types)] = r
            self.rows.append(row)
            self.same.append(row[:, None] == row[None, :])
        self.household = np.full(n, -1, dtype=np.int64)
        for h, types in enumerate(model.households):
            self.household[list(types)] = h
        self.same_household = (self.household[:, None] == self.household[None, :]) & (
            self.household[:, None] >= 0
        )
        self.in_household = self.household >= 0
        self.sizes = np.array(model.sizes, dtype=np.int64)
        self.quota_of = np.zeros((len(model.quotas), n), dtype=np.int64)
        for r, types in enumerate(model.quota_types):
            self.quota_of[r, list(types)] = 1

    def improve(self, start: tuple[int, ...], prices: np.ndarray) -> tuple[tuple[int, ...], float]:
        """The best single-seat swap, repeatedly, until none gains: a move from type a
        to type b is allowed unless, in some category where their quotas differ, a's
        quota is at its minimum or b's at its maximum, or b's household is taken."""
        counts = np.array(start, dtype=np.int64)
        totals = self.quota_of @ counts
        seated = np.zeros(len(self.household) + 1, dtype=bool)
        while True:
            out = np.nonzero(counts)[0]
            can_leave = totals > self.low
            can_enter = totals < self.high
            ok = np.broadcast_to(counts < self.sizes, (len(out), len(counts))).copy()
            for row, same in zip(self.rows, self.same, strict=True):
                leave = np.where(row[out] >= 0, can_leave[row[out]], True)
                enter = np.where(row >= 0, can_enter[row], True)
                ok &= same[out] | (leave[:, None] & enter[None, :])
            taken = self.in_household & (counts > 0)
            if taken.any():
                seated[:] = False
                seated[self.household[taken]] = True
                blocked = self.in_household & seated[self.household]
                ok &= ~blocked[None, :] | self.same_household[out]
            gain = np.where(ok, prices[None, :] - prices[out][:, None], -np.inf)
            best = int(np.argmax(gain))
            i, b = divmod(best, len(counts))
            if gain[i, b] <= 1e-12:
                return tuple(int(c) for c in counts), float(prices @ counts)
            a = out[i]
            counts[a] -= 1
            counts[b] += 1
            totals += self.quota_of[:, b] - self.quota_of[:, a]

    def better(
        self, starts: Iterable[tuple[int, ...]], prices: np.ndarray, above: float
    ) -> list[tuple[int, ...]]:
        """Distinct local optima, from the given starts, worth more than ``above``."""
        found: dict[tuple[int, ...], float] = {}
        for start in starts:
            counts, value = self.improve(start, prices)
            if value > above:
                found[counts] = value
        return sorted(found, key=lambda c: -found[c])
