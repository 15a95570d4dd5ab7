"""Builds the reporting service: settings, logging, pool, broker, relay, consumers, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from reporting.entrypoints.consumers import HANDLERS
from reporting.entrypoints.http import router
from reporting.settings import Settings
from shared import topics
from shared.runtime import ServiceSpec, build_service_app, run_service

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_service_app(
        ServiceSpec(
            name="reporting",
            settings=settings,
            migrations_dir=MIGRATIONS,
            handlers=HANDLERS,
            subscribes_to=(
                topics.REGISTRATION_EVENTS,
                topics.LOTTERY_EVENTS,
                topics.NOTIFICATIONS_EVENTS,
            ),
            routers=[router],
            title="mitwirken reporting",
        )
    )


def run() -> None:
    settings = Settings()
    run_service(create_app(settings), settings)
