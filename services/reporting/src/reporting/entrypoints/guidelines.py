"""The guidelines report on the web: public pages per district and for the region, the
print-ready PDF, and the staff page with the exact attendance figures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from reporting.domain.disclosure import public_count
from reporting.entrypoints import html
from reporting.entrypoints.access import Staff, district_access, region_access
from reporting.guidelines_report import HALF_LABELS, render_pdf
from reporting.service.workshop_day import field_label, report
from shared.http import runtime_of

router = APIRouter(tags=["guidelines"])
e = html.e


async def _report(request: Request, district_id: str | None) -> dict[str, Any]:
    async with runtime_of(request).pool.acquire() as conn:
        return await report(conn, district_id, now=datetime.now(UTC))


def render_html(data: Mapping[str, Any], *, staff: bool = False) -> str:
    scope = data["district_id"] or "Region"
    pdf = (
        f"/leitlinien/{data['district_id']}/bericht.pdf"
        if data["district_id"]
        else "/leitlinien/bericht.pdf"
    )
    parts = [
        f"<main><h1>Leitlinien-Bericht: {e(scope)}</h1>",
        f'<p lang="en">Guidelines report: {e(scope)}</p>',
        f'<p><a href="{e(pdf)}">Bericht als PDF / report as PDF</a></p>',
    ]
    for w in data["workshops"]:
        parts.append(
            f"<p>Workshop {e(w['district_id'])}: {e(w['town'])}, {e(w['workshop_date'])}</p>"
        )
    parts.append('<h2>Beteiligung <span lang="en">/ participation</span></h2><table>')
    parts.append(
        "<tr><th>Hälfte / half</th><th>Plätze / seats</th><th>besetzt / filled</th>"
        "<th>anwesend / checked in</th></tr>"
    )
    for half, s in data["seats"].items():
        parts.append(
            f"<tr><td>{e(HALF_LABELS[half])}</td><td>{s['seats']}</td><td>{s['filled']}</td>"
            f"<td>{s['checked_in']}</td></tr>"
        )
    parts.append("</table>")
    a = data["seats"]["applicants"]
    parts.append(
        f"<p>Per Los / by lottery: {a['by_lottery']}, "
        f"nachgerückt / from the waitlist: {a['from_waitlist']}</p>"
    )
    count = (lambda n: str(n)) if staff else public_count
    for attribute, label in (
        ("by_age_band", "Altersgruppe / age band"),
        ("by_gender", "Geschlecht / gender"),
    ):
        groups = data["attendance"]["total"][attribute]
        if groups:
            rows = "".join(
                f"<tr><td>{e(k)}</td><td>{count(v['seated'])}</td><td>{count(v['checked_in'])}</td></tr>"
                for k, v in sorted(groups.items())
            )
            parts.append(
                f"<h3>{e(label)}</h3><table><tr><th></th><th>besetzt / seated</th>"
                f"<th>anwesend / checked in</th></tr>{rows}</table>"
            )
    parts.append('<h2>Nachprüfbarkeit <span lang="en">/ verifying the draws</span></h2><ul>')
    for d in data["draws"]:
        parts.append(
            f"<li>{e(d['district_id'])}: Pool {e(d['pool_size'])}, "
            f"Hash <code>{e(d['pool_hash'])}</code>, "
            f"{e(d['algorithm'])}, {e(d['randomness_source'])}, "
            f"<code>{e(d['audit_reference'])}</code></li>"
        )
    parts.append(f"</ul><p>{e(data['verification']['de'])}</p>")
    parts.append(f'<p lang="en">{e(data["verification"]["en"])}</p>')
    parts.append(
        '<h2>Ideen nach Handlungsfeld <span lang="en">/ ideas by field of action</span></h2><ul>'
    )
    for key, n in sorted(data["ideas_by_field"].items()):
        de, en = field_label(None if key == "none" else key)
        parts.append(f"<li>{e(de)} / {e(en)}: {n}</li>")
    parts.append('</ul><h2>Leitlinien <span lang="en">/ guidelines</span></h2>')
    if not data["guidelines"]:
        parts.append("<p>Noch keine Leitlinien erfasst. / No guidelines recorded yet.</p>")
    for g in data["guidelines"]:
        de, en = g["field_of_action_label"]
        statements = "".join(f"<li>{e(s)}</li>" for s in g["supporting_statements"])
        parts.append(
            f"<article><h3>{e(g['title'])}</h3><p>Handlungsfeld / field of action: {e(de)} / "
            f"{e(en)}</p><p>{e(g['text'])}</p><ul>{statements}</ul>"
            f"<p>Eingeflossene Ideen / ideas that fed into it: {g['ideas']}</p></article>"
        )
    parts.append("</main>")
    return html.page(f"Leitlinien-Bericht {scope}", "".join(parts))


@router.get(
    "/leitlinien", response_class=HTMLResponse, summary="Guidelines report of the region (public)"
)
async def region_page(request: Request) -> HTMLResponse:
    return HTMLResponse(render_html(await _report(request, None)))


@router.get("/leitlinien/bericht.pdf", summary="Guidelines report of the region as PDF (public)")
async def region_pdf(request: Request) -> Response:
    return _pdf(await _report(request, None), "leitlinien-region.pdf")


@router.get(
    "/leitlinien/{district_id}", response_class=HTMLResponse, summary="Guidelines report (public)"
)
async def district_page(district_id: str, request: Request) -> HTMLResponse:
    return HTMLResponse(render_html(await _report(request, district_id)))


@router.get("/leitlinien/{district_id}/bericht.pdf", summary="Guidelines report as PDF (public)")
async def district_pdf(district_id: str, request: Request) -> Response:
    return _pdf(await _report(request, district_id), f"leitlinien-{district_id}.pdf")


@router.get(
    "/staff/leitlinien/{district_id}",
    response_class=HTMLResponse,
    summary="Guidelines report with exact attendance figures (staff)",
)
async def staff_page(district_id: str, request: Request, member: Staff) -> HTMLResponse:
    if district_id == "region":
        region_access(member)
        return HTMLResponse(render_html(await _report(request, None), staff=True))
    district_access(member, district_id)
    return HTMLResponse(render_html(await _report(request, district_id), staff=True))


def _pdf(data: Mapping[str, Any], filename: str) -> Response:
    return Response(
        render_pdf(data),
        media_type="application/pdf",
        # Header values are Latin-1: a district id from the path may hold any character.
        headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}"},
    )
