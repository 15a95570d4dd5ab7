"""What registration's routes and handlers share: the pool, the districts, the link
signer and the rate limiters, built once at start and reached through the request."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from fastapi import Request

from registration.service.districts import DistrictBook
from registration.service.intake import Links
from registration.settings import Settings
from shared.http import runtime_of
from shared.ratelimit import RateLimiter, client_key


@dataclass
class Registration:
    settings: Settings
    districts: DistrictBook
    links: Links
    public_limiter: RateLimiter
    staff_limiter: RateLimiter
    pool: asyncpg.Pool | None = None


@dataclass
class Ready:
    """Registration with its database pool, as routes use it."""

    settings: Settings
    districts: DistrictBook
    links: Links
    pool: asyncpg.Pool


async def registration(request: Request) -> Ready:
    reg: Registration = request.app.state.registration
    return Ready(reg.settings, reg.districts, reg.links, runtime_of(request).pool)


async def public_rate_limit(request: Request) -> None:
    reg: Registration = request.app.state.registration
    reg.public_limiter.check("public:" + client_key(request))


async def staff_rate_limit(request: Request) -> None:
    reg: Registration = request.app.state.registration
    reg.staff_limiter.check("staff:" + client_key(request))
