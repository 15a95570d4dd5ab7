"""The envelope every event travels in, and the rules for reading one.

Versioning rule: ``schema_version`` is ``MAJOR.MINOR``. Within a major version changes
are additive only (new optional fields); readers ignore fields they do not know, so an
old consumer reads a newer minor version. A change that removes or redefines a field
is a new major version, and a consumer that meets a major version it does not know
sends the message to the dead-letter topic instead of guessing.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

_VERSION = re.compile(r"^(\d+)\.(\d+)$")
MAX_EVENT_BYTES = 1_000_000
"""Larger messages are refused: no legitimate event of this contract comes near it."""


class Event(BaseModel):
    """Base of every event payload. Subclasses set the class variables below."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    schema_version: ClassVar[str] = "1.0"
    topic: ClassVar[str]


class Envelope(BaseModel):
    """What goes over the wire: metadata plus the payload of one event."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: uuid.UUID
    event_type: str = Field(min_length=1, max_length=100)
    schema_version: str = Field(pattern=_VERSION.pattern)
    occurred_at: AwareDatetime
    producer: str = Field(min_length=1, max_length=100)
    district_id: str = Field(min_length=1, max_length=100)
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @property
    def major_version(self) -> int:
        return int(self.schema_version.split(".", 1)[0])

    @classmethod
    def wrap(
        cls,
        event: Event,
        *,
        district_id: str,
        producer: str,
        correlation_id: uuid.UUID | None = None,
        causation: Envelope | None = None,
        occurred_at: datetime | None = None,
    ) -> Self:
        """A new envelope for ``event``; a caused event inherits its cause's correlation id."""
        event_id = uuid.uuid4()
        if causation is not None:
            correlation_id = causation.correlation_id
        return cls(
            event_id=event_id,
            event_type=event.event_type,
            schema_version=event.schema_version,
            occurred_at=occurred_at or datetime.now(UTC),
            producer=producer,
            district_id=district_id,
            correlation_id=correlation_id or event_id,
            causation_id=causation.event_id if causation is not None else None,
            payload=event.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode("utf-8")


class PoisonMessage(Exception):
    """A message that can never be handled; ``reason`` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_envelope(raw: bytes | None) -> Envelope:
    """Read an envelope from bytes, or raise PoisonMessage with the reason."""
    if raw is None:
        raise PoisonMessage("empty message (no value)")
    if len(raw) > MAX_EVENT_BYTES:
        raise PoisonMessage(f"message of {len(raw)} bytes exceeds the limit of {MAX_EVENT_BYTES}")
    try:
        return Envelope.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise PoisonMessage(f"not valid JSON: {first['msg']}") from None
        if first["type"] == "model_type" and not first["loc"]:
            raise PoisonMessage("not an event envelope: the JSON value is not an object") from None
        raise PoisonMessage(f"invalid envelope: {_describe(exc)}") from None


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "(message)"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def describe_validation_error(exc: ValidationError) -> str:
    """A short, person-readable summary of what failed validation (no values echoed)."""
    return _describe(exc)
