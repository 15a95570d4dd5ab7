"""The register draw's pure rules: reading register rows, largest-remainder letters per
stratum, the seeded ranking, invitation codes and household keys."""

from __future__ import annotations

import math
import uuid
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lottery.domain import invitations as inv
from lottery.domain.households import group_households, household_key
from lottery.domain.register import (
    BLOCKED,
    COLUMNS,
    MissingColumns,
    RecordSplitter,
    RegisterRecord,
    Rejection,
    column_positions,
    parse_row,
)

REFERENCE = date(2025, 6, 1)
POSITIONS = column_positions(list(COLUMNS))


def row(**values: str) -> list[str]:
    base = {
        "record_id": "R1",
        "family_name": "Müller",
        "given_names": "Anna Maria",
        "doctorate": "",
        "birth_date": "1980-04-02",
        "sex": "w",
        "nationalities": "deutsch",
        "street": "Lindenstraße",
        "house_number": "3a",
        "address_supplement": "",
        "postal_code": "04109",
        "municipality": "Leipzig",
        "disclosure_block": "",
    }
    base.update(values)
    return [base[c] for c in COLUMNS]


def test_a_register_row_becomes_a_record_in_its_stratum() -> None:
    record = parse_row(row(birth_date="02.04.1980"), POSITIONS, REFERENCE)
    assert isinstance(record, RegisterRecord)
    assert (record.birth_year, record.gender, record.given_names) == (1980, "female", "Anna Maria")


@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"birth_date": "31.02.1980"}, "birth_date"),
        ({"birth_date": "2015-01-01"}, "birth_date"),  # younger than 16
        ({"sex": "q"}, "sex"),
        ({"postal_code": "4109"}, "postal_code"),
        ({"family_name": ""}, "family_name"),
        ({"street": "Linden\x07straße"}, "street"),
        ({"disclosure_block": "vielleicht"}, "disclosure_block"),
    ],
)
def test_unusable_rows_are_rejected_naming_the_column_not_the_value(
    values: dict[str, str], column: str
) -> None:
    outcome = parse_row(row(**values), POSITIONS, REFERENCE)
    assert isinstance(outcome, Rejection) and outcome.column == column
    assert all(v not in outcome.reason for v in values.values() if v)


def test_blocked_records_are_never_drawable_and_age_or_birth_year_may_stand_in() -> None:
    assert parse_row(row(disclosure_block="ja"), POSITIONS, REFERENCE) == BLOCKED
    header = [c for c in COLUMNS if c != "birth_date"] + ["age"]
    positions = column_positions(header)
    values = row()
    values.remove("1980-04-02")
    record = parse_row([*values, "45"], positions, REFERENCE)
    assert isinstance(record, RegisterRecord) and record.birth_year == 1980
    with pytest.raises(MissingColumns, match="birth_date"):
        column_positions([c for c in COLUMNS if c != "birth_date"])


def test_the_splitter_keeps_quoted_line_breaks_and_line_numbers_across_chunks() -> None:
    data = b'h1;h2\na;"b\nc"\r\nd;e\n\nf;g'
    splitter = RecordSplitter()
    out = [r for i in range(len(data)) for r in splitter.feed(data[i : i + 1])]
    out += splitter.finish()
    assert out == [(1, "h1;h2"), (2, 'a;"b\nc"'), (4, "d;e"), (6, "f;g")]


counts_strategy = st.dictionaries(
    st.tuples(st.sampled_from(["16-24", "25-34", "75+"]), st.sampled_from(["f", "m"]),
              st.sampled_from(["A", "B", "C"])),
    st.integers(min_value=0, max_value=5000),
    min_size=1,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(counts=counts_strategy, share=st.floats(min_value=0, max_value=1))
def test_letters_follow_the_register_within_one_letter_per_stratum(
    counts: dict[inv.Stratum, int], share: float
) -> None:
    total = sum(counts.values())
    letters = int(total * share)
    allocation = inv.allocate(counts, letters)
    assert sum(allocation.values()) == letters
    for stratum, n in counts.items():
        exact = letters * n / total if total else 0
        assert math.floor(exact) <= allocation[stratum] <= math.ceil(exact)
        assert allocation[stratum] <= n


def test_oversampling_gives_groups_that_answer_less_more_letters_within_their_size() -> None:
    counts = {("16-24", "f", "A"): 100, ("75+", "f", "A"): 100}
    plain = inv.allocate(counts, 100)
    weighted = inv.allocate(counts, 100, {"age_band": {"16-24": 3.0}})
    assert plain == {("16-24", "f", "A"): 50, ("75+", "f", "A"): 50}
    assert weighted == {("16-24", "f", "A"): 75, ("75+", "f", "A"): 25}
    capped = inv.allocate(counts, 150, {"age_band": {"16-24": 10.0}})
    assert capped == {("16-24", "f", "A"): 100, ("75+", "f", "A"): 50}
    with pytest.raises(inv.AllocationError):
        inv.allocate(counts, 201)


def test_wave_sizing_follows_the_answer_rates_of_german_practice() -> None:
    assert inv.letters_per_seat_for(0.04) == 25
    low, high = inv.LETTERS_PER_SEAT_RANGE
    assert low <= inv.letters_per_seat_for(0.05) <= inv.letters_per_seat_for(0.03) <= high
    assert inv.second_wave_letters(30, letters_sent=750, accepted=15) == 750
    assert inv.second_wave_letters(30, letters_sent=750, accepted=0) == 1000
    assert inv.second_wave_letters(30, letters_sent=750, accepted=40) == 0


def test_the_seeded_ranking_is_reproducible_and_changes_with_the_seed() -> None:
    stratum = ("25-34", "female", "Leipzig")
    pool = [(str(uuid.UUID(int=i)), stratum) for i in range(2000)]
    allocation = {stratum: 50}
    first = inv.draw_invitees(pool, allocation, [["3", "11", "19"]])
    assert first == inv.draw_invitees(list(reversed(pool)), allocation, [["19", "3", "11"]])
    assert first != inv.draw_invitees(pool, allocation, [["3", "11", "20"]])
    assert inv.verify_invitations(pool, allocation, [["3", "11", "19"]], first).matches
    tampered = {stratum: [pool[0][0], *first[stratum][1:]]}
    if tampered != first:
        assert not inv.verify_invitations(pool, allocation, [["3", "11", "19"]], tampered).matches
    later = inv.draw_invitees(pool, allocation, [["1"]], exclude=frozenset(first[stratum]))
    assert not set(later[stratum]) & set(first[stratum])


def test_invitation_codes_are_unguessable_and_catch_typing_mistakes() -> None:
    codes = {inv.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = next(iter(codes))
    assert inv.normalise_code(inv.display_code(code).lower()) == code
    assert inv.normalise_code(" " + code[:5] + " " + code[5:]) == code
    for i in range(inv.CODE_LENGTH):  # every single wrong character is caught
        for c in inv.CODE_ALPHABET:
            if c != code[i]:
                assert inv.normalise_code(code[:i] + c + code[i + 1 :]) is None
    for i in range(inv.CODE_LENGTH - 1):  # and every swap of two different neighbours
        if code[i] != code[i + 1]:
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
            assert inv.normalise_code(swapped) is None
    assert inv.normalise_code("O" + code[1:]) is None


def test_household_keys_tolerate_spelling_variants_but_not_other_dwellings() -> None:
    same = {
        household_key("Lindenstraße", "3a", "04109"),
        household_key("Lindenstr.", "3 A", "04109"),
        household_key("LINDENSTRASSE", "3-a", "04109"),
        household_key("Linden-Straße", "3a", " 04109"),
    }
    assert len(same) == 1
    assert household_key("Lindenstraße", "3", "04109") not in same
    assert household_key("Lindenstraße", "3a", "04103") not in same
    assert household_key("Lindenstraße", "3a", "04109", "Whg. 4") == household_key(
        "Lindenstr.", "3a", "04109", "Wohnung 4"
    )
    grouped = group_households(
        {
            "p1": household_key("Lindenstraße", "3a", "04109"),
            "p2": household_key("Lindenstrase", "3a", "04109"),
            "p3": household_key("Lindenweg", "3a", "04109"),
        }
    )
    assert grouped["p1"] == grouped["p2"] != grouped["p3"]
