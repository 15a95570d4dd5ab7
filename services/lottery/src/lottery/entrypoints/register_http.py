"""HTTP API of the register draw: staff import the extract, draw invitation waves,
commit to and draw the panel; anyone reads the published records (no personal data)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel, Field

from lottery.service import panel, register
from shared.auth import StaffMember, require_district_access, staff_member
from shared.http import Problem, runtime_of

router = APIRouter(tags=["register draw"])
Staff = Annotated[StaffMember, Depends(staff_member)]

_CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The register extract: UTF-8, semicolon-separated, header line first.",
    }
}


class WaveForm(BaseModel):
    sources: list[list[str]] = Field(
        min_length=1, max_length=20, description="The public random numbers, as published."
    )
    letters_per_seat: int | None = Field(default=None, ge=1, le=200)
    wave: int = Field(default=1, ge=1)
    response_days: int = Field(default=21, ge=1, le=120)
    oversample: dict[str, dict[str, float]] | None = Field(
        default=None,
        description='Weights for groups that answer less: {"age_band": {"16-24": 1.5}}',
    )


class PanelCommitForm(BaseModel):
    method: Literal["leximin", "maximin"] = "leximin"
    quotas: list[panel.QuotaOverride] | None = None
    panel_count: int = Field(default=1000, ge=1, le=10_000)


class PanelDrawForm(BaseModel):
    seed: str = Field(min_length=1, max_length=500, description="The public seed, as published.")


def _refused(exc: register.Refused | panel.Refused) -> Problem:
    return Problem(
        exc.status,
        "register-draw-refused",
        "Nicht möglich: " + exc.reason,
        "Refused: " + exc.reason,
    )


@router.post(
    "/staff/districts/{district_id}/register/imports",
    summary="Import the register extract (text/csv body, streamed)",
    openapi_extra=_CSV_BODY,
)
async def import_register(district_id: str, request: Request, staff: Staff) -> dict[str, Any]:
    require_district_access(staff, district_id)
    runtime = runtime_of(request)
    try:
        async with runtime.pool.acquire() as conn, conn.transaction():
            report = await register.import_register(
                conn,
                district_id,
                request.stream(),
                actor=staff.subject,
                now=datetime.now(UTC),
                randomness_source=runtime.settings.randomness_source,  # type: ignore[attr-defined]
            )
    except register.MissingColumns as exc:
        raise Problem(
            422,
            "csv-columns-missing",
            f"Der Registerauszug ist unvollständig, es fehlen Spalten: {exc}",
            f"The register extract lacks columns: {exc}",
            field="csv",
        ) from None
    except register.Refused as exc:
        raise _refused(exc) from None
    return report.as_dict()


@router.get(
    "/staff/districts/{district_id}/register/imports/{import_id}/errors",
    summary="The rejected rows of an import (CSV)",
    response_class=PlainTextResponse,
)
async def import_errors(
    district_id: str, import_id: uuid.UUID, request: Request, staff: Staff
) -> PlainTextResponse:
    require_district_access(staff, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        row = await conn.fetchrow(register.R.get_import, import_id)
        if row is None or row["district_id"] != district_id:
            raise Problem(404, "not-found", "Diesen Import gibt es nicht.", "No such import.")
        text = await register.import_errors_csv(conn, import_id)
    return PlainTextResponse(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="register-errors-{import_id}.csv"'},
    )


@router.post(
    "/staff/districts/{district_id}/register/invitations",
    summary="Draw a wave of invitees, stratified by age band, gender and municipality",
)
async def draw_invitations(
    district_id: str, form: WaveForm, request: Request, staff: Staff
) -> dict[str, Any]:
    require_district_access(staff, district_id)
    wave = register.WaveRequest(
        sources=form.sources,
        letters_per_seat=form.letters_per_seat,
        wave=form.wave,
        response_days=form.response_days,
        oversample=form.oversample,
    )
    try:
        async with runtime_of(request).pool.acquire() as conn, conn.transaction():
            return await register.draw_invitations(
                conn, district_id, wave, actor=staff.subject, now=datetime.now(UTC)
            )
    except register.Refused as exc:
        raise _refused(exc) from None
    except ValueError as exc:
        raise Problem(
            422,
            "invalid-seed",
            f"Die Zufallszahlen sind unbrauchbar: {exc}",
            f"The seed values are unusable: {exc}",
            field="sources",
        ) from None


@router.get("/draws/{district_id}/invitations", summary="Invitation draw records (public)")
async def public_invitations(district_id: str, request: Request) -> dict[str, Any]:
    async with runtime_of(request).pool.acquire() as conn:
        record = await register.published(conn, district_id)
    if record is None:
        raise Problem(
            404,
            "no-draw",
            "Für diesen Landkreis gibt es noch keinen Registerauszug.",
            "There is no register extract for this district yet.",
        )
    return record


@router.get(
    "/draws/{district_id}/invitations/pool",
    summary="The committed pool of the invitation draw (public, pseudonymous)",
    response_class=StreamingResponse,
)
async def public_pool(district_id: str, request: Request) -> StreamingResponse:
    pool = runtime_of(request).pool

    async def lines() -> Any:
        async with pool.acquire() as conn, conn.transaction():
            async for line in register.pool_lines(conn, district_id):
                yield line.encode("utf-8")

    return StreamingResponse(lines(), media_type="text/plain; charset=utf-8")


@router.post(
    "/staff/districts/{district_id}/panel/commit",
    summary="Compute the selection probabilities and commit to the list of panels",
)
async def commit_panel(
    district_id: str, form: PanelCommitForm, request: Request, staff: Staff
) -> dict[str, Any]:
    require_district_access(staff, district_id)
    runtime = runtime_of(request)
    try:
        async with runtime.pool.acquire() as conn, conn.transaction():
            return await panel.commit(
                conn,
                district_id,
                method=form.method,
                overrides=form.quotas or [],
                panel_count=form.panel_count,
                randomness_source=runtime.settings.randomness_source,  # type: ignore[attr-defined]
                actor=staff.subject,
            )
    except panel.QuotasInfeasible as exc:
        raise Problem(
            422,
            "quotas-infeasible",
            exc.report.get("de", "Die Quoten sind nicht erfüllbar."),
            exc.report.get("en", "The quotas cannot be met."),
            extra={"report": exc.report},
        ) from None
    except panel.Refused as exc:
        raise _refused(exc) from None


@router.post("/staff/districts/{district_id}/panel/draw", summary="Pick the panel with the seed")
async def draw_panel(
    district_id: str, form: PanelDrawForm, request: Request, staff: Staff
) -> dict[str, Any]:
    require_district_access(staff, district_id)
    try:
        async with runtime_of(request).pool.acquire() as conn, conn.transaction():
            return await panel.draw(
                conn, district_id, seed=form.seed, actor=staff.subject, now=datetime.now(UTC)
            )
    except panel.Refused as exc:
        raise _refused(exc) from None


@router.get("/draws/{district_id}/panel", summary="The published panel list (public)")
async def public_panel(district_id: str, request: Request) -> dict[str, Any]:
    async with runtime_of(request).pool.acquire() as conn:
        record = await panel.published(conn, district_id)
    if record is None:
        raise Problem(
            404,
            "no-draw",
            "Für diesen Landkreis gibt es noch keine Panelliste.",
            "There is no panel list for this district yet.",
        )
    return record
