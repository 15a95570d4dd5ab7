"""The whole system as separate processes, started once for the end-to-end tests."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mitwirken.infra import free_port
from mitwirken.stack import SERVICES, LocalStack


@pytest.fixture(scope="session")
def stack() -> Iterator[LocalStack]:
    with tempfile.TemporaryDirectory(prefix="mitwirken-e2e-") as home:
        system = LocalStack(
            home=Path(home),
            ports={name: free_port() for name in SERVICES},
            fsync=False,
            extra_env={"{PREFIX}KAFKA_TOPIC_PARTITIONS": "3", "{PREFIX}ENVIRONMENT": "test"},
        )
        try:
            system.start()
            yield system
        finally:
            system.stop()
