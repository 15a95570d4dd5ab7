"""The rollout domain: deadline rule, summer time, eligibility spellings, shifting dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from registration.domain.rollout import BERLIN, District, Rollout, UnknownDistrict


def district(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "district_id": "burgenlandkreis",
        "name": "Burgenlandkreis",
        "ags": "15084",
        "state": "Sachsen-Anhalt",
        "town": "Zeitz",
        "workshop_date": date(2019, 9, 13),
        "venue": {"name": "Placeholder", "address": "Zeitz", "status": "sample"},
        "municipalities": [{"name": "Zeitz", "postal_codes": ["06712"]}],
        "municipalities_status": "sample",
    }
    data.update(overrides)
    return data


def rollout(*districts: dict[str, Any]) -> Rollout:
    return Rollout.model_validate(
        {"format_version": 1, "region": "Test", "districts": list(districts) or [district()]}
    )


def test_defaults_are_thirty_seats_per_half_and_a_half_day_workshop() -> None:
    d = District.model_validate(district())
    assert (d.register_seats, d.applicant_seats, d.seats) == (30, 30, 60)
    assert d.workshop_starts_at == datetime(2019, 9, 13, 10, 0, tzinfo=BERLIN)
    assert d.workshop_ends_at == datetime(2019, 9, 13, 14, 0, tzinfo=BERLIN)


def test_deadline_is_local_midnight_ending_the_seventh_day_before() -> None:
    d = District.model_validate(district())
    assert d.last_application_day == date(2019, 9, 6)
    assert d.application_deadline == datetime(2019, 9, 7, 0, 0, tzinfo=BERLIN)
    assert d.application_deadline.isoformat() == "2019-09-07T00:00:00+02:00"
    # Friday 13th: applications count through Friday 6th, local time.
    assert d.application_deadline.astimezone(BERLIN).date() == date(2019, 9, 7)


@pytest.mark.parametrize(
    ("workshop", "deadline_iso"),
    [
        # Summer time ends 2019-10-27 at 03:00; midnight starting that day is still +02:00.
        (date(2019, 11, 2), "2019-10-27T00:00:00+02:00"),
        (date(2019, 11, 3), "2019-10-28T00:00:00+01:00"),
        # Summer time begins 2020-03-29 at 02:00.
        (date(2020, 4, 4), "2020-03-29T00:00:00+01:00"),
        (date(2020, 4, 5), "2020-03-30T00:00:00+02:00"),
    ],
)
def test_deadline_is_right_across_summer_time_changes(workshop: date, deadline_iso: str) -> None:
    d = District.model_validate(district(workshop_date=workshop))
    assert d.application_deadline.isoformat() == deadline_iso


def test_workshop_on_the_day_summer_time_ends_has_winter_offset() -> None:
    d = District.model_validate(district(workshop_date=date(2019, 10, 27)))
    assert d.workshop_starts_at.isoformat() == "2019-10-27T10:00:00+01:00"
    assert d.workshop_ends_at - d.workshop_starts_at == timedelta(hours=4)


def test_a_time_skipped_by_summer_time_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not exist on 2020-03-29"):
        District.model_validate(
            district(
                workshop_date=date(2020, 3, 29),
                workshop_start_time=time(2, 30),
                workshop_end_time=time(6, 0),
            )
        )


def test_application_days_before_is_configurable() -> None:
    d = District.model_validate(district(application_days_before=14))
    assert d.application_deadline == datetime(2019, 8, 31, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"workshop_end_time": time(9, 0)}, "workshop_end_time 09:00 must be after"),
        ({"register_seats": 0, "applicant_seats": 0}, "a workshop needs seats"),
        ({"register_seats": -1}, "greater than or equal to 0"),
        ({"district_id": "Burgenland Kreis"}, "must be a slug"),
        (
            {
                "municipalities": [
                    {"name": "Zeitz", "postal_codes": ["06712"]},
                    {"name": " ZEITZ ", "postal_codes": ["06712"]},
                ]
            },
            "municipality 'ZEITZ' is listed twice",
        ),
        ({"municipalities": [{"name": "Zeitz", "postal_codes": ["6712"]}]}, "five digits"),
        ({"municipalities": [{"name": "Zeitz", "postal_codes": [6712]}]}, '"06712"'),
        ({"municipalities": [{"name": "Zeitz", "postal_codes": []}]}, "at least one postal"),
        (
            {"application_days_before": 1, "workshop_start_time": time(0, 0)},
            "deadline must lie before the workshop starts",
        ),
    ],
)
def test_invalid_districts_are_explained(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        District.model_validate(district(**overrides))


def test_district_ids_must_be_unique_and_format_supported() -> None:
    with pytest.raises(ValidationError, match="more than one district: burgenlandkreis"):
        rollout(district(), district())
    with pytest.raises(ValidationError, match="format_version 2 is not supported"):
        Rollout.model_validate({"format_version": 2, "region": "T", "districts": [district()]})


def test_unknown_district_names_the_known_ones() -> None:
    r = rollout()
    with pytest.raises(UnknownDistrict) as caught:
        r.district("halle")
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == "unknown district 'halle'; known districts: burgenlandkreis"


def halle() -> Rollout:
    return rollout(
        district(
            district_id="halle",
            municipalities=[
                {
                    "name": "Halle (Saale)",
                    "aliases": ["Halle-Neustadt"],
                    "postal_codes": ["06108", "06132"],
                }
            ],
        ),
        district(
            district_id="anhalt-bitterfeld",
            municipalities=[
                {"name": "Köthen (Anhalt)", "postal_codes": ["06366"]},
                {
                    "name": "Bitterfeld-Wolfen",
                    "aliases": ["Bitterfeld", "Wolfen"],
                    "postal_codes": ["06749", "06766"],
                },
            ],
        ),
    )


@pytest.mark.parametrize(
    "spelling",
    [
        "Halle (Saale)",
        "Halle/Saale",
        "Halle",
        "  halle (saale) ",
        "HALLE AN DER SAALE",
        "Halle a.d. Saale",
        "Halle a. S.",
        "Halle-Neustadt",
    ],
)
def test_municipality_spellings_are_tolerated(spelling: str) -> None:
    assert halle().is_eligible_address("halle", "06108", spelling)


@pytest.mark.parametrize(
    ("district_id", "postal_code", "municipality"),
    [
        ("halle", "06108", "Leipzig"),  # wrong municipality
        ("halle", "04103", "Halle (Saale)"),  # postal code not of this municipality
        ("halle", "0610", "Halle"),
        ("anhalt-bitterfeld", "06749", "Köthen"),  # postal code of another municipality
        ("anhalt-bitterfeld", "06108", "Halle"),  # resident of another district
    ],
)
def test_addresses_outside_are_not_eligible(
    district_id: str, postal_code: str, municipality: str
) -> None:
    assert not halle().is_eligible_address(district_id, postal_code, municipality)


def test_umlauts_merged_towns_and_padding() -> None:
    r = halle()
    assert r.is_eligible_address("anhalt-bitterfeld", " 06366 ", "Koethen")
    assert r.is_eligible_address("anhalt-bitterfeld", "06766", "Wolfen")
    assert r.district("anhalt-bitterfeld").is_resident("06749", "bitterfeld-wolfen")
    with pytest.raises(UnknownDistrict):
        r.is_eligible_address("nowhere", "06108", "Halle")


def test_shifting_keeps_the_spacing_and_the_deadline_rule() -> None:
    r = rollout(
        district(district_id="a", workshop_date=date(2019, 9, 13)),
        district(district_id="b", workshop_date=date(2019, 11, 8)),
        district(district_id="c", workshop_date=date(2020, 1, 31)),
    )
    moved = r.relative_to(date(2030, 5, 1), days_until_first_workshop=21)
    assert moved.first_workshop_date == date(2030, 5, 22)
    before = [d.workshop_date - r.first_workshop_date for d in r.districts]
    after = [d.workshop_date - moved.first_workshop_date for d in moved.districts]
    assert before == after
    a = moved.district("a")
    assert a.application_deadline == datetime(2030, 5, 16, tzinfo=BERLIN)
    assert a.municipalities == r.district("a").municipalities
    assert r.district("a").workshop_date == date(2019, 9, 13), "the original is unchanged"
    assert r.shifted(date(2019, 9, 13)) == r


def test_sample_data_is_listed_per_district() -> None:
    official = district(
        district_id="official",
        municipalities_status="official",
        venue={"name": "Rathaus", "address": "Markt 1, 06712 Zeitz"},
    )
    r = rollout(district(), official)
    assert r.sample_data() == {"burgenlandkreis": ["municipalities", "venue"]}
