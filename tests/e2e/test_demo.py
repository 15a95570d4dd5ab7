"""`mitwirken demo` on a freshly started system, with small numbers: it completes with
its summary, and the summary's figures are what the services themselves report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mitwirken.infra import free_port
from mitwirken.stack import SERVICES, LocalStack
from tests.support.services import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo_stack() -> Iterator[LocalStack]:
    with tempfile.TemporaryDirectory(prefix="mitwirken-demo-") as home:
        system = LocalStack(
            home=Path(home),
            ports={name: free_port() for name in SERVICES},
            fsync=False,
            extra_env={
                "{PREFIX}KAFKA_TOPIC_PARTITIONS": "3",
                "{PREFIX}ENVIRONMENT": "test",
                "REGISTRATION_PUBLIC_RATE_LIMIT_PER_MINUTE": "100000",
            },
        )
        try:
            system.start()
            yield system
        finally:
            system.stop()


def run_demo(stack: LocalStack, out: Path) -> subprocess.CompletedProcess[str]:
    s = stack.services
    assert stack.kafka is not None
    return subprocess.run(
        [
            sys.executable, "-c", "from mitwirken.cli import app; app()", "demo",
            "--applications", "60", "--register", "800",
            "--registration-url", s["registration"].base_url,
            "--lottery-url", s["lottery"].base_url,
            "--notifications-url", s["notifications"].base_url,
            "--reporting-url", s["reporting"].base_url,
            "--mailbox-url", stack.mailbox_url,
            "--kafka", stack.kafka.bootstrap_servers,
            "--json", str(out),
        ],
        capture_output=True, text=True, timeout=240, env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip


async def test_the_demo_plays_a_rollout_and_its_summary_matches_the_services(
    demo_stack: LocalStack, tmp_path: Path
) -> None:
    out = tmp_path / "summary.json"
    done = run_demo(demo_stack, out)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Demo rollout:" in done.stdout
    summary = json.loads(out.read_text())
    district = summary["district"]
    apps = summary["applications"]
    lottery = demo_stack.services["lottery"].base_url
    reporting = demo_stack.services["reporting"].base_url

    async with httpx.AsyncClient(timeout=30) as client:
        record = (await client.get(f"{lottery}/draws/{district}/applicants")).json()
        audit = record["audit_record"]
        draw = summary["applicants_draw"]
        assert (len(audit["pool"]), len(audit["seated"]), len(audit["waitlist"])) == (
            draw["pool"], draw["seated"], draw["waitlist"],
        )  # fmt: skip
        assert draw["waitlist"] > 0 and summary["promotions"] == summary["withdrawals"] == 3
        web_confirmed = apps["web: confirmed"]
        cards = apps["reply card: accepted"]
        assert draw["pool"] == web_confirmed + cards
        assert apps["web: refused, after the deadline"] >= 2
        assert apps["reply card: refused, card entered twice"] == 1

        if summary["invitations"]:
            invitations = (await client.get(f"{lottery}/draws/{district}/invitations")).json()
            wave = invitations["waves"][0]
            assert (
                sum(len(ids) for ids in wave["invited"].values())
                == (summary["invitations"]["letters"])
            )
            assert wave["pool_size"] == summary["register"]["accepted"]

        async def figures() -> dict[str, int] | None:
            response = await client.get(f"{reporting}/api/districts/{district}/figures")
            counts: dict[str, int] = response.json()["event_counts"]
            expected = {
                "ApplicationReceived": apps["web: accepted, awaiting confirmation"] + cards,
                "ApplicationWithdrawn": summary["withdrawals"],
                "ParticipantPromoted": summary["promotions"],
                "IdeaSubmitted": summary["ideas"],
            }
            return counts if all(counts.get(k) == v for k, v in expected.items()) else None

        counts = await eventually(figures, timeout_s=60)
        assert counts["NotificationSent"] >= summary["emails_total"]
        # The e-mails the summary counted are in the mailbox (more may follow later).
        messages = (await client.get(demo_stack.mailbox_url + "/api/messages")).json()
        in_mailbox = Counter(m["subject"] for m in messages)
        assert summary["emails_total"] > 0
        assert all(in_mailbox[subject] >= n for subject, n in summary["emails"].items())
        assert summary["emails"]["Ihre Bewerbung ist bestätigt"] == web_confirmed
        assert not [n for n in summary["notes"] if "e-mails arrived" in n]
