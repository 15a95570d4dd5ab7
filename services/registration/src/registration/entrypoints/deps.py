"""What registration's routes and handlers share: the pool, the districts, the link
signer and the rate limiters, built once at start and reached through the request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from fastapi import Request

from registration.service.districts import DistrictBook
from registration.service.group_commit import GroupCommit
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
    intake_writer: GroupCommit | None = None


@dataclass
class Ready:
    """Registration with its database pool, as routes use it."""

    settings: Settings
    districts: DistrictBook
    links: Links
    pool: asyncpg.Pool
    intake_writer: GroupCommit


async def registration(request: Request) -> Ready:
    reg: Registration = request.app.state.registration
    pool = runtime_of(request).pool
    if reg.intake_writer is None or reg.intake_writer.pool is not pool:
        # The pool exists once the service has started (and is new after a restart).
        reg.intake_writer = GroupCommit(
            pool, districts=reg.districts, links=reg.links, clock=lambda: datetime.now(UTC)
        )
    return Ready(reg.settings, reg.districts, reg.links, pool, reg.intake_writer)


async def public_rate_limit(request: Request) -> None:
    reg: Registration = request.app.state.registration
    reg.public_limiter.check("public:" + client_key(request))


async def staff_rate_limit(request: Request) -> None:
    reg: Registration = request.app.state.registration
    reg.staff_limiter.check("staff:" + client_key(request))
