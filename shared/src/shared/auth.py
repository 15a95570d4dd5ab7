"""Staff access: signed bearer tokens with a role and, for coordinators, a district.

Roles: ``admin`` may act for every district; ``coordinator`` only for the one district
named in the token. Tokens are JWTs signed with the service's signing secret (HS256)
and expire. Every refusal is a problem document that says what is wrong, without
revealing whether a token was close to valid.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt
from fastapi import Request

from shared.http import Problem, runtime_of

Role = Literal["admin", "coordinator"]
_AUDIENCE = "mitwirken-staff"


@dataclass(frozen=True, slots=True)
class StaffMember:
    subject: str
    role: Role
    district_id: str | None

    def may_act_for(self, district_id: str) -> bool:
        return self.role == "admin" or self.district_id == district_id


def issue_staff_token(
    secret: str,
    *,
    subject: str,
    role: Role,
    district_id: str | None = None,
    valid_for: timedelta = timedelta(hours=12),
    now: datetime | None = None,
) -> str:
    if role == "coordinator" and not district_id:
        raise ValueError("a coordinator token needs the coordinator's district")
    issued = now or datetime.now(UTC)
    claims = {
        "sub": subject,
        "role": role,
        "district": district_id,
        "aud": _AUDIENCE,
        "iat": issued,
        "exp": issued + valid_for,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def _unauthorised(detail_de: str, detail_en: str) -> Problem:
    return Problem(
        401, "unauthorised", detail_de, detail_en, headers={"WWW-Authenticate": "Bearer"}
    )


def read_staff_token(secret: str, authorization: str | None) -> StaffMember:
    if not authorization:
        raise _unauthorised(
            "Anmeldung erforderlich: es fehlt ein Zugangs-Token.",
            "Authentication required: no bearer token was sent.",
        )
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorised(
            "Das Zugangs-Token hat nicht die Form „Bearer <Token>“.",
            "The Authorization header must be 'Bearer <token>'.",
        )
    try:
        claims = jwt.decode(
            token.strip(),
            secret,
            algorithms=["HS256"],
            audience=_AUDIENCE,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise _unauthorised(
            "Das Zugangs-Token ist abgelaufen.", "The bearer token has expired."
        ) from None
    except jwt.PyJWTError:
        raise _unauthorised(
            "Das Zugangs-Token ist ungültig.", "The bearer token is invalid."
        ) from None
    role = claims.get("role")
    district = claims.get("district")
    if role not in ("admin", "coordinator") or (role == "coordinator" and not district):
        raise _unauthorised("Das Zugangs-Token ist ungültig.", "The bearer token is invalid.")
    return StaffMember(subject=str(claims["sub"]), role=role, district_id=district)


async def staff_member(request: Request) -> StaffMember:
    """FastAPI dependency: the authenticated staff member, or 401. (Async, like every
    dependency here: a plain ``def`` would cost a hop to the thread pool per request.)"""
    secret = runtime_of(request).settings.signing_secret.get_secret_value()
    return read_staff_token(secret, request.headers.get("authorization"))


def require_district_access(staff: StaffMember, district_id: str) -> None:
    if not staff.may_act_for(district_id):
        raise Problem(
            403,
            "forbidden-district",
            "Sie haben keinen Zugriff auf diesen Landkreis bzw. diese Stadt.",
            "You have no access to this district.",
            field="district_id",
        )


def require_admin(staff: StaffMember) -> None:
    if staff.role != "admin":
        raise Problem(
            403,
            "forbidden-role",
            "Dafür ist die Rolle „admin“ nötig.",
            "This needs the admin role.",
        )


StaffDependency = Callable[[Request], Awaitable[StaffMember]]
