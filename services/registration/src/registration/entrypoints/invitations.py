"""Answers to register invitations over HTTP: the invitee's web form (public, with the
code from the letter) and reply cards entered by staff; and the handler that learns
each wave's codes from the lottery's InvitationsDrawn.

A guessed code is refused, and every client may try only a few codes in a while
(settings ``invitation_attempts`` per ``invitation_attempt_window_s``), counted
separately from the other public routes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from registration.entrypoints.deps import Ready, registration, staff_rate_limit
from registration.service import invitations as cases
from shared.auth import StaffMember, require_district_access, staff_member
from shared.events import ReceivedEvent
from shared.events.common import (
    AccessibilityNeed,
    Channel,
    EmailAddress,
    Gender,
    Language,
    Line,
)
from shared.events.lottery import InvitationsDrawn
from shared.http import Problem
from shared.messaging.inbox import Handler
from shared.ratelimit import RateLimiter, client_key


async def code_attempts(request: Request) -> None:
    """A few answers per client in a window (settings ``invitation_attempts`` and
    ``invitation_attempt_window_s``): a household answers once or twice, and guessing
    codes at that pace is hopeless."""
    limiter = getattr(request.app.state, "invitation_limiter", None)
    if limiter is None:
        settings = request.app.state.registration.settings
        limiter = request.app.state.invitation_limiter = RateLimiter(
            settings.invitation_attempts, settings.invitation_attempt_window_s
        )
    limiter.check("invitation:" + client_key(request))


router = APIRouter(tags=["invitations"])
staff_router = APIRouter(prefix="/staff", tags=["staff"], dependencies=[Depends(staff_rate_limit)])
Reg = Annotated[Ready, Depends(registration)]
Staff = Annotated[StaffMember, Depends(staff_member)]


class AnswerForm(BaseModel):
    invitation_code: str = Field(min_length=1, max_length=40, description="From the letter.")
    accepts: bool = Field(description="True: I would like to take part; false: I decline.")
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    gender: Gender | None = None
    municipality: Line | None = Field(default=None, min_length=1, max_length=200)
    email: EmailAddress | None = None
    phone: Line | None = Field(default=None, max_length=50)
    language: Language = Language.DE
    accessibility_needs: tuple[AccessibilityNeed, ...] = ()
    quota_answers: dict[Line, Annotated[Line, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=10, description="Further quota attributes, if asked."
    )


class CardForm(AnswerForm):
    received_on: date | None = Field(
        default=None, description="The day the card arrived (it counts up to the deadline)."
    )


class Answered(BaseModel):
    invitee_id: uuid.UUID
    accepts: bool
    message: str
    message_en: str


def _given(form: AnswerForm) -> cases.Answer:
    return cases.Answer(
        invitation_code=form.invitation_code,
        accepts=form.accepts,
        birth_year=form.birth_year,
        gender=form.gender.value if form.gender else None,
        municipality=form.municipality,
        email=str(form.email) if form.email else None,
        phone=form.phone,
        language=form.language,
        accessibility_needs=form.accessibility_needs,
        quota_answers=dict(form.quota_answers),
    )


def _answered(accepts: bool, invitee_id: uuid.UUID) -> Answered:
    if accepts:
        de = (
            "Vielen Dank für Ihre Zusage! Nach Ablauf der Antwortfrist wird ausgelost, wer "
            "an der Zukunftswerkstatt teilnimmt; wir schreiben Ihnen dann."
        )
        en = (
            "Thank you for accepting! When the response window closes, the participants "
            "are drawn; we will write to you then."
        )
    else:
        de, en = "Vielen Dank für Ihre Antwort.", "Thank you for your answer."
    return Answered(invitee_id=invitee_id, accepts=accepts, message=de, message_en=en)


async def _take(reg: Ready, given: cases.Answer, **kwargs: Any) -> Answered:
    secret = reg.settings.signing_secret.get_secret_value()
    try:
        async with reg.pool.acquire() as conn, conn.transaction():
            event = await cases.answer(conn, given, secret=secret, now=datetime.now(UTC), **kwargs)
    except cases.AnswerRefused as exc:
        raise Problem(exc.status, exc.code, exc.de, exc.en, field=exc.field) from None
    return _answered(event.accepts, event.invitee_id)


@router.post(
    "/invitations/answers",
    status_code=201,
    response_model=Answered,
    summary="Answer an invitation with the code from the letter",
    dependencies=[Depends(code_attempts)],
)
async def answer_invitation(form: AnswerForm, reg: Reg) -> Answered:
    return await _take(reg, _given(form))


@staff_router.post(
    "/districts/{district_id}/invitations/answers",
    status_code=201,
    response_model=Answered,
    summary="Enter a reply card to an invitation",
)
async def enter_reply_card(district_id: str, form: CardForm, reg: Reg, staff: Staff) -> Answered:
    require_district_access(staff, district_id)
    return await _take(
        reg,
        _given(form),
        channel=Channel.REPLY_CARD,
        district_id=district_id,
        received_on=form.received_on,
        entered_by=staff.subject,
    )


def with_invitation_handlers(handlers: Mapping[str, Handler], secret: str) -> dict[str, Handler]:
    """``handlers`` plus learning the codes of InvitationsDrawn; where a handler for it
    exists already, both run, in the same transaction."""

    async def on_invitations_drawn(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
        drawn = event.payload
        assert isinstance(drawn, InvitationsDrawn)
        await cases.record_invitations(conn, event.envelope.district_id, drawn, secret=secret)

    merged = dict(handlers)
    earlier = merged.get(InvitationsDrawn.event_type)
    if earlier is None:
        merged[InvitationsDrawn.event_type] = on_invitations_drawn
    else:

        async def both(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
            await earlier(conn, event)
            await on_invitations_drawn(conn, event)

        merged[InvitationsDrawn.event_type] = both
    return merged
