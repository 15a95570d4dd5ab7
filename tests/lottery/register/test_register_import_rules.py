"""The set-based import in the database reads every row as the reference rules of
``lottery.domain.register`` do (rejections by row and column, blocked records, the
stratum), and stores the household key ``lottery.domain.households`` computes, whether a
row arrives in a quote-free chunk or in a chunk with quoted fields."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lottery.domain.households import household_key
from lottery.domain.register import (
    BLOCKED,
    COLUMNS,
    RecordSplitter,
    RegisterRecord,
    Rejection,
    age_band,
    column_positions,
    parse_row,
)
from lottery.service import register
from shared import db

pytestmark = pytest.mark.integration

MIGRATIONS = Path(register.__file__).resolve().parents[3] / "migrations"
NOW = datetime(2025, 6, 1, 10, tzinfo=UTC)
GOOD = {
    "family_name": "Müller",
    "given_names": "Anna",
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
    "birth_year": "",
}
VARIANTS: list[dict[str, str]] = [
    {},
    {"birth_date": "02.04.1980"},
    {"birth_date": "2.4.1980"},
    {"birth_date": "31.02.1980"},
    {"birth_date": "29.02.2000"},
    {"birth_date": "29.02.1900"},
    {"birth_date": "1980-1-02"},
    {"birth_date": "+980-01-02"},
    {"birth_date": "0000-01-01"},
    {"birth_date": "2030-01-01"},
    {"birth_date": "2015-01-01"},
    {"birth_date": "2009-06-01"},
    {"birth_date": "", "birth_year": "1960"},
    {"birth_date": "", "birth_year": "01960"},
    {"birth_date": "", "birth_year": "1870"},
    {"birth_date": "", "birth_year": "19x0"},
    {"birth_date": ""},
    {"sex": "MÄNNLICH"},
    {"sex": "Weiblich"},
    {"sex": " D "},
    {"sex": "q"},
    {"disclosure_block": "JA"},
    {"disclosure_block": "Nein"},
    {"disclosure_block": "vielleicht"},
    {"postal_code": "4109"},
    {"postal_code": " 04109 "},
    {"family_name": ""},
    {"family_name": "  "},
    {"street": "Linden\x07straße"},
    {"given_names": "Anna\nMaria"},
    {"given_names": "Anna; Maria"},
    {"given_names": 'Anna "Anni"'},
    {"given_names": "Back\\slash"},
    {"doctorate": "Dr. " * 60},
    {"municipality": "Leipzig\t"},
    {"street": "Lindenstr.", "house_number": "3 A"},
    {"street": "LINDENSTRASSE", "house_number": "3-a"},
    {"street": "Linden-Straße", "address_supplement": "Whg. 4"},
    {"street": "Straße des 17. Juni", "house_number": "12-14"},
    {"street": "Karl-Marx-Str.", "house_number": "7 b", "address_supplement": "App 2"},
    {"street": "Am Ölberg", "house_number": "1", "address_supplement": "c/o Weiß"},
    {"street": "St. Georg-Pl.", "house_number": "001"},
]


def extract(quoted: bool) -> bytes:
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=";",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
        escapechar=None if quoted else "\\",
    )
    writer.writerow([*COLUMNS, "birth_year"])
    for i, variant in enumerate(VARIANTS):
        values = {**GOOD, **variant, "record_id": f"R{i}"}
        if not quoted and any(c in v for v in values.values() for c in ';"\n\\'):
            continue
        writer.writerow([values[c] for c in (*COLUMNS, "birth_year")])
    text = out.getvalue()
    text += "R0;Doppelt;Dora;;1970-01-01;w;deutsch;Weg;1;;04109;Leipzig;;\n"  # id repeated
    text += "R98;Kurz\n\n   \nR99;Zu;Kurz;;1970-01-01\n"  # too few fields, blank lines
    return text.encode()


async def chunked(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def expected(data: bytes) -> tuple[dict[tuple[int, str], str], dict[int, tuple[str, ...]], int]:
    """What the reference rules say: rejections, accepted rows, the blocked count."""
    splitter = RecordSplitter()
    records = splitter.feed(data) + splitter.finish()
    positions = column_positions(next(csv.reader([records[0][1]], delimiter=";")))
    rejected: dict[tuple[int, str], str] = {}
    accepted: dict[int, tuple[str, ...]] = {}
    blocked, seen = 0, set()
    for line, text in records[1:]:
        outcome = parse_row(next(csv.reader([text], delimiter=";")), positions, NOW.date())
        if outcome == BLOCKED:
            blocked += 1
        elif isinstance(outcome, Rejection):
            rejected[(line, outcome.column)] = outcome.reason
        elif isinstance(outcome, RegisterRecord):
            if outcome.record_id in seen:
                rejected[(line, "record_id")] = "appears more than once; the first row counts"
                continue
            seen.add(outcome.record_id)
            r = outcome
            accepted[line] = (
                r.record_id, r.family_name, r.given_names, r.doctorate, r.birth_date,
                r.birth_year, r.gender, r.nationalities, r.street, r.house_number,
                r.address_supplement, r.postal_code, r.municipality,
                age_band(r.birth_year, NOW.year),
                household_key(r.street, r.house_number, r.postal_code, r.address_supplement),
            )  # fmt: skip
    return rejected, accepted, blocked


@pytest.mark.parametrize("quoted", [True, False])
async def test_the_database_reads_every_row_as_the_reference_rules_do(
    database_url: str, quoted: bool
) -> None:
    data = extract(quoted)
    want_rejected, want_accepted, want_blocked = expected(data)
    assert len(want_accepted) > 15 and len(want_rejected) > 15 and want_blocked == 1
    pool = await db.create_pool(database_url, min_size=1, max_size=1)
    try:
        await db.migrate(pool, db.migration_files(MIGRATIONS))
        async with pool.acquire() as conn:
            async with conn.transaction():
                report = await register.import_register(
                    conn, "leipzig", chunked(data, 37), actor="t", now=NOW,
                    randomness_source="t",
                )  # fmt: skip
            rows = await conn.fetch(
                "SELECT c.row_number, c.record_id, c.family_name, c.given_names, c.doctorate,"
                " c.birth_date, c.birth_year, c.gender, c.nationalities, c.street,"
                " c.house_number, c.address_supplement, c.postal_code, c.municipality,"
                " p.age_band, p.household_key"
                " FROM register_records c JOIN register_pool p USING (person_id)"
            )
    finally:
        await pool.close()
    got_rejected = {(e["row_number"], e["column_name"]): e["reason"] for e in report.rejected_rows}
    assert got_rejected == want_rejected
    assert {r["row_number"]: tuple(r)[1:] for r in rows} == want_accepted
    assert (report.accepted, report.rejected, report.blocked) == (
        len(want_accepted),
        len(want_rejected),
        want_blocked,
    )
    keys = {r["household_key"] for r in rows if r["street"] != "Straße des 17. Juni"}
    assert len(keys) > 3  # the variants above share some keys and not others
