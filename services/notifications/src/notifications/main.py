"""Builds the notifications service: handlers that plan messages, letters and reminders;
the dispatcher that sends e-mail over SMTP; the letter renderer; the reminder clock;
and the staff routes for letters and failed deliveries."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from notifications.adapters.smtp import Mailer
from notifications.adapters.templates import Renderer
from notifications.entrypoints import staff
from notifications.entrypoints.consumers import make_batch_handlers, make_handlers
from notifications.service import letters, reminders
from notifications.service.dispatch import RetryPolicy, send_due
from notifications.service.messages import NOTIFY_CHANNEL
from notifications.settings import Settings
from shared import topics
from shared.runtime import ServiceRuntime, ServiceSpec, build_service_app, run_service

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def create_app(
    settings: Settings | None = None, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    """``clock`` tells the reminder loop the time (tests move it; default: now)."""
    settings = settings or Settings()
    now = clock or (lambda: datetime.now(UTC))
    renderer = Renderer()
    mailer = Mailer(settings)
    policy = RetryPolicy(
        backoff_s=settings.retry_backoff_s,
        backoff_max_s=settings.retry_backoff_max_s,
        max_attempts=settings.max_attempts,
        lease_s=settings.lease_s,
    )

    async def dispatcher(runtime: ServiceRuntime) -> None:
        # New deliveries wake the dispatcher (NOTIFY from the transaction that stored
        # them); the interval only catches retries falling due.
        wakeup = asyncio.Event()

        def wake(*_: object) -> None:
            wakeup.set()

        listener = await runtime.pool.acquire()
        try:  # released however the loop ends, also when stopped while it starts
            await listener.add_listener(NOTIFY_CHANNEL, wake)
            while True:
                wakeup.clear()
                claimed = await send_due(runtime.pool, mailer, policy, settings.send_batch)
                if claimed < settings.send_batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wakeup.wait(), settings.send_interval_s)
        finally:
            with contextlib.suppress(Exception):
                await listener.remove_listener(NOTIFY_CHANNEL, wake)
            await runtime.pool.release(listener)

    letter_settings = letters.LetterSettings(
        answer_base_url=settings.registration_public_base_url,
        sender_line=settings.letter_sender_line,
    )
    reminder_policy = reminders.ReminderPolicy(
        days_before=settings.reminder_days_before,
        local_time=settings.reminder_local_time,
        zone=ZoneInfo(settings.reminder_timezone),
    )

    async def letter_renderer(runtime: ServiceRuntime) -> None:
        while True:
            rendered = await letters.render_pending(
                runtime.pool, letter_settings, settings.letter_render_batch
            )
            if rendered < settings.letter_render_batch:
                while await letters.build_next_bundle(runtime.pool, letter_settings):
                    pass
                await asyncio.sleep(settings.letter_render_interval_s)

    async def reminder_clock(runtime: ServiceRuntime) -> None:
        while True:
            fired = await reminders.send_due(runtime.pool, renderer, now(), settings.reminder_batch)
            if fired < settings.reminder_batch:
                await asyncio.sleep(settings.reminder_check_interval_s)

    return build_service_app(
        ServiceSpec(
            name="notifications",
            settings=settings,
            migrations_dir=MIGRATIONS,
            handlers=make_handlers(renderer, reminder_policy),
            batch_handlers=make_batch_handlers(renderer),
            subscribes_to=(topics.REGISTRATION_EVENTS, topics.LOTTERY_EVENTS),
            routers=[staff.router],
            title="mitwirken notifications",
            background=[dispatcher, letter_renderer, reminder_clock],
        )
    )


def run() -> None:
    settings = Settings()
    run_service(create_app(settings), settings)
