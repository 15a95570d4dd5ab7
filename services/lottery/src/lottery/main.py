"""Builds the lottery service: settings, consumers, routes."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from lottery.entrypoints import hand_over, register_http
from lottery.entrypoints.consumers import BATCH_HANDLERS, make_handlers
from lottery.entrypoints.http import router
from lottery.settings import Settings
from shared import topics
from shared.runtime import ServiceSpec, build_service_app, run_service

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return build_service_app(
        ServiceSpec(
            name="lottery",
            settings=settings,
            migrations_dir=MIGRATIONS,
            handlers=make_handlers(settings),
            batch_handlers=BATCH_HANDLERS,
            subscribes_to=(topics.REGISTRATION_EVENTS,),
            routers=[router, register_http.router, hand_over.router],
            title="mitwirken lottery",
        )
    )


def run() -> None:
    settings = Settings()
    run_service(create_app(settings), settings)
