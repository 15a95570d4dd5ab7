"""The rollout file: the shipped default loads, and broken files are explained in full."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from registration.adapters.rollout_file import (
    RolloutConfigError,
    default_rollout_path,
    load_demo_rollout,
    load_rollout,
    parse_rollout,
)
from registration.domain.rollout import BERLIN, DataStatus

FLYER_DATES = {
    "burgenlandkreis": (date(2019, 9, 13), "Zeitz", "15084"),
    "anhalt-bitterfeld": (date(2019, 9, 21), "Bitterfeld", "15082"),
    "mansfeld-suedharz": (date(2019, 9, 27), "Sangerhausen", "15087"),
    "halle": (date(2019, 11, 8), "Halle (Saale)", "15002"),
    "altenburger-land": (date(2019, 11, 15), "Altenburg", "16077"),
    "saalekreis": (date(2019, 11, 22), "Leuna", "15088"),
    "landkreis-leipzig": (date(2020, 1, 17), "Borna", "14729"),
    "leipzig": (date(2020, 1, 24), "Leipzig", "14713"),
    "nordsachsen": (date(2020, 1, 31), "Eilenburg", "14730"),
}

GOOD = """
format_version = 1
region = "Test"

[[districts]]
district_id = "halle"
name = "Stadt Halle (Saale)"
ags = "15002"
state = "Sachsen-Anhalt"
town = "Halle (Saale)"
workshop_date = 2019-11-08
municipalities_status = "sample"

[districts.venue]
name = "Placeholder"
address = "Halle (Saale)"
status = "sample"

[[districts.municipalities]]
name = "Halle (Saale)"
postal_codes = ["06108"]
"""


def test_default_rollout_has_the_nine_districts_of_the_flyer() -> None:
    r = load_rollout()
    assert default_rollout_path().name == "innovationsregion-mitteldeutschland-2019.toml"
    assert r.format_version == 1
    assert r.region == "Innovationsregion Mitteldeutschland"
    assert {d.district_id: (d.workshop_date, d.town, d.ags) for d in r.districts} == FLYER_DATES
    assert [d.seats for d in r.districts] == [60] * 9
    assert all(d.register_seats == d.applicant_seats == 30 for d in r.districts)
    assert sum(d.seats for d in r.districts) == 540


def test_default_rollout_marks_what_it_cannot_know_as_sample() -> None:
    r = load_rollout()
    for d in r.districts:
        assert d.municipalities_status is DataStatus.SAMPLE
        assert d.venue.status is DataStatus.SAMPLE
        assert d.workshop_times_status is DataStatus.SAMPLE
        assert d.is_resident(d.municipalities[0].postal_codes[0], d.municipalities[0].name)


def test_burgenlandkreis_deadline_in_the_default_rollout() -> None:
    d = load_rollout().district("burgenlandkreis")
    assert d.application_deadline == datetime(2019, 9, 7, 0, 0, tzinfo=BERLIN)
    assert d.application_deadline.isoformat() == "2019-09-07T00:00:00+02:00"


def test_default_rollout_accepts_common_spellings() -> None:
    r = load_rollout()
    assert r.is_eligible_address("halle", "06108", "Halle/Saale")
    assert r.is_eligible_address("anhalt-bitterfeld", "06766", "Wolfen")
    assert not r.is_eligible_address("leipzig", "06108", "Halle")


def test_demo_rollout_lies_ahead_and_keeps_the_spacing() -> None:
    shipped = load_rollout()
    demo = load_demo_rollout(days_until_first_workshop=10, today=date(2031, 3, 1))
    assert demo.first_workshop_date == date(2031, 3, 11)
    for old, new in zip(shipped.districts, demo.districts, strict=True):
        assert new.workshop_date - demo.first_workshop_date == (
            old.workshop_date - shipped.first_workshop_date
        )
    moved = load_rollout(shift_first_workshop_to=date(2031, 3, 11))
    assert moved == demo


def test_demo_rollout_defaults_to_today() -> None:
    demo = load_demo_rollout()
    assert demo.first_workshop_date > datetime.now(BERLIN).date()


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "rollout.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_rollout(path).district("halle").seats == 60


def problems_of(text: str, tmp_path: Path) -> RolloutConfigError:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RolloutConfigError) as caught:
        load_rollout(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_every_problem_names_the_district_and_field(tmp_path: Path) -> None:
    broken = (
        GOOD.replace('ags = "15002"', 'ags = "15002"\nregister_seats = -3\nregistr_seats = 1')
        .replace('["06108"]', '["06108", 6110, "611"]')
        .replace('state = "Sachsen-Anhalt"\n', "")
    )
    error = problems_of(broken, tmp_path)
    assert sorted(error.problems) == sorted(
        [
            "district 'halle', register_seats: Input should be greater than or equal to 0",
            "district 'halle', registr_seats: unknown field (misspelt, or not part of this "
            "format_version)",
            "district 'halle', state: required field is missing",
            "district 'halle', municipality 'Halle (Saale)', postal_codes[1]: postal code 6110 "
            'must be written in quotes as five digits, e.g. "06110"',
            "district 'halle', municipality 'Halle (Saale)', postal_codes[2]: postal code '611' "
            "must have exactly five digits",
        ]
    )
    assert "(5 problems)" in str(error)


def test_cross_field_problems_name_the_district(tmp_path: Path) -> None:
    broken = GOOD.replace(
        "workshop_date = 2019-11-08",
        "workshop_date = 2019-11-08\nworkshop_start_time = 14:00:00\nworkshop_end_time = 10:00:00",
    )
    error = problems_of(broken, tmp_path)
    assert error.problems == [
        "district 'halle': workshop_end_time 10:00 must be after workshop_start_time 14:00"
    ]


def test_a_district_without_id_is_named_by_position(tmp_path: Path) -> None:
    error = problems_of(GOOD.replace('district_id = "halle"\n', ""), tmp_path)
    assert error.problems == ["district #1, district_id: required field is missing"]


def test_duplicate_districts_and_versions(tmp_path: Path) -> None:
    twice = GOOD + GOOD[GOOD.index("[[districts]]") :]
    assert problems_of(twice, tmp_path).problems == [
        "districts: district_id used by more than one district: halle"
    ]
    future = problems_of(GOOD.replace("format_version = 1", "format_version = 2"), tmp_path)
    assert future.problems == [
        "format_version: format_version 2 is not supported by this version (supported: 1)"
    ]


def test_toml_syntax_errors_and_missing_files(tmp_path: Path) -> None:
    error = problems_of(GOOD.replace('region = "Test"', "region = Test"), tmp_path)
    assert error.problems[0].startswith("not valid TOML: ")
    assert "line 3" in error.problems[0]
    with pytest.raises(RolloutConfigError, match="cannot read the file"):
        load_rollout(tmp_path / "missing.toml")


def test_parse_rollout_names_its_source() -> None:
    with pytest.raises(RolloutConfigError, match=r"^inline\.toml: invalid rollout"):
        parse_rollout("format_version = 1", source="inline.toml")
