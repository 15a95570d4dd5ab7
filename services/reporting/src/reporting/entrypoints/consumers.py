"""Reporting's event handlers: every event counts; most also shape a read model.

Invariants:
- Each handler runs inside the inbox transaction, so its effect happens once per event id.
- A handler reads only the event it is given (never the clock), and where events on
  different topics meet (draws and withdrawals, invitations and answers) the read
  models are combined at query time, so a rebuild that reads the topics in another
  interleaving yields the same rows.
- Personal data kept: an applicant's and a seated invitee's given and family name (for
  the venue's list) and aggregate attributes (age band, gender, municipality); nothing
  else, nothing logged. PersonalDataErased removes the names of its district for good.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence

import asyncpg

from reporting.adapters import repository
from reporting.adapters.repository import W
from reporting.domain.figures import age_band
from reporting.service import workshop_day
from shared import topics
from shared.events import EVENT_TYPES, ReceivedEvent
from shared.events.lottery import (
    DrawCommitted,
    InvitationsDrawn,
    LotteryDrawn,
    PanelDrawn,
    ParticipantPromoted,
    RegisterImported,
    SeatDeclined,
)
from shared.events.notifications import NotificationFailed, NotificationSent
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationsClosed,
    ApplicationWithdrawn,
    IdeaSubmitted,
    InvitationAnswered,
    PersonalDataErased,
    WorkshopScheduled,
)
from shared.messaging import outbox
from shared.messaging.inbox import BatchHandler, Handler

TOPICS: tuple[str, ...] = (
    topics.REGISTRATION_EVENTS,
    topics.LOTTERY_EVENTS,
    topics.NOTIFICATIONS_EVENTS,
)
"""The topics reporting reads, live and in a rebuild."""

Shape = Callable[[asyncpg.Connection, ReceivedEvent], Awaitable[None]]


async def _workshop(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, WorkshopScheduled)
    await repository.schedule_workshop(
        conn,
        district,
        p.workshop_date,
        p.town,
        p.venue,
        p.applicant_seats,
        p.register_seats,
        p.application_deadline,
        p.starts_at,
    )


async def _received(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, ApplicationReceived)
    a = p.applicant
    municipality = a.address.municipality if a.address is not None else None
    await repository.execute(
        conn,
        W.add_application,
        p.application_id,
        district,
        p.channel.value,
        p.received_at,
        age_band(a.birth_year, p.received_at.year),
        a.gender.value,
        municipality,
        a.given_name,
        a.family_name,
    )


async def _confirmed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationConfirmed)
    await repository.execute(conn, W.confirm_application, p.application_id, p.confirmed_at)


async def _withdrawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ApplicationWithdrawn)
    await repository.execute(conn, W.withdraw_application, p.application_id, p.withdrawn_at)


async def _closed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, ApplicationsClosed)
    await repository.execute(
        conn,
        W.close_applications,
        district,
        p.deadline,
        p.received,
        p.confirmed,
        p.lapsed,
        event.envelope.occurred_at,
    )


async def _idea(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, IdeaSubmitted)
    await repository.execute(
        conn, W.add_idea, p.idea_id, district, p.text, p.field_of_action, p.submitted_at
    )


async def _answered(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, InvitationAnswered)
    await repository.execute(
        conn,
        W.answer_invitation,
        p.invitee_id,
        district,
        p.accepts,
        age_band(p.birth_year, p.answered_at.year),
        p.gender or "not_stated",
        p.answered_at,
        p.channel.value,
        p.municipality,
    )
    if not p.accepts:
        await repository.execute(conn, W.forget_invitee_name, p.invitee_id)


async def _invitations(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, InvitationsDrawn)
    await repository.execute(
        conn,
        W.record_register_draw,
        p.draw_id,
        district,
        len(p.invitees),
        p.audit_reference,
        p.wave,
    )
    await repository.add_invitees(
        conn, district, [(i.invitee_id, i.given_name, i.family_name) for i in p.invitees], p.wave
    )


async def _panel(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, PanelDrawn)
    await repository.execute(
        conn,
        W.record_panel,
        district,
        p.draw_id,
        p.selection_method,
        p.minimum_probability,
        p.panel_count,
        p.panel_index,
        p.audit_reference,
    )
    await repository.seat_panel(conn, district, p.seated, p.reserves)


async def _register_imported(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, RegisterImported)
    if p.population:  # an import without the structure (schema 1.0) keeps the last one
        await repository.replace_population(
            conn, district, [(s.age_band, s.gender, s.municipality, s.count) for s in p.population]
        )


async def _erased(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, PersonalDataErased)
    await repository.execute(conn, W.erase_personal_data, district, p.erased_at)
    await outbox.forget_published(conn, district)  # dead letters keep the original bytes


async def _committed(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, DrawCommitted)
    await repository.execute(
        conn,
        W.commit_draw,
        p.draw_id,
        district,
        p.kind,
        p.pool_size,
        p.pool_hash,
        p.algorithm,
        p.randomness_source,
        event.envelope.occurred_at,
    )


async def _drawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, LotteryDrawn)
    await repository.execute(
        conn,
        W.record_draw,
        p.draw_id,
        district,
        len(p.seated),
        len(p.waitlist),
        p.audit_reference,
        event.envelope.occurred_at,
    )
    await repository.place(conn, district, "seated", p.seated, [None] * len(p.seated))
    positions = list(range(1, len(p.waitlist) + 1))
    await repository.place(conn, district, "waiting", p.waitlist, positions)


async def _promoted(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, ParticipantPromoted)
    await repository.execute(conn, W.release, p.replaces, district)
    await repository.execute(conn, W.promote, p.application_id, district, p.waitlist_position)


async def _declined(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, SeatDeclined)
    await repository.execute(conn, W.release, p.application_id, district)


async def _notification(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    district, p = event.envelope.district_id, event.payload
    assert isinstance(p, NotificationSent | NotificationFailed)
    failed = isinstance(p, NotificationFailed)
    await repository.execute(
        conn,
        W.notification_outcome,
        p.notification_id,
        district,
        p.template,
        p.channel,
        "failed" if failed else "sent",
        isinstance(p, NotificationFailed) and p.permanent,
    )


_READ_MODELS: dict[str, Shape] = {
    WorkshopScheduled.event_type: _workshop,
    ApplicationReceived.event_type: _received,
    ApplicationConfirmed.event_type: _confirmed,
    ApplicationWithdrawn.event_type: _withdrawn,
    ApplicationsClosed.event_type: _closed,
    IdeaSubmitted.event_type: _idea,
    InvitationAnswered.event_type: _answered,
    InvitationsDrawn.event_type: _invitations,
    PanelDrawn.event_type: _panel,
    RegisterImported.event_type: _register_imported,
    PersonalDataErased.event_type: _erased,
    DrawCommitted.event_type: _committed,
    LotteryDrawn.event_type: _drawn,
    ParticipantPromoted.event_type: _promoted,
    SeatDeclined.event_type: _declined,
    NotificationSent.event_type: _notification,
    NotificationFailed.event_type: _notification,
    **workshop_day.READ_MODELS,
}


async def on_any_event(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    await repository.count_event(conn, event.envelope.district_id, event.envelope.event_type)
    shape = _READ_MODELS.get(event.envelope.event_type)
    if shape is not None:
        await shape(conn, event)


HANDLERS: dict[str, Handler] = {
    event_type: on_any_event for event_type, cls in EVENT_TYPES.items() if cls.topic in TOPICS
}


# Batch forms for the events that come by the thousand. The order below is the order in
# which a run's types are applied (shared.messaging.inbox): an application is received
# before it is confirmed and confirmed before it is withdrawn (the confirmation's status
# rule keeps a withdrawal whatever the order); ideas and notification outcomes touch no
# other type's rows, and the counters commute.


async def _count(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    counts = Counter((e.envelope.district_id, e.envelope.event_type) for e in events)
    await repository.execute(
        conn,
        W.count_events,
        [d for d, _ in counts],
        [t for _, t in counts],
        list(counts.values()),
    )


async def _received_batch(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    await _count(conn, events)
    rows = []
    for event in events:
        p = event.payload
        assert isinstance(p, ApplicationReceived)
        a = p.applicant
        rows.append(
            (
                p.application_id,
                event.envelope.district_id,
                p.channel.value,
                p.received_at,
                age_band(a.birth_year, p.received_at.year),
                a.gender.value,
                a.address.municipality if a.address is not None else None,
                a.given_name,
                a.family_name,
            )
        )
    await repository.execute(conn, W.add_applications, *map(list, zip(*rows, strict=True)))


async def _confirmed_batch(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    await _count(conn, events)
    first: dict[object, object] = {}
    for event in events:
        p = event.payload
        assert isinstance(p, ApplicationConfirmed)
        first.setdefault(p.application_id, p.confirmed_at)  # the first confirmation counts
    await repository.execute(conn, W.confirm_applications, list(first), list(first.values()))


async def _withdrawn_batch(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    await _count(conn, events)
    last: dict[object, object] = {}
    for event in events:
        p = event.payload
        assert isinstance(p, ApplicationWithdrawn)
        last[p.application_id] = p.withdrawn_at  # as one update after another: the last wins
    await repository.execute(conn, W.withdraw_applications, list(last), list(last.values()))


async def _ideas_batch(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    await _count(conn, events)
    rows = []
    for event in events:
        p = event.payload
        assert isinstance(p, IdeaSubmitted)
        rows.append(
            (p.idea_id, event.envelope.district_id, p.text, p.field_of_action, p.submitted_at)
        )
    await repository.execute(conn, W.add_ideas, *map(list, zip(*rows, strict=True)))


async def _notifications_batch(conn: asyncpg.Connection, events: Sequence[ReceivedEvent]) -> None:
    await _count(conn, events)
    attempts: dict[object, list[ReceivedEvent]] = {}
    for event in events:
        attempts.setdefault(event.payload.notification_id, []).append(event)  # type: ignore[attr-defined]
    rows = []
    for notification_id, group in attempts.items():
        first = group[0].payload
        assert isinstance(first, NotificationSent | NotificationFailed)
        failures = [e.payload for e in group if isinstance(e.payload, NotificationFailed)]
        rows.append(
            (
                notification_id,
                group[0].envelope.district_id,
                first.template,
                first.channel,
                "failed" if len(failures) == len(group) else "sent",
                any(f.permanent for f in failures),
                len(group),
            )
        )
    await repository.execute(conn, W.notification_outcomes, *map(list, zip(*rows, strict=True)))


BATCH_HANDLERS: dict[str, BatchHandler] = {
    ApplicationReceived.event_type: _received_batch,
    ApplicationConfirmed.event_type: _confirmed_batch,
    ApplicationWithdrawn.event_type: _withdrawn_batch,
    IdeaSubmitted.event_type: _ideas_batch,
    NotificationSent.event_type: _notifications_batch,
    NotificationFailed.event_type: _notifications_batch,
}
"""The same effects as ``HANDLERS`` for runs of these events (one statement per type)."""
