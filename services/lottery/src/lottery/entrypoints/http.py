"""The lottery's HTTP API: public audit records, and the staff's draw with the seed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from lottery.adapters import repository
from lottery.service import draws
from shared.auth import StaffMember, require_district_access, staff_member
from shared.http import Problem, runtime_of

router = APIRouter(tags=["draws"])
Staff = Annotated[StaffMember, Depends(staff_member)]


class Seed(BaseModel):
    sources: list[list[str]] = Field(
        min_length=1,
        max_length=20,
        description="The public random numbers, one list per source, as published.",
    )


def _load(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@router.get("/draws/{district_id}/applicants", summary="Commitment and audit record (public)")
async def public_draw(district_id: str, request: Request) -> dict[str, Any]:
    async with runtime_of(request).pool.acquire() as conn:
        row = await repository.get_draw(conn, district_id, draws.KIND)
    if row is None:
        raise Problem(
            404,
            "no-draw",
            "Für diesen Landkreis gibt es noch keine Verlosung.",
            "There is no draw for this district yet.",
        )
    return {
        "district_id": district_id,
        "commitment": _load(row["commitment"]),
        "audit_record": _load(row["audit_record"]),
        "committed_at": row["committed_at"],
        "drawn_at": row["drawn_at"],
        "how_to_verify": (
            "Save audit_record as a JSON file and run `mitwirken-verify FILE`; any "
            "implementation of RFC 3797 (with SHA-256 for rfc3797-sha256-v1) gives the same "
            "order from the pool and the seed values."
        ),
    }


@router.post("/staff/districts/{district_id}/draw", summary="Draw with the public seed")
async def perform_draw(
    district_id: str, seed: Seed, request: Request, staff: Staff
) -> dict[str, Any]:
    require_district_access(staff, district_id)
    try:
        async with runtime_of(request).pool.acquire() as conn, conn.transaction():
            result = await draws.draw(
                conn, district_id, seed=seed.sources, actor=staff.subject, now=datetime.now(UTC)
            )
    except draws.DrawRefused as exc:
        raise Problem(
            exc.status,
            "draw-refused",
            "Die Verlosung ist nicht möglich: " + exc.reason,
            "The draw is refused: " + exc.reason,
        ) from None
    except ValueError as exc:
        raise Problem(
            422,
            "invalid-seed",
            f"Die Zufallszahlen sind unbrauchbar: {exc}",
            f"The seed values are unusable: {exc}",
            field="sources",
        ) from None
    return {
        "draw_id": str(result.draw_id),
        "seated": len(result.seated),
        "waitlist": len(result.waitlist),
        "audit_record": result.audit_record,
    }
