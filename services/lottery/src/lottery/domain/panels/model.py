"""What panel selection works on and what it returns: respondents, quotas, the
distribution over panels, and the report when no panel meets the quotas.

Invariant: a ``Distribution`` is a lottery over panels that each meet every quota and
the one-per-household rule; ``probabilities`` are the marginals of that lottery, so they
sum to the number of seats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Method = Literal["leximin", "maximin"]


@dataclass(frozen=True)
class Respondent:
    """One person who accepted the invitation."""

    person_id: str
    features: Mapping[str, str]
    household: str | None = None


@dataclass(frozen=True)
class Quota:
    """Between ``minimum`` and ``maximum`` seats go to people with ``category=value``."""

    category: str
    value: str
    minimum: int
    maximum: int

    def label(self) -> str:
        return f"{self.category}={self.value}"


@dataclass(frozen=True)
class TypePanel:
    """A panel described by how many seats go to each type of person (people with the
    same quota features and no household tie), with its weight in the lottery."""

    counts: tuple[int, ...]
    weight: float


@dataclass(frozen=True)
class Distribution:
    """A lottery over type-level panels and each respondent's selection probability.

    ``types`` lists, per type, the person ids of its members (sorted); a panel's
    ``counts[t]`` seats of type ``t`` are shared evenly among those members.
    """

    method: Method
    seats: int
    quotas: tuple[Quota, ...]
    probabilities: dict[str, float]
    types: tuple[tuple[str, ...], ...]
    portfolio: tuple[TypePanel, ...]
    minimum_probability: float = field(init=False)

    def __post_init__(self) -> None:
        low = min(self.probabilities.values()) if self.probabilities else 0.0
        object.__setattr__(self, "minimum_probability", low)


@dataclass(frozen=True)
class Relaxation:
    """One bound to change so that a panel exists."""

    category: str
    value: str
    bound: Literal["minimum", "maximum"]
    current: int
    proposed: int
    en: str
    de: str


@dataclass(frozen=True)
class InfeasibilityReport:
    """Why no panel meets the quotas, and the smallest change that would let one.

    ``problems`` name the quotas that cannot be met as set (with the reason where a
    single quota is to blame), ``relaxations`` the smallest total change of bounds that
    makes a panel possible; both in English and German.
    """

    problems_en: tuple[str, ...]
    problems_de: tuple[str, ...]
    relaxations: tuple[Relaxation, ...]
    resolvable: bool

    @property
    def en(self) -> str:
        return " ".join(self.problems_en + tuple(r.en for r in self.relaxations))

    @property
    def de(self) -> str:
        return " ".join(self.problems_de + tuple(r.de for r in self.relaxations))

    def to_dict(self) -> dict[str, Any]:
        return {
            "en": self.en,
            "de": self.de,
            "problems": {"en": list(self.problems_en), "de": list(self.problems_de)},
            "relaxations": [
                {
                    "category": r.category,
                    "value": r.value,
                    "bound": r.bound,
                    "current": r.current,
                    "proposed": r.proposed,
                    "en": r.en,
                    "de": r.de,
                }
                for r in self.relaxations
            ],
            "resolvable": self.resolvable,
        }


class Infeasible(Exception):
    """No panel meets the quotas; ``report`` (also ``args[0]``) says why and what to do."""

    def __init__(self, report: InfeasibilityReport) -> None:
        super().__init__(report)
        self.report = report

    def __str__(self) -> str:
        return self.report.en
