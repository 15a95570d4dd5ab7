"""The invariants after the faults, read from every service's database and the mailbox.

- Every application registration accepted (and every one a client saw acknowledged)
  exists exactly once in the lottery, notifications and reporting stores, and reporting
  counted each event exactly once.
- Every e-mail notifications planned reached the mailbox, and each person got each kind
  of e-mail once: one distinct message per recipient and template (a message sent again
  after a crash carries the same Message-ID, so a mail client shows it once; those
  copies are counted separately).
- Each district's draw equals the draw computed without faults: the lottery domain code
  run on registration's confirmed applications and the same seed.
- No outbox holds an unpublished row.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from lottery.domain import verifiable
from mitwirken.mailbox import Mailbox
from mitwirken.stack import SERVICES, LocalStack
from tests.reliability.load import Stream


@dataclass
class Findings:
    applications: int = 0
    events: int = 0
    emails: int = 0
    resent_same_message_id: int = 0
    lost: Counter[str] = field(default_factory=Counter)
    duplicated: Counter[str] = field(default_factory=Counter)
    pending_outbox: dict[str, int] = field(default_factory=dict)
    draws_equal: dict[str, bool] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        return (
            not +self.lost
            and not any(self.pending_outbox.values())
            and len(self.draws_equal) > 0
            and all(self.draws_equal.values())
        )


async def _rows(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


def _load(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def check(stack: LocalStack, stream: Stream, seed: list[list[str]]) -> Findings:
    assert stack.postgres is not None
    url = stack.postgres.url_for
    found = Findings()
    apps = {
        r["application_id"]: r
        for r in await _rows(
            url("registration"),
            "SELECT application_id, district_id, channel, status, email,"
            " confirmed_at IS NOT NULL AS was_confirmed, withdrawn_at IS NOT NULL AS withdrew"
            " FROM applications",
        )
    }
    found.applications = len(apps)
    found.lost["acknowledged application missing in registration"] = len(
        set(stream.acknowledged) - set(apps)
    )

    for service, table, column in (
        ("lottery", "applicants", "application_id"),
        ("notifications", "recipients", "recipient_ref"),
        ("reporting", "applications", "application_id"),
    ):
        seen = Counter(r[0] for r in await _rows(url(service), f"SELECT {column} FROM {table}"))
        found.lost[f"application missing in {service}"] = len(set(apps) - set(seen))
        found.duplicated[f"application twice in {service}"] = sum(
            n - 1 for k, n in seen.items() if k in apps and n > 1
        )
        found.duplicated[f"unknown application in {service}"] = len(set(seen) - set(apps))

    # Reporting counts each event once: its counts equal registration's facts.
    counts = {
        (r["district_id"], r["event_type"]): r["count"]
        for r in await _rows(url("reporting"), "SELECT * FROM event_counts")
    }
    for event_type, is_fact in (
        ("ApplicationReceived", lambda r: True),
        ("ApplicationConfirmed", lambda r: r["was_confirmed"]),
        ("ApplicationWithdrawn", lambda r: r["withdrew"]),
    ):
        truth = Counter(r["district_id"] for r in apps.values() if is_fact(r))
        for district in {d for d, _ in counts} | set(truth):
            diff = counts.get((district, event_type), 0) - truth.get(district, 0)
            if diff > 0:
                found.duplicated[f"{event_type} counted twice in reporting"] += diff
            else:
                found.lost[f"{event_type} not counted in reporting"] -= diff

    drawn = await _check_draws(stack, apps, seed, found)
    await _check_mail(stack, apps, drawn, found)

    for service in SERVICES:
        [(pending, total)] = [
            tuple(r)
            for r in await _rows(
                url(service),
                "SELECT count(*) FILTER (WHERE published_at IS NULL), count(*) FROM outbox",
            )
        ]
        found.pending_outbox[service] = pending
        found.events += total
    return found


async def _check_mail(
    stack: LocalStack,
    apps: dict[uuid.UUID, asyncpg.Record],
    drawn: dict[uuid.UUID, str],
    found: Findings,
) -> None:
    assert stack.postgres is not None
    deliveries = {
        r["delivery_id"]: r
        for r in await _rows(
            stack.postgres.url_for("notifications"),
            "SELECT delivery_id, template, recipient_ref, status FROM deliveries",
        )
    }
    found.lost["e-mail not sent (delivery not final)"] = sum(
        1 for d in deliveries.values() if d["status"] in ("pending", "sending")
    )
    found.lost["e-mail failed"] = sum(1 for d in deliveries.values() if d["status"] == "failed")
    copies: Counter[uuid.UUID] = Counter()
    for message in Mailbox(stack.home / "mail").messages():
        raw_id = str(message.message.get("Message-ID", "")).strip("<>").split("@", 1)[0]
        copies[uuid.UUID(raw_id)] += 1
    found.emails = len(copies)
    found.resent_same_message_id = sum(n - 1 for n in copies.values())
    found.lost["e-mail missing in mailbox"] = len(set(deliveries) - set(copies))
    found.duplicated["e-mail nobody planned"] = len(set(copies) - set(deliveries))
    per_person = Counter(
        (deliveries[d]["recipient_ref"], deliveries[d]["template"])
        for d in copies
        if d in deliveries
    )
    found.duplicated["person got one e-mail twice"] = sum(n - 1 for n in per_person.values())

    # What each person must have got, from registration's facts.
    expected = set()
    for app_id, r in apps.items():
        if r["email"] is None:
            continue
        if r["channel"] == "web":
            expected.add((app_id, "confirmation_request"))
        if r["was_confirmed"]:
            expected.add((app_id, "application_confirmed"))
        if r["withdrew"]:
            expected.add((app_id, "withdrawal_confirmed"))
        if app_id in drawn:
            expected.add((app_id, drawn[app_id]))
    for _, template in expected - set(per_person):
        found.lost[f"expected e-mail never received: {template}"] += 1


async def _check_draws(
    stack: LocalStack,
    apps: dict[uuid.UUID, asyncpg.Record],
    seed: list[list[str]],
    found: Findings,
) -> dict[uuid.UUID, str]:
    """Compares each draw with the fault-free one; returns the result e-mail each person
    in a draw must get."""
    assert stack.postgres is not None
    drawn: dict[uuid.UUID, str] = {}
    for row in await _rows(
        stack.postgres.url_for("lottery"),
        "SELECT district_id, commitment, audit_record FROM draws WHERE kind = 'applicants'",
    ):
        district = row["district_id"]
        committed = _load(row["commitment"])
        record = _load(row["audit_record"])
        if record is None:
            found.draws_equal[district] = False
            continue
        pool = sorted(
            str(a)
            for a, r in apps.items()
            if r["district_id"] == district and r["status"] == "confirmed"
        )
        without_faults = verifiable.commitment(
            draw_id=committed["draw_id"],
            pool=pool,
            seats=committed["seats"],
            randomness_source=committed["randomness_source"],
            algorithm=committed["algorithm"],
            district_id=committed.get("district_id"),
            kind=committed.get("kind"),
        )
        expected = verifiable.perform(without_faults, seed)
        found.draws_equal[district] = (
            without_faults["pool_hash"] == committed["pool_hash"]
            and expected["order"] == record["order"]
        )
        drawn.update({uuid.UUID(a): "seat_granted" for a in record["seated"]})
        drawn.update({uuid.UUID(a): "waitlisted" for a in record["waitlist"]})
    return drawn
