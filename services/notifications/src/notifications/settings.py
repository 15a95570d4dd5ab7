"""Notifications' settings (environment prefix ``NOTIFICATIONS_``)."""

from __future__ import annotations

from datetime import time

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    http_port: int = 8003
    database_url: str = "postgresql://postgres@127.0.0.1:5432/notifications"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=1025, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_use_tls: bool = False
    """Implicit TLS (SMTPS, usually port 465)."""
    smtp_start_tls: bool = False
    """STARTTLS after connecting (usually port 587)."""
    smtp_timeout_s: float = Field(default=10, gt=0)
    mail_from: str = "Zukunftswerkstatt <mitwirken@localhost>"

    send_interval_s: float = Field(default=0.2, gt=0)
    send_batch: int = Field(default=100, ge=1, le=500)
    retry_backoff_s: float = Field(default=2.0, gt=0)
    retry_backoff_max_s: float = Field(default=300.0, gt=0)
    max_attempts: int = Field(default=200, ge=1)
    """Transient failures are retried this often before the message counts as failed."""
    lease_s: float = Field(default=60.0, gt=0)

    registration_public_base_url: str = "http://127.0.0.1:8001"
    """Registration's public pages (its ``public_base_url``): letters point to its answer form."""
    letter_sender_line: str = (
        "Zukunftswerkstätten · Innovationsregion Mitteldeutschland · Postfach 10 01 01 · "
        "06108 Halle (Saale)"
    )
    """The return-address line above the address window, and where reply cards go."""
    letter_render_batch: int = Field(default=10, ge=1, le=500)
    letter_render_interval_s: float = Field(default=1.0, gt=0)

    reminder_days_before: tuple[int, ...] = (7, 1)
    reminder_local_time: time = time(9, 0)
    reminder_timezone: str = "Europe/Berlin"
    reminder_check_interval_s: float = Field(default=30.0, gt=0)
    reminder_batch: int = Field(default=50, ge=1, le=1000)
