"""A staff action for demonstrations and rehearsals: close a district's applications now,
instead of waiting for its deadline. Admins only, and never in production (there the
deadline of the rollout configuration is the only way a district closes).

Closing now is the closing barrier itself (the same lock, the same lapse of unconfirmed
web applications, the same ApplicationsClosed event, exactly once per district).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends

from registration.adapters import repository
from registration.domain.applications import Status
from registration.entrypoints.deps import Ready, registration, staff_rate_limit
from shared.auth import StaffMember, staff_member
from shared.events.registration import ApplicationsClosed
from shared.http import Problem
from shared.messaging import outbox

router = APIRouter(prefix="/staff", tags=["staff"], dependencies=[Depends(staff_rate_limit)])

Reg = Annotated[Ready, Depends(registration)]
Staff = Annotated[StaffMember, Depends(staff_member)]


@router.post(
    "/districts/{district_id}/close-now",
    summary="Close a district's applications now (demonstrations; admins; not in production)",
)
async def close_now(district_id: str, reg: Reg, staff: Staff) -> dict[str, object]:
    if staff.role != "admin":
        raise Problem(
            403, "forbidden", "Nur für Administratorinnen und Administratoren.", "Admins only."
        )
    if reg.settings.environment == "production":
        raise Problem(
            403,
            "not-in-production",
            "Im Betrieb schließt ein Landkreis nur zu seiner Frist.",
            "In production a district closes only at its deadline.",
        )
    if reg.districts.terms(district_id) is None:
        raise Problem(404, "not-found", "Diesen Landkreis gibt es nicht.", "No such district.")
    now = datetime.now(UTC)
    async with reg.pool.acquire() as conn, conn.transaction():
        row = await repository.lock_for_closing(conn, district_id)
        if row is None:
            raise Problem(404, "not-found", "Diesen Landkreis gibt es nicht.", "No such district.")
        if row["closed_at"] is not None:
            return {"district_id": district_id, "closed_at": row["closed_at"], "already": True}
        counts = await repository.close(conn, district_id, now)
        await outbox.append(
            conn,
            ApplicationsClosed(
                deadline=row["application_deadline"],
                received=sum(counts.values()),
                confirmed=counts.get(Status.CONFIRMED, 0),
                lapsed=counts.get(Status.LAPSED, 0),
            ),
            district_id=district_id,
            producer="registration",
        )
    return {
        "district_id": district_id,
        "closed_at": now,
        "already": False,
        "received": sum(counts.values()),
        "confirmed": counts.get(Status.CONFIRMED, 0),
        "lapsed": counts.get(Status.LAPSED, 0),
    }
