"""Calendar invitations (.ics, RFC 5545) for the workshop a participant holds a seat in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from icalendar import Calendar, Event


def workshop_invitation(
    *,
    district_id: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str,
    description: str,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//mitwirken//Zukunftswerkstatt//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    # One stable UID per workshop: a second invitation updates the first in the calendar.
    event.add(
        "uid", f"{uuid.uuid5(uuid.NAMESPACE_URL, 'mitwirken:workshop:' + district_id)}@mitwirken"
    )
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
