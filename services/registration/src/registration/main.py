"""Builds the registration service: settings, logging, pool, broker, relay, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from registration.entrypoints.http import router
from registration.settings import Settings
from shared.runtime import ServiceSpec, build_service_app, run_service

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_service_app(
        ServiceSpec(
            name="registration",
            settings=settings,
            migrations_dir=MIGRATIONS,
            routers=[router],
            title="mitwirken registration",
        )
    )


def run() -> None:
    settings = Settings()
    run_service(create_app(settings), settings)
