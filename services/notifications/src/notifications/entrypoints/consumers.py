"""Notifications' event handlers: each records what the event means for whom, and
stores the messages it causes (sent later by the dispatcher)."""

from __future__ import annotations

import asyncpg

from notifications.adapters import repository
from notifications.adapters.templates import Renderer
from notifications.domain.messages import MessageRequest, lottery_result
from notifications.service.messages import store_messages
from shared.events import ReceivedEvent
from shared.events.lottery import LotteryDrawn, SeatOffered
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationWithdrawn,
    IdeaSubmitted,
    WorkshopScheduled,
)
from shared.messaging.inbox import Handler


def make_handlers(renderer: Renderer) -> dict[str, Handler]:
    async def send(
        conn: asyncpg.Connection, event: ReceivedEvent, requests: list[MessageRequest]
    ) -> None:
        await store_messages(
            conn,
            requests,
            source_event_id=event.envelope.event_id,
            district_id=event.envelope.district_id,
            renderer=renderer,
        )

    async def on_workshop_scheduled(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        assert isinstance(event.payload, WorkshopScheduled)
        await repository.upsert_workshop(conn, event.envelope.district_id, event.payload)

    async def on_application_received(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, ApplicationReceived)
        await repository.add_recipient(
            conn, p.application_id, event.envelope.district_id, p.applicant, p.withdrawal_url
        )
        if p.confirmation_url:
            await send(
                conn,
                event,
                [
                    MessageRequest(
                        "confirmation_request",
                        p.application_id,
                        {"confirmation_url": p.confirmation_url},
                    )
                ],
            )

    async def on_application_confirmed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, ApplicationConfirmed)
        await send(conn, event, [MessageRequest("application_confirmed", p.application_id)])

    async def on_application_withdrawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, ApplicationWithdrawn)
        await send(conn, event, [MessageRequest("withdrawal_confirmed", p.application_id)])

    async def on_lottery_drawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, LotteryDrawn)
        await send(conn, event, lottery_result(p.seated, p.waitlist))

    async def on_seat_offered(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, SeatOffered)
        await send(conn, event, [MessageRequest("seat_offered", p.application_id)])

    async def on_idea_submitted(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, IdeaSubmitted)
        if not p.author_email:
            return
        # The idea's author is a recipient of their own, known only by the idea.
        from shared.events.common import Applicant

        author = Applicant(given_name=p.author_name or "-", family_name="-", email=p.author_email)
        await repository.add_recipient(conn, p.idea_id, event.envelope.district_id, author)
        await send(conn, event, [MessageRequest("idea_thanks", p.idea_id)])

    return {
        WorkshopScheduled.event_type: on_workshop_scheduled,
        ApplicationReceived.event_type: on_application_received,
        ApplicationConfirmed.event_type: on_application_confirmed,
        ApplicationWithdrawn.event_type: on_application_withdrawn,
        LotteryDrawn.event_type: on_lottery_drawn,
        SeatOffered.event_type: on_seat_offered,
        IdeaSubmitted.event_type: on_idea_submitted,
    }
