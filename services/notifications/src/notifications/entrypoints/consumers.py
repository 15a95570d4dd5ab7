"""Notifications' event handlers: each records what the event means for whom, and
stores the messages, letters and reminders it causes (sent or rendered later by the
background loops)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
import structlog
from pydantic import ValidationError

from notifications.adapters import letter_store, repository
from notifications.adapters.templates import Renderer
from notifications.domain.messages import MessageRequest, lottery_result
from notifications.service import reminders
from notifications.service.letters import record_invitations
from notifications.service.messages import (
    CausedMessage,
    release_deferred,
    store_caused_messages,
    store_messages,
)
from notifications.service.register import confirm_ready_seats
from shared.events import ReceivedEvent
from shared.events.common import DECODING, Applicant
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
from shared.messaging.inbox import BatchHandler, Handler

log = structlog.get_logger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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
        await release_deferred(conn, [p.application_id], renderer=renderer)
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
        author = idea_author(p)
        if author is None:
            return
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


def idea_author(idea: IdeaSubmitted) -> Applicant | None:
    """The idea's author as a recipient of their own, known only by the idea; None
    without an address to thank (none given, or none usable)."""
    if not idea.author_email:
        return None
    # The name is free text on the idea; as a recipient's name it is one line.
    name = " ".join(_CONTROL.sub(" ", idea.author_name or "").split()) or "-"
    try:
        return Applicant.model_validate(
            {"given_name": name, "family_name": "-", "email": idea.author_email},
            context={DECODING: True},
        )
    except ValidationError:
        log.warning("idea_author_address_unusable", idea_id=str(idea.idea_id))
        return None


def make_batch_handlers(renderer: Renderer) -> dict[str, BatchHandler]:
    """Runs of receipts, confirmations, withdrawals and ideas, in a few statements each,
    in this order. Each event touches only its own person's recipient row, deferred
    messages and deliveries, and a confirmation or withdrawal follows its receipt, so
    this order has the effect of the arrival order. Reminders are only scheduled by
    events that end a run, so cancelling them for a run's withdrawals at once is safe."""

    def caused(
        events: Sequence[ReceivedEvent],
        template: str,
        ref: str,
        values: Callable[[Any], dict[str, Any]] = lambda _: {},
    ) -> list[CausedMessage]:
        return [
            CausedMessage(
                e.envelope.event_id,
                e.envelope.district_id,
                MessageRequest(template, getattr(e.payload, ref), values(e.payload)),
            )
            for e in events
        ]

    async def on_applications_received(
        conn: asyncpg.Connection, events: Sequence[ReceivedEvent]
    ) -> None:
        received = [(e, e.payload) for e in events if isinstance(e.payload, ApplicationReceived)]
        assert len(received) == len(events)
        await repository.add_recipients(
            conn,
            [
                (p.application_id, e.envelope.district_id, p.applicant, p.withdrawal_url)
                for e, p in received
            ],
        )
        await release_deferred(conn, [p.application_id for _, p in received], renderer=renderer)
        messages = caused(
            [e for e, p in received if p.confirmation_url],
            "confirmation_request",
            "application_id",
            lambda p: {"confirmation_url": p.confirmation_url},
        )
        await store_caused_messages(conn, messages, renderer=renderer)

    async def on_applications_confirmed(
        conn: asyncpg.Connection, events: Sequence[ReceivedEvent]
    ) -> None:
        assert all(isinstance(e.payload, ApplicationConfirmed) for e in events)
        messages = caused(events, "application_confirmed", "application_id")
        await store_caused_messages(conn, messages, renderer=renderer)

    async def on_applications_withdrawn(
        conn: asyncpg.Connection, events: Sequence[ReceivedEvent]
    ) -> None:
        assert all(isinstance(e.payload, ApplicationWithdrawn) for e in events)
        messages = caused(events, "withdrawal_confirmed", "application_id")
        await store_caused_messages(conn, messages, renderer=renderer)
        await reminders.cancel(conn, [m.request.recipient_ref for m in messages])

    async def on_ideas_submitted(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
        ideas = [(e, e.payload) for e in events if isinstance(e.payload, IdeaSubmitted)]
        assert len(ideas) == len(events)
        authors = [(e, p, idea_author(p)) for e, p in ideas]
        thanked = [(e, p, a) for e, p, a in authors if a is not None]
        await repository.add_recipients(
            conn, [(p.idea_id, e.envelope.district_id, a, None) for e, p, a in thanked]
        )
        messages = caused([e for e, _, _ in thanked], "idea_thanks", "idea_id")
        await store_caused_messages(conn, messages, renderer=renderer)

    return {
        ApplicationReceived.event_type: on_applications_received,
        ApplicationConfirmed.event_type: on_applications_confirmed,
        ApplicationWithdrawn.event_type: on_applications_withdrawn,
        IdeaSubmitted.event_type: on_ideas_submitted,
    }
