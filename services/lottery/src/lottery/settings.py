"""Lottery's settings (environment prefix ``LOTTERY_``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="LOTTERY_", extra="ignore", frozen=True)

    http_port: int = 8002
    database_url: str = "postgresql://postgres@127.0.0.1:5432/lottery"
    default_applicant_seats: int = Field(default=30, ge=0)
    randomness_source: str = (
        "Die Gewinnzahlen der Lotterie „6 aus 49“ (ohne Superzahl) der ersten Ziehung nach "
        "dem Anmeldeschluss, in der veröffentlichten Reihenfolge als eine Quelle / The "
        "winning numbers of the German '6 aus 49' lottery (without the bonus number) of "
        "the first drawing after the application deadline, as one source"
    )
    """The public source of randomness named in every commitment."""
