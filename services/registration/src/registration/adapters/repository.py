"""Registration's store: applications in PostgreSQL, SQL in ``sql/applications.sql``."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from registration.domain.applications import Application
from shared.sql import load_queries

Q = load_queries(Path(__file__).parent / "sql" / "applications.sql")


async def add_application(conn: asyncpg.Connection, application: Application) -> None:
    a = application.applicant
    await conn.execute(
        Q.insert_application,
        application.application_id,
        application.district_id,
        application.channel.value,
        a.given_name,
        a.family_name,
        a.email,
        application.received_at,
    )
