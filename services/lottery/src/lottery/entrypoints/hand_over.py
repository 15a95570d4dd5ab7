"""Staff route for the hand-over of a freed seat to a waitlisted person chosen by phone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from lottery.service.hand_over import HandOverRefused, hand_over
from shared.auth import StaffMember, require_district_access, staff_member
from shared.http import Problem, runtime_of

router = APIRouter(tags=["draws"])
Staff = Annotated[StaffMember, Depends(staff_member)]


class HandOver(BaseModel):
    to: uuid.UUID


class HandedOver(BaseModel):
    seat_of: uuid.UUID
    to: uuid.UUID
    waitlist_position: int


@router.post(
    "/staff/districts/{district_id}/seats/{application_id}/hand-over",
    response_model=HandedOver,
    summary="Hand a freed seat to a waitlisted person who accepted by phone",
)
async def hand_over_seat(
    district_id: str, application_id: uuid.UUID, body: HandOver, request: Request, staff: Staff
) -> HandedOver:
    require_district_access(staff, district_id)
    try:
        async with runtime_of(request).pool.acquire() as conn, conn.transaction():
            position = await hand_over(
                conn,
                district_id,
                application_id,
                body.to,
                actor=staff.subject,
                now=datetime.now(UTC),
            )
    except HandOverRefused as exc:
        raise Problem(exc.status, exc.code, exc.de, exc.en) from None
    return HandedOver(seat_of=application_id, to=body.to, waitlist_position=position)
