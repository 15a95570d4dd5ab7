"""Staff endpoint: erase a district's personal data before its retention period ends
(an administrator's decision, e.g. when a process is cancelled). The retention clock
does the same on schedule without anyone asking."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from registration.entrypoints.deps import Ready, registration, staff_rate_limit
from registration.service.retention import erase_district
from shared.auth import StaffMember, staff_member
from shared.http import Problem

router = APIRouter(prefix="/staff", tags=["staff"], dependencies=[Depends(staff_rate_limit)])


class ErasureRequest(BaseModel):
    confirm_district_id: str = Field(
        min_length=1, max_length=100, description="The district id again, as a safeguard"
    )


class ErasureDone(BaseModel):
    district_id: str
    erased_at: datetime
    message: str
    message_en: str


@router.post(
    "/districts/{district_id}/personal-data/erase",
    response_model=ErasureDone,
    summary="Erase the district's personal data now (admin)",
)
async def erase_now(
    district_id: str,
    request: ErasureRequest,
    staff: Annotated[StaffMember, Depends(staff_member)],
    reg: Annotated[Ready, Depends(registration)],
) -> ErasureDone:
    if staff.role != "admin":
        raise Problem(
            403,
            "forbidden",
            "Nur die Verwaltung der Region darf personenbezogene Daten vorzeitig löschen.",
            "Only the region's administrators may erase personal data early.",
        )
    if reg.districts.terms(district_id) is None:
        raise Problem(
            404, "unknown-district", "Diesen Landkreis gibt es nicht.", "No such district."
        )
    if request.confirm_district_id != district_id:
        raise Problem(
            422,
            "confirmation-mismatch",
            "Zur Bestätigung muss die Kennung des Landkreises wiederholt werden.",
            "Repeat the district's id to confirm the erasure.",
            field="confirm_district_id",
        )
    now = datetime.now(UTC)
    erased = await erase_district(
        reg.pool, district_id, now, retention_days=reg.settings.retention_days_after_workshop
    )
    if not erased:
        raise Problem(
            409,
            "already-erased",
            "Die personenbezogenen Daten dieses Landkreises sind bereits gelöscht.",
            "This district's personal data has already been erased.",
        )
    return ErasureDone(
        district_id=district_id,
        erased_at=now,
        message="Die personenbezogenen Daten des Landkreises werden in allen Diensten gelöscht.",
        message_en="The district's personal data is being erased in every service.",
    )
