"""Reporting's JSON API and exports.

- ``GET /api/districts/{d}/figures`` (public): aggregate event counts only.
- ``GET /api/staff/districts/{d}/figures``, ``GET /api/staff/region/figures`` (staff):
  every figure; coordinators only for their own district, the region for admins.
- ``GET /api/staff/districts/{d}/ideas?q=``: the searchable list of ideas.
- Exports as CSV and XLSX: ``reporting.entrypoints.exports``.

Invariant: staff routes authenticate before touching the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request

from reporting.adapters import repository
from reporting.entrypoints.access import Staff, district_access, region_access
from reporting.service.figures import figures
from shared.http import runtime_of

router = APIRouter(tags=["figures"])


@router.get("/api/districts/{district_id}/figures", summary="Aggregate event counts (public)")
async def district_event_counts(district_id: str, request: Request) -> dict[str, object]:
    async with runtime_of(request).pool.acquire() as conn:
        counts = await repository.event_counts(conn, district_id)
    return {"district_id": district_id, "event_counts": counts}


@router.get("/api/staff/districts/{district_id}/figures", summary="Every figure of a district")
async def staff_district_figures(district_id: str, request: Request, member: Staff) -> Any:
    district_access(member, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        return await figures(conn, district_id, now=datetime.now(UTC))


@router.get("/api/staff/region/figures", summary="Every figure of the whole region (admin)")
async def staff_region_figures(request: Request, member: Staff) -> Any:
    region_access(member)
    async with runtime_of(request).pool.acquire() as conn:
        return await figures(conn, None, now=datetime.now(UTC))


@router.get("/api/staff/districts/{district_id}/ideas", summary="Ideas, searchable")
async def staff_ideas(
    district_id: str,
    request: Request,
    member: Staff,
    q: str | None = Query(default=None, max_length=200),
) -> list[dict[str, Any]]:
    district_access(member, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        rows = await repository.search_ideas(conn, district_id, q)
    return [
        {
            "idea_id": str(r["idea_id"]),
            "text": r["text"],
            "field_of_action": r["field_of_action"],
            "submitted_at": r["submitted_at"].isoformat(),
        }
        for r in rows
    ]
