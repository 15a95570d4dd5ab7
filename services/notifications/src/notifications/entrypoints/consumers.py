"""Notifications' event handlers: each records what the event means for whom, and
stores the messages, letters and reminders it causes (sent or rendered later by the
background loops)."""

from __future__ import annotations

import asyncpg
import structlog

from notifications.adapters import letter_store, repository
from notifications.adapters.templates import Renderer
from notifications.domain.messages import MessageRequest, lottery_result
from notifications.service import reminders
from notifications.service.letters import record_invitations
from notifications.service.messages import release_deferred, store_messages
from notifications.service.register import confirm_ready_seats
from shared.events import ReceivedEvent
from shared.events.lottery import (
    InvitationsDrawn,
    LotteryDrawn,
    PanelDrawn,
    ParticipantPromoted,
    SeatDeclined,
    SeatOffered,
)
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationWithdrawn,
    IdeaSubmitted,
    InvitationAnswered,
    PersonalDataErased,
    WorkshopScheduled,
)
from shared.messaging import outbox
from shared.messaging.inbox import Handler

log = structlog.get_logger(__name__)


def make_handlers(
    renderer: Renderer, policy: reminders.ReminderPolicy | None = None
) -> dict[str, Handler]:
    policy = policy or reminders.ReminderPolicy()

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
        await release_deferred(conn, p.application_id, renderer=renderer)
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
        await reminders.cancel(conn, [p.application_id])

    async def on_lottery_drawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, LotteryDrawn)
        await send(conn, event, lottery_result(p.seated, p.waitlist))
        await reminders.schedule(
            conn, event.envelope.district_id, list(p.seated), event.envelope.occurred_at, policy
        )

    async def on_participant_promoted(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, ParticipantPromoted)
        await send(conn, event, [MessageRequest("seat_granted", p.application_id)])
        await reminders.cancel(conn, [p.replaces])
        await reminders.schedule(
            conn, event.envelope.district_id, [p.application_id], event.envelope.occurred_at, policy
        )

    async def on_seat_declined(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, SeatDeclined)
        await reminders.cancel(conn, [p.application_id])

    async def confirm_register_seats(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        await confirm_ready_seats(
            conn,
            event.envelope.district_id,
            renderer=renderer,
            policy=policy,
            now=event.envelope.occurred_at,
        )

    async def on_invitations_drawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, InvitationsDrawn)
        await record_invitations(conn, event.envelope.district_id, p, event.envelope.occurred_at)
        await confirm_register_seats(conn, event)

    async def on_invitation_answered(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, InvitationAnswered)
        await letter_store.record_answer(
            conn,
            p.invitee_id,
            event.envelope.district_id,
            p.accepts,
            str(p.email) if p.email else None,
            p.language.value,
        )
        await confirm_register_seats(conn, event)

    async def on_panel_drawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        p = event.payload
        assert isinstance(p, PanelDrawn)
        await letter_store.mark_seated(
            conn, event.envelope.district_id, list(p.seated), event.envelope.event_id
        )
        await confirm_register_seats(conn, event)

    async def on_personal_data_erased(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        assert isinstance(event.payload, PersonalDataErased)
        erased = await letter_store.erase_district(conn, event.envelope.district_id)
        # Dead letters keep the original bytes, names included.
        await outbox.forget_published(conn, event.envelope.district_id)
        log.info("district_erased", **{k: int(v) for k, v in erased.items()})

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
        ParticipantPromoted.event_type: on_participant_promoted,
        SeatDeclined.event_type: on_seat_declined,
        InvitationsDrawn.event_type: on_invitations_drawn,
        InvitationAnswered.event_type: on_invitation_answered,
        PanelDrawn.event_type: on_panel_drawn,
        PersonalDataErased.event_type: on_personal_data_erased,
    }
