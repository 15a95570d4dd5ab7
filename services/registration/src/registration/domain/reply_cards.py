"""Reply cards as data entry or a scanning service delivers them: one CSV row per card.

Columns (header row required; order free): card_id, district_id, given_name,
family_name, street, house_number, postal_code, municipality, birth_year, gender,
email, phone, language, received_on (YYYY-MM-DD or DD.MM.YYYY), accessibility
(semicolon-separated: step_free_access; sign_language_interpreter; childcare),
accessibility_other. Every row is read on its own: a bad row is reported with its line
number and reason and does not stop the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError

from shared.events.common import AccessibilityNeed, Applicant, Gender, Language, PostalAddress

REQUIRED_COLUMNS = (
    "card_id",
    "district_id",
    "given_name",
    "family_name",
    "street",
    "house_number",
    "postal_code",
    "municipality",
    "birth_year",
    "received_on",
)
_GENDERS = {
    "": Gender.NOT_STATED,
    "w": Gender.FEMALE,
    "weiblich": Gender.FEMALE,
    "female": Gender.FEMALE,
    "f": Gender.FEMALE,
    "m": Gender.MALE,
    "männlich": Gender.MALE,
    "male": Gender.MALE,
    "d": Gender.DIVERSE,
    "divers": Gender.DIVERSE,
    "diverse": Gender.DIVERSE,
    "keine angabe": Gender.NOT_STATED,
    "not_stated": Gender.NOT_STATED,
}


@dataclass(frozen=True, slots=True)
class ReplyCard:
    line: int
    card_id: str
    district_id: str
    applicant: Applicant
    received_on: date


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    card_id: str | None
    reason: str


class MissingColumns(ValueError):
    pass


def _date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("received_on is not a date (YYYY-MM-DD or DD.MM.YYYY)")


def read_card(line: int, row: dict[str, str]) -> ReplyCard | RowError:
    get = {k: (v or "").strip() for k, v in row.items() if k is not None}
    card_id = get.get("card_id") or None
    try:
        if not card_id:
            raise ValueError("card_id is empty")
        gender = _GENDERS.get(get.get("gender", "").casefold())
        if gender is None:
            raise ValueError("gender must be one of w, m, d or empty")
        needs = tuple(
            AccessibilityNeed(n.strip())
            for n in get.get("accessibility", "").split(";")
            if n.strip()
        )
        birth_year = int(get["birth_year"]) if get.get("birth_year") else None
        applicant = Applicant(
            given_name=get["given_name"],
            family_name=get["family_name"],
            address=PostalAddress(
                street=get["street"],
                house_number=get["house_number"],
                postal_code=get["postal_code"],
                municipality=get["municipality"],
            ),
            email=get.get("email") or None,
            phone=get.get("phone") or None,
            birth_year=birth_year,
            gender=gender,
            accessibility_needs=needs,
            accessibility_other=get.get("accessibility_other") or None,
            language=Language(get.get("language") or "de"),
        )
        return ReplyCard(line, card_id, get["district_id"], applicant, _date(get["received_on"]))
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) for e in exc.errors()})
        return RowError(line, card_id, f"invalid value in: {', '.join(fields)}")
    except (ValueError, KeyError) as exc:
        return RowError(line, card_id, str(exc).strip("'"))


def read_cards(text: str) -> Iterator[ReplyCard | RowError]:
    """Parse a CSV file's text; raises MissingColumns when the header lacks a column."""
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MissingColumns(f"the CSV header lacks the columns: {', '.join(missing)}")
    for row in reader:
        yield read_card(reader.line_num, row)
