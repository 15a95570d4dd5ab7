"""When no panel meets the quotas: which quotas are to blame, and the smallest change.

Responsibility: name the quotas that cannot hold as set, in words a coordinator
understands (English and German), and find the smallest total change of minimums and
maximums (in seats) after which a panel exists, by an integer program over counts per
type in which every bound may give way at a cost of one per seat.

Invariant: applying every proposed relaxation makes a panel possible (the relaxed
bounds are met by the solution the program found); the seats and the one-per-household
rule are never relaxed, and when they alone make a panel impossible the report says so.
"""

from __future__ import annotations

from collections import defaultdict

import highspy
import numpy as np

from lottery.domain.panels.highs import INF, _highs
from lottery.domain.panels.model import InfeasibilityReport, Quota, Relaxation
from lottery.domain.panels.types import TypeModel


def _problems(model: TypeModel) -> tuple[list[str], list[str]]:
    en: list[str] = []
    de: list[str] = []
    sizes = model.sizes
    for q, types in zip(model.quotas, model.quota_types, strict=True):
        available = sum(sizes[t] for t in types)
        if q.minimum > q.maximum:
            en.append(
                f"The minimum of {q.label()} ({q.minimum}) is above its maximum ({q.maximum})."
            )
            de.append(
                f"Das Minimum für {q.label()} ({q.minimum}) liegt über dem Maximum ({q.maximum})."
            )
        elif q.minimum > available:
            en.append(
                f"Only {available} respondents have {q.label()}, "
                f"but the minimum asks for {q.minimum}."
            )
            de.append(
                f"Nur {available} Rückmeldungen haben {q.label()}, "
                f"das Minimum verlangt aber {q.minimum}."
            )
    by_category: dict[str, list[Quota]] = defaultdict(list)
    for q in model.quotas:
        by_category[q.category].append(q)
    for category, quotas in sorted(by_category.items()):
        low = sum(q.minimum for q in quotas)
        high = sum(q.maximum for q in quotas)
        if low > model.seats:
            en.append(
                f"The minimums of {category} add up to {low}, more than the {model.seats} seats."
            )
            de.append(
                f"Die Minima für {category} ergeben zusammen {low}, "
                f"mehr als die {model.seats} Plätze."
            )
        covered = sum(
            sizes[t] for t, f in enumerate(model.features) if f[model.categories.index(category)]
        )
        if high < model.seats and covered == sum(sizes):
            en.append(
                f"The maximums of {category} add up to {high}, fewer than the {model.seats} seats."
            )
            de.append(
                f"Die Maxima für {category} ergeben zusammen {high}, "
                f"weniger als die {model.seats} Plätze."
            )
    return en, de


def _units(model: TypeModel) -> int:
    """How many people can sit together at most: one per household."""
    in_household = {t for h in model.households for t in h}
    return sum(s for t, s in enumerate(model.sizes) if t not in in_household) + len(
        model.households
    )


def explain(model: TypeModel) -> InfeasibilityReport:
    en, de = _problems(model)
    units = _units(model)
    if units < model.seats:
        en.append(
            f"Only {units} respondents can sit together (at most one per household), "
            f"fewer than the {model.seats} seats: invite more people."
        )
        de.append(
            f"Nur {units} Personen können zusammen sitzen (höchstens eine je Haushalt), "
            f"weniger als die {model.seats} Plätze: bitte weitere Personen einladen."
        )
        return InfeasibilityReport(tuple(en), tuple(de), (), resolvable=False)
    relaxations = _smallest_relaxation(model)
    if not en:
        en.append("The quotas cannot all be met together by the respondents.")
        de.append("Die Quoten lassen sich mit den Rückmeldungen nicht alle zugleich erfüllen.")
    en.append("Smallest change that makes a panel possible:")
    de.append("Kleinste Änderung, mit der ein Panel möglich wird:")
    return InfeasibilityReport(tuple(en), tuple(de), tuple(relaxations), resolvable=True)


def _smallest_relaxation(model: TypeModel) -> list[Relaxation]:
    """Counts per type plus, per quota, how far its minimum goes down and its maximum
    goes up; minimise the total. Counts are bounded by the type sizes and the household
    rule, so the relaxed quotas are met by real people."""
    h = _highs()
    n = len(model)
    k = len(model.quotas)
    h.addVars(n + 2 * k, np.zeros(n + 2 * k), np.array(list(model.sizes) + [INF] * (2 * k)))
    h.changeColsIntegrality(
        n + 2 * k,
        np.arange(n + 2 * k, dtype=np.int32),
        np.full(n + 2 * k, highspy.HighsVarType.kInteger),
    )
    h.changeColsCost(
        n + 2 * k,
        np.arange(n + 2 * k, dtype=np.int32),
        np.array([0.0] * n + [1.0] * (2 * k)),
    )

    def row(indices: list[int], values: list[float], lower: float, upper: float) -> None:
        h.addRow(lower, upper, len(indices), np.array(indices, dtype=np.int32), np.array(values))

    row(list(range(n)), [1.0] * n, model.seats, model.seats)
    for j, (q, types) in enumerate(zip(model.quotas, model.quota_types, strict=True)):
        # count + down >= minimum; count - up <= maximum
        row([*types, n + 2 * j], [1.0] * len(types) + [1.0], q.minimum, INF)
        row([*types, n + 2 * j + 1], [1.0] * len(types) + [-1.0], -INF, q.maximum)
    for types in model.households:
        row(list(types), [1.0] * len(types), 0.0, 1.0)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:  # pragma: no cover
        raise RuntimeError("no relaxation found although enough people can sit together")
    values = np.asarray(h.getSolution().col_value)
    out = []
    for j, q in enumerate(model.quotas):
        down = round(values[n + 2 * j])
        up = round(values[n + 2 * j + 1])
        if down:
            new = q.minimum - down
            out.append(
                Relaxation(
                    q.category,
                    q.value,
                    "minimum",
                    q.minimum,
                    new,
                    en=f"Lower the minimum of {q.label()} from {q.minimum} to {new}.",
                    de=f"Das Minimum für {q.label()} von {q.minimum} auf {new} senken.",
                )
            )
        if up:
            new = q.maximum + up
            out.append(
                Relaxation(
                    q.category,
                    q.value,
                    "maximum",
                    q.maximum,
                    new,
                    en=f"Raise the maximum of {q.label()} from {q.maximum} to {new}.",
                    de=f"Das Maximum für {q.label()} von {q.maximum} auf {new} anheben.",
                )
            )
    return out
