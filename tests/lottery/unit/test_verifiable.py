"""The verifiable draw: RFC 3797 reproduced exactly, our SHA-256 default, fairness over
many draws, and verification that catches any change to an audit record."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter

import pytest

from lottery.domain.verifiable import (
    DEFAULT_ALGORITHM,
    RFC3797_MD5,
    DrawInputError,
    commitment,
    draw_order,
    key_string,
    perform,
    selection_order,
    verify,
)

RFC_SOURCES = [["9319"], ["2", "5", "12", "8", "10"], ["9", "18", "26", "34", "41", "45"]]
RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"


def test_rfc3797_section_6_example_is_reproduced_exactly() -> None:
    assert key_string(RFC_SOURCES) == RFC_KEY
    first = hashlib.md5(b"\x00\x00" + RFC_KEY.encode() + b"\x00\x00").hexdigest().upper()
    assert first == "990DD0A5692A029A98B5E01AA28F3459"
    # RFC 3797 section 6: of 25 volunteers, the first picks are 17, 7, 2, 16, 25, ...
    assert selection_order(25, RFC_KEY, RFC3797_MD5)[:11] == [
        17,
        7,
        2,
        16,
        25,
        23,
        8,
        24,
        19,
        13,
        22,
    ]


def test_key_string_rules() -> None:
    assert key_string([[3, 1, 2]]) == "1.2.3./"
    assert key_string([["007", "10"]]) == "7.10./"  # no leading zeros, numeric order
    assert key_string([["b", "a"], ["Mažňák"]]) == "A.B./MAZNAK./"
    with pytest.raises(DrawInputError, match="no seed values"):
        key_string([])
    with pytest.raises(DrawInputError, match="empty"):
        key_string([["1", " "]])


def test_the_same_inputs_always_give_the_same_order() -> None:
    pool = [f"id-{i:03d}" for i in range(50)]
    assert draw_order(pool, RFC_SOURCES) == draw_order(list(reversed(pool)), RFC_SOURCES)
    assert draw_order(pool, RFC_SOURCES) != draw_order(pool, [["1", "2", "3"]])
    assert sorted(draw_order(pool, RFC_SOURCES)) == sorted(pool)
    with pytest.raises(DrawInputError, match="more than once"):
        draw_order(["a", "a"], RFC_SOURCES)


def record(pool_size: int = 20, seats: int = 5) -> dict[str, object]:
    c = commitment(
        draw_id="d1",
        district_id="halle",
        kind="applicants",
        pool=[f"p{i}" for i in range(pool_size)],
        seats=seats,
        randomness_source="Lotto 6 aus 49, first drawing after the deadline",
    )
    assert c["algorithm"] == DEFAULT_ALGORITHM
    return perform(c, [["4", "8", "15", "16", "23", "42"]])


def test_verify_matches_an_untouched_record_also_after_a_json_round_trip() -> None:
    r = json.loads(json.dumps(record()))
    assert verify(r).matches


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (lambda r: r["pool"].__setitem__(3, "intruder"), "pool hash"),
        (lambda r: r["seed"][0].__setitem__(0, "5"), "seated"),
        (lambda r: r["seated"].__setitem__(0, r["waitlist"][0]), "seated"),
        (lambda r: r.__setitem__("algorithm", "homemade"), "unknown algorithm"),
    ],
)
def test_verify_finds_any_change(tamper: object, says: str) -> None:
    r = json.loads(json.dumps(record()))
    tamper(r)  # type: ignore[operator]
    result = verify(r)
    assert not result.matches
    assert any(says in d for d in result.differences), result.differences


def test_no_lottery_when_there_are_no_more_applicants_than_seats() -> None:
    c = commitment(
        draw_id="d",
        district_id="x",
        kind="applicants",
        pool=["b", "a"],
        seats=30,
        randomness_source="-",
    )
    r = perform(c, [])
    assert (r["seated"], r["waitlist"]) == (["a", "b"], [])
    assert verify(r).matches


def chi_square_p(observed: list[int], expected: float) -> float:
    """Upper tail of the chi-square distribution (Wilson-Hilferty approximation)."""
    stat = sum((o - expected) ** 2 / expected for o in observed)
    k = len(observed) - 1
    z = ((stat / k) ** (1 / 3) - (1 - 2 / (9 * k))) / math.sqrt(2 / (9 * k))
    return 0.5 * math.erfc(z / math.sqrt(2))


def test_every_applicant_has_the_same_chance_and_the_waitlist_is_uniform() -> None:
    pool = [f"a{i:03d}" for i in range(100)]
    seated: Counter[str] = Counter()
    first_waiting: Counter[str] = Counter()
    draws = 10_000
    for i in range(draws):
        order = draw_order(pool, [[str(i)]])
        seated.update(order[:30])
        first_waiting[order[30]] += 1
    assert chi_square_p([seated[p] for p in pool], draws * 0.3) > 0.001
    assert chi_square_p([first_waiting[p] for p in pool], draws / 100) > 0.001
    # The test can fail: a biased draw (always the first 30 of the sorted pool) is caught.
    biased = [draws if i < 30 else 0 for i in range(100)]
    assert chi_square_p(biased, draws * 0.3) < 0.001
