"""Applications as the domain sees them: who applied, where, by which channel."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.events.common import Applicant, Channel


@dataclass(frozen=True, slots=True)
class Application:
    application_id: uuid.UUID
    district_id: str
    channel: Channel
    applicant: Applicant
    received_at: datetime

    @classmethod
    def new(
        cls, district_id: str, channel: Channel, applicant: Applicant, received_at: datetime
    ) -> Application:
        return cls(uuid.uuid4(), district_id, channel, applicant, received_at)
