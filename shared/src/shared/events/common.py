"""Value types that several events share: the applicant's data and its enumerations."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic.networks import validate_email

DECODING = "mitwirken.decoding"
"""Validation context key set while a consumer decodes an event from the wire."""

_PLAUSIBLE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_address(value: str, info: ValidationInfo) -> str:
    """An e-mail address, checked in full (syntax, international domains, normalised)
    where it enters the system, and by its shape only when an event is decoded: the
    producer checked it in full already, and the full check costs most of a consumer's
    decoding time (about 0.4 ms an event)."""
    if info.context and info.context.get(DECODING):
        if len(value) > 320 or not _PLAUSIBLE_EMAIL.match(value):
            raise ValueError("value is not a valid email address")
        return value
    return validate_email(value)[1]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control_characters(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("must not contain control characters (such as tabs or line breaks)")
    return value


def _no_control_characters_but_lines(value: str) -> str:
    if _CONTROL_IN_TEXT.search(value):
        raise ValueError("must not contain control characters")
    return value


Line = Annotated[str, AfterValidator(_no_control_characters)]
"""One line of text a person typed (a name, a street): no control characters, which
PostgreSQL cannot store (NUL) or which have no place in an address."""
Text = Annotated[str, AfterValidator(_no_control_characters_but_lines)]
"""Free text: line breaks and tabs allowed, other control characters not."""

EmailAddress = Annotated[
    str, AfterValidator(email_address), WithJsonSchema({"type": "string", "format": "email"})
]


class Channel(StrEnum):
    WEB = "web"
    REPLY_CARD = "reply_card"


class Gender(StrEnum):
    FEMALE = "female"
    MALE = "male"
    DIVERSE = "diverse"
    NOT_STATED = "not_stated"


class Language(StrEnum):
    DE = "de"
    EN = "en"


class AccessibilityNeed(StrEnum):
    STEP_FREE_ACCESS = "step_free_access"
    SIGN_LANGUAGE_INTERPRETER = "sign_language_interpreter"
    CHILDCARE = "childcare"


class PostalAddress(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    street: Line = Field(min_length=1, max_length=200)
    house_number: Line = Field(min_length=1, max_length=20)
    postal_code: str = Field(pattern=r"^\d{5}$")
    municipality: Line = Field(min_length=1, max_length=200)


class Applicant(BaseModel):
    """The personal data of one applicant. Travels only on access-controlled topics
    and is never logged."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    given_name: Line = Field(min_length=1, max_length=200)
    family_name: Line = Field(min_length=1, max_length=200)
    address: PostalAddress | None = None
    email: EmailAddress | None = None
    phone: Line | None = Field(default=None, max_length=50)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    gender: Gender = Gender.NOT_STATED
    accessibility_needs: tuple[AccessibilityNeed, ...] = ()
    accessibility_other: Text | None = Field(default=None, max_length=500)
    language: Language = Language.DE
