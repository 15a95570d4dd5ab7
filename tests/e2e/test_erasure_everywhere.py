"""Erasure across the whole system: after a district's personal data is erased, no
store of any service holds a name, e-mail address or street of its residents, while
the aggregate figures stay."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from mitwirken.stack import SERVICES, LocalStack
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.support.services import eventually, fetchval

pytestmark = pytest.mark.e2e

DISTRICT = "mansfeld-suedharz"  # no other end-to-end test uses it: erasure is for good
PERSONAL = ("Xaveria", "Quellenbrink", "xaveria.quellenbrink", "Zypressenweg", "Ideengeberin")
ADMIN = {
    "Authorization": "Bearer "
    + issue_staff_token(DEVELOPMENT_SECRET, subject="admin@test", role="admin")
}


async def personal_data_in(url: str) -> list[str]:
    """Every row of every table of a database that holds one of the test person's data."""
    conn = await asyncpg.connect(url)
    try:
        tables = await conn.fetch(
            "SELECT quote_ident(table_name) AS name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        found = []
        for table in tables:
            for row in await conn.fetch(f"SELECT t::text AS row FROM {table['name']} t"):
                text = row["row"]
                # bytea columns (outbox payloads, PDFs) appear as hex: look there too
                decoded = text
                if "\\x" in text:
                    decoded += " " + " ".join(
                        bytes.fromhex(part[:-1] if len(part) % 2 else part).decode(
                            "utf-8", "replace"
                        )
                        for part in _hex_runs(text)
                    )
                if any(p.casefold() in decoded.casefold() for p in PERSONAL):
                    found.append(f"{table['name']}: {text[:120]}")
        return found
    finally:
        await conn.close()


def _hex_runs(text: str) -> list[str]:
    runs = []
    for piece in text.split("\\\\x")[1:] + text.split("\\x")[1:]:
        run = ""
        for ch in piece:
            if ch in "0123456789abcdef":
                run += ch
            else:
                break
        if len(run) >= 2:
            runs.append(run)
    return runs


async def test_no_store_keeps_a_residents_data_after_erasure(stack: LocalStack) -> None:
    assert stack.postgres is not None
    registration = stack.services["registration"].base_url
    async with httpx.AsyncClient(timeout=20) as client:
        response = await client.post(
            registration + "/applications",
            json={
                "district_id": DISTRICT,
                "applicant": {
                    "given_name": "Xaveria",
                    "family_name": "Quellenbrink",
                    "email": "xaveria.quellenbrink@example.org",
                    "birth_year": 1977,
                    "address": {
                        "street": "Zypressenweg",
                        "house_number": "3",
                        "postal_code": "06526",
                        "municipality": "Sangerhausen",
                    },
                },
                "consent": {"given": True, "text_version": "v1"},
            },
        )
        assert response.status_code == 201, response.text
        response = await client.post(
            registration + "/ideas",
            json={
                "district_id": DISTRICT,
                "text": "Ein Dorfladen mit Café",
                "author_name": "Ideengeberin",
                "author_email": "xaveria.quellenbrink@example.org",
            },
        )
        assert response.status_code in (201, 202), response.text

        databases = {name: stack.postgres.url_for(name) for name in SERVICES}

        async def everywhere() -> bool:
            return all(
                [
                    await personal_data_in(databases[n])
                    for n in ("registration", "notifications", "reporting")
                ]
            )

        await eventually(everywhere, timeout_s=90)

        response = await client.post(
            f"{registration}/staff/districts/{DISTRICT}/personal-data/erase",
            json={"confirm_district_id": DISTRICT},
            headers=ADMIN,
        )
        assert response.status_code == 200, response.text

    async def erased_everywhere() -> bool:
        for name in ("lottery", "notifications", "reporting"):
            handled = await fetchval(
                databases[name],
                "SELECT count(*) FROM inbox WHERE event_type = 'PersonalDataErased'",
            )
            if not handled:
                return False
        return True

    await eventually(erased_everywhere, timeout_s=90)
    for name, url in databases.items():
        assert await personal_data_in(url) == [], f"personal data left in {name}"

    async with httpx.AsyncClient(timeout=20) as client:
        figures = (
            await client.get(
                f"{stack.services['reporting'].base_url}/api/districts/{DISTRICT}/figures"
            )
        ).json()
    assert figures["event_counts"]["ApplicationReceived"] >= 1
    assert figures["event_counts"]["PersonalDataErased"] == 1
