"""Exports for the regional partner, each as CSV and as XLSX.

- ``GET /api/staff/districts/{d}/exports/participants.{csv,xlsx}``: the venue's list of
  who holds a seat; names for admins, pseudonymous ids for coordinators.
- ``GET /api/staff/districts/{d}/exports/ideas.{csv,xlsx}``: the ideas for the moderators.
- ``GET /api/staff/districts/{d}/exports/figures.{csv,xlsx}``: every figure as
  ``figure,value`` rows.

Invariants: the same rows in both formats; every text cell goes through
``reporting.domain.spreadsheet.neutralise`` (no cell starts a formula); staff only,
coordinators for their own district.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from reporting.adapters import repository, xlsx
from reporting.domain.figures import pseudonym
from reporting.domain.spreadsheet import Cell, safe_row
from reporting.entrypoints.access import Staff, district_access
from reporting.service.figures import figures
from shared.auth import StaffMember
from shared.http import runtime_of

router = APIRouter(tags=["exports"])

Format = Literal["csv", "xlsx"]
BASE = "/api/staff/districts/{district_id}/exports"


async def audited_access(
    request: Request, member: StaffMember, district_id: str, export: str, fmt: Format
) -> None:
    """Refuse other districts' coordinators; record who exports what (the audit log)."""
    district_access(member, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO export_audit (subject, role, district_id, export, format)"
            " VALUES ($1, $2, $3, $4, $5)",
            member.subject,
            member.role,
            district_id,
            export,
            fmt,
        )


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM (so spreadsheets read the umlauts), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_response(
    name: str, fmt: Format, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> Response:
    if fmt == "xlsx":
        body, media_type = xlsx.workbook(name, header, rows), xlsx.MEDIA_TYPE
    else:
        body, media_type = csv_bytes(header, rows), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media_type,
        # Header values are Latin-1: a district id from the path may hold any character.
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}.{fmt}"},
    )


@router.get(BASE + "/participants.{fmt}", summary="Participants per workshop, for the venue")
async def export_participants(
    district_id: str, fmt: Format, request: Request, member: Staff
) -> Response:
    await audited_access(request, member, district_id, "participants", fmt)
    runtime = runtime_of(request)
    async with runtime.pool.acquire() as conn:
        rows = await repository.participants(conn, district_id)
    name = f"participants-{district_id}"
    if member.role == "admin":
        header = ["half", "participant_id", "via", "given_name", "family_name"]
        data: list[list[Cell]] = [
            [r["half"], str(r["participant_id"]), r["via"], r["given_name"], r["family_name"]]
            for r in rows
        ]
        return table_response(name, fmt, header, data)
    key = runtime.settings.signing_secret.get_secret_value()
    data = [[r["half"], pseudonym(r["participant_id"], key), r["via"]] for r in rows]
    return table_response(name, fmt, ["half", "participant", "via"], data)


@router.get(BASE + "/ideas.{fmt}", summary="Ideas of a district, for the moderators")
async def export_ideas(district_id: str, fmt: Format, request: Request, member: Staff) -> Response:
    await audited_access(request, member, district_id, "ideas", fmt)
    async with runtime_of(request).pool.acquire() as conn:
        rows = await repository.search_ideas(conn, district_id, None, limit=100_000)
    return table_response(
        f"ideas-{district_id}",
        fmt,
        ["idea_id", "field_of_action", "submitted_at", "text"],
        (
            [str(r["idea_id"]), r["field_of_action"], r["submitted_at"].isoformat(), r["text"]]
            for r in rows
        ),
    )


def flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Cell]]:
    """Nested figures as (path, value) pairs: ``applications.by_channel.web.received``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from flatten(inner, f"{prefix}[{i}]")
    else:
        yield prefix, value if isinstance(value, int | float | str) or value is None else str(value)


@router.get(BASE + "/figures.{fmt}", summary="Every figure of a district as rows")
async def export_figures(
    district_id: str, fmt: Format, request: Request, member: Staff
) -> Response:
    await audited_access(request, member, district_id, "figures", fmt)
    async with runtime_of(request).pool.acquire() as conn:
        data = await figures(conn, district_id, now=datetime.now(UTC))
    return table_response(
        f"figures-{district_id}", fmt, ["figure", "value"], ([k, v] for k, v in flatten(data))
    )
