"""Registration's settings (environment prefix ``REGISTRATION_``)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", frozen=True)

    http_port: int = 8001
    database_url: str = "postgresql://postgres@127.0.0.1:5432/registration"
    public_base_url: str = "http://127.0.0.1:8001"
    privacy_controller: str | None = None
    """Who is responsible for the data (GDPR Art. 13): shown in the privacy notice; a
    deployment sets its name and address, e.g. the regional partner's."""
    """Where residents reach the public pages: the base of confirmation and withdrawal links."""

    rollout_file: Path | None = None
    """The rollout configuration; the shipped Innovationsregion Mitteldeutschland file if unset."""
    rollout_first_workshop_in_days: int | None = Field(default=None, ge=1)
    """For demos and tests: move the workshops so the first is this many days from today."""

    reply_card_grace_hours: float = Field(default=0, ge=0)
    """How long after the deadline staff may still enter reply cards received in time;
    the district closes (ApplicationsClosed) at the deadline plus this grace."""
    confirmation_link_max_age_days: int = Field(default=30, ge=1)
    withdrawal_link_max_age_days: int = Field(default=365, ge=1)
    closing_check_interval_s: float = Field(default=5.0, gt=0)

    retention_days_after_workshop: int = Field(default=90, ge=0)
    """Personal data of a district is erased this many days after its workshop."""
    retention_check_interval_s: float = Field(default=3600.0, gt=0)

    public_rate_limit_per_minute: int = Field(default=30, ge=1)
    staff_rate_limit_per_minute: int = Field(default=600, ge=1)
    invitation_attempts: int = Field(default=10, ge=1)
    """Answers with an invitation code one client may send per window (against guessing)."""
    invitation_attempt_window_s: float = Field(default=600.0, gt=0)
