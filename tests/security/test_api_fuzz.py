"""Schemathesis against every service's OpenAPI document, each service serving on a real
port against the real broker and database, once without and once with an admin token:
no input may cause a server error or a response that breaks the documented schema.
(Registration's own, deeper run is in tests/registration/integration.)"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from pathlib import Path

import pytest
import uvicorn

from mitwirken.infra import Tansu, free_port
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.security.test_dead_letters import SERVICES
from tests.support.services import eventually

pytestmark = pytest.mark.integration

EXAMPLES = 10


async def schemathesis(port: int, cwd: Path, *headers: str) -> str:
    cli = Path(sys.executable).parent / "schemathesis"
    args = [str(cli), "run", f"http://127.0.0.1:{port}/openapi.json"]
    args += ["--checks", "not_a_server_error,response_schema_conformance"]
    args += ["--max-examples", str(EXAMPLES), "--generation-deterministic"]
    for header in headers:
        args += ["-H", header]
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, cwd=cwd
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    report = output.decode(errors="replace")
    assert process.returncode == 0, report[-6000:]
    return report


@pytest.mark.parametrize("service", [s for s in SERVICES if s != "registration"])
async def test_no_server_error_and_no_schema_violation(
    service: str, kafka: Tansu, database_url: str, tmp_path: Path
) -> None:
    app = SERVICES[service][0](kafka.bootstrap_servers, database_url)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:

        async def started() -> bool:
            return bool(server.started)

        await eventually(started, timeout_s=60)
        token = issue_staff_token(DEVELOPMENT_SECRET, subject="fuzz", role="admin")
        anonymous = await schemathesis(port, tmp_path)
        staff = await schemathesis(port, tmp_path, f"Authorization: Bearer {token}")
        for name, report in (("without token", anonymous), ("with token", staff)):
            summary = [
                line for line in report.splitlines() if re.search(r"\d+ (cases|passed)", line)
            ]
            # schemathesis exits 0 (checked in ``schemathesis``) also when it generated
            # nothing: a run must have tried cases against the API.
            assert summary, f"{service} {name}: schemathesis reported no cases\n{report[-2000:]}"
            print(f"\n{service} {name}: {' | '.join(summary[-3:])}")
    finally:
        server.should_exit = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(serving, timeout=30)
