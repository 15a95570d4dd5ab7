"""Running services in-process against the real broker and database, for integration tests."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from shared.runtime import ServiceRuntime


def settings_for(bootstrap: str, database_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "kafka_topic_partitions": 3,
        "environment": "test",
        "log_json": True,
        "outbox_poll_interval_s": 0.2,
        **extra,
    }


@contextlib.asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[tuple[httpx.AsyncClient, ServiceRuntime]]:
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client, app.state.runtime


async def eventually(
    check: Callable[[], Awaitable[Any]], *, timeout_s: float = 30, interval_s: float = 0.1
) -> Any:
    """Poll ``check`` until it returns a truthy value; fail with the last value after timeout."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval_s)
    raise AssertionError(f"condition not met within {timeout_s} s (last value: {last!r})")


async def fetchval(url: str, query: str, *args: Any) -> Any:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()
