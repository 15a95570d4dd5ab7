"""Test harness: a real PostgreSQL once per test session, a fresh database per test, and a
real Kafka-protocol broker (Tansu) per test, all on loopback ports."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from mitwirken.infra import Postgres, Tansu


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    with tempfile.TemporaryDirectory(prefix="mitwirken-pg-") as tmp:
        # fsync off: tests check behaviour, not durability on power loss (benchmarks keep it on).
        server = Postgres(Path(tmp) / "data", fsync=False).start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def kafka() -> Iterator[Tansu]:
    broker = Tansu().start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture
async def database_url(postgres: Postgres) -> AsyncIterator[str]:
    """A fresh, empty database for one test."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(postgres.url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield postgres.url_for(name)


@pytest.fixture
def new_database_url(postgres: Postgres) -> object:
    """A factory of fresh database URLs (the database is created by the service at start)."""

    def make(prefix: str = "t") -> str:
        return postgres.url_for(f"{prefix}_{uuid.uuid4().hex[:12]}")

    return make


@pytest.fixture
async def page() -> AsyncIterator[object]:
    """A page in headless Chromium (Debian's chromium through Playwright)."""
    from tests.support.browser import browser_page

    async for page in browser_page():
        yield page
