"""The register extract: its columns, reading one record, age bands and strata.

Responsibility: turn one row of a municipality's register extract (what a group
disclosure under § 46 BMG may carry) into a checked record, or say in plain words why
the row cannot be used; split a byte stream into whole CSV records; name the stratum
(age band, gender, municipality) a record is drawn in. No I/O.

Invariants:
- A record under a disclosure block (Auskunftssperre) is never returned as drawable.
- A rejection names the column and the problem, never the value (no personal data).
- Age bands depend only on the birth year and the reference year, the same rule as
  reporting's, so the population and the seated are banded alike.
- Every text field is free of control characters, so a pool line (fields joined by
  tabs, ending in a newline) can be read back unambiguously.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from shared import vocabulary

COLUMNS: tuple[str, ...] = (
    "record_id",
    "family_name",
    "given_names",
    "doctorate",
    "birth_date",
    "sex",
    "nationalities",
    "street",
    "house_number",
    "address_supplement",
    "postal_code",
    "municipality",
    "disclosure_block",
)
REQUIRED: tuple[str, ...] = (
    "record_id",
    "family_name",
    "given_names",
    "birth_date",
    "sex",
    "street",
    "house_number",
    "postal_code",
    "municipality",
)
DELIMITER = ";"

AGE_BANDS = vocabulary.AGE_BANDS
MINIMUM_AGE = 16

SEX_VALUES: dict[str, str] = {
    "m": "male",
    "männlich": "male",
    "male": "male",
    "w": "female",
    "weiblich": "female",
    "f": "female",
    "female": "female",
    "d": "diverse",
    "divers": "diverse",
    "diverse": "diverse",
    "x": "not_stated",
    "o": "not_stated",
    "ohne angabe": "not_stated",
    "not_stated": "not_stated",
}
BLOCKED_VALUES = frozenset({"1", "j", "ja", "y", "yes", "true", "x", "wahr", "gesperrt"})
UNBLOCKED_VALUES = frozenset({"", "0", "n", "nein", "no", "false", "falsch"})
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_POSTAL_CODE = re.compile(r"\d{5}", re.ASCII)
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
WHITESPACE = " \t\n\r\v\f"
"""What is trimmed from a value: ASCII white space only (the database trims alike)."""
_MAX_LENGTH = 200
MAX_LENGTH = _MAX_LENGTH
_FOLD = str.maketrans("ÄÖÜ", "äöü")


def fold_case(text: str) -> str:
    """Lower case of ASCII letters and the umlauts: all the yes/no and sex values need,
    and what the database does alike whatever its locale."""
    return text.translate(_FOLD).lower() if text.isascii() else _ascii_lower(text)


def _ascii_lower(text: str) -> str:
    return "".join(c.lower() if c.isascii() else c for c in text.translate(_FOLD))


class MissingColumns(ValueError):
    """The header lacks columns the import needs; the message lists them."""


@dataclass(frozen=True, slots=True)
class RegisterRecord:
    record_id: str
    family_name: str
    given_names: str
    doctorate: str | None
    birth_date: date | None
    birth_year: int
    gender: str
    nationalities: str | None
    street: str
    house_number: str
    address_supplement: str | None
    postal_code: str
    municipality: str


@dataclass(frozen=True, slots=True)
class Rejection:
    column: str
    reason: str


BLOCKED = "blocked"
"""What ``parse_row`` returns for a record under a disclosure block."""


def column_positions(header: Sequence[str]) -> dict[str, int]:
    """Where each known column is; the header may order them freely and add others."""
    names = [h.strip().lstrip("\ufeff").lower() for h in header]
    positions = {name: i for i, name in enumerate(names) if name in COLUMNS}
    missing = [c for c in REQUIRED if c not in positions and c != "birth_date"]
    if "birth_date" not in positions and not {"birth_year", "age"} & set(names):
        missing.append("birth_date (or birth_year or age)")
    if missing:
        raise MissingColumns(", ".join(missing))
    for extra in ("birth_year", "age"):
        if extra in names:
            positions[extra] = names.index(extra)
    return positions


def fields_needed(positions: dict[str, int]) -> int:
    """How many fields a data row needs to reach every known column of the header."""
    return max(positions.values()) + 1


def age_band(birth_year: int, in_year: int) -> str | None:
    """The age band of someone born in ``birth_year`` as of ``in_year``; None if younger
    than the minimum age (not eligible)."""
    age = in_year - birth_year
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return None


def _birth(
    birth_date: str, birth_year: str, age: str, reference: date
) -> tuple[date | None, int] | Rejection:
    if birth_date:
        iso = _ISO_DATE.fullmatch(birth_date)
        german = None if iso else _GERMAN_DATE.fullmatch(birth_date)
        try:
            if iso:
                born = date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif german:
                born = date(int(german[3]), int(german[2]), int(german[1]))
            else:
                raise ValueError
        except ValueError:
            return Rejection("birth_date", "not a date (YYYY-MM-DD or DD.MM.YYYY)")
        if born > reference:
            return Rejection("birth_date", "lies in the future")
        return born, born.year
    if birth_year:
        if not _DIGITS.fullmatch(birth_year) or not 1880 <= int(birth_year) <= reference.year:
            return Rejection("birth_year", "not a plausible year")
        return None, int(birth_year)
    if age:
        if not _DIGITS.fullmatch(age) or int(age) > 130:
            return Rejection("age", "not a plausible age")
        return None, reference.year - int(age)
    return Rejection("birth_date", "missing (give birth_date, birth_year or age)")


def parse_row(
    row: Sequence[str], positions: dict[str, int], reference: date
) -> RegisterRecord | Rejection | str:
    """One data row: the record, a rejection, or ``BLOCKED`` (never to be drawn)."""
    width, needed = len(row), fields_needed(positions)
    if width < needed:
        return Rejection("(row)", f"{width} fields instead of at least {needed}")
    values = dict(zip(COLUMNS, _pick(row, positions), strict=True))
    block = fold_case(values["disclosure_block"])
    if block in BLOCKED_VALUES:
        return BLOCKED
    if block not in UNBLOCKED_VALUES:
        return Rejection("disclosure_block", "not a yes/no value (leer, 0/1, ja/nein)")
    for name in REQUIRED:
        if name != "birth_date" and not values[name]:
            return Rejection(name, "missing")
    joined = "".join(values.values())
    if len(joined) > _MAX_LENGTH or _CONTROL.search(joined):  # rare: find the column
        for name, value in values.items():
            if len(value) > _MAX_LENGTH:
                return Rejection(name, f"longer than {_MAX_LENGTH} characters")
            if _CONTROL.search(value):
                return Rejection(name, "contains control characters")
    gender = SEX_VALUES.get(fold_case(values["sex"]))
    if gender is None:
        return Rejection("sex", "not one of m, w, d, x (or male, female, diverse, not_stated)")
    if not _POSTAL_CODE.fullmatch(values["postal_code"]):
        return Rejection("postal_code", "not five digits")
    year_at, age_at = positions.get("birth_year"), positions.get("age")
    birth = _birth(
        values["birth_date"],
        row[year_at].strip(WHITESPACE) if year_at is not None else "",
        row[age_at].strip(WHITESPACE) if age_at is not None else "",
        reference,
    )
    if isinstance(birth, Rejection):
        return birth
    born, birth_year = birth
    if age_band(birth_year, reference.year) is None:
        return Rejection("birth_date", f"younger than {MINIMUM_AGE}: not eligible")
    return RegisterRecord(
        values["record_id"],
        values["family_name"],
        values["given_names"],
        values["doctorate"] or None,
        born,
        birth_year,
        gender,
        values["nationalities"] or None,
        values["street"],
        values["house_number"],
        values["address_supplement"] or None,
        values["postal_code"],
        values["municipality"],
    )


def _pick(row: Sequence[str], positions: dict[str, int]) -> list[str]:
    get = positions.get
    return [row[i].strip(WHITESPACE) if (i := get(c, -1)) >= 0 else "" for c in COLUMNS]


class RecordSplitter:
    """Cuts a stream of bytes (UTF-8) into whole CSV records, each with the line number
    it starts on (the header is line 1). A quoted field may span lines."""

    def __init__(self) -> None:
        self._rest = b""
        self._pending: list[str] = []
        self._pending_quotes = 0
        self._line = 0

    def feed(self, chunk: bytes) -> list[tuple[int, str]]:
        data = self._rest + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._rest = data
            return []
        self._rest = data[cut + 1 :]
        return self._records(data[:cut].decode("utf-8", errors="replace").split("\n"))

    def finish(self) -> list[tuple[int, str]]:
        lines = [self._rest.decode("utf-8", errors="replace")] if self._rest else []
        self._rest = b""
        out = self._records(lines)
        if self._pending:  # an unclosed quote: hand it on, the CSV reader reports it
            out.append((self._line - len(self._pending) + 1, "\n".join(self._pending)))
            self._pending = []
        return out

    def _records(self, lines: list[str]) -> list[tuple[int, str]]:
        out = []
        for raw in lines:
            self._line += 1
            line = raw[:-1] if raw.endswith("\r") else raw
            if self._pending:
                self._pending.append(line)
                self._pending_quotes += line.count('"')
                if self._pending_quotes % 2 == 0:
                    start = self._line - len(self._pending) + 1
                    out.append((start, "\n".join(self._pending)))
                    self._pending = []
                continue
            quotes = line.count('"')
            if quotes % 2:
                self._pending, self._pending_quotes = [line], quotes
            elif line.strip(WHITESPACE):
                out.append((self._line, line))
        return out


FIELD_SEPARATOR = "\x1f"
"""Between the fields of a staged record (the unit separator; a control character in
the file becomes DEL first, so it is rejected as such and never splits a field)."""
COPY_DELIMITER = "\x1e"
"""The column delimiter the database's COPY (text format) is told to use; no staged line
contains it, so each line is one value."""
_BYTE_ESCAPES = (
    (b"\\", b"\\\\"),
    (b"\x00", b"\x7f"),
    (b"\x1e", b"\x7f"),
    (b"\x1f", b"\x7f"),
    (b"\r\n", b"\n"),
    (b"\r", b"\\r"),
    (b";", b"\x1f"),
)


def _escape_field(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace("\x00", "\x7f")
        .replace("\x1e", "\x7f")
        .replace("\x1f", "\x7f")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class StagingEncoder(RecordSplitter):
    """Turns the extract's bytes into the lines the database stages with COPY (text
    format): staged line n is line n of the file, its fields separated by
    ``FIELD_SEPARATOR``; a record spanning several lines (a quoted line break) stands on
    its first line and the lines it covered stay empty, as do blank lines. Chunks
    without quotes are translated as bytes; records with quotes are read by the CSV
    reader. Undecodable bytes become U+FFFD."""

    def __init__(self) -> None:
        super().__init__()
        self._emitted = 0

    def encode(self, chunk: bytes) -> bytes:
        data = self._rest + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            self._rest = data
            return b""
        self._rest = data[cut + 1 :]
        return self._encode(data[: cut + 1])

    def encode_end(self) -> bytes:
        data, self._rest = self._rest, b""
        out = self._encode(data + b"\n") if data else b""
        if self._pending:  # an unclosed quote: the CSV reader reports it
            start = self._line - len(self._pending) + 1
            out += self._staged([(start, "\n".join(self._pending))])
            self._pending = []
        return out

    def _encode(self, data: bytes) -> bytes:
        """``data``: whole lines, each ending in a newline."""
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            data = data.decode("utf-8", errors="replace").encode("utf-8")
        if self._pending or b'"' in data:
            lines = data[:-1].decode("utf-8").split("\n")
            return self._staged(self._records(lines))
        out = b"\n" * (self._line - self._emitted)
        for old, new in _BYTE_ESCAPES:
            data = data.replace(old, new)
        lines = data.count(b"\n")
        self._line += lines
        self._emitted = self._line
        return out + data

    def _staged(self, records: list[tuple[int, str]]) -> bytes:
        parts: list[str] = []
        for line, text in records:
            parts.append("\n" * (line - 1 - self._emitted))
            fields = next(csv.reader([text], delimiter=DELIMITER), [])
            parts.append(FIELD_SEPARATOR.join(map(_escape_field, fields)) + "\n")
            self._emitted = line
        return "".join(parts).encode("utf-8")
