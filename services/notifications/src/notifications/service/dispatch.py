"""Use case: send the deliveries that are due, and record what happened.

Invariants:
- A delivery is claimed with a lease before sending; the lease and the attempt count
  commit before the SMTP conversation, so a crash mid-send leaves a claim that expires
  and is tried again (at-least-once towards the SMTP server, with the same Message-ID).
- Sent and failed are final and commit together with NotificationSent or
  NotificationFailed in the outbox.
- A transient failure (server down, 4xx) waits with exponential backoff; a permanent one
  (5xx, address refused) is not retried.
"""

from __future__ import annotations

import asyncio
import base64
import json
from dataclasses import dataclass

import asyncpg
import structlog

from notifications.adapters import repository
from notifications.adapters.smtp import Mailer, OutgoingMail, PermanentFailure, TransientFailure
from shared.events import Envelope
from shared.events.notifications import NotificationFailed, NotificationSent
from shared.messaging import outbox

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    backoff_s: float
    backoff_max_s: float
    max_attempts: int
    lease_s: float

    def delay(self, attempts: int) -> float:
        return float(min(self.backoff_max_s, self.backoff_s * 2 ** max(0, attempts - 1)))


async def send_due(pool: asyncpg.Pool, mailer: Mailer, policy: RetryPolicy, batch: int) -> int:
    """Send one batch of due deliveries; returns how many were claimed. The sent ones
    are recorded together, with their NotificationSent events, in one transaction."""
    async with pool.acquire() as conn:
        claimed = await repository.claim_due(conn, batch, policy.lease_s)
    if not claimed:
        return 0
    outcomes = await asyncio.gather(*(_send_one(mailer, row) for row in claimed))
    await _record_sent(
        pool, [row for row, error in zip(claimed, outcomes, strict=True) if not error]
    )
    for row, error in zip(claimed, outcomes, strict=True):
        if isinstance(error, TransientFailure):
            await _retry_or_give_up(pool, policy, row, error)
        elif isinstance(error, PermanentFailure):
            await _fail(pool, row, str(error))
    return len(claimed)


async def _send_one(
    mailer: Mailer, row: asyncpg.Record
) -> TransientFailure | PermanentFailure | None:
    """Send one delivery; the failure, if any."""
    attachments = json.loads(row["attachments"]) if isinstance(row["attachments"], str) else []
    mail = OutgoingMail(
        message_id=str(row["delivery_id"]),
        to=row["email"],
        subject=row["subject"],
        text=row["body_text"],
        html=row["body_html"],
        attachments=tuple(
            (a["name"], a["mime"], base64.b64decode(a["content"]))
            for a in attachments
            if not a.get("cid")
        ),
        inline_images=tuple(
            (a["cid"], a["mime"], base64.b64decode(a["content"]))
            for a in attachments
            if a.get("cid")
        ),
    )
    try:
        await mailer.send(mail)
    except (TransientFailure, PermanentFailure) as exc:
        return exc
    return None


async def _record_sent(pool: asyncpg.Pool, rows: list[asyncpg.Record]) -> None:
    if not rows:
        return
    async with pool.acquire() as conn, conn.transaction():
        newly = await repository.mark_sent(conn, [row["delivery_id"] for row in rows])
        await outbox.append_envelopes(
            conn,
            [
                (
                    NotificationSent.topic,
                    Envelope.wrap(
                        NotificationSent(
                            notification_id=row["delivery_id"],
                            template=row["template"],
                            channel="email",
                            recipient_ref=row["recipient_ref"],
                            source_event_id=row["source_event_id"],
                        ),
                        district_id=row["district_id"],
                        producer="notifications",
                    ),
                )
                for row in rows
                if row["delivery_id"] in newly
            ],
        )
    for row in rows:
        log.info("delivery_sent", delivery_id=str(row["delivery_id"]), template=row["template"])


async def _retry_or_give_up(
    pool: asyncpg.Pool, policy: RetryPolicy, row: asyncpg.Record, error: TransientFailure
) -> None:
    if row["attempts"] < policy.max_attempts:
        async with pool.acquire() as conn:
            await repository.retry_later(
                conn, row["delivery_id"], str(error), policy.delay(row["attempts"])
            )
        log.info(
            "delivery_retry",
            delivery_id=str(row["delivery_id"]),
            attempts=row["attempts"],
            error=str(error),
        )
        return
    await _fail(pool, row, f"gave up after {row['attempts']} attempts: {error}")


async def _fail(pool: asyncpg.Pool, row: asyncpg.Record, reason: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await repository.mark_failed(conn, row["delivery_id"], reason)
        await outbox.append(
            conn,
            NotificationFailed(
                notification_id=row["delivery_id"],
                template=row["template"],
                channel="email",
                recipient_ref=row["recipient_ref"],
                source_event_id=row["source_event_id"],
                reason=reason,
                permanent=True,
            ),
            district_id=row["district_id"],
            producer="notifications",
        )
    log.warning("delivery_failed", delivery_id=str(row["delivery_id"]), reason=reason)
