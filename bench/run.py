"""The benchmark suite. Every figure is measured next to its baseline in the same run, on
the same broker and database, so the ratio holds on a noisy machine:

- intake: applications per second through the HTTP API into the database, the outbox
  and Kafka (all published), sustained; baseline: a bare aiokafka producer;
- latency: request to confirmation e-mail accepted by the SMTP server, at a steady rate;
- event handling: events per second through each consuming service (inbox and effect
  committed); baselines: a bare aiokafka consumer and a bare batched insert;
- memory: peak resident memory of each service process under the intake load.

``--quick`` runs everything briefly to prove the suite works (CI), not how fast it is.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import platform
import re
import statistics
import tempfile
import time
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import psutil
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.structs import TopicPartition
from rich.console import Console
from rich.table import Table

from mitwirken.infra import free_port
from mitwirken.stack import SERVICES, LocalStack
from shared import topics
from shared.events import Envelope
from shared.events.registration import ApplicationConfirmed

console = Console()
DISTRICTS = {
    "halle": ("06108", "Halle (Saale)"),
    "leipzig": ("04109", "Leipzig"),
    "saalekreis": ("06237", "Leuna"),
    "burgenlandkreis": ("06712", "Zeitz"),
}


PARTS = ("system", "register", "panels", "replay")
"""system: intake, latency, event handling and memory on the running stack; register:
the city-scale register import and invitation draw; panels: panel selection against
sortition-algorithms; replay: rebuilding reporting's read models."""


@dataclass
class Row:
    name: str
    value: float
    unit: str
    baseline_name: str = ""
    baseline: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.value / self.baseline


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        console.print(
            f"  {row.name}: {row.value:,.1f} {row.unit}"
            + (f" (baseline {row.baseline:,.1f})" if row.baseline else "")
        )


def application(i: int, run: str) -> dict[str, Any]:
    district = list(DISTRICTS)[i % len(DISTRICTS)]
    postal_code, municipality = DISTRICTS[district]
    return {
        "district_id": district,
        "applicant": {
            "given_name": f"Bench{i}",
            "family_name": f"Run{run}",
            "email": f"bench{i}.{run}@example.org",
            "birth_year": 1940 + i % 60,
            "address": {
                "street": "Lindenstraße",
                "house_number": str(i % 200 + 1),
                "postal_code": postal_code,
                "municipality": municipality,
            },
        },
        "consent": {"given": True, "text_version": "bench"},
    }


async def bare_producer_rate(bootstrap: str, n: int) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=2, max_batch_size=1024 * 1024
    )
    await producer.start()
    value = b"x" * 1000
    try:
        started = time.perf_counter()
        futures = [
            await producer.send("bench.baseline", value=value, key=str(i % 9).encode())
            for i in range(n)
        ]
        await asyncio.gather(*futures)
        return n / (time.perf_counter() - started)
    finally:
        await producer.stop()


async def intake(
    stack: LocalStack, seconds: float, concurrency: int, results: Results
) -> dict[str, float]:
    url = stack.services["registration"].base_url + "/applications"
    run = uuid.uuid4().hex[:6]
    counter = 0
    accepted = 0
    errors = 0
    peak: dict[str, float] = {name: 0.0 for name in SERVICES}
    stop_at = time.perf_counter() + seconds

    async def worker(client: aiohttp.ClientSession) -> None:
        nonlocal counter, accepted, errors
        while time.perf_counter() < stop_at:
            counter += 1
            try:
                async with client.post(url, json=application(counter, run)) as response:
                    await response.read()
            except aiohttp.ClientError:
                errors += 1  # e.g. a kept-alive connection the server closed: try the next
                continue
            if response.status == 201:
                accepted += 1

    async def watch_memory() -> None:
        while time.perf_counter() < stop_at:
            for name, service in stack.services.items():
                if service.process is not None:
                    try:
                        rss = psutil.Process(service.process.pid).memory_info().rss
                        peak[name] = max(peak[name], rss / 2**20)
                    except psutil.Error:
                        pass
            await asyncio.sleep(0.5)

    # aiohttp rather than httpx: the load generator shares the two cores with the
    # system it measures, and aiohttp spends a fraction of httpx's time per request.
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        started = time.perf_counter()
        await asyncio.gather(watch_memory(), *(worker(client) for _ in range(concurrency)))
        http_elapsed = time.perf_counter() - started
    assert stack.postgres is not None
    conn = await asyncpg.connect(stack.postgres.url_for("registration"))
    try:
        # Polling the database is the measurement: the relay has no event to wait on.
        while await conn.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    finally:
        await conn.close()
    published_elapsed = time.perf_counter() - started
    return {
        "accepted": accepted,
        "errors": errors,
        "http_rate": accepted / http_elapsed,
        "published_rate": accepted / published_elapsed,
        **{f"rss_{k}": v for k, v in peak.items()},
    }


async def drain_mail(stack: LocalStack, timeout_s: float = 600) -> None:
    """Wait until notifications has sent everything that is due (no backlog distorts latency)."""
    assert stack.postgres is not None
    conn = await asyncpg.connect(stack.postgres.url_for("notifications"))
    deadline = time.perf_counter() + timeout_s
    try:
        while time.perf_counter() < deadline and await conn.fetchval(  # noqa: ASYNC110
            "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'sending')"
        ):
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


async def latency(stack: LocalStack, rate: float, seconds: float) -> tuple[float, float, int]:
    """Request to confirmation e-mail accepted by the SMTP server, at a steady rate."""
    await drain_mail(stack)
    url = stack.services["registration"].base_url + "/applications"
    run = uuid.uuid4().hex[:6]
    sent_at: dict[str, float] = {}
    mail_dir = stack.home / "mail"
    n = int(rate * seconds)
    in_flight = asyncio.Semaphore(64)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as client:

        async def one(i: int) -> None:
            body = application(i, run)
            async with in_flight:
                sent_at[body["applicant"]["email"]] = time.time()
                async with client.post(url, json=body) as response:
                    await response.read()

        tasks = []
        started_ns = time.time_ns()
        started = time.perf_counter()
        for i in range(n):
            delay = started + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
    delays: list[float] = []
    deadline = time.time() + 120
    seen: set[str] = set()
    while len(delays) < n and time.time() < deadline:
        for path in mail_dir.glob("*.eml"):
            accepted_ns = int(path.name.split("-")[0])
            if path.name in seen or accepted_ns < started_ns:
                continue
            seen.add(path.name)
            header = path.read_bytes()[:4096].decode(errors="replace")
            match = re.search(r"^To: (\S+)", header, re.MULTILINE)
            if match and match.group(1) in sent_at:
                delays.append((accepted_ns / 1e9 - sent_at[match.group(1)]) * 1000)
        await asyncio.sleep(0.2)
    delays.sort()
    if not delays:
        return float("nan"), float("nan"), 0
    p99 = delays[min(len(delays) - 1, int(len(delays) * 0.99))]
    return statistics.median(delays), p99, len(delays)


async def bare_consumer_rate(bootstrap: str, topic: str, n: int) -> float:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        read = 0
        started = time.perf_counter()
        while read < n:
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            read += sum(len(v) for v in batch.values())
        return n / (time.perf_counter() - started)
    finally:
        await consumer.stop()


async def bare_insert_rate(url: str, n: int, batch: int = 500) -> float:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "DROP TABLE IF EXISTS bench_inbox; CREATE TABLE bench_inbox ("
            "event_id uuid PRIMARY KEY, event_type text, topic text, "
            "kafka_partition int, kafka_offset bigint, outcome text)"
        )
        started = time.perf_counter()
        for start in range(0, n, batch):
            rows = [
                (uuid.uuid4(), "ApplicationConfirmed", "t", 0, start + i, "handled")
                for i in range(min(batch, n - start))
            ]
            async with conn.transaction():
                await conn.executemany("INSERT INTO bench_inbox VALUES ($1,$2,$3,$4,$5,$6)", rows)
        return n / (time.perf_counter() - started)
    finally:
        await conn.execute("DROP TABLE IF EXISTS bench_inbox")
        await conn.close()


async def event_handling(stack: LocalStack, n: int, results: Results) -> None:
    assert stack.kafka is not None and stack.postgres is not None
    bootstrap = stack.kafka.bootstrap_servers
    before = {}
    for name in ("lottery", "notifications", "reporting"):
        conn = await asyncpg.connect(stack.postgres.url_for(name))
        before[name] = await conn.fetchval("SELECT count(*) FROM inbox")
        await conn.close()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", linger_ms=5, max_batch_size=1024 * 1024
    )
    # Encoded before the clock starts: the services' rate, not the load generator's.
    districts = list(DISTRICTS)
    encoded = [
        (
            districts[i % len(districts)].encode(),
            Envelope.wrap(
                ApplicationConfirmed(application_id=uuid.uuid4(), confirmed_at=datetime.now(UTC)),
                district_id=districts[i % len(districts)],
                producer="bench",
            ).to_bytes(),
        )
        for i in range(n)
    ]
    await producer.start()
    started = time.perf_counter()
    try:
        futures = [
            await producer.send(topics.REGISTRATION_EVENTS, value=value, key=key)
            for key, value in encoded
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    finished: dict[str, float] = {}
    conns = {name: await asyncpg.connect(stack.postgres.url_for(name)) for name in before}
    try:
        while len(finished) < len(conns) and time.perf_counter() - started < 600:
            for name, conn in conns.items():
                if name not in finished and (
                    await conn.fetchval("SELECT count(*) FROM inbox") - before[name] >= n
                ):
                    finished[name] = time.perf_counter() - started
            await asyncio.sleep(0.05)
    finally:
        for conn in conns.values():
            await conn.close()
    consumer_rate = await bare_consumer_rate(bootstrap, topics.REGISTRATION_EVENTS, n)
    insert_rate = await bare_insert_rate(stack.postgres.url_for("postgres"), n)
    for name, elapsed in sorted(finished.items()):
        results.add(
            Row(
                f"event handling: {name} (3 consumers at once)",
                n / elapsed,
                "events/s",
                "bare batched insert",
                insert_rate,
                note=f"bare consumer {consumer_rate:,.0f}/s",
            )
        )


async def suite(quick: bool) -> Results:
    results = Results()
    seconds = 5 if quick else 60
    home = Path(tempfile.mkdtemp(prefix="mitwirken-bench-"))
    stack = LocalStack(
        home=home,
        ports={name: free_port() for name in SERVICES},
        fsync=True,
        extra_env={
            "REGISTRATION_PUBLIC_RATE_LIMIT_PER_MINUTE": "100000000",
            "{PREFIX}LOG_LEVEL": "WARNING",
        },
        on_event=lambda line: console.print(f"[dim]{line}[/dim]"),
    )
    console.print("Starting the system (broker, PostgreSQL with fsync, SMTP, four services) …")
    stack.start()
    try:
        assert stack.kafka is not None
        producer_rate = await bare_producer_rate(
            stack.kafka.bootstrap_servers, 2_000 if quick else 50_000
        )
        console.print("Intake …")
        figures = await intake(stack, seconds, concurrency=16 if quick else 64, results=results)
        results.add(
            Row(
                "intake: HTTP → database + outbox",
                figures["http_rate"],
                "applications/s",
                "bare aiokafka producer",
                producer_rate,
                note=(
                    f"{int(figures['accepted'])} in {seconds} s, "
                    f"{int(figures['errors'])} connection errors"
                ),
            )
        )
        results.add(
            Row(
                "intake: HTTP → published to Kafka",
                figures["published_rate"],
                "applications/s",
                "bare aiokafka producer",
                producer_rate,
            )
        )
        for name in SERVICES:
            results.add(Row(f"memory: {name} peak RSS under intake", figures[f"rss_{name}"], "MB"))
        console.print("Latency at a steady rate …")
        # The goal's rate: 200 applications per second.
        rate = 20 if quick else 200
        p50, p99, count = await latency(stack, rate=rate, seconds=3 if quick else 30)
        results.add(
            Row(
                "latency request → e-mail accepted (p50)",
                p50,
                "ms",
                note=f"{count} e-mails at {rate}/s",
            )
        )
        results.add(Row("latency request → e-mail accepted (p99)", p99, "ms"))
        console.print("Event handling …")
        await event_handling(stack, 2_000 if quick else 50_000, results)
    finally:
        stack.stop()
    return results


def render(results: Results, quick: bool) -> Table:
    table = Table(
        title="mitwirken benchmarks" + (" (quick: proves it runs, not speed)" if quick else "")
    )
    for column in ("figure", "value", "unit", "baseline", "ratio", "note"):
        table.add_column(column)
    for r in results.rows:
        table.add_row(
            r.name,
            f"{r.value:,.1f}",
            r.unit,
            f"{r.baseline_name} {r.baseline:,.0f}" if r.baseline else "",
            f"{r.ratio:.2f}" if r.ratio else "",
            r.note,
        )
    return table


def run_loop(main: Coroutine[Any, Any, Results]) -> Results:
    """On uvloop where it is installed, like the services under measurement."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="brief run for CI")
    parser.add_argument("--json", type=Path, default=Path("bench/results/latest.json"))
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help=f"comma-separated parts to run (default all: {', '.join(PARTS)})",
    )
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    results = run_loop(suite(args.quick)) if "system" in parts else Results()
    for part in parts:
        if part == "system":
            continue
        console.print(f"{part.capitalize()} …")
        # Each part starts its own broker and database; they run one after the other
        # so that no part measures while another loads the machine.
        module = importlib.import_module(f"bench.{part}")
        for row in module.measure(args.quick):
            results.add(Row(**row))
    console.print(render(results, args.quick))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(),
                "quick": args.quick,
                "machine": {
                    "cpus": psutil.cpu_count(),
                    "memory_gb": round(psutil.virtual_memory().total / 2**30),
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                },
                "rows": [{**r.__dict__, "ratio": r.ratio} for r in results.rows],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    console.print(f"wrote {args.json}")
    return 0
