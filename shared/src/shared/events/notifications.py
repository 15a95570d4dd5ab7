"""Events the notifications service publishes: what was delivered and what failed.

They name the recipient by a reference (application or invitee id), never by address.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from shared import topics
from shared.events.envelope import Event


class NotificationSent(Event):
    event_type: ClassVar[str] = "NotificationSent"
    topic: ClassVar[str] = topics.NOTIFICATIONS_EVENTS

    notification_id: uuid.UUID
    template: str
    channel: str
    recipient_ref: uuid.UUID
    source_event_id: uuid.UUID


class NotificationFailed(Event):
    event_type: ClassVar[str] = "NotificationFailed"
    topic: ClassVar[str] = topics.NOTIFICATIONS_EVENTS

    notification_id: uuid.UUID
    template: str
    channel: str
    recipient_ref: uuid.UUID
    source_event_id: uuid.UUID
    reason: str
    permanent: bool
