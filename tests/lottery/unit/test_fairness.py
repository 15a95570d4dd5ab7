"""Fairness over many draws: 10,000 draws of 30 seats among 100 applicants with different
seed values. Every applicant is seated equally often, the first place on the waitlist
goes to everyone equally often, and every applicant is equally likely at every position
of the order. Each is a chi-square test that must not reject at the 0.1 % level.

scipy is not installed, so the chi-square tail comes from a regularized incomplete gamma
function written here and checked against closed forms and printed tables first.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from lottery.domain.verifiable import draw_order

APPLICANTS = 100
SEATS = 30
DRAWS = 10_000
BINS = 10  # positions 1-10, 11-20, ...: seats are bins 1-3, the waitlist bins 4-10
ALPHA = 0.001


def gamma_q(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x): the series for P below a + 1, where it
    converges fast, and Lentz's continued fraction for Q above, where that does."""
    if a <= 0 or x < 0:
        raise ValueError("gamma_q needs a > 0 and x >= 0")
    if x == 0:
        return 1.0
    log_prefactor = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        while abs(term) > abs(total) * 1e-16:
            n += 1
            term *= x / n
            total += term
        return 1.0 - total * math.exp(log_prefactor)
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return math.exp(log_prefactor) * h


def chi2_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for X chi-square distributed with df degrees of freedom."""
    return gamma_q(df / 2, statistic / 2)


def chi2_sf_closed_form(x: float, df: int) -> float:
    """The finite sums that hold for whole df: an independent oracle for chi2_sf."""
    y = x / 2
    k, odd = divmod(df, 2)
    if odd:
        terms = [
            math.exp((i - 0.5) * math.log(y) - y - math.lgamma(i + 0.5)) for i in range(1, k + 1)
        ]
        return math.erfc(math.sqrt(y)) + math.fsum(terms)
    return math.fsum(math.exp(i * math.log(y) - y - math.lgamma(i + 1)) for i in range(k))


@pytest.mark.parametrize("df", [1, 2, 3, 4, 7, 10, 99, 100, 891, 892])
@pytest.mark.parametrize("ratio", [0.05, 0.5, 0.9, 1.0, 1.1, 1.5, 3.0])
def test_chi2_sf_against_closed_forms(df: int, ratio: float) -> None:
    x = df * ratio
    assert chi2_sf(x, df) == pytest.approx(chi2_sf_closed_form(x, df), rel=1e-9, abs=1e-14)


def test_chi2_sf_against_tables() -> None:
    assert chi2_sf(3.841458820694124, 1) == pytest.approx(0.05, abs=1e-12)
    assert chi2_sf(6.634896601021214, 1) == pytest.approx(0.01, abs=1e-12)
    assert chi2_sf(18.307038053275146, 10) == pytest.approx(0.05, abs=1e-12)
    assert chi2_sf(2.0, 2) == pytest.approx(math.exp(-1), rel=1e-12)
    assert chi2_sf(123.2252, 99) == pytest.approx(0.05, abs=1e-5)
    assert chi2_sf(0.0, 5) == 1.0
    assert chi2_sf(10_000.0, 99) < 1e-100


@dataclass
class Tallies:
    seated: Counter[int]
    first_waiting: Counter[int]
    first_waiting_if_sorted: Counter[int]
    positions: list[list[int]]  # applicant x position bin
    positions_if_sorted: list[list[int]]


@pytest.fixture(scope="module")
def tallies() -> Tallies:
    pool = [f"applicant-{i:03d}" for i in range(APPLICANTS)]
    number = {p: i for i, p in enumerate(pool)}
    t = Tallies(Counter(), Counter(), Counter(), *([[0] * BINS for _ in pool] for _ in "ab"))
    width = APPLICANTS // BINS
    for draw in range(DRAWS):
        order = [number[p] for p in draw_order(pool, [[str(draw)]])]
        t.seated.update(order[:SEATS])
        t.first_waiting[order[SEATS]] += 1
        # What a bug that kept the waitlist in pool order would have made of it.
        t.first_waiting_if_sorted[min(order[SEATS:])] += 1
        for position, applicant in enumerate(order):
            t.positions[applicant][position // width] += 1
        for position, applicant in enumerate(order[:SEATS] + sorted(order[SEATS:])):
            t.positions_if_sorted[applicant][position // width] += 1
    return t


def seating_p(seated: Sequence[float]) -> float:
    """Each draw seats a random 30 of 100, so the counts are hypergeometric sums with
    covariance D·p·(1-p)·N/(N-1) on the N-1 dimensions they span; scaled by that, the
    statistic is chi-square with N-1 df (the plain Pearson sum would overstate the
    variance by 1/(1-p) and hide bias)."""
    p = SEATS / APPLICANTS
    variance = DRAWS * p * (1 - p) * APPLICANTS / (APPLICANTS - 1)
    statistic = sum((o - DRAWS * p) ** 2 for o in seated) / variance
    return chi2_sf(statistic, APPLICANTS - 1)


def uniform_p(counts: Sequence[float]) -> float:
    """Pearson's test of a multinomial against equal cell probabilities."""
    expected = sum(counts) / len(counts)
    statistic = sum((o - expected) ** 2 / expected for o in counts)
    return chi2_sf(statistic, len(counts) - 1)


def position_p(table: list[list[int]]) -> float:
    """Applicant x position-bin table, bins 1-3 the seats and 4-10 the waitlist. Each
    draw is a permutation, whose cells have covariance (m/(N-1))·(projection ⊗
    projection) with m positions per bin, so the Pearson sum times (N-1)/N is
    chi-square with (N-1)(B-1) df."""
    expected = DRAWS / BINS
    pearson = sum((o - expected) ** 2 / expected for row in table for o in row)
    return chi2_sf(pearson * (APPLICANTS - 1) / APPLICANTS, (APPLICANTS - 1) * (BINS - 1))


def test_every_applicant_is_seated_equally_often(tallies: Tallies) -> None:
    counts = [tallies.seated[a] for a in range(APPLICANTS)]
    assert sum(counts) == DRAWS * SEATS
    assert seating_p(counts) > ALPHA
    # The test has teeth: ten applicants seated 10 % more often would be caught.
    favoured = [3300.0] * 10 + [(DRAWS * SEATS - 33_000) / 90] * 90
    assert seating_p(favoured) < ALPHA


def test_the_first_place_on_the_waitlist_goes_to_everyone_equally_often(
    tallies: Tallies,
) -> None:
    assert uniform_p([tallies.first_waiting[a] for a in range(APPLICANTS)]) > ALPHA
    assert uniform_p([tallies.first_waiting_if_sorted[a] for a in range(APPLICANTS)]) < ALPHA


def test_every_applicant_is_equally_likely_at_every_position(tallies: Tallies) -> None:
    assert position_p(tallies.positions) > ALPHA
    # The same table for a waitlist kept in pool order fails at once.
    assert position_p(tallies.positions_if_sorted) < ALPHA
