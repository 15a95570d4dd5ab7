"""Staff endpoints of notifications: the register letters for print, and failed
deliveries with a retry. Every route needs a bearer token; coordinators see only their
own district. Lists carry counts and masked addresses, never names."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from notifications.adapters import letter_store, reminder_store
from notifications.domain.letters import mask_email
from shared.auth import StaffMember, require_district_access, staff_member
from shared.http import Problem, runtime_of

router = APIRouter(prefix="/staff", tags=["staff"])
Staff = Annotated[StaffMember, Depends(staff_member)]
Kind = Literal["invitation", "seat_confirmation"]


class LetterSet(BaseModel):
    kind: str
    wave: int
    letters: int
    rendered: int
    pending: int
    erased: int
    print_file_pages: int | None


class LetterOverview(BaseModel):
    district_id: str
    sets: list[LetterSet]


class Failure(BaseModel):
    delivery_id: uuid.UUID
    template: str
    district_id: str
    reason: str | None
    attempts: int
    created_at: datetime
    recipient: str | None


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/districts/{district_id}/letters",
    response_model=LetterOverview,
    summary="Letters of a district: counts per kind and wave",
)
async def letter_overview(district_id: str, request: Request, staff: Staff) -> LetterOverview:
    require_district_access(staff, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        rows = await letter_store.summary(conn, district_id)
    return LetterOverview(
        district_id=district_id,
        sets=[
            LetterSet(
                kind=r["kind"],
                wave=r["wave"],
                letters=r["letters"],
                rendered=r["rendered"],
                pending=r["pending"],
                erased=r["erased"],
                print_file_pages=r["bundle_pages"],
            )
            for r in rows
        ],
    )


@router.get(
    "/districts/{district_id}/letters/merged.pdf",
    summary="The print file: all letters of a wave in postal-code order",
    response_class=Response,
)
async def merged_letters(
    district_id: str,
    request: Request,
    staff: Staff,
    wave: Annotated[int, Query(ge=1)] = 1,
    kind: Kind = "invitation",
) -> Response:
    require_district_access(staff, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        bundle = await letter_store.get_bundle(conn, district_id, kind, wave)
    if bundle is None:
        raise Problem(
            404,
            "print-file-not-ready",
            "Für diese Welle gibt es (noch) keine Druckdatei: Briefe werden noch erstellt "
            "oder es wurden keine ausgelost.",
            "There is no print file for this wave (yet): letters are still being rendered "
            "or none were drawn.",
        )
    return _pdf(bytes(bundle["pdf"]), f"{district_id}-{kind}-welle-{wave}.pdf")


@router.get(
    "/districts/{district_id}/letters/{invitee_id}.pdf",
    summary="One person's letter",
    response_class=Response,
)
async def one_letter(
    district_id: str,
    invitee_id: uuid.UUID,
    request: Request,
    staff: Staff,
    kind: Kind = "invitation",
) -> Response:
    require_district_access(staff, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        pdf = await letter_store.get_letter_pdf(conn, district_id, invitee_id, kind)
    if pdf is None:
        raise Problem(
            404,
            "letter-not-found",
            "Diesen Brief gibt es nicht (oder er wird noch erstellt).",
            "There is no such letter (or it is still being rendered).",
        )
    return _pdf(pdf, f"{kind}-{invitee_id}.pdf")


@router.get(
    "/notifications/failures",
    response_model=list[Failure],
    summary="Deliveries that failed for good, newest first",
)
async def failures(
    request: Request,
    staff: Staff,
    district_id: Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,100}$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[Failure]:
    if district_id is None and staff.role != "admin":
        district_id = staff.district_id
    if district_id is not None:
        require_district_access(staff, district_id)
    async with runtime_of(request).pool.acquire() as conn:
        rows = await reminder_store.failures(conn, district_id, limit)
    return [
        Failure(
            delivery_id=r["delivery_id"],
            template=r["template"],
            district_id=r["district_id"],
            reason=r["last_error"],
            attempts=r["attempts"],
            created_at=r["created_at"],
            recipient=mask_email(r["email"]),
        )
        for r in rows
    ]


@router.post(
    "/notifications/failures/{delivery_id}/retry",
    status_code=202,
    summary="Send a failed delivery again (e.g. after the address was corrected)",
)
async def retry(delivery_id: uuid.UUID, request: Request, staff: Staff) -> dict[str, str]:
    async with runtime_of(request).pool.acquire() as conn, conn.transaction():
        found = await reminder_store.delivery_district(conn, delivery_id)
        if found is None:
            raise Problem(
                404,
                "delivery-not-found",
                "Diese Zustellung gibt es nicht.",
                "There is no such delivery.",
            )
        require_district_access(staff, found["district_id"])
        if not await reminder_store.retry_failed(conn, delivery_id):
            raise Problem(
                409,
                "delivery-not-failed",
                "Nur fehlgeschlagene Zustellungen mit Empfänger können erneut gesendet werden.",
                "Only failed deliveries that still have a recipient can be sent again.",
            )
        await conn.execute("SELECT pg_notify('deliveries', '')")
    return {"delivery_id": str(delivery_id), "status": "pending"}
