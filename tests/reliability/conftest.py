"""The fault-injection suite: its own marker, so it can be selected or left out."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "reliability: kills, pauses and restarts the real system under load"
    )
