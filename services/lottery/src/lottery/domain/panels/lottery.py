"""From a distribution to a published list of panels, and from a public seed to one panel
("Fair sortition made transparent", Flanigan et al., Science 2021).

Responsibility: round the lottery's weights to a whole number of copies of each panel
(``count`` in all), hand each type's seats to its members in turn, publish the list
with its digest, and map the public seed to an index with RFC 3797.

Invariants:
- every listed panel meets the seats, the quotas and the one-per-household rule (it is
  a panel of the portfolio with its seats handed to members of the right types);
- each respondent sits in ``count * probability`` panels, give or take at most one:
  handing a type's seats out in turn gives each member the floor or the ceiling of the
  type's average, and the rounding keeps that average such that both are within one
  of the target;
- the list depends only on the distribution, the respondents and ``count`` (everything
  sorted, no randomness; the rounding runs on HiGHS single-threaded), so an auditor
  recomputes it; the digest is SHA-256 over ``json.dumps(panels, separators=(",", ":"))``
  in UTF-8, the panels in listed order, each a sorted list of person ids;
- the index is the first pick of an RFC 3797 draw over the positions 1..count with the
  published seed, minus one.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable, Sequence

import highspy
import numpy as np

from lottery.domain.panels.highs import INF, _highs
from lottery.domain.panels.model import Distribution, Respondent
from lottery.domain.rfc3797 import DEFAULT_ALGORITHM, DrawInputError, key_string, selection_order

Panels = tuple[tuple[str, ...], ...]


def panel_lottery(
    distribution: Distribution, respondents: Iterable[Respondent], count: int = 1000
) -> Panels:
    """``count`` panels of person ids, drawn uniformly, that reproduce the distribution."""
    if count < 1:
        raise ValueError("the panel list needs at least one panel")
    known = {r.person_id for r in respondents}
    listed = {pid for members in distribution.types for pid in members}
    if known != listed:
        raise ValueError("the respondents are not those the distribution was computed for")
    copies = _round(distribution, count)
    members = distribution.types
    turn = [0] * len(members)
    panels: list[tuple[str, ...]] = []
    for panel, times in zip(distribution.portfolio, copies, strict=True):
        for _ in range(times):
            seated: list[str] = []
            for t, c in enumerate(panel.counts):
                size = len(members[t])
                seated.extend(members[t][(turn[t] + i) % size] for i in range(c))
                turn[t] = (turn[t] + c) % size if size else 0
            panels.append(tuple(sorted(seated)))
    return tuple(sorted(panels))


def _round(distribution: Distribution, count: int) -> list[int]:
    """Whole copies per portfolio panel, summing to ``count``, such that every member of
    every type sits within one panel of ``count * probability``; first with each panel's
    copies rounded up or down from ``count * weight``, then freely; the bound widens
    by a panel at a time only if neither exists (not seen in practice)."""
    portfolio = distribution.portfolio
    sizes = np.array([len(m) for m in distribution.types], dtype=np.float64)
    counts = np.array([p.counts for p in portfolio], dtype=np.float64)
    exact = count * np.array([p.weight for p in portfolio])
    target = (exact @ counts) / sizes
    for slack in range(0, count + 1):
        for free in (False, True):
            found = _round_once(counts, exact, sizes, target, count, slack, free)
            if found is not None:
                return found
    raise RuntimeError("no rounding of the distribution found")  # pragma: no cover


def _round_once(
    counts: np.ndarray,
    exact: np.ndarray,
    sizes: np.ndarray,
    target: np.ndarray,
    count: int,
    slack: int,
    free: bool,
) -> list[int] | None:
    h = _highs()
    h.setOptionValue("time_limit", 3.0 if free else 30.0)
    p, n = counts.shape
    lower = np.zeros(p) if free else np.floor(exact + 1e-9)
    upper = np.full(p, float(count)) if free else np.ceil(exact - 1e-9)
    h.addVars(p, lower, upper)
    h.changeColsIntegrality(
        p, np.arange(p, dtype=np.int32), np.full(p, highspy.HighsVarType.kInteger)
    )
    everything = np.arange(p, dtype=np.int32)
    h.addRow(float(count), float(count), p, everything, np.ones(p))
    if free:
        # Stay near count * weight: |m - exact| <= e, minimise the sum of e.
        h.addVars(p, np.zeros(p), np.full(p, float(count)))
        h.changeColsCost(p, np.arange(p, 2 * p, dtype=np.int32), np.ones(p))
        for j in range(p):
            pair = np.array([j, p + j], dtype=np.int32)
            h.addRow(-INF, exact[j], 2, pair, np.array([1.0, -1.0]))
            h.addRow(exact[j], INF, 2, pair, np.array([1.0, 1.0]))
    for t in range(n):
        column = counts[:, t]
        used = np.nonzero(column)[0].astype(np.int32)
        # Each member gets floor or ceil of seats / size; within one panel of the
        # target means floor >= ceil(target) - 1 and ceil <= floor(target) + 1.
        goal = float(target[t])
        if abs(goal - round(goal)) < 1e-4:  # solver noise, not a fraction of a panel
            goal = float(round(goal))
        low = sizes[t] * (math.ceil(goal) - 1 - slack)
        high = sizes[t] * (math.floor(goal) + 1 + slack)
        h.addRow(max(low, 0.0), high, len(used), used, column[used])
    h.run()
    if h.getInfo().primal_solution_status != 2:  # no feasible solution
        return None
    return [round(v) for v in h.getSolution().col_value]


def panel_shares(panels: Sequence[Sequence[str]]) -> dict[str, int]:
    """In how many listed panels each person sits."""
    shares: dict[str, int] = {}
    for panel in panels:
        for pid in panel:
            shares[pid] = shares.get(pid, 0) + 1
    return shares


def panel_list_digest(panels: Sequence[Sequence[str]]) -> str:
    """SHA-256 (hex) of the panel list in its canonical text form, to commit to."""
    text = json.dumps([list(p) for p in panels], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pick_panel(panels: Sequence[Sequence[str]], index: int) -> tuple[str, ...]:
    if not 0 <= index < len(panels):
        raise IndexError(f"there are {len(panels)} panels; index {index} is not one of them")
    return tuple(panels[index])


_SEPARATORS = re.compile(r"[\s,;]+")


def seed_sources(seed: str) -> list[list[str]]:
    """The published seed as RFC 3797 sources: sources separated by ``/``, values within
    a source by white space, commas or semicolons (``"3 11 19 27 38 49 / 18234.5"``)."""
    sources = [[v for v in _SEPARATORS.split(part) if v] for part in seed.split("/")]
    sources = [s for s in sources if s]
    if not sources:
        raise DrawInputError("the seed is empty: copy the published random numbers")
    return sources


def panel_index_from_seed(
    seed: str | Sequence[Sequence[str | int]], count: int, algorithm: str = DEFAULT_ALGORITHM
) -> int:
    """Which of ``count`` panels the public seed picks (0-based): the first position an
    RFC 3797 draw over 1..count picks, as in the applicants' draw."""
    if count < 1:
        raise DrawInputError("there are no panels to pick from")
    sources = seed_sources(seed) if isinstance(seed, str) else seed
    return selection_order(count, key_string(sources), algorithm)[0] - 1
