"""The rollout configuration: which districts take part, when and where each workshop is,
how many seats each half has, until when residents can apply, and who lives where.

A rollout is data, loaded once at start (``registration.adapters.rollout_file``) and never
changed while the service runs; ``shifted`` and ``relative_to`` return new rollouts.

Invariants, checked whenever a rollout is built (a broken file never starts the service):

- district ids are unique slugs, and a district lists each municipality once;
- seats per half are >= 0 and every workshop has at least one seat;
- postal codes are strings of exactly five digits;
- a workshop ends after it starts, both times exist on that day in Europe/Berlin, and the
  application deadline lies before the workshop starts.

The application deadline. "Applications are possible until seven days before the
workshop" is read as: the whole day W-7 (W = the workshop date) still counts, so the
deadline is W-7 at 24:00 local time, the instant local midnight begins day W-6. It is the
*first instant that is too late* (``now >= application_deadline`` is late; a reply card
received on the deadline's own date is late), an aware datetime in Europe/Berlin, so it is
right on either side of a change to or from summer time.

Fact or sample. Each district says whether its municipality list (``municipalities_status``),
its venue and its workshop times are ``official`` or ``sample`` data; ``Rollout.sample_data``
lists what a deployment still has to replace.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

BERLIN = ZoneInfo("Europe/Berlin")
SUPPORTED_FORMAT_VERSIONS = (1,)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FOLDS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# What follows a place name's core: "Halle (Saale)", "Halle/Saale", "Halle a.d. Saale",
# "Halle an der Saale" all name the town a resident may simply write as "Halle".
_QUALIFIER = re.compile(r"\s*(?:[(/,]|\s(?:an der|an|am|a\.\s*d\.|a\.)\s*\S).*$", re.IGNORECASE)


def _problem(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as is (no "Value error," prefix)."""
    return PydanticCustomError("rollout", "{problem}", {"problem": message})


def _postal_code(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # Unquoted, 06712 is not valid TOML and 6712 has silently lost its leading zero.
        raise _problem(
            f'postal code {value} must be written in quotes as five digits, e.g. "{value:05d}"'
        )
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"\d{5}", value):
            raise _problem(f"postal code {value!r} must have exactly five digits")
    return value


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


PostalCode = Annotated[str, BeforeValidator(_postal_code)]
Text = Annotated[str, Field(min_length=1), BeforeValidator(_stripped)]


def fold_place_name(name: str) -> str:
    """Case, accents, umlauts (ä = ae), spacing and punctuation folded away."""
    lowered = unicodedata.normalize("NFC", name).casefold().translate(_FOLDS)
    return "".join(c for c in unicodedata.normalize("NFKD", lowered) if c.isalnum())


def _spellings(name: str) -> set[str]:
    return {fold_place_name(name), fold_place_name(_QUALIFIER.sub("", name.strip()))} - {""}


class DataStatus(StrEnum):
    OFFICIAL = "official"
    SAMPLE = "sample"


class UnknownDistrict(KeyError):
    """A district id that is not part of this rollout."""

    def __init__(self, district_id: str, known: Iterable[str]) -> None:
        super().__init__(district_id)
        self.district_id = district_id
        self.known = tuple(known)

    def __str__(self) -> str:
        return f"unknown district {self.district_id!r}; known districts: {', '.join(self.known)}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Venue(_Frozen):
    name: Text
    address: Text
    status: DataStatus = DataStatus.OFFICIAL


class Municipality(_Frozen):
    name: Text
    postal_codes: tuple[PostalCode, ...]
    aliases: tuple[Text, ...] = ()
    """Other names residents use, e.g. the former towns of a merged municipality."""

    @field_validator("postal_codes")
    @classmethod
    def _some_postal_codes(cls, codes: tuple[str, ...]) -> tuple[str, ...]:
        if not codes:
            raise _problem("a municipality needs at least one postal code")
        return codes

    def is_called(self, spelling: str) -> bool:
        given = _spellings(spelling)
        return any(given & _spellings(n) for n in (self.name, *self.aliases))


class District(_Frozen):
    district_id: str
    name: Text
    ags: str
    """The official key (Amtlicher Gemeindeschlüssel) of the district or city."""
    state: Text
    town: Text
    workshop_date: date
    workshop_start_time: time = time(10, 0)
    workshop_end_time: time = time(14, 0)
    workshop_times_status: DataStatus = DataStatus.OFFICIAL
    venue: Venue
    register_seats: int = Field(default=30, ge=0)
    applicant_seats: int = Field(default=30, ge=0)
    application_days_before: int = Field(default=7, ge=1)
    """Applications count until this many days before the workshop (the whole day)."""
    municipalities: tuple[Municipality, ...]
    municipalities_status: DataStatus

    @field_validator("district_id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.fullmatch(value):
            raise _problem(
                f"district_id {value!r} must be a slug: lower-case letters, digits and "
                "single hyphens, e.g. 'anhalt-bitterfeld'"
            )
        return value

    @field_validator("ags")
    @classmethod
    def _ags(cls, value: str) -> str:
        if not re.fullmatch(r"\d{5}(?:\d{3})?", value):
            raise _problem(f"ags {value!r} must be the official key: 5 (or 8) digits")
        return value

    @field_validator("workshop_start_time", "workshop_end_time")
    @classmethod
    def _local_time(cls, value: time) -> time:
        if value.tzinfo is not None:
            raise _problem(f"{value} must be a local time without offset (Europe/Berlin)")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> District:
        found: list[str] = []
        if self.workshop_end_time <= self.workshop_start_time:
            found.append(
                f"workshop_end_time {self.workshop_end_time:%H:%M} must be after "
                f"workshop_start_time {self.workshop_start_time:%H:%M}"
            )
        for field in ("workshop_start_time", "workshop_end_time"):
            at: time = getattr(self, field)
            if not _exists(self.workshop_date, at):
                found.append(
                    f"{field} {at:%H:%M} does not exist on {self.workshop_date} in "
                    "Europe/Berlin (clocks skip it for summer time)"
                )
        if self.application_deadline >= self.workshop_starts_at:
            found.append("the application deadline must lie before the workshop starts")
        if self.seats == 0:
            found.append("register_seats and applicant_seats are both 0: a workshop needs seats")
        seen: dict[str, str] = {}
        for m in self.municipalities:
            key = fold_place_name(m.name)
            if key in seen:
                found.append(f"municipality {m.name!r} is listed twice (also as {seen[key]!r})")
            seen.setdefault(key, m.name)
        if found:
            raise _problem("; ".join(found))
        return self

    @property
    def seats(self) -> int:
        return self.register_seats + self.applicant_seats

    @property
    def last_application_day(self) -> date:
        return self.workshop_date - timedelta(days=self.application_days_before)

    @property
    def application_deadline(self) -> datetime:
        """The first instant too late: local midnight ending the last application day."""
        return datetime.combine(self.last_application_day + timedelta(days=1), time(0), BERLIN)

    @property
    def workshop_starts_at(self) -> datetime:
        return datetime.combine(self.workshop_date, self.workshop_start_time, BERLIN)

    @property
    def workshop_ends_at(self) -> datetime:
        return datetime.combine(self.workshop_date, self.workshop_end_time, BERLIN)

    @property
    def venue_text(self) -> str:
        """The venue as one line for letters and e-mails."""
        return f"{self.venue.name}, {self.venue.address}"

    def is_resident(self, postal_code: str, municipality: str) -> bool:
        """Whether this municipality, in any common spelling, lies in the district and has
        this postal code there."""
        code = postal_code.strip()
        return any(
            code in m.postal_codes and m.is_called(municipality) for m in self.municipalities
        )

    def sample_data(self) -> list[str]:
        parts = {
            "municipalities": self.municipalities_status,
            "venue": self.venue.status,
            "workshop times": self.workshop_times_status,
        }
        return [name for name, status in parts.items() if status is DataStatus.SAMPLE]


def _exists(day: date, at: time) -> bool:
    local = datetime.combine(day, at, BERLIN)
    return local.astimezone(UTC).astimezone(BERLIN).replace(tzinfo=None) == local.replace(
        tzinfo=None
    )


class Rollout(_Frozen):
    format_version: int
    region: Text
    districts: tuple[District, ...]

    @field_validator("format_version")
    @classmethod
    def _supported(cls, value: int) -> int:
        if value not in SUPPORTED_FORMAT_VERSIONS:
            supported = ", ".join(map(str, SUPPORTED_FORMAT_VERSIONS))
            raise _problem(
                f"format_version {value} is not supported by this version (supported: {supported})"
            )
        return value

    @field_validator("districts")
    @classmethod
    def _unique(cls, districts: tuple[District, ...]) -> tuple[District, ...]:
        if not districts:
            raise _problem("a rollout needs at least one district")
        ids = [d.district_id for d in districts]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise _problem(f"district_id used by more than one district: {', '.join(twice)}")
        return districts

    def district_ids(self) -> list[str]:
        return [d.district_id for d in self.districts]

    def district(self, district_id: str) -> District:
        for d in self.districts:
            if d.district_id == district_id:
                return d
        raise UnknownDistrict(district_id, self.district_ids())

    def is_eligible_address(self, district_id: str, postal_code: str, municipality: str) -> bool:
        """Raises ``UnknownDistrict`` for an id outside the rollout."""
        return self.district(district_id).is_resident(postal_code, municipality)

    @property
    def first_workshop_date(self) -> date:
        return min(d.workshop_date for d in self.districts)

    def shifted(self, first_workshop: date) -> Rollout:
        """A copy whose first workshop is on ``first_workshop``; the others keep their
        distance in days from it (weekdays change unless the shift is whole weeks)."""
        by = first_workshop - self.first_workshop_date
        return self.model_copy(
            update={
                "districts": tuple(
                    d.model_copy(update={"workshop_date": d.workshop_date + by})
                    for d in self.districts
                )
            }
        )

    def relative_to(self, today: date, *, days_until_first_workshop: int) -> Rollout:
        """For demos and tests: the first workshop ``days_until_first_workshop`` from today."""
        return self.shifted(today + timedelta(days=days_until_first_workshop))

    def sample_data(self) -> dict[str, list[str]]:
        """Per district id, what is still sample data (districts without any are left out)."""
        return {d.district_id: s for d in self.districts if (s := d.sample_data())}
