"""The districts registration serves, as the rollout configuration defines them.

``DistrictBook`` answers what the intake rules ask of a district (its deadline, who
lives there) and knows when each district closes: at the application deadline plus an
optional grace period for entering reply cards that arrived in time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

import asyncpg

from registration.adapters import repository
from shared.events.registration import WorkshopScheduled
from shared.messaging import outbox


@dataclass(frozen=True, slots=True)
class DistrictTerms:
    district_id: str
    application_deadline: datetime
    workshop_date: date
    applicant_seats: int
    register_seats: int
    resident_check: Callable[[str, str], bool]
    town: str = ""
    venue: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    def is_resident(self, postal_code: str, municipality: str) -> bool:
        return self.resident_check(postal_code, municipality)


class DistrictRules(Protocol):
    """What a district of the rollout configuration offers (see ``domain/rollout.py``)."""

    district_id: str
    workshop_date: date
    applicant_seats: int
    register_seats: int
    town: str

    @property
    def application_deadline(self) -> datetime: ...

    @property
    def workshop_starts_at(self) -> datetime: ...

    @property
    def workshop_ends_at(self) -> datetime: ...

    @property
    def venue_text(self) -> str: ...

    def is_resident(self, postal_code: str, municipality: str) -> bool: ...


class DistrictBook:
    def __init__(self, districts: Iterable[DistrictTerms], *, reply_card_grace: timedelta) -> None:
        self._districts = {d.district_id: d for d in districts}
        self.reply_card_grace = reply_card_grace

    def terms(self, district_id: str) -> DistrictTerms | None:
        return self._districts.get(district_id)

    def ids(self) -> list[str]:
        return sorted(self._districts)

    def all(self) -> list[DistrictTerms]:
        return [self._districts[i] for i in self.ids()]

    def closes_at(self, district_id: str) -> datetime:
        return self._districts[district_id].application_deadline + self.reply_card_grace

    async def store(self, conn: asyncpg.Connection) -> None:
        """Record the districts (and changed dates of districts not yet closed), and
        announce each new or changed workshop with WorkshopScheduled."""
        for d in self._districts.values():
            changed = await repository.upsert_district(
                conn,
                d.district_id,
                deadline=d.application_deadline,
                closes_at=self.closes_at(d.district_id),
                workshop_date=d.workshop_date,
                applicant_seats=d.applicant_seats,
                register_seats=d.register_seats,
            )
            if changed:
                await outbox.append(
                    conn,
                    WorkshopScheduled(
                        workshop_date=d.workshop_date,
                        town=d.town,
                        applicant_seats=d.applicant_seats,
                        register_seats=d.register_seats,
                        application_deadline=d.application_deadline,
                        venue=d.venue,
                        starts_at=d.starts_at,
                        ends_at=d.ends_at,
                    ),
                    district_id=d.district_id,
                    producer="registration",
                )


def book_of(districts: Iterable[DistrictRules], *, reply_card_grace: timedelta) -> DistrictBook:
    return DistrictBook(
        (
            DistrictTerms(
                district_id=d.district_id,
                application_deadline=d.application_deadline,
                workshop_date=d.workshop_date,
                applicant_seats=d.applicant_seats,
                register_seats=d.register_seats,
                resident_check=d.is_resident,
                town=d.town,
                venue=d.venue_text,
                starts_at=d.workshop_starts_at,
                ends_at=d.workshop_ends_at,
            )
            for d in districts
        ),
        reply_card_grace=reply_card_grace,
    )
