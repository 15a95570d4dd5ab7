"""The settings every service has. Each service subclasses ServiceSettings with its own
environment prefix (``REGISTRATION_``, ``LOTTERY_``, ...) and builds it once in main.py.

Secrets come only from the environment. Outside ``environment=local`` the service
refuses to start with the development signing secret.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "local-development-secret-do-not-use-in-production"  # noqa: S105


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    environment: Literal["local", "test", "production"] = "local"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8000, ge=0, le=65535)

    database_url: str = "postgresql://postgres@127.0.0.1:5432/mitwirken"
    database_pool_min: int = Field(default=1, ge=1)
    database_pool_max: int = Field(default=10, ge=1)
    create_database: bool = True
    """Create the service's database if it is missing (local runs; production provisions it)."""

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_client_id: str | None = None
    kafka_enable_idempotence: bool = False
    """Off for the local broker, which refuses idempotent producers; on for Apache Kafka."""
    kafka_fetch_max_wait_ms: int = Field(default=100, ge=1, le=10_000)
    kafka_create_topics: bool = True
    """Create missing topics at start (local runs; production creates them in deploy/)."""
    kafka_topic_partitions: int = Field(default=12, ge=1)
    kafka_replication_factor: int = Field(default=1, ge=1)
    kafka_max_batch: int = Field(default=500, ge=1, le=10_000)

    outbox_batch_size: int = Field(default=500, ge=1, le=10_000)
    outbox_poll_interval_s: float = Field(default=0.5, gt=0)
    outbox_published_retention_hours: float = Field(default=24.0, ge=0)
    """Published messages stay this long in the outbox (for operators), then go: the
    topics hold them, and their payloads may carry personal data."""
    handler_attempts: int = Field(default=3, ge=1, le=20)
    """How often one event's handler is tried before the event goes to the dead-letter topic."""

    log_level: str = "INFO"
    log_json: bool = True

    signing_secret: SecretStr = SecretStr(DEVELOPMENT_SECRET)

    @model_validator(mode="after")
    def _no_development_secret_in_production(self) -> ServiceSettings:
        if (
            self.environment == "production"
            and self.signing_secret.get_secret_value() == DEVELOPMENT_SECRET
        ):
            raise ValueError(
                "signing_secret is the development default; set a secret in the environment"
            )
        if self.database_pool_min > self.database_pool_max:
            raise ValueError("database_pool_min must not exceed database_pool_max")
        return self
