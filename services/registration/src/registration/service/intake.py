"""Use case: an application arrives. It is stored and ApplicationReceived is emitted
in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from registration.adapters import repository
from registration.domain.applications import Application
from shared.events.common import Applicant, Channel
from shared.events.registration import ApplicationReceived
from shared.messaging import outbox

PRODUCER = "registration"


async def submit_application(
    pool: asyncpg.Pool, district_id: str, channel: Channel, applicant: Applicant
) -> Application:
    application = Application.new(district_id, channel, applicant, datetime.now(UTC))
    async with pool.acquire() as conn, conn.transaction():
        await repository.add_application(conn, application)
        await outbox.append(
            conn,
            ApplicationReceived(
                application_id=application.application_id,
                channel=channel,
                applicant=applicant,
                received_at=application.received_at,
            ),
            district_id=district_id,
            producer=PRODUCER,
        )
    return application
