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
        rows = [
            (types, q.minimum, q.maximum)
            for q, types in zip(model.quotas, model.quota_types, strict=True)
        ]
        rows += [(types, 0, 1) for types in model.households]
        self.member = np.zeros((len(rows), n), dtype=np.float64)
        for r, (types, _, _) in enumerate(rows):
            self.member[r, list(types)] = 1
        self.low = np.array([lo for _, lo, _ in rows], dtype=np.float64)
        self.high = np.array([hi for _, _, hi in rows], dtype=np.float64)
        self.sizes = np.array(model.sizes, dtype=np.int64)

    def improve(self, start: tuple[int, ...], prices: np.ndarray) -> tuple[tuple[int, ...], float]:
        counts = np.array(start, dtype=np.float64)
        totals = self.member @ counts
        while True:
            out = np.nonzero(counts)[0]
            into = np.nonzero(counts < self.sizes)[0]
            # A move from type a to type b breaks a row if it takes a seat from a row
            # already at its minimum without giving one back, or gives a seat to a row
            # already at its maximum without taking one.
            at_low = (totals <= self.low).astype(np.float64)
            at_high = (totals >= self.high).astype(np.float64)
            leaves, enters = self.member[:, out], self.member[:, into]
            breaks = (leaves * at_low[:, None]).T @ (1 - enters)
            breaks += (1 - leaves).T @ (enters * at_high[:, None])
            gain = prices[into][None, :] - prices[out][:, None]
            gain = np.where(breaks < 0.5, gain, -np.inf)
            best = np.unravel_index(int(np.argmax(gain)), gain.shape)
            if gain[best] <= 1e-12:
                return tuple(int(c) for c in counts), float(prices @ counts)
            a, b = out[best[0]], into[best[1]]
            counts[a] -= 1
            counts[b] += 1
            totals += self.member[:, b] - self.member[:, a]

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
