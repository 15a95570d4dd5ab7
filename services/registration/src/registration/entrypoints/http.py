"""The public HTTP API of registration: applications, confirmation and withdrawal links,
ideas. Every refusal is an RFC 9457 problem document in German and English."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from registration.domain.applications import Application
from registration.entrypoints.deps import Ready, public_rate_limit, registration
from registration.service import ideas as idea_cases
from registration.service import intake
from shared.events.common import Applicant, Channel, EmailAddress, Line, Text
from shared.http import Problem

router = APIRouter(tags=["public"], dependencies=[Depends(public_rate_limit)])

Reg = Annotated[Ready, Depends(registration)]


class Consent(BaseModel):
    given: bool = Field(description="The applicant consents to the processing of their data.")
    text_version: str = Field(
        min_length=1, max_length=50, description="The version of the consent text shown."
    )


class ApplicationForm(BaseModel):
    district_id: str = Field(min_length=1, max_length=100)
    applicant: Applicant
    consent: Consent


class ApplicationAccepted(BaseModel):
    application_id: uuid.UUID
    district_id: str
    status: str
    message: str
    message_en: str


class LinkResult(BaseModel):
    application_id: uuid.UUID
    status: str
    message: str
    message_en: str


class IdeaForm(BaseModel):
    district_id: str = Field(min_length=1, max_length=100)
    text: Text = Field(min_length=1, max_length=2000)
    field_of_action: (
        Literal[
            "value_creation_and_innovation",
            "resources",
            "energy",
            "mobility_and_logistics",
            "tourism_and_culture",
        ]
        | None
    ) = None
    author_name: Line | None = Field(default=None, max_length=200)
    author_email: EmailAddress | None = None


class IdeaAccepted(BaseModel):
    idea_id: uuid.UUID
    message: str
    message_en: str


class DistrictInfo(BaseModel):
    district_id: str
    workshop_date: str
    application_deadline: datetime
    open_for_applications: bool


def refused(exc: intake.Refused) -> Problem:
    first = exc.refusals[0]
    status = max(r.status for r in exc.refusals)
    return Problem(
        status,
        first.code,
        " ".join(r.de for r in exc.refusals),
        " ".join(r.en for r in exc.refusals),
        field=first.field,
        extra={
            "errors": [
                {"code": r.code, "field": r.field, "message": r.de, "message_en": r.en}
                for r in exc.refusals
            ]
        },
    )


async def submit_or_refuse(reg: Ready, submission: intake.Submission) -> Application:
    """Run the intake in its own transaction; a refusal becomes a problem document."""
    try:
        async with reg.pool.acquire() as conn, conn.transaction():
            return await intake.submit(
                conn,
                submission,
                districts=reg.districts,
                links=reg.links,
                now=datetime.now(UTC),
            )
    except intake.Refused as exc:
        raise refused(exc) from None


@router.get("/districts", response_model=list[DistrictInfo], summary="Districts and deadlines")
async def districts(reg: Reg) -> list[DistrictInfo]:
    now = datetime.now(UTC)
    return [
        DistrictInfo(
            district_id=d.district_id,
            workshop_date=d.workshop_date.isoformat(),
            application_deadline=d.application_deadline,
            open_for_applications=now < d.application_deadline,
        )
        for d in reg.districts.all()
    ]


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationAccepted,
    summary="Apply for a seat (web)",
)
async def submit_application(form: ApplicationForm, reg: Reg) -> ApplicationAccepted:
    if not form.consent.given:
        raise refused(intake.Refused([intake.refusals.consent_required()]))
    submission = intake.Submission(
        district_id=form.district_id,
        applicant=form.applicant,
        channel=Channel.WEB,
        consent_text_version=form.consent.text_version,
    )
    try:
        application = await reg.intake_writer.submit(submission)
    except intake.Refused as exc:
        raise refused(exc) from None
    return ApplicationAccepted(
        application_id=application.application_id,
        district_id=application.district_id,
        status=application.status.value,
        message="Vielen Dank! Bitte bestätigen Sie Ihre Bewerbung über den Link in der E-Mail, "
        "die wir Ihnen geschickt haben.",
        message_en="Thank you! Please confirm your application through the link in the e-mail "
        "we sent you.",
    )


@router.post(
    "/applications/confirm",
    response_model=LinkResult,
    summary="Confirm a web application (double opt-in link)",
)
async def confirm_application(
    reg: Reg, token: Annotated[str, Query(min_length=1, max_length=500)]
) -> LinkResult:
    try:
        async with reg.pool.acquire() as conn, conn.transaction():
            application_id = await intake.confirm(
                conn,
                token,
                links=reg.links,
                max_age_s=reg.settings.confirmation_link_max_age_days * 86400,
                now=datetime.now(UTC),
            )
    except intake.Refused as exc:
        raise refused(exc) from None
    return LinkResult(
        application_id=application_id,
        status="confirmed",
        message="Ihre Bewerbung ist bestätigt und nimmt an der Verlosung teil.",
        message_en="Your application is confirmed and takes part in the lottery.",
    )


@router.post(
    "/applications/withdraw",
    response_model=LinkResult,
    summary="Withdraw an application (personal link)",
)
async def withdraw_application(
    reg: Reg, token: Annotated[str, Query(min_length=1, max_length=500)]
) -> LinkResult:
    try:
        application_id = intake.withdrawal_token_application(
            token, reg.links, reg.settings.withdrawal_link_max_age_days * 86400
        )
    except intake.Refused as exc:
        raise refused(exc) from None
    async with reg.pool.acquire() as conn, conn.transaction():
        await intake.withdraw(conn, application_id, now=datetime.now(UTC), by_staff=False)
    return LinkResult(
        application_id=application_id,
        status="withdrawn",
        message="Ihre Bewerbung ist zurückgezogen.",
        message_en="Your application has been withdrawn.",
    )


@router.post(
    "/ideas", status_code=201, response_model=IdeaAccepted, summary="Answer the guiding question"
)
async def submit_idea(form: IdeaForm, reg: Reg) -> IdeaAccepted:
    if reg.districts.terms(form.district_id) is None:
        raise refused(
            intake.Refused(
                [intake.refusals.unknown_district(form.district_id, reg.districts.ids())]
            )
        )
    async with reg.pool.acquire() as conn, conn.transaction():
        idea_id = await idea_cases.submit_idea(
            conn,
            district_id=form.district_id,
            text=form.text,
            field_of_action=form.field_of_action,
            author_name=form.author_name,
            author_email=form.author_email,
            now=datetime.now(UTC),
        )
    return IdeaAccepted(
        idea_id=idea_id,
        message="Vielen Dank für Ihre Antwort!",
        message_en="Thank you for your answer!",
    )
