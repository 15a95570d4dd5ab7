"""``python -m tests.reliability [--applications N] [--kills-per-service K] [--pause S]``:
the fault-injection run on its own, with bigger numbers than in CI, and its table."""

from __future__ import annotations

import argparse
import asyncio
import sys

from tests.reliability.faults import FaultPlan
from tests.reliability.suite import run


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.reliability")
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--kills-per-service", type=int, default=8)
    parser.add_argument("--postgres-restarts", type=int, default=2)
    parser.add_argument("--broker-restarts", type=int, default=2)
    parser.add_argument("--connection-drops", type=int, default=4)
    parser.add_argument("--pause", type=float, default=30.0, help="broker SIGSTOP, seconds")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2040)
    args = parser.parse_args()
    plan = FaultPlan(
        kills_per_service=args.kills_per_service,
        postgres_restarts=args.postgres_restarts,
        broker_restarts=args.broker_restarts,
        connection_drops=args.connection_drops,
        pause_s=args.pause,
    )
    outcome = asyncio.run(run(args.applications, plan, clients=args.clients, seed=args.seed))
    print(outcome.table())
    return 0 if outcome.lost == 0 and outcome.duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
