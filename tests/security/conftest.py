"""One whole system (every service as a process) for the end-to-end security tests."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mitwirken.infra import free_port
from mitwirken.stack import SERVICES, LocalStack


@pytest.fixture(scope="session")
def system() -> Iterator[LocalStack]:
    with tempfile.TemporaryDirectory(prefix="mitwirken-security-") as home:
        stack = LocalStack(
            home=Path(home),
            ports={name: free_port() for name in SERVICES},
            fsync=False,
            extra_env={
                "{PREFIX}KAFKA_TOPIC_PARTITIONS": "3",
                "{PREFIX}ENVIRONMENT": "test",
                "REGISTRATION_CLOSING_CHECK_INTERVAL_S": "1",
            },
        )
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()
