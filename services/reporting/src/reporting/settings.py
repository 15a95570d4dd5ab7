"""Reporting's settings (environment prefix ``REPORTING_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore", frozen=True)

    http_port: int = 8004
    database_url: str = "postgresql://postgres@127.0.0.1:5432/reporting"

    lottery_public_url: str = "http://127.0.0.1:8002"
    """Where the public reads the lottery's audit records (linked from transparency pages)."""
