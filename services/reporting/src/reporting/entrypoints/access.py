"""Who may see staff figures: a staff token from the ``Authorization`` header, from the
sign-in cookie a browser gets on ``/anmelden``, or (for a link) from ``?token=``.

Invariants: every staff route calls ``staff`` and then ``district_access`` or
``region_access``; a coordinator sees only the district named in the token, the whole
region is for admins. The cookie holds the token itself (``HttpOnly``,
``SameSite=Strict``, ``Secure`` over HTTPS), so it is exactly as valid as the token and
expires with it; staff routes only read, so a cross-site request changes nothing. A
token in the URL can end up in browser history and proxy logs: for short-lived tokens.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.auth import StaffMember, read_staff_token, require_admin, require_district_access
from shared.http import runtime_of

COOKIE = "mitwirken_staff"


def credentials(request: Request) -> str | None:
    """The ``Bearer`` credentials the request carries, from wherever it carries them."""
    header = request.headers.get("authorization")
    if header:
        return header
    token = request.query_params.get("token") or request.cookies.get(COOKIE)
    return f"Bearer {token}" if token else None


def read_member(request: Request, authorization: str | None) -> StaffMember:
    secret = runtime_of(request).settings.signing_secret.get_secret_value()
    return read_staff_token(secret, authorization)


async def staff(request: Request) -> StaffMember:
    return read_member(request, credentials(request))


Staff = Annotated[StaffMember, Depends(staff)]


def district_access(member: StaffMember, district_id: str) -> None:
    require_district_access(member, district_id)


def region_access(member: StaffMember) -> None:
    require_admin(member)
