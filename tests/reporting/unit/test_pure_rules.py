"""The pure rules of reporting: disclosure, spreadsheet safety, charts, small figures."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from reporting.domain.charts import bar_chart, rate_bar
from reporting.domain.disclosure import public_count, public_share
from reporting.domain.figures import age_band, days_left, pseudonym, rate
from reporting.domain.representativeness import compare
from reporting.domain.spreadsheet import neutralise, safe_row

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("n", "shown"), [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5"), (6, "6"), (540, "540")]
)
def test_counts_below_five_are_shown_as_less_than_five(n: int, shown: str) -> None:
    assert public_count(n) == shown


def test_a_negative_count_is_a_bug() -> None:
    with pytest.raises(ValueError):
        public_count(-1)


def test_shares_of_small_counts_are_withheld() -> None:
    assert public_share(3, 10) == "<5"
    assert public_share(5, 4) == "<5"
    assert public_share(5, 10) == "50 %"


@pytest.mark.parametrize("hostile", ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\t=1", "\r=1"])
def test_formula_starts_are_neutralised(hostile: str) -> None:
    assert neutralise(hostile) == "'" + hostile


@pytest.mark.parametrize("value", ["Energie", "ein = im Text", "", "'schon zitiert"])
def test_harmless_text_is_unchanged(value: str) -> None:
    assert neutralise(value) == value


def test_numbers_and_empty_cells() -> None:
    assert safe_row([None, 3, -1, 0.5, True]) == ["", "3", "-1", "0.5", "true"]


def test_a_bar_chart_is_valid_svg_with_one_bar_per_category_and_series() -> None:
    svg = bar_chart(
        "Bewerbungen <pro> Tag",
        ["01-01", "01-02", "01-03"],
        {"Web": [3, 0, 7], "Antwortpostkarte": [1, 2, 0]},
    )
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    bars = [r for r in root.iter(SVG + "rect") if r.get("class") == "bar"]
    assert len(bars) == 6
    heights = [float(b.get("height", "0")) for b in bars]
    assert (
        heights[2] == 0.0
    )  # bars go category by category; a zero is a bar of no height, still there
    assert max(heights) == heights[4]  # the 7 is the tallest
    assert "<pro>" not in svg  # labels are escaped


def test_an_empty_chart_is_still_valid_svg() -> None:
    root = ET.fromstring(bar_chart("leer", [], {"Web": []}))
    assert [r for r in root.iter(SVG + "rect") if r.get("class") == "bar"] == []


def test_series_must_have_one_value_per_category() -> None:
    with pytest.raises(ValueError):
        bar_chart("x", ["a", "b"], {"Web": [1]})


def test_rate_bar_fills_to_the_rate() -> None:
    root = ET.fromstring(rate_bar("Quote", 0.5, width=220))
    [bar] = [r for r in root.iter(SVG + "rect") if r.get("class") == "bar"]
    assert float(bar.get("width", "0")) == 100.0
    assert "keine Daten" in rate_bar("Quote", None)


def test_age_bands_depend_on_the_event_year_only() -> None:
    assert age_band(1990, 2019) == "25-34"
    assert age_band(2003, 2019) == "16-24"
    assert age_band(1930, 2019) == "75+"
    assert age_band(None, 2019) == "unbekannt"


def test_days_left_counts_a_started_day_and_stops_at_zero() -> None:
    now = datetime(2024, 1, 1, 12, tzinfo=UTC)
    assert days_left(now + timedelta(days=3), now) == 3
    assert days_left(now + timedelta(days=2, hours=1), now) == 3
    assert days_left(now - timedelta(days=1), now) == 0


def test_rate() -> None:
    assert rate(2, 3) == 0.6667
    assert rate(0, 0) is None


def test_pseudonyms_are_stable_and_keyed() -> None:
    who = uuid.uuid4()
    assert pseudonym(who, "k") == pseudonym(who, "k")
    assert pseudonym(who, "k") != pseudonym(who, "other")
    assert str(who) not in pseudonym(who, "k")


def test_representativeness_sets_each_value_beside_the_population() -> None:
    rows = compare({"female": 3, "male": 1}, {"female": 500, "male": 400, "diverse": 100})
    assert [
        (r["value"], r["seated_share"], r["population_share"], r["gap_points"]) for r in rows
    ] == [
        ("diverse", 0.0, 0.1, -10.0),
        ("female", 0.75, 0.5, 25.0),
        ("male", 0.25, 0.4, -15.0),
    ]
    assert compare({"x": 2}, {})[0]["population_share"] is None
