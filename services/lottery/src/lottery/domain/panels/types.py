"""Types of person: respondents who are interchangeable for panel selection.

Responsibility: group respondents by their values in the quota categories, so that the
selection works on counts per type (a panel is how many seats each type gets) instead
of on individuals, and state the quotas and the household rule over those counts.

Invariants: two respondents share a type only if they have the same value in every
quota category and neither shares a household with another respondent; a respondent
who does share a household forms a type of their own, so "at most one per household"
is a linear constraint on counts (the members' singleton types sum to at most one) and
no household clash can arise when a type's seats go to its members. Types and their
members are sorted, so everything built on them is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lottery.domain.panels.model import Quota, Respondent


@dataclass(frozen=True)
class TypeModel:
    seats: int
    quotas: tuple[Quota, ...]
    members: tuple[tuple[str, ...], ...]
    """Per type, the person ids of its members, sorted."""
    features: tuple[tuple[str, ...], ...]
    """Per type, its value in each of ``categories`` ("" where the respondent has none)."""
    categories: tuple[str, ...]
    quota_types: tuple[tuple[int, ...], ...]
    """Per quota, the types whose people count towards it."""
    households: tuple[tuple[int, ...], ...]
    """Per household with several respondents, the (singleton) types of its members."""

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(m) for m in self.members)

    def __len__(self) -> int:
        return len(self.members)


def compress(respondents: Iterable[Respondent], quotas: Sequence[Quota], seats: int) -> TypeModel:
    people = list(respondents)
    if seats <= 0:
        raise ValueError("a panel needs at least one seat")
    ids = [p.person_id for p in people]
    if len(set(ids)) != len(ids):
        raise ValueError("a respondent appears twice: person ids must be unique")
    for q in quotas:
        if q.minimum < 0 or q.maximum < 0:
            raise ValueError(f"the quota {q.label()} has a negative bound")
    seen: set[tuple[str, str]] = set()
    for q in quotas:
        if (q.category, q.value) in seen:
            raise ValueError(f"the quota {q.label()} is given twice")
        seen.add((q.category, q.value))
    categories = tuple(sorted({q.category for q in quotas}))

    by_household: dict[str, list[str]] = defaultdict(list)
    for p in people:
        if p.household is not None:
            by_household[p.household].append(p.person_id)
    shared = {pid for members in by_household.values() if len(members) > 1 for pid in members}

    groups: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
    for p in people:
        values = tuple(p.features.get(c, "") for c in categories)
        alone = p.person_id if p.person_id in shared else ""
        groups[(values, alone)].append(p.person_id)
    keys = sorted(groups)
    members = tuple(tuple(sorted(groups[k])) for k in keys)
    features = tuple(k[0] for k in keys)
    index_of = {pid: t for t, m in enumerate(members) for pid in m}

    position = {c: i for i, c in enumerate(categories)}
    quota_types = tuple(
        tuple(t for t, f in enumerate(features) if f[position[q.category]] == q.value)
        for q in quotas
    )
    households = tuple(
        tuple(sorted(index_of[pid] for pid in m))
        for _, m in sorted(by_household.items())
        if len(m) > 1
    )
    return TypeModel(
        seats=seats,
        quotas=tuple(quotas),
        members=members,
        features=features,
        categories=categories,
        quota_types=quota_types,
        households=households,
    )
