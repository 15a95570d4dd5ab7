"""Topic names and the partition key: the only place they are spelled out.

Invariant: every event of one district is published with the district id as its key,
so all of a district's events on a topic land in one partition, in order. The lottery
relies on this: once it sees a district's ApplicationsClosed it has seen every
application of that district.
"""

from __future__ import annotations

from typing import Final

REGISTRATION_SUBMISSIONS: Final = "mitwirken.registration.submissions"
"""Intake from the website: ApplicationSubmitted (the same validation as the HTTP API)."""

REGISTRATION_EVENTS: Final = "mitwirken.registration.events"
LOTTERY_EVENTS: Final = "mitwirken.lottery.events"
NOTIFICATIONS_EVENTS: Final = "mitwirken.notifications.events"

ALL_TOPICS: Final = (
    REGISTRATION_SUBMISSIONS,
    REGISTRATION_EVENTS,
    LOTTERY_EVENTS,
    NOTIFICATIONS_EVENTS,
)

DLQ_SUFFIX: Final = ".dlq"


def dead_letter_topic(topic: str) -> str:
    """The dead-letter topic of ``topic``: messages that could not be handled, with the reason."""
    return topic + DLQ_SUFFIX


def partition_key(district_id: str) -> bytes:
    """The partition key of every event: its district."""
    return district_id.encode("utf-8")


def all_topics_with_dead_letters() -> tuple[str, ...]:
    return ALL_TOPICS + tuple(dead_letter_topic(t) for t in ALL_TOPICS)
