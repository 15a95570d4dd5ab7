"""Reporting's JSON API and exports.

- ``GET /api/districts/{d}/figures`` (public): aggregate event counts only.
- ``GET /api/staff/districts/{d}/figures``, ``GET /api/staff/region/figures`` (staff):
  every figure; coordinators only for their own district, the region for admins.
- ``GET /api/staff/districts/{d}/ideas?q=``: the searchable list of ideas.
- ``GET /api/staff/districts/{d}/exports/{participants,ideas,figures}.csv``.

Invariants: staff routes authenticate before touching the database; names leave only
in the admin's participant list (coordinators get pseudonymous ids); every CSV cell
goes through ``reporting.domain.spreadsheet.neutralise``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from reporting.adapters import repository
from reporting.domain.figures import pseudonym
from reporting.domain.spreadsheet import Cell, safe_row
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


def csv_response(name: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    """A CSV file (UTF-8 with BOM, so spreadsheets read the umlauts), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/staff/districts/{district_id}/exports/participants.csv")
async def export_participants(district_id: str, request: Request, member: Staff) -> Response:
    """The venue's list: names for admins, pseudonymous ids for coordinators."""
    district_access(member, district_id)
    runtime = runtime_of(request)
    async with runtime.pool.acquire() as conn:
        rows = await repository.participants(conn, district_id)
    if member.role == "admin":
        header = ["half", "participant_id", "via", "given_name", "family_name"]
        data = [
            [r["half"], str(r["participant_id"]), r["via"], r["given_name"], r["family_name"]]
            for r in rows
        ]
    else:
        key = runtime.settings.signing_secret.get_secret_value()
        header = ["half", "participant", "via"]
        data = [[r["half"], pseudonym(r["participant_id"], key), r["via"]] for r in rows]
    return csv_response(f"participants-{district_id}.csv", header, data)


@router.get("/api/staff/districts/{district_id}/exports/ideas.csv")
async def export_ideas(district_id: str, request: Request, member: Staff) -> Response:
    district_access(member, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        rows = await repository.search_ideas(conn, district_id, None, limit=100_000)
    return csv_response(
        f"ideas-{district_id}.csv",
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


@router.get("/api/staff/districts/{district_id}/exports/figures.csv")
async def export_figures(district_id: str, request: Request, member: Staff) -> Response:
    district_access(member, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        data = await figures(conn, district_id, now=datetime.now(UTC))
    return csv_response(
        f"figures-{district_id}.csv", ["figure", "value"], ([k, v] for k, v in flatten(data))
    )
