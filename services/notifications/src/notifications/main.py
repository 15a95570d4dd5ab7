"""Builds the notifications service: handlers that plan messages, and the dispatcher
that sends them over SMTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI

from notifications.adapters.smtp import Mailer
from notifications.adapters.templates import Renderer
from notifications.entrypoints.consumers import make_handlers
from notifications.service.dispatch import RetryPolicy, send_due
from notifications.settings import Settings
from shared import topics
from shared.runtime import ServiceRuntime, ServiceSpec, build_service_app, run_service

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    renderer = Renderer()
    mailer = Mailer(settings)
    policy = RetryPolicy(
        backoff_s=settings.retry_backoff_s,
        backoff_max_s=settings.retry_backoff_max_s,
        max_attempts=settings.max_attempts,
        lease_s=settings.lease_s,
    )

    async def dispatcher(runtime: ServiceRuntime) -> None:
        while True:
            claimed = await send_due(runtime.pool, mailer, policy, settings.send_batch)
            if claimed < settings.send_batch:
                await asyncio.sleep(settings.send_interval_s)

    return build_service_app(
        ServiceSpec(
            name="notifications",
            settings=settings,
            migrations_dir=MIGRATIONS,
            handlers=make_handlers(renderer),
            subscribes_to=(topics.REGISTRATION_EVENTS, topics.LOTTERY_EVENTS),
            title="mitwirken notifications",
            background=[dispatcher],
        )
    )


def run() -> None:
    settings = Settings()
    run_service(create_app(settings), settings)
