"""Reporting's HTML pages: the staff dashboard and the public transparency page.

- ``GET /dashboard?district=&q=``: staff only; coordinators see their own district,
  admins the region or any district. A browser without credentials is sent to the
  sign-in form.
- ``GET /anmelden``, ``POST /anmelden``: the sign-in form; a valid token is kept in an
  ``HttpOnly`` cookie (see ``reporting.entrypoints.access``). ``POST /abmelden`` ends it.
- ``GET /transparenz/{district_id}``: public, aggregates only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from reporting.adapters import repository
from reporting.entrypoints import html
from reporting.entrypoints.access import (
    COOKIE,
    credentials,
    district_access,
    read_member,
    region_access,
)
from reporting.service.figures import figures
from shared.http import Problem, runtime_of

router = APIRouter(tags=["pages"])


@router.get("/dashboard", response_class=HTMLResponse, summary="Staff dashboard")
async def dashboard(
    request: Request,
    district: str | None = Query(default=None, max_length=100),
    q: str | None = Query(default=None, max_length=200),
) -> Response:
    authorization = credentials(request)
    if authorization is None and "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/anmelden", status_code=303)
    member = read_member(request, authorization)
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
            for fmt in ("csv", "xlsx"):
                links[f"{name}.{fmt}"] = html.query_url(f"{base}/{name}.{fmt}", {"token": token})
        links["Transparenzseite"] = f"/transparenz/{district}"
    hidden = {k: v for k, v in (("district", district), ("token", token)) if v}
    title = f"Auswertung {district}" if district else "Auswertung Region"
    return HTMLResponse(
        html.dashboard(data, ideas, title=title, query=q, links=links, hidden=hidden)
    )


@router.get("/anmelden", response_class=HTMLResponse, summary="Staff sign-in form")
async def login_form() -> HTMLResponse:
    return HTMLResponse(html.login())


@router.post("/anmelden", response_class=HTMLResponse, summary="Sign in with a staff token")
async def login(request: Request) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    token = (form.get("token") or [""])[0].strip()
    if token.lower().startswith("bearer "):
        token = token[7:].strip()
    try:
        read_member(request, f"Bearer {token}" if token else None)
    except Problem as problem:
        return HTMLResponse(html.login(problem.detail_de), status_code=401)
    response = RedirectResponse("/dashboard", status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/abmelden", summary="Sign out")
async def logout() -> Response:
    response = RedirectResponse("/anmelden", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get(
    "/transparenz/{district_id}", response_class=HTMLResponse, summary="Public transparency page"
)
async def transparency(district_id: str, request: Request) -> HTMLResponse:
    runtime = runtime_of(request)
    async with runtime.pool.acquire() as conn:
        data = await figures(conn, district_id, now=datetime.now(UTC))
    lottery_url = getattr(runtime.settings, "lottery_public_url", "")
    return HTMLResponse(html.transparency(district_id, data, lottery_url))
