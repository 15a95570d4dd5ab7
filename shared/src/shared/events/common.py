"""Value types that several events share: the applicant's data and its enumerations."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, EmailStr, Field


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

    street: str = Field(min_length=1, max_length=200)
    house_number: str = Field(min_length=1, max_length=20)
    postal_code: str = Field(pattern=r"^\d{5}$")
    municipality: str = Field(min_length=1, max_length=200)


class Applicant(BaseModel):
    """The personal data of one applicant. Travels only on access-controlled topics
    and is never logged."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    address: PostalAddress | None = None
    email: EmailStr | None = None
    phone: str | None = Field(default=None, max_length=50)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    gender: Gender = Gender.NOT_STATED
    accessibility_needs: tuple[AccessibilityNeed, ...] = ()
    accessibility_other: str | None = Field(default=None, max_length=500)
    language: Language = Language.DE
