"""The AsyncAPI document of every event, generated from the code.

Each topic is declared as a publisher whose message is the union of the typed
envelopes of the events on it, so the document shows the envelope fields and every
payload. ``docs/asyncapi.yaml`` is this document; a test fails when they differ.
Regenerate with ``mitwirken asyncapi --write``.
"""

from __future__ import annotations

from typing import Any, Literal, Union

import yaml
from faststream.kafka import KafkaBroker
from faststream.specification import AsyncAPI
from pydantic import create_model

from shared import topics
from shared.events import Envelope, Event, events_on

_PRODUCERS = {
    topics.REGISTRATION_SUBMISSIONS: "the website (or any intake client)",
    topics.REGISTRATION_EVENTS: "registration",
    topics.LOTTERY_EVENTS: "lottery",
    topics.NOTIFICATIONS_EVENTS: "notifications",
}


def typed_envelope(event: type[Event]) -> type[Envelope]:
    """The envelope of ``event`` with its ``event_type`` and ``payload`` made specific."""
    model: type[Envelope] = create_model(
        f"{event.__name__}Envelope",
        __base__=Envelope,
        __doc__=(event.__doc__ or event.__name__).strip(),
        event_type=(Literal[event.event_type], ...),  # type: ignore[valid-type]
        schema_version=(str, event.schema_version),
        payload=(event, ...),
    )
    return model


def contract_broker() -> KafkaBroker:
    broker = KafkaBroker("kafka:9092", description="mitwirken event contract")
    for topic in topics.ALL_TOPICS:
        events = events_on(topic)
        envelopes = tuple(typed_envelope(e) for e in events)
        schema: Any = envelopes[0] if len(envelopes) == 1 else Union[envelopes]  # noqa: UP007
        broker.publisher(
            topic,
            schema=schema,
            title=topic,
            description=(
                f"Published by {_PRODUCERS[topic]}; key: the district id. Events: "
                + ", ".join(e.event_type for e in events)
                + f". Undeliverable messages go to {topics.dead_letter_topic(topic)}."
            ),
        )
    return broker


def asyncapi_yaml() -> str:
    spec = AsyncAPI(
        contract_broker(),
        title="mitwirken events",
        version="1.0.0",
        description=(
            "Every event travels in one envelope (event_id, event_type, schema_version, "
            "occurred_at, producer, district_id, correlation_id, causation_id, payload). "
            "The key of every message is its district. schema_version is MAJOR.MINOR: "
            "changes within a major version are additive; an unknown major version goes "
            "to the topic's dead-letter topic."
        ),
        schema_version="3.0.0",
    )
    # Sorted keys: the document must not depend on the order publishers were registered.
    return str(
        yaml.safe_dump(
            spec.to_specification().to_jsonable(), sort_keys=True, allow_unicode=True, width=100
        )
    )
