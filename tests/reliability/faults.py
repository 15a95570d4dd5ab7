"""The faults: a shuffled schedule of process kills, database and broker outages and
dropped connections, injected one after another at random moments while the load runs.

Every fault leaves the system able to recover on its own (the supervisor restarts a
killed service, the database and the broker come back on the same port and data), so
what the invariants find afterwards is what the system did, not what the test broke.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from mitwirken.stack import SERVICES, LocalStack


@dataclass(frozen=True)
class FaultPlan:
    kills_per_service: int = 4
    postgres_restarts: int = 1
    broker_pauses: int = 1
    pause_s: float = 30.0
    broker_restarts: int = 1
    connection_drops: int = 2
    gap_s: tuple[float, float] = (1.0, 4.0)
    """The random pause before each fault."""

    def schedule(self, rng: random.Random) -> list[str]:
        kinds = [f"SIGKILL {name}" for name in SERVICES for _ in range(self.kills_per_service)]
        kinds += ["PostgreSQL restart"] * self.postgres_restarts
        kinds += [f"broker SIGSTOP {self.pause_s:.0f} s"] * self.broker_pauses
        kinds += ["broker SIGKILL + restart"] * self.broker_restarts
        kinds += ["connections dropped"] * self.connection_drops
        rng.shuffle(kinds)
        return kinds


@dataclass
class FaultLog:
    injected: Counter[str] = field(default_factory=Counter)
    timeline: list[tuple[float, str]] = field(default_factory=list)
    connections_dropped: int = 0


def inject(stack: LocalStack, kind: str, plan: FaultPlan, log: FaultLog) -> None:
    """Inject one fault (blocking: a pause lasts its length)."""
    if kind.startswith("SIGKILL "):
        name = kind.removeprefix("SIGKILL ")
        # Kill a running service, not one the supervisor has yet to bring back.
        stack.wait_ready(stack.services[name], timeout_s=120)
        stack.kill_service(name)
    elif kind == "PostgreSQL restart":
        stack.restart_postgres()
    elif kind.startswith("broker SIGSTOP"):
        stack.pause_broker(plan.pause_s)
    elif kind == "broker SIGKILL + restart":
        stack.restart_broker()
    elif kind == "connections dropped":
        log.connections_dropped += stack.drop_database_connections()
    else:
        raise ValueError(kind)


async def run_faults(
    stack: LocalStack, plan: FaultPlan, rng: random.Random, log: FaultLog, started: float
) -> None:
    for kind in plan.schedule(rng):
        await asyncio.sleep(rng.uniform(*plan.gap_s))
        log.timeline.append((time.monotonic() - started, kind))
        stack.on_event(f"fault: {kind}")
        await asyncio.to_thread(inject, stack, kind, plan, log)
        log.injected[kind] += 1
