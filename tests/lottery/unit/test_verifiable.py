"""Commitment, draw, audit record and verification: a record recomputes to itself, also
after a JSON round trip, and any change to its pool, seed values or outcome is caught."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from lottery.domain.verifiable import (
    DEFAULT_ALGORITHM,
    RFC3797_MD5,
    AuditRecord,
    Commitment,
    DuplicateIdError,
    EmptyPoolError,
    EmptySeedValueError,
    InvalidIdError,
    MissingSeedError,
    NegativeSeatsError,
    UnknownAlgorithmError,
    commitment,
    draw,
    draw_order,
    perform,
    pool_hash,
    verify,
)

SEED = [["4", "8", "15", "16", "23", "42"], ["7"]]
SOURCE = "Lotto 6aus49 drawing of Saturday 2026-12-05, numbers and Superzahl"


def committed(pool_size: int = 40, seats: int = 30, **extra: Any) -> Commitment:
    return Commitment.create(
        draw_id="d-1",
        pool=[f"p{i:02d}" for i in reversed(range(pool_size))],
        seats=seats,
        randomness_source=SOURCE,
        **extra,
    )


def record_dict(**kwargs: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(draw(committed(**kwargs), SEED).to_dict()))
    return loaded


def test_the_pool_is_canonical_and_hashed_one_id_per_line() -> None:
    c = committed(pool_size=3)
    assert c.pool == ("p00", "p01", "p02")
    assert c.pool_hash == hashlib.sha256(b"p00\np01\np02\n").hexdigest()
    assert pool_hash(["p02", "p00", "p01"]) == c.pool_hash
    assert c.algorithm == DEFAULT_ALGORITHM


def test_outcome_splits_the_full_drawn_order_into_seats_and_waitlist() -> None:
    c = committed()
    record = draw(c, SEED)
    order = draw_order(c.pool, SEED)
    assert (record.seated, record.waitlist) == (tuple(order[:30]), tuple(order[30:]))
    assert record.order == tuple(order)
    assert sorted(record.order) == sorted(c.pool)
    assert record.key == "4.8.15.16.23.42./7./"
    # The collection order of the ids does not matter, only the set.
    assert draw_order(list(reversed(c.pool)), SEED) == order
    assert draw(c, SEED) == record


def test_more_seats_than_applicants_seats_everyone_without_a_draw() -> None:
    c = committed(pool_size=3, seats=30)
    record = draw(c, [])
    assert (record.seated, record.waitlist, record.key) == (c.pool, (), "")
    assert verify(record).matches
    assert draw(c, SEED).waitlist == ()
    nobody = Commitment.create(draw_id="d", pool=[], seats=5, randomness_source="-")
    assert draw(nobody, []).seated == ()


def test_zero_seats_puts_everyone_on_the_waitlist_in_drawn_order() -> None:
    record = draw(committed(seats=0), SEED)
    assert record.seated == ()
    assert len(record.waitlist) == 40


def test_records_round_trip_through_json() -> None:
    c = committed(district_id="halle", kind="applicants")
    record = draw(c, SEED)
    assert Commitment.from_dict(json.loads(json.dumps(c.to_dict()))) == c
    assert AuditRecord.from_dict(json.loads(json.dumps(record.to_dict()))) == record
    assert record.to_dict()["order"] == list(record.seated + record.waitlist)
    assert "district_id" not in committed().to_dict()


def test_the_service_dict_api_gives_the_same_record() -> None:
    c = commitment(draw_id="d-1", pool=list(committed().pool), seats=30, randomness_source=SOURCE)
    assert c == committed().to_dict()
    assert perform(c, SEED) == draw(committed(), SEED).to_dict()


@pytest.mark.parametrize(
    ("make", "error", "says"),
    [
        (lambda: draw_order([], SEED), EmptyPoolError, "pool is empty"),
        (lambda: draw(committed(pool_size=0, seats=0), SEED), EmptyPoolError, "empty"),
        (lambda: draw_order(["a", "b", "a"], SEED), DuplicateIdError, "more than once: a"),
        (lambda: draw_order(["a", ""], SEED), InvalidIdError, "not a usable id"),
        (lambda: draw_order(["a", "b\nc"], SEED), InvalidIdError, "not a usable id"),
        (lambda: committed(seats=-1), NegativeSeatsError, "seats must be 0 or more"),
        (lambda: draw(committed(), []), MissingSeedError, "no seed values"),
        (lambda: draw(committed(), [["1", ""]]), EmptySeedValueError, "empty"),
        (lambda: committed(algorithm="md4"), UnknownAlgorithmError, "unknown algorithm"),
    ],
)
def test_unusable_inputs_are_refused_with_a_reason(
    make: Callable[[], object], error: type[Exception], says: str
) -> None:
    with pytest.raises(error, match=says):
        make()
    assert issubclass(error, ValueError)


def test_an_untouched_record_matches() -> None:
    assert verify(record_dict()).matches
    assert verify(record_dict()).differences == ()
    assert verify(draw(committed(algorithm=RFC3797_MD5), SEED)).matches
    assert verify(record_dict(), published=committed().to_dict()).matches


def _set(
    path: tuple[str | int, ...], value: Callable[[Any], Any]
) -> Callable[[dict[str, Any]], None]:
    def tamper(record: dict[str, Any]) -> None:
        target: Any = record
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value(target[path[-1]])

    return tamper


TAMPERING = {
    "one pool entry": (_set(("pool", 3), lambda _: "intruder"), "pool hash does not match"),
    "one seed value": (_set(("seed", 0, 2), lambda _: "14"), "seated differ"),
    "the Superzahl": (_set(("seed", 1, 0), lambda _: "8"), "key string differs"),
    "one seated id": (_set(("seated", 0), lambda _: "p99"), "seated differ"),
    "two seated swapped": (
        _set(("seated",), lambda s: [s[1], s[0], *s[2:]]),
        "the same ids in another order, first at position 1",
    ),
    "a seat from the waitlist": (_set(("seated", 5), lambda _: "p00"), "seated differ"),
    "waitlist reversed": (_set(("waitlist",), lambda w: w[::-1]), "waitlist differ"),
    "seats": (_set(("seats",), lambda n: n + 1), "seated differ"),
    "algorithm": (_set(("algorithm",), lambda _: "homemade"), "unknown algorithm 'homemade'"),
    "pool hash": (_set(("pool_hash",), lambda h: h[::-1]), "pool hash does not match"),
    "order": (_set(("order", 0), lambda _: "p99"), "order is not the seated"),
    "missing field": (lambda r: r.pop("seed"), "lacks the list 'seed'"),
}


@pytest.mark.parametrize("change", TAMPERING)
def test_any_change_to_a_record_is_reported(change: str) -> None:
    tamper, says = TAMPERING[change]
    record = record_dict()
    tamper(record)
    result = verify(json.loads(json.dumps(record)))
    assert not result.matches
    assert any(says in d for d in result.differences), result.differences


def test_a_pool_changed_together_with_its_hash_is_still_caught() -> None:
    record = record_dict()
    record["pool"][3] = "intruder"
    record["pool_hash"] = pool_hash(record["pool"])
    result = verify(record)
    assert not result.matches
    assert any("drawn but not recorded: intruder" in d for d in result.differences)
    # And the commitment published before the draw gives the swap away directly.
    published = verify(record, published=committed())
    assert "the record's pool differs from the published commitment" in published.differences


def test_every_single_seed_value_and_pool_entry_matters() -> None:
    original = record_dict(pool_size=12, seats=4)
    for i in range(len(original["pool"])):
        changed = copy.deepcopy(original)
        changed["pool"][i] += "x"
        assert not verify(changed).matches
    for s, source in enumerate(SEED):
        for v in range(len(source)):
            changed = copy.deepcopy(original)
            changed["seed"][s][v] = str(int(changed["seed"][s][v]) + 50)
            assert not verify(changed).matches
    for i in range(4):
        changed = copy.deepcopy(original)
        changed["seated"][i] = changed["waitlist"][0]
        assert not verify(changed).matches


def test_the_readable_differences() -> None:
    record = record_dict(pool_size=5, seats=2)
    record["seated"] = [record["waitlist"][0], record["seated"][1]]
    record["order"] = record["seated"] + record["waitlist"]
    differences = verify(record).differences
    assert len(differences) == 1
    assert differences[0].startswith("the seated differ from the recomputed draw (recorded but")
