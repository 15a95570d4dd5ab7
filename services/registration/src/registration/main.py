"""Builds the registration service: settings, districts, links, routes, the consumer of
the website's submissions, and the clock of the closing barrier."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from registration.adapters.links import LinkSigner
from registration.entrypoints import (
    demo_staff,
    http,
    invitations,
    pages,
    retention,
    staff,
    workshop_day,
)
from registration.entrypoints.consumers import make_handlers
from registration.entrypoints.deps import Registration
from registration.service.closing import close_due_districts
from registration.service.districts import DistrictBook, book_of
from registration.service.intake import Links
from registration.service.retention import erase_due_districts
from registration.settings import Settings
from shared import topics
from shared.ratelimit import RateLimiter
from shared.runtime import ServiceRuntime, ServiceSpec, build_service_app, run_service

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def create_app(settings: Settings | None = None, districts: DistrictBook | None = None) -> FastAPI:
    settings = settings or Settings()
    if districts is None:
        districts = districts_from_rollout(settings)
    links = Links(
        LinkSigner(settings.signing_secret.get_secret_value()), settings.public_base_url.rstrip("/")
    )

    async def record_districts(runtime: ServiceRuntime) -> None:
        async with runtime.pool.acquire() as conn, conn.transaction():
            await districts.store(conn)

    async def closing_clock(runtime: ServiceRuntime) -> None:
        while True:
            await close_due_districts(runtime.pool, datetime.now(UTC))
            await asyncio.sleep(settings.closing_check_interval_s)

    async def retention_clock(runtime: ServiceRuntime) -> None:
        while True:
            await erase_due_districts(
                runtime.pool,
                datetime.now(UTC),
                retention_days=settings.retention_days_after_workshop,
            )
            await asyncio.sleep(settings.retention_check_interval_s)

    app = build_service_app(
        ServiceSpec(
            name="registration",
            settings=settings,
            migrations_dir=MIGRATIONS,
            handlers=invitations.with_invitation_handlers(
                make_handlers(districts, links), settings.signing_secret.get_secret_value()
            ),
            subscribes_to=(topics.REGISTRATION_SUBMISSIONS, topics.LOTTERY_EVENTS),
            routers=[
                http.router,
                staff.router,
                retention.router,
                demo_staff.router,
                pages.router,
                invitations.router,
                invitations.staff_router,
                workshop_day.router,
            ],
            title="mitwirken registration",
            on_start=[record_districts],
            background=[closing_clock, retention_clock],
        )
    )
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    app.state.registration = Registration(
        settings=settings,
        districts=districts,
        links=links,
        public_limiter=RateLimiter(settings.public_rate_limit_per_minute, 60),
        staff_limiter=RateLimiter(settings.staff_rate_limit_per_minute, 60),
    )
    return app


def districts_from_rollout(settings: Settings) -> DistrictBook:
    """The districts of the configured rollout file, moved in time if asked (demos)."""
    from registration.adapters.rollout_file import default_rollout_path, load_rollout

    rollout = load_rollout(settings.rollout_file or default_rollout_path())
    if settings.rollout_first_workshop_in_days is not None:
        rollout = rollout.relative_to(
            datetime.now(UTC).date(),
            days_until_first_workshop=settings.rollout_first_workshop_in_days,
        )
    return book_of(
        rollout.districts, reply_card_grace=timedelta(hours=settings.reply_card_grace_hours)
    )


def run() -> None:
    settings = Settings()
    run_service(create_app(settings), settings)


__all__ = ["create_app", "run"]
