"""Hostile messages for a topic, generated with hypothesis: bytes that are no JSON, JSON
that is no envelope, envelopes with wrong fields, unknown event types, unknown major
versions, events on the wrong topic, payloads that fail validation, and messages over
the size limit. None of them can ever be handled: each must end in the dead-letter topic.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from shared.events import EVENT_TYPES, events_on
from shared.events.envelope import MAX_EVENT_BYTES

KINDS = (
    "bytes",
    "invalid JSON",
    "JSON not an object",
    "wrong envelope field",
    "unknown event type",
    "unknown major version",
    "event of another topic",
    "invalid payload",
    "oversized",
)


def envelope(event_type: str, *, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "event_type": event_type,
        "schema_version": EVENT_TYPES[event_type].schema_version
        if event_type in EVENT_TYPES
        else "1.0",
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": "fuzz",
        "district_id": "halle",
        "correlation_id": str(uuid.uuid4()),
        "payload": payload if payload is not None else {},
    }


def _required(cls: type[BaseModel]) -> list[str]:
    return [name for name, f in cls.model_fields.items() if f.is_required()]


def strategy(topic: str) -> st.SearchStrategy[tuple[str, bytes | None]]:
    on_topic = [c.event_type for c in events_on(topic)]
    with_required = [c.event_type for c in events_on(topic) if _required(c)]
    elsewhere = [t for t, c in EVENT_TYPES.items() if c.topic != topic]
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=10,
    )
    bad_field_values = st.one_of(
        st.none(), st.integers(), st.text(max_size=30), st.lists(st.integers(), max_size=3)
    )

    @st.composite
    def wrong_field(draw: Any) -> bytes:
        env = envelope(draw(st.sampled_from(on_topic)))
        field = draw(
            st.sampled_from(
                [
                    "event_id",
                    "schema_version",
                    "occurred_at",
                    "producer",
                    "district_id",
                    "correlation_id",
                    "payload",
                    "event_type",
                ]
            )
        )
        if draw(st.booleans()):
            del env[field]
        else:
            value = draw(bad_field_values)
            if field == "district_id" and isinstance(value, str):
                value = value if value == "" else None  # a non-empty string would be valid
            if field == "producer" and isinstance(value, str):
                value = "x" * 101  # over the length limit
            if field == "event_type" and isinstance(value, str):
                value = ""
            env[field] = value
        return json.dumps(env).encode()

    def tagged(kind: str, s: st.SearchStrategy[bytes | None]) -> st.SearchStrategy[Any]:
        return s.map(lambda raw: (kind, raw))

    return st.one_of(
        tagged("bytes", st.binary(max_size=2_000) | st.none()),
        tagged(
            "invalid JSON",
            st.text(max_size=200).map(lambda t: ('{"event_id": ' + t).encode("utf-8")),
        ),
        tagged(
            "JSON not an object",
            json_values.filter(lambda v: not isinstance(v, dict)).map(
                lambda v: json.dumps(v).encode()
            ),
        ),
        tagged("wrong envelope field", wrong_field()),
        tagged(
            "unknown event type",
            st.text(min_size=1, max_size=100)
            .filter(lambda t: t not in EVENT_TYPES)
            .map(lambda t: json.dumps(envelope(t)).encode()),
        ),
        tagged(
            "unknown major version",
            st.tuples(st.sampled_from(on_topic), st.integers(2, 10_000), st.integers(0, 99)).map(
                lambda v: json.dumps(
                    {**envelope(v[0]), "schema_version": f"{v[1]}.{v[2]}"}
                ).encode()
            ),
        ),
        tagged(
            "event of another topic",
            st.sampled_from(elsewhere).map(lambda t: json.dumps(envelope(t)).encode()),
        ),
        tagged(
            "invalid payload",
            st.tuples(
                st.sampled_from(with_required),
                st.dictionaries(st.text(max_size=8).map(lambda k: "x_" + k), json_values),
            ).map(lambda v: json.dumps(envelope(v[0], payload=v[1])).encode()),
        ),
    )


def oversized(topic: str, sizes: list[int]) -> list[tuple[str, bytes]]:
    """Valid-looking envelopes padded past the limit."""
    event_type = events_on(topic)[0].event_type
    found = []
    for size in sizes:
        env = envelope(event_type)
        base = len(json.dumps({**env, "padding": ""}).encode())
        env["padding"] = "x" * (MAX_EVENT_BYTES + size - base)
        found.append(("oversized", json.dumps(env).encode()))
    return found


def generate(topic: str, n: int) -> list[tuple[str, bytes | None]]:
    """``n`` hostile messages for ``topic`` (deterministic), plus three oversized ones."""
    collected: list[tuple[str, bytes | None]] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )
    @given(strategy(topic))
    def collect(message: tuple[str, bytes | None]) -> None:
        collected.append(message)

    collect()
    return collected + oversized(topic, [1, 4_000, 40_000])
