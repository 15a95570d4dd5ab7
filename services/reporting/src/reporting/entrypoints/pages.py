"""Reporting's HTML pages: the staff dashboard and the public transparency page.

- ``GET /dashboard?district=&q=&token=``: staff only. The token comes in the
  ``Authorization: Bearer`` header or, for a browser, as ``?token=``; coordinators see
  their own district, admins the region or any district.
- ``GET /transparenz/{district_id}``: public, aggregates only.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from reporting.adapters import repository
from reporting.entrypoints import html
from reporting.entrypoints.access import Staff, district_access, region_access
from reporting.service.figures import figures
from shared.http import runtime_of

router = APIRouter(tags=["pages"])


@router.get("/dashboard", response_class=HTMLResponse, summary="Staff dashboard")
async def dashboard(
    request: Request,
    member: Staff,
    district: str | None = Query(default=None, max_length=100),
    q: str | None = Query(default=None, max_length=200),
) -> HTMLResponse:
    district = district or member.district_id
    if district is None:
        region_access(member)
    else:
        district_access(member, district)
    token = request.query_params.get("token")
    async with runtime_of(request).pool.acquire() as conn:
        data = await figures(conn, district, now=datetime.now(UTC))
        ideas = await repository.search_ideas(conn, district, q)
    links: dict[str, str] = {}
    if member.role == "admin":
        links["Region"] = html.query_url("/dashboard", {"token": token})
        for w in data["workshops"] if district is None else []:
            links[w["district_id"]] = html.query_url(
                "/dashboard", {"district": w["district_id"], "token": token}
            )
    if district is not None:
        base = f"/api/staff/districts/{district}/exports"
        for name in ("participants", "ideas", "figures"):
            links[f"{name}.csv"] = html.query_url(f"{base}/{name}.csv", {"token": token})
        links["Transparenzseite"] = f"/transparenz/{district}"
    hidden = {k: v for k, v in (("district", district), ("token", token)) if v}
    title = f"Auswertung {district}" if district else "Auswertung Region"
    return HTMLResponse(
        html.dashboard(data, ideas, title=title, query=q, links=links, hidden=hidden)
    )


@router.get(
    "/transparenz/{district_id}", response_class=HTMLResponse, summary="Public transparency page"
)
async def transparency(district_id: str, request: Request) -> HTMLResponse:
    runtime = runtime_of(request)
    async with runtime.pool.acquire() as conn:
        data = await figures(conn, district_id, now=datetime.now(UTC))
    lottery_url = getattr(runtime.settings, "lottery_public_url", "")
    return HTMLResponse(html.transparency(district_id, data, lottery_url))
