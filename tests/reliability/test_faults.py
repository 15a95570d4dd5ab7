"""Fault injection under load: at least 5,000 applications with confirmations,
withdrawals and reply cards flow through the real system while every service is
SIGKILLed several times, PostgreSQL restarts, the broker is paused for 30 s and killed
and restarted on durable storage, and database connections are dropped. Afterwards
nothing is lost, nothing is duplicated, the draws equal the fault-free draws and the
outboxes are empty."""

from __future__ import annotations

import pytest

from tests.reliability.faults import FaultPlan
from tests.reliability.suite import run

pytestmark = [pytest.mark.reliability, pytest.mark.e2e]


@pytest.mark.timeout(900)
async def test_nothing_is_lost_or_duplicated_under_faults() -> None:
    plan = FaultPlan()  # 4 kills of each service, 1 database restart, a 30 s broker pause, ...
    outcome = await run(5_000, plan)
    print("\n" + outcome.table())
    assert sum(outcome.faults.injected.values()) >= 20
    assert outcome.findings.applications >= 5_000
    assert all(outcome.findings.draws_equal.values()) and len(outcome.findings.draws_equal) == 3
    assert outcome.findings.pending_outbox == {s: 0 for s in outcome.findings.pending_outbox}
    assert (outcome.lost, outcome.duplicated) == (0, 0), outcome.table()
