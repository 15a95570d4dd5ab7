"""The public HTTP API of registration."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from registration.service import intake
from shared.events.common import Applicant, Channel
from shared.http import runtime_of

router = APIRouter(tags=["applications"])


class ApplicationForm(BaseModel):
    district_id: str = Field(min_length=1, max_length=100)
    applicant: Applicant


class ApplicationAccepted(BaseModel):
    application_id: uuid.UUID
    district_id: str
    status: str


@router.post("/applications", status_code=201, response_model=ApplicationAccepted)
async def submit_application(form: ApplicationForm, request: Request) -> ApplicationAccepted:
    application = await intake.submit_application(
        runtime_of(request).pool, form.district_id, Channel.WEB, form.applicant
    )
    return ApplicationAccepted(
        application_id=application.application_id,
        district_id=application.district_id,
        status="received",
    )
