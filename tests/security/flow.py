"""Steps of an end-to-end flow on the running system, as residents and staff take them."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg
import httpx

from mitwirken.mailbox import Mailbox, StoredMessage
from mitwirken.stack import LocalStack
from registration.adapters.links import LinkSigner
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.support.services import eventually

ADMIN = {
    "Authorization": "Bearer "
    + issue_staff_token(DEVELOPMENT_SECRET, subject="staff-admin", role="admin")
}


async def apply_and_confirm(
    stack: LocalStack, district: str, applicant: dict[str, Any]
) -> uuid.UUID:
    async with httpx.AsyncClient(base_url=stack.services["registration"].base_url) as client:
        r = await client.post(
            "/applications",
            json={
                "district_id": district,
                "applicant": applicant,
                "consent": {"given": True, "text_version": "v1"},
            },
        )
        assert r.status_code == 201, r.text
        app_id = uuid.UUID(r.json()["application_id"])
        token = LinkSigner(DEVELOPMENT_SECRET).sign(app_id, "confirm")
        r = await client.post("/applications/confirm", params={"token": token})
        assert r.status_code == 200, r.text
    return app_id


async def close(stack: LocalStack, district: str) -> None:
    """The application deadline passes (the closing barrier runs every second)."""
    assert stack.postgres is not None
    conn = await asyncpg.connect(stack.postgres.url_for("registration"))
    try:
        await conn.execute(
            "UPDATE districts SET application_deadline = now(), closes_at = now()"
            " WHERE district_id = $1",
            district,
        )
    finally:
        await conn.close()


async def mails_to(stack: LocalStack, address: str, at_least: int) -> list[StoredMessage]:
    async def arrived() -> list[StoredMessage]:
        found = Mailbox(stack.home / "mail").to(address)
        return found if len(found) >= at_least else []

    result: list[StoredMessage] = await eventually(arrived, timeout_s=120, interval_s=0.5)
    return result
