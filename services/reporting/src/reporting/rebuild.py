"""``python -m reporting.rebuild``: rebuild reporting's read models from the topics.

Usage::

    python -m reporting.rebuild --database-url postgresql://.../reporting \\
        --bootstrap 127.0.0.1:9092

Both default to the service's settings (``REPORTING_DATABASE_URL``,
``REPORTING_KAFKA_BOOTSTRAP_SERVERS``). Safe while the service runs (see
``reporting.service.rebuild``). Prints the counts; exits 1 on failure.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from reporting.main import MIGRATIONS
from reporting.service.rebuild import rebuild
from reporting.settings import Settings
from shared.logging import configure_logging
from shared.runtime import tune_garbage_collection


def main(argv: list[str] | None = None) -> int:
    settings = Settings()
    parser = argparse.ArgumentParser(prog="python -m reporting.rebuild", description=__doc__)
    parser.add_argument("--database-url", default=settings.database_url)
    parser.add_argument("--bootstrap", default=settings.kafka_bootstrap_servers)
    parser.add_argument("--idle-timeout", type=float, default=10.0)
    args = parser.parse_args(argv)
    configure_logging("reporting-rebuild", level=settings.log_level, json=settings.log_json)
    tune_garbage_collection()
    report = asyncio.run(
        rebuild(
            args.database_url,
            args.bootstrap,
            migrations_dir=MIGRATIONS,
            idle_timeout_s=args.idle_timeout,
        )
    )
    print(
        f"rebuilt: {report.records} records, {report.handled} handled, "
        f"{report.duplicates} duplicates, {report.skipped} skipped, {report.failed} failed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
