"""Builds the reporting service: settings, logging, pool, broker, consumers, routes.

Reporting publishes nothing of its own; its outbox carries only dead letters.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from reporting.entrypoints.consumers import BATCH_HANDLERS, HANDLERS, TOPICS
from reporting.entrypoints.exports import router as exports_router
from reporting.entrypoints.guidelines import router as guidelines_router
from reporting.entrypoints.http import router
from reporting.entrypoints.pages import router as pages_router
from reporting.settings import Settings
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
            batch_handlers=BATCH_HANDLERS,
            subscribes_to=TOPICS,
            routers=[router, exports_router, pages_router, guidelines_router],
            title="mitwirken reporting",
        )
    )


def run() -> None:
    settings = Settings()
    run_service(create_app(settings), settings)
