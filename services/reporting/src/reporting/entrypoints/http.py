"""Reporting's JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Request

from reporting.adapters import repository
from shared.http import runtime_of

router = APIRouter(tags=["figures"])


@router.get("/api/districts/{district_id}/figures")
async def district_figures(district_id: str, request: Request) -> dict[str, object]:
    async with runtime_of(request).pool.acquire() as conn:
        counts = await repository.district_figures(conn, district_id)
    return {"district_id": district_id, "event_counts": counts}
