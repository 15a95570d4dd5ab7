"""The published panel list: it reproduces the distribution, keeps the rules, is the
same every time it is computed, and the public seed picks a panel anyone can recompute;
plus quotas from the population and the report when quotas cannot be met."""

from __future__ import annotations

import math

import pytest

from bench.panels import synthetic_pool
from lottery.domain.panels import (
    Infeasible,
    Quota,
    Respondent,
    largest_remainder,
    panel_index_from_seed,
    panel_list_digest,
    panel_lottery,
    panel_shares,
    pick_panel,
    proportional_quotas,
    select_distribution,
)
from lottery.domain.rfc3797 import key_string, selection_order

CATEGORIES = ("age_band", "gender", "municipality")
SEATS = 12


@pytest.fixture(scope="module")
def case() -> tuple[list[Respondent], list[Quota], object]:
    people, population = synthetic_pool(150, CATEGORIES, seed=5, households=0.1)
    quotas = list(proportional_quotas(population, SEATS, CATEGORIES, tolerance=1))
    return people, quotas, select_distribution(people, quotas, SEATS, method="leximin")


def test_the_panel_list_reproduces_the_probabilities_and_keeps_the_rules(case) -> None:  # type: ignore[no-untyped-def]
    people, quotas, distribution = case
    count = 1000
    panels = panel_lottery(distribution, people, count=count)
    assert len(panels) == count
    by_id = {p.person_id: p for p in people}
    for panel in panels:
        assert len(panel) == len(set(panel)) == SEATS
        for q in quotas:
            seated = sum(by_id[pid].features[q.category] == q.value for pid in panel)
            assert q.minimum <= seated <= q.maximum
        households = [by_id[pid].household for pid in panel if by_id[pid].household]
        assert len(households) == len(set(households))
    shares = panel_shares(panels)
    for pid, probability in distribution.probabilities.items():
        assert abs(shares.get(pid, 0) - count * probability) <= 1 + 1e-4, pid
    assert min(shares.get(p.person_id, 0) for p in people) >= math.floor(
        count * distribution.minimum_probability - 1e-6
    )


def test_the_panel_list_and_its_digest_are_the_same_every_time(case) -> None:  # type: ignore[no-untyped-def]
    people, quotas, distribution = case
    first = panel_lottery(distribution, people, count=200)
    again = panel_lottery(
        select_distribution(list(reversed(people)), quotas, SEATS, method="leximin"),
        list(reversed(people)),
        count=200,
    )
    assert first == again
    assert panel_list_digest(first) == panel_list_digest(again)
    changed = ((*first[0][:-1], "someone-else"), *first[1:])
    assert panel_list_digest(changed) != panel_list_digest(first)


def test_the_public_seed_picks_the_panel_an_rfc3797_draw_names() -> None:
    panels = tuple((f"a{i}", f"b{i}") for i in range(1000))
    seed = "3 11 19 27 38 49 / 18234.5"
    index = panel_index_from_seed(seed, len(panels))
    key = key_string([["3", "11", "19", "27", "38", "49"], ["18234.5"]])
    assert index == selection_order(1000, key)[0] - 1
    assert panel_index_from_seed(seed, 1000) == index
    assert panel_index_from_seed("3,11,19,27,38,49 / 18234.5", 1000) == index
    assert panel_index_from_seed("3 11 19 27 38 50 / 18234.5", 1000) != index
    assert pick_panel(panels, index) == panels[index]
    with pytest.raises(IndexError):
        pick_panel(panels, 1000)


def test_quotas_follow_the_population_by_largest_remainder() -> None:
    shares = largest_remainder({"Borna": 5100, "Grimma": 3300, "Wurzen": 1600}, 30)
    assert shares == {"Borna": 15, "Grimma": 10, "Wurzen": 5}
    quotas = proportional_quotas(
        {("gender", "female"): 507, ("gender", "male"): 493, ("age_band", "16-29"): 1000},
        seats=30,
        categories=("gender", "age_band"),
        tolerance=1,
    )
    assert {(q.category, q.value): (q.minimum, q.maximum) for q in quotas} == {
        ("gender", "female"): (14, 16),
        ("gender", "male"): (14, 16),
        ("age_band", "16-29"): (29, 30),
    }


def test_unmeetable_quotas_are_named_with_the_smallest_relaxation() -> None:
    people = [Respondent(f"m{i}", {"gender": "male"}) for i in range(20)] + [
        Respondent(f"f{i}", {"gender": "female"}) for i in range(3)
    ]
    quotas = [Quota("gender", "female", 5, 6), Quota("gender", "male", 4, 5)]
    with pytest.raises(Infeasible) as caught:
        select_distribution(people, quotas, 10, method="leximin")
    report = caught.value.report
    assert "Only 3 respondents have gender=female, but the minimum asks for 5." in report.en
    assert "Nur 3 Rückmeldungen haben gender=female" in report.de
    proposed = {(r.category, r.value, r.bound): (r.current, r.proposed) for r in report.relaxations}
    assert proposed == {
        ("gender", "female", "minimum"): (5, 3),
        ("gender", "male", "maximum"): (5, 7),
    }
    assert "Lower the minimum of gender=female from 5 to 3." in report.en
    assert report.to_dict()["resolvable"] is True


def test_too_few_households_for_the_seats_is_said_plainly() -> None:
    people = [Respondent(f"p{i}", {"gender": "x"}, household=f"h{i % 2}") for i in range(6)]
    with pytest.raises(Infeasible) as caught:
        select_distribution(people, [Quota("gender", "x", 0, 3)], 3, method="maximin")
    assert not caught.value.report.resolvable
    assert "Only 2 respondents can sit together" in caught.value.report.en
