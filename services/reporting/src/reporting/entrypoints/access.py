"""Who may see staff figures: a staff token from the ``Authorization`` header, or (for
browsers following a link to the dashboard) from the ``?token=`` query parameter.

Invariants: every staff route calls ``staff`` and then ``district_access`` or
``region_access``; a coordinator sees only the district named in the token, the whole
region is for admins. A token in the URL can end up in browser history and proxy logs:
it is accepted for convenience in local use and short-lived tokens only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.auth import StaffMember, read_staff_token, require_admin, require_district_access
from shared.http import runtime_of


async def staff(request: Request) -> StaffMember:
    secret = runtime_of(request).settings.signing_secret.get_secret_value()
    header = request.headers.get("authorization")
    token = request.query_params.get("token")
    if not header and token:
        header = f"Bearer {token}"
    return read_staff_token(secret, header)


Staff = Annotated[StaffMember, Depends(staff)]


def district_access(member: StaffMember, district_id: str) -> None:
    require_district_access(member, district_id)


def region_access(member: StaffMember) -> None:
    require_admin(member)
