"""Notifications's settings (environment prefix ``NOTIFICATIONS_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFICATIONS_", extra="ignore", frozen=True)

    http_port: int = 8003
    database_url: str = "postgresql://postgres@127.0.0.1:5432/notifications"
