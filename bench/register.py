"""Register: the city-scale register import and stratified invitation draw through the
lottery's service code on a real PostgreSQL, against polars reading the same file.

A synthetic extract (1,000,000 rows; quick: 20,000) in the municipal export format is
streamed in 1 MiB chunks into ``import_register`` and a 30-seat wave of 25 letters per
seat is drawn. The import stages the raw bytes with COPY, then checks and splits the
rows set-based in the database (check, rejections, records, address parts, pool, pool
hash); the draw ranks each stratum by SHA-256 in the database. Peak memory is the
resident set of this process (the database server runs as its own process and is not
counted).

Runnable alone: ``uv run python -m bench.register [--rows N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from lottery.service import register
from mitwirken.infra import Postgres
from shared import db

MIGRATIONS = Path(register.__file__).resolve().parents[3] / "migrations"
SEED = [["3", "11", "19", "27", "38", "49"]]
HEADER = ";".join(
    (
        "record_id",
        "family_name",
        "given_names",
        "doctorate",
        "birth_date",
        "sex",
        "nationalities",
        "street",
        "house_number",
        "address_supplement",
        "postal_code",
        "municipality",
        "disclosure_block",
    )
)
FAMILY = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker")
GIVEN = ("Anna", "Lukas", "Marie", "Paul", "Sophie", "Jonas", "Emma", "Ben", "Gerda", "Heinz")
STREETS = ("Lindenstraße", "Hauptstr.", "Am Markt", "Bahnhofstraße", "Goethestraße", "Ringweg")
PLACES = (
    ("04109", "Leipzig"),
    ("04315", "Leipzig"),
    ("04178", "Leipzig"),
    ("04416", "Markkleeberg"),
)


def write_synthetic_register(path: Path, rows: int, *, seed: int = 7) -> None:
    """A register extract as municipalities export it, with a few blocked and broken rows."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        lines = []
        for i in range(rows):
            postal, town = PLACES[rng.randrange(len(PLACES))]
            year = rng.randint(1925, 2008)
            born = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            sex = "w" if rng.random() < 0.51 else ("m" if rng.random() < 0.995 else "d")
            block = "1" if rng.random() < 0.01 else ""
            if rng.random() < 0.001:
                born = "32.13.1970"  # an unreadable date: the row is rejected
            lines.append(
                f"{i + 1:08d};{rng.choice(FAMILY)};{rng.choice(GIVEN)};"
                f"{'Dr.' if rng.random() < 0.02 else ''};{born};{sex};deutsch;"
                f"{rng.choice(STREETS)};{rng.randint(1, 120)};;{postal};{town};{block}\n"
            )
            if len(lines) >= 10_000:
                out.writelines(lines)
                lines = []
        out.writelines(lines)


async def chunks(path: Path, size: int = 1 << 20) -> AsyncIterator[bytes]:
    with path.open("rb") as source:
        while block := source.read(size):
            yield block


_POLARS = """
import sys, time
import polars as pl
started = time.perf_counter()
frame = pl.read_csv(sys.argv[1], separator=";", infer_schema_length=0)
assert frame.height > 0
print(time.perf_counter() - started)
"""


def polars_read(path: Path) -> float:
    """Seconds polars takes to read the file (in a child process, so that its memory is
    not counted as the importer's)."""
    done = subprocess.run(
        [sys.executable, "-c", _POLARS, str(path)], check=True, capture_output=True, text=True
    )
    return float(done.stdout.strip())


async def import_and_draw(url: str, path: Path) -> tuple[float, float, dict[str, Any]]:
    pool = await db.create_pool(url, min_size=1, max_size=2)
    try:
        await db.migrate(pool, db.migration_files(MIGRATIONS))
        started = time.perf_counter()
        async with pool.acquire() as conn, conn.transaction():
            report = await register.import_register(
                conn,
                "leipzig",
                chunks(path),
                actor="bench",
                now=datetime.now(UTC),
                randomness_source="bench",
            )
        imported = time.perf_counter() - started
        async with pool.acquire() as conn, conn.transaction():
            summary = await register.draw_invitations(
                conn, "leipzig", register.WaveRequest(sources=SEED), actor="bench",
                now=datetime.now(UTC),
            )  # fmt: skip
        total = time.perf_counter() - started
        return imported, total, {"accepted": report.accepted, "letters": summary["letters"]}
    finally:
        await pool.close()


async def measure_async(rows: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="mitwirken-bench-register-") as tmp:
        path = Path(tmp) / "register.csv"
        write_synthetic_register(path, rows)
        baseline = polars_read(path)
        postgres = Postgres(Path(tmp) / "pg", fsync=True).start()
        try:
            url = postgres.url_for("lottery_register")
            await db.ensure_database(url)
            rss_before = psutil.Process().memory_info().rss
            imported, total, counts = await import_and_draw(url, path)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        finally:
            postgres.stop()
    note = (
        f"{counts['accepted']:,} accepted, {counts['letters']} letters; import {imported:.1f} s"
        f", draw {total - imported:.1f} s; RSS before {rss_before / 2**20:.0f} MB"
    )
    return [
        {
            "name": f"register: import + invitation draw, {rows:,} rows",
            "value": total,
            "unit": "s",
            "baseline_name": "polars read_csv of the same file",
            "baseline": baseline,
            "note": note,
        },
        {
            "name": f"register: peak memory, {rows:,} rows",
            "value": peak_mb,
            "unit": "MB",
            "baseline_name": "goal",
            "baseline": 500.0,
            "note": "peak resident set of the importing process (database server apart)",
        },
    ]


def measure(quick: bool) -> list[dict[str, Any]]:
    return asyncio.run(measure_async(20_000 if quick else 1_000_000))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.register", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    for row in asyncio.run(measure_async(args.rows)):
        ratio = row["value"] / row["baseline"]
        print(
            f"{row['name']}: {row['value']:,.2f} {row['unit']} "
            f"(baseline {row['baseline_name']} {row['baseline']:,.2f}, ratio {ratio:.2f}); "
            f"{row['note']}"
        )


if __name__ == "__main__":
    main()
