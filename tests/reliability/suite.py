"""One fault-injection run: the whole system as processes (the broker on durable
storage), the load, the faults, then the close, the draws and the invariants.

``python -m tests.reliability`` runs it alone with bigger numbers; the test runs it in
its CI size. Both print the same table.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from mitwirken.infra import free_port
from mitwirken.stack import SERVICES, LocalStack
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.reliability.checks import Findings, check
from tests.reliability.faults import FaultLog, FaultPlan, run_faults
from tests.reliability.load import DISTRICTS, Clients, Stream

SEED = [["3", "11", "19", "27", "38", "49"]]
"""The public numbers of the draw (as if published by a lottery)."""


@dataclass
class Outcome:
    findings: Findings
    stream: Stream
    faults: FaultLog
    seconds: dict[str, float]

    @property
    def lost(self) -> int:
        return sum(n for n in self.findings.lost.values() if n > 0)

    @property
    def duplicated(self) -> int:
        return sum(n for n in self.findings.duplicated.values() if n > 0)

    def table(self) -> str:
        f, s = self.findings, self.stream
        rows = [("faults injected", str(sum(self.faults.injected.values())))]
        rows += [(f"  {kind}", str(n)) for kind, n in sorted(self.faults.injected.items())]
        rows += [
            ("  (connections terminated)", str(self.faults.connections_dropped)),
            ("applications accepted", str(f.applications)),
            ("  acknowledged to a client", str(len(s.acknowledged))),
            ("  answer lost in a crash", str(s.unanswered)),
            ("  reply cards", str(s.reply_cards)),
            ("  confirmed / withdrawn by link", f"{len(s.confirmed)} / {len(s.withdrawn)}"),
            ("client retries", str(s.retries)),
            ("events (outbox rows, 4 services)", str(f.events)),
            ("e-mails (distinct)", str(f.emails)),
            ("  resent with the same Message-ID", str(f.resent_same_message_id)),
            ("draws equal to the fault-free draw", _draws(f)),
            ("unpublished outbox rows", str(sum(f.pending_outbox.values()))),
            ("lost", str(self.lost)),
        ]
        rows += [(f"  {k}", str(n)) for k, n in sorted(f.lost.items()) if n > 0]
        rows += [("duplicated", str(self.duplicated))]
        rows += [(f"  {k}", str(n)) for k, n in sorted(f.duplicated.items()) if n > 0]
        rows += [(f"seconds: {k}", f"{v:.0f}") for k, v in self.seconds.items()]
        width = max(len(k) for k, _ in rows)
        return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def _draws(f: Findings) -> str:
    return ", ".join(f"{d}: {'yes' if ok else 'NO'}" for d, ok in sorted(f.draws_equal.items()))


async def _close_and_draw(stack: LocalStack) -> None:
    """The deadline passes for every district; once the lottery committed, staff draw."""
    assert stack.postgres is not None
    conn = await asyncpg.connect(stack.postgres.url_for("registration"))
    try:
        await conn.execute(
            "UPDATE districts SET application_deadline = now(), closes_at = now()"
            " WHERE district_id = ANY($1)",
            list(DISTRICTS),
        )
    finally:
        await conn.close()
    lottery_db = stack.postgres.url_for("lottery")
    token = issue_staff_token(DEVELOPMENT_SECRET, subject="coordinator-anna", role="admin")
    async with httpx.AsyncClient(timeout=30) as client:
        for district in DISTRICTS:
            while True:
                conn = await asyncpg.connect(lottery_db)
                try:
                    committed = await conn.fetchval(
                        "SELECT count(*) FROM draws WHERE district_id = $1 AND kind = 'applicants'",
                        district,
                    )
                finally:
                    await conn.close()
                if committed:
                    break
                await asyncio.sleep(0.5)
            response = await client.post(
                f"{stack.services['lottery'].base_url}/staff/districts/{district}/draw",
                json={"sources": SEED},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code in (200, 409), response.text


async def run(
    applications: int,
    plan: FaultPlan,
    *,
    clients: int = 8,
    seed: int = 2040,
    settle_timeout_s: float = 600,
    durable_broker: bool = True,
    say: object = print,
) -> Outcome:
    rng = random.Random(seed)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mitwirken-faults-") as home:
        stack = LocalStack(
            home=Path(home),
            ports={name: free_port() for name in SERVICES},
            fsync=False,
            durable_broker=durable_broker,
            on_event=lambda line: say(f"  [{time.strftime('%H:%M:%S')}] {line}"),  # type: ignore[operator]
            extra_env={
                "{PREFIX}KAFKA_TOPIC_PARTITIONS": "3",
                "{PREFIX}ENVIRONMENT": "test",
                "{PREFIX}OUTBOX_POLL_INTERVAL_S": "0.2",
                "REGISTRATION_PUBLIC_RATE_LIMIT_PER_MINUTE": "100000000",
                "REGISTRATION_STAFF_RATE_LIMIT_PER_MINUTE": "100000000",
                "REGISTRATION_CLOSING_CHECK_INTERVAL_S": "1",
            },
        )
        t0 = time.monotonic()
        try:
            stack.start()
            seconds["start"] = time.monotonic() - t0
            t1 = time.monotonic()
            load = Clients(stack.services["registration"].base_url, rng, uuid.uuid4().hex[:8])
            faults = FaultLog()
            faults_done = asyncio.Event()

            async def faults_then_signal() -> None:
                try:
                    await run_faults(stack, plan, rng, faults, t1)
                finally:
                    faults_done.set()

            await asyncio.gather(
                faults_then_signal(), load.run_until(faults_done, applications, clients)
            )
            seconds["load and faults"] = time.monotonic() - t1
            t2 = time.monotonic()
            for service in stack.services.values():
                await asyncio.to_thread(stack.wait_ready, service, 120)
            await _close_and_draw(stack)
            deadline = time.monotonic() + settle_timeout_s
            findings = await check(stack, load.stream, SEED)
            while not findings.converged and time.monotonic() < deadline:
                await asyncio.sleep(2)
                findings = await check(stack, load.stream, SEED)
            await asyncio.sleep(3)  # anything still arriving would be a duplicate: look again
            findings = await check(stack, load.stream, SEED)
            seconds["close, draw, settle"] = time.monotonic() - t2
            return Outcome(findings, load.stream, faults, seconds)
        finally:
            stack.stop()
