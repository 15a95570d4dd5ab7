"""The committed AsyncAPI document is the one the code generates."""

from __future__ import annotations

from pathlib import Path

import yaml

from shared.contract import asyncapi_yaml
from shared.events import EVENT_TYPES

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"


def test_committed_asyncapi_document_matches_the_code() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == asyncapi_yaml(), (
        "docs/asyncapi.yaml is out of date: run `mitwirken asyncapi --write`"
    )


def test_the_document_describes_every_event_and_topic() -> None:
    document = yaml.safe_load(asyncapi_yaml())
    schemas = document["components"]["schemas"]
    for event_type in EVENT_TYPES:
        assert f"{event_type}Envelope" in schemas, event_type
    assert set(document["channels"]) == {
        "mitwirken.registration.submissions",
        "mitwirken.registration.events",
        "mitwirken.lottery.events",
        "mitwirken.notifications.events",
    }
