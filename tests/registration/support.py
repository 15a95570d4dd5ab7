"""A small district book for registration tests: deadlines relative to now."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from registration.service.districts import DistrictBook, DistrictTerms

BERLIN = ZoneInfo("Europe/Berlin")
RESIDENCES = {
    "halle": {("06108", "halle (saale)"), ("06110", "halle (saale)")},
    "leipzig": {("04109", "leipzig"), ("04177", "leipzig")},
    "closed-district": {("06712", "zeitz")},
}


def terms(district_id: str, deadline: datetime) -> DistrictTerms:
    allowed = RESIDENCES[district_id]
    workshop_date = (deadline + timedelta(days=7)).date()
    return DistrictTerms(
        district_id=district_id,
        application_deadline=deadline,
        workshop_date=workshop_date,
        applicant_seats=30,
        register_seats=30,
        resident_check=lambda pc, m: (pc, m.strip().casefold()) in allowed,
        town={"halle": "Halle (Saale)", "leipzig": "Leipzig"}.get(district_id, "Zeitz"),
        venue="Stadthaus, Marktplatz 2",
        starts_at=datetime.combine(workshop_date, time(10, 0), BERLIN),
        ends_at=datetime.combine(workshop_date, time(14, 0), BERLIN),
    )


def book(*, closed_deadline: datetime | None = None, open_days: int = 10) -> DistrictBook:
    now = datetime.now(UTC)
    return DistrictBook(
        [
            terms("halle", now + timedelta(days=open_days)),
            terms("leipzig", now + timedelta(days=open_days)),
            terms("closed-district", closed_deadline or now - timedelta(days=1)),
        ],
        reply_card_grace=timedelta(0),
    )


def applicant(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "given_name": "Jördis",
        "family_name": "Weiß",
        "address": {
            "street": "Große Ulrichstraße",
            "house_number": "7",
            "postal_code": "06108",
            "municipality": "Halle (Saale)",
        },
        "email": "joerdis.weiss@example.org",
        "birth_year": 1984,
        "gender": "female",
        "language": "de",
    }
    data.update(overrides)
    return data
