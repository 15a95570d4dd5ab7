"""Staff endpoints of registration: reply cards, withdrawals, idea moderation.
Every route needs a bearer token; coordinators act only for their own district."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field

from registration.adapters import repository
from registration.domain.reply_cards import MissingColumns
from registration.entrypoints.deps import Ready, registration, staff_rate_limit
from registration.entrypoints.http import submit_or_refuse
from registration.service import intake, reply_cards
from shared.auth import StaffMember, require_district_access, staff_member
from shared.events.common import Applicant, Channel
from shared.http import Problem

router = APIRouter(prefix="/staff", tags=["staff"], dependencies=[Depends(staff_rate_limit)])

Reg = Annotated[Ready, Depends(registration)]
Staff = Annotated[StaffMember, Depends(staff_member)]
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ReplyCardEntry(BaseModel):
    card_id: str = Field(min_length=1, max_length=100)
    district_id: str = Field(min_length=1, max_length=100)
    applicant: Applicant
    received_on: date


class CardAccepted(BaseModel):
    application_id: uuid.UUID
    status: str


class ImportResult(BaseModel):
    accepted: int
    already_imported: int
    rejected: int
    rejected_rows: list[dict[str, object]]


class Moderation(BaseModel):
    state: Literal["new", "published", "hidden"]


class IdeaRow(BaseModel):
    idea_id: uuid.UUID
    district_id: str
    text: str
    field_of_action: str | None
    moderation: str
    submitted_at: datetime


@router.post(
    "/reply-cards", status_code=201, response_model=CardAccepted, summary="Enter one reply card"
)
async def enter_reply_card(entry: ReplyCardEntry, reg: Reg, staff: Staff) -> CardAccepted:
    require_district_access(staff, entry.district_id)
    submission = intake.Submission(
        district_id=entry.district_id,
        applicant=entry.applicant,
        channel=Channel.REPLY_CARD,
        card_id=entry.card_id,
        received_on=entry.received_on,
    )
    application = await submit_or_refuse(reg, submission)
    return CardAccepted(application_id=application.application_id, status="confirmed")


@router.post(
    "/reply-cards/import",
    response_model=ImportResult,
    summary="Import reply cards from a CSV file (text/csv body)",
)
async def import_reply_cards(
    reg: Reg,
    staff: Staff,
    csv_text: Annotated[str, Body(media_type="text/csv", max_length=MAX_IMPORT_BYTES)],
) -> ImportResult:
    try:
        report = await reply_cards.import_cards(
            reg.pool,
            csv_text,
            districts=reg.districts,
            links=reg.links,
            now=datetime.now(UTC),
            may_act_for=staff.may_act_for,
        )
    except MissingColumns as exc:
        raise Problem(
            422,
            "csv-columns-missing",
            f"Der CSV-Datei fehlen Spalten: {exc}",
            str(exc),
            field="csv",
        ) from None
    return ImportResult.model_validate(report.as_dict())


@router.post("/applications/{application_id}/withdraw", summary="Withdraw for an applicant")
async def withdraw(application_id: uuid.UUID, reg: Reg, staff: Staff) -> dict[str, str]:
    async with reg.pool.acquire() as conn, conn.transaction():
        row = await repository.get_application(conn, application_id)
        if row is None:
            raise Problem(
                404, "not-found", "Diese Bewerbung gibt es nicht.", "No such application."
            )
        require_district_access(staff, row["district_id"])
        done = await intake.withdraw(conn, application_id, now=datetime.now(UTC), by_staff=True)
    return {"application_id": str(application_id), "status": "withdrawn" if done else row["status"]}


@router.get(
    "/districts/{district_id}/ideas",
    response_model=list[IdeaRow],
    summary="Ideas of a district for moderation",
)
async def list_ideas(
    district_id: str,
    reg: Reg,
    staff: Staff,
    moderation: Annotated[Literal["new", "published", "hidden"] | None, Query()] = None,
) -> list[IdeaRow]:
    require_district_access(staff, district_id)
    async with reg.pool.acquire() as conn:
        rows = await repository.list_ideas(conn, district_id, moderation)
    return [IdeaRow.model_validate(dict(r)) for r in rows]


@router.put("/ideas/{idea_id}/moderation", summary="Publish or hide an idea")
async def moderate(idea_id: uuid.UUID, body: Moderation, reg: Reg, staff: Staff) -> dict[str, str]:
    async with reg.pool.acquire() as conn, conn.transaction():
        district = await repository.idea_district(conn, idea_id)
        if district is None:
            raise Problem(404, "not-found", "Diese Idee gibt es nicht.", "No such idea.")
        require_district_access(staff, district)
        await repository.moderate_idea(conn, idea_id, body.state)
    return {"idea_id": str(idea_id), "moderation": body.state}
