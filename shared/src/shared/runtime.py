"""The runtime every service shares: database, broker, outbox relay and inbox consumer
wired into one FastAPI application whose lifespan starts and stops them in order.

Start order: database (created if asked), migrations, topics (if asked), relay
producer, relay, consumers. Stop order is the reverse, so that no consumer commits an
offset for work whose transaction could not finish, and the relay gets to mark what
it has published.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from fastapi import APIRouter, FastAPI
from faststream.kafka import KafkaBroker

from shared import db, topics
from shared.http import install_problem_handlers, observability_router
from shared.logging import configure_logging
from shared.messaging.broker import build_broker, build_producer, ensure_topics, subscribe_inbox
from shared.messaging.inbox import BatchHandler, Handler, InboxConsumer
from shared.messaging.outbox import OutboxRelay
from shared.settings import ServiceSettings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ServiceSpec:
    """What makes one service: its name, its migrations, what it consumes, its routes."""

    name: str
    settings: ServiceSettings
    migrations_dir: Path
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    batch_handlers: Mapping[str, BatchHandler] = field(default_factory=dict)
    """Optional: the same effects for a run of events at once (see shared.messaging.inbox)."""
    subscribes_to: Sequence[str] = ()
    routers: Sequence[APIRouter] = ()
    title: str = ""
    on_start: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = ()
    """Run once after migrations, before consuming (e.g. recording configuration)."""
    background: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = ()
    """Loops that run while the service runs (e.g. the closing barrier's clock)."""


class ServiceRuntime:
    """The running parts of one service instance; reachable as ``app.state.runtime``."""

    def __init__(self, spec: ServiceSpec) -> None:
        self.spec = spec
        self.settings = spec.settings
        self._pool: asyncpg.Pool | None = None
        self.broker: KafkaBroker = build_broker(spec.settings, spec.name)
        self.producer: AIOKafkaProducer | None = None
        self.relay: OutboxRelay | None = None
        self._relay_task: asyncio.Task[None] | None = None
        self.consumer: InboxConsumer | None = None
        self._background: list[asyncio.Task[None]] = []
        self.started = False

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the service has not started")
        return self._pool

    async def start(self) -> None:
        s = self.settings
        if s.create_database:
            await db.ensure_database(s.database_url)
        self._pool = await db.create_pool(
            s.database_url, min_size=s.database_pool_min, max_size=s.database_pool_max
        )
        await db.migrate(self._pool, db.migration_files(self.spec.migrations_dir))
        for step in self.spec.on_start:
            await step(self)
        if s.kafka_create_topics:
            await ensure_topics(
                s.kafka_bootstrap_servers,
                topics.all_topics_with_dead_letters(),
                partitions=s.kafka_topic_partitions,
                replication_factor=s.kafka_replication_factor,
            )
        self.producer = build_producer(s, self.spec.name)
        await self.producer.start()
        self.relay = OutboxRelay(
            self._pool,
            self.producer,
            batch_size=s.outbox_batch_size,
            poll_interval_s=s.outbox_poll_interval_s,
            published_retention=timedelta(hours=s.outbox_published_retention_hours),
        )
        self._relay_task = asyncio.create_task(self.relay.run(), name=f"{self.spec.name}-relay")
        if self.spec.handlers:
            self.consumer = InboxConsumer(
                self._pool,
                self.spec.handlers,
                consumer_name=self.spec.name,
                attempts=s.handler_attempts,
                batch_handlers=self.spec.batch_handlers,
            )
            subscribe_inbox(
                self.broker,
                self.consumer,
                topics=self.spec.subscribes_to,
                group_id=self.spec.name,
                settings=s,
            )
        await self.broker.start()
        for loop in self.spec.background:
            self._background.append(asyncio.create_task(self._keep_running(loop)))
        self.started = True
        log.info("service_started", http_port=s.http_port)

    async def _keep_running(self, loop: Callable[[ServiceRuntime], Awaitable[None]]) -> None:
        """A background loop that fails is logged and started again after a pause."""
        while True:
            try:
                await loop(self)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("background_loop_failed", loop=loop.__name__, error=type(exc).__name__)
                await asyncio.sleep(1.0)

    async def stop(self) -> None:
        self.started = False
        for task in self._background:
            task.cancel()
        for task in self._background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            await self.broker.stop()
        if self._relay_task is not None and self.relay is not None:
            # Let the relay finish and mark its batch, so a clean stop sends nothing twice.
            self.relay.request_stop()
            try:
                await asyncio.wait_for(asyncio.shield(self._relay_task), timeout=10)
            except (TimeoutError, Exception):
                self._relay_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._relay_task
        if self.producer is not None:
            with contextlib.suppress(Exception):
                await self.producer.stop()
        if self._pool is not None:
            await self._pool.close()
        log.info("service_stopped")

    async def readiness(self) -> dict[str, bool]:
        checks = {"started": self.started, "database": False, "broker": False, "relay": False}
        if self._pool is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    checks["database"] = await self._pool.fetchval("SELECT true") is True
        with contextlib.suppress(Exception):
            checks["broker"] = bool(await self.broker.ping(timeout=2))
        checks["relay"] = self._relay_task is not None and not self._relay_task.done()
        return checks


def build_service_app(spec: ServiceSpec) -> FastAPI:
    """The ASGI application of one service, with its lifespan and shared endpoints."""
    configure_logging(spec.name, level=spec.settings.log_level, json=spec.settings.log_json)
    runtime = ServiceRuntime(spec)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=spec.title or f"mitwirken {spec.name}", lifespan=lifespan)
    app.state.runtime = runtime
    install_problem_handlers(app)
    app.include_router(observability_router())
    for router in spec.routers:
        app.include_router(router)
    return app


def tune_garbage_collection() -> None:
    """Collect cyclic garbage less often, for a process that decodes events in batches.

    With the default thresholds the young generation is collected every 700 allocations,
    and every tenth of those also walks the middle generation: decoding a batch of
    thousands of events (several objects each) triggers hundreds of collections that
    find almost nothing, and measured as a third of a rebuild's time. The objects alive
    once the process is set up (modules, settings, templates) are frozen out of
    collections altogether. Memory grows by the uncollected young objects only, a few
    megabytes at most.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def run_service(app: FastAPI, settings: ServiceSettings) -> None:
    """Serve ``app`` until SIGINT/SIGTERM, then shut down gracefully."""
    import uvicorn

    tune_garbage_collection()

    uvicorn.run(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=10,
    )
