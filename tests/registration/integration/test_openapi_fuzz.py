"""Schemathesis against registration's OpenAPI document, with the service running on a
real port against the real broker and database: no input may cause a server error or a
response that breaks the documented schema."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import pytest
import uvicorn

from mitwirken.infra import Tansu, free_port
from registration.main import create_app
from registration.settings import Settings
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.registration.support import book
from tests.support.services import eventually, settings_for

pytestmark = pytest.mark.integration


async def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    kafka: Tansu, database_url: str, tmp_path: Path
) -> None:
    settings = Settings(
        **settings_for(
            kafka.bootstrap_servers,
            database_url,
            public_rate_limit_per_minute=1_000_000,
            staff_rate_limit_per_minute=1_000_000,
        )
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, districts=book()), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    serving = asyncio.create_task(server.serve())
    try:

        async def started() -> bool:
            return bool(server.started)

        await eventually(started)
        token = issue_staff_token(DEVELOPMENT_SECRET, subject="fuzz", role="admin")
        cli = Path(sys.executable).parent / "schemathesis"
        process = await asyncio.create_subprocess_exec(
            str(cli),
            "run",
            f"http://127.0.0.1:{port}/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--max-examples",
            "25",
            "--generation-deterministic",
            "-H",
            f"Authorization: Bearer {token}",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            cwd=tmp_path,
        )
        output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
        report = output.decode(errors="replace")
        assert process.returncode == 0, report[-6000:]
        assert "No issues found" in report or "passed" in report, report[-3000:]
        print(report[-1500:])  # the summary: operations and cases tried
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(serving, timeout=30)
