"""Registration with its pages, served over HTTP on a loopback port (so Chromium can
reach it), on the real broker and database; one instance for the module's tests."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest
import uvicorn

from mitwirken.infra import Postgres, Tansu, free_port
from registration.main import create_app
from registration.settings import Settings
from tests.registration.support import book
from tests.support.services import settings_for


@dataclass
class Site:
    base_url: str
    database_url: str
    kafka: Tansu


@pytest.fixture(scope="module")
async def site(postgres: Postgres) -> AsyncIterator[Site]:
    name = f"pages_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(postgres.url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    database_url = postgres.url_for(name)
    kafka = Tansu().start()
    port = free_port()
    settings = Settings(
        **settings_for(
            kafka.bootstrap_servers,
            database_url,
            public_base_url=f"http://127.0.0.1:{port}",
            public_rate_limit_per_minute=1000,
        )
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, districts=book()),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
        )
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.05)
        yield Site(f"http://127.0.0.1:{port}", database_url, kafka)
    finally:
        server.should_exit = True
        await task
        kafka.stop()
