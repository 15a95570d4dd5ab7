"""Registration's event handlers: the website's ApplicationSubmitted goes through the
same intake as the HTTP API; a refusal becomes ApplicationRejected with the reason."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from registration.service import check_in, intake
from registration.service.districts import DistrictBook
from shared.events import ReceivedEvent
from shared.events.common import Channel
from shared.events.registration import ApplicationRejected, ApplicationSubmitted
from shared.messaging import outbox
from shared.messaging.inbox import Handler


def make_handlers(districts: DistrictBook, links: intake.Links) -> dict[str, Handler]:
    async def on_application_submitted(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, ApplicationSubmitted)
        submission = intake.Submission(
            district_id=p.district_id,
            applicant=p.applicant,
            channel=Channel.WEB,
            consent_text_version=p.consent_text_version,
            submission_id=p.submission_id,
        )
        try:
            async with conn.transaction():
                await intake.submit(
                    conn,
                    submission,
                    districts=districts,
                    links=links,
                    now=datetime.now(UTC),
                    causation=event.envelope,
                )
        except intake.Refused as refused:
            await outbox.append(
                conn,
                ApplicationRejected(
                    submission_id=p.submission_id,
                    reason_code=refused.refusals[0].code,
                    reason=" ".join(r.en for r in refused.refusals),
                ),
                district_id=p.district_id,
                producer=intake.PRODUCER,
                causation=event.envelope,
            )

    return {ApplicationSubmitted.event_type: on_application_submitted, **check_in.event_handlers()}
