"""Registration's settings (environment prefix ``REGISTRATION_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRATION_", extra="ignore", frozen=True)

    http_port: int = 8001
    database_url: str = "postgresql://postgres@127.0.0.1:5432/registration"
    public_base_url: str = "http://127.0.0.1:8001"
    """Where residents reach the public pages: the base of confirmation links."""
