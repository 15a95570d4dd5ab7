"""Use case: erase a district's personal data when registration announces the end of
its retention period (PersonalDataErased).

What goes: the register extract's names and addresses and the import's error report.
What stays: the pseudonymous pools, the commitments, the audit records and the published
panel list, so every draw can still be verified after the people behind the ids are gone.
"""

from __future__ import annotations

from pathlib import Path

import asyncpg
import structlog

from shared.messaging import outbox
from shared.sql import load_queries

Q = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "erasure.sql")
log = structlog.get_logger(__name__)


async def erase_district(conn: asyncpg.Connection, district_id: str) -> None:
    records = await conn.execute(Q.erase_register_records, district_id)
    await conn.execute(Q.erase_import_errors, district_id)
    await outbox.forget_published(conn, district_id)  # InvitationsDrawn carries names
    log.info("personal_data_erased", district_id=district_id, register_records=records)
