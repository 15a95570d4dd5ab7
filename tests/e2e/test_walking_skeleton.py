"""The walking skeleton with every service in its own process: an application submitted
over HTTP reaches the three consuming services once each, also when a consumer is
killed and restarted by the supervisor."""

from __future__ import annotations

import signal
import uuid

import httpx
import pytest

from mitwirken.stack import LocalStack
from tests.support.services import eventually, fetchval

pytestmark = pytest.mark.e2e


ADDRESSES = {
    "halle": ("06108", "Halle (Saale)"),
    "leipzig": ("04109", "Leipzig"),
    "saalekreis": ("06237", "Leuna"),
    "anhalt-bitterfeld": ("06749", "Bitterfeld-Wolfen"),
}


def apply(stack: LocalStack, district: str, n: int = 1, who: str = "Anna") -> list[uuid.UUID]:
    postal_code, municipality = ADDRESSES[district]
    ids = []
    for i in range(n):
        response = httpx.post(
            stack.services["registration"].base_url + "/applications",
            json={
                "district_id": district,
                "applicant": {
                    "given_name": f"{who}{i}",
                    "family_name": "Groß",
                    "email": f"{who.lower()}{i}@example.org",
                    "birth_year": 1960 + i,
                    "address": {
                        "street": "Lindenstraße",
                        "house_number": str(i + 1),
                        "postal_code": postal_code,
                        "municipality": municipality,
                    },
                },
                "consent": {"given": True, "text_version": "v1"},
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text
        ids.append(uuid.UUID(response.json()["application_id"]))
    return ids


async def figures(stack: LocalStack, district: str) -> dict[str, int]:
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{stack.services['reporting'].base_url}/api/districts/{district}/figures"
        )
    counts: dict[str, int] = response.json()["event_counts"]
    return counts


async def test_an_application_reaches_every_consumer_once(stack: LocalStack) -> None:
    district = "anhalt-bitterfeld"  # no other test on this stack applies there: counts exact
    [application_id] = apply(stack, district)
    assert stack.postgres is not None
    for service, table, column in (
        ("lottery", "applicants", "application_id"),
        ("notifications", "recipients", "recipient_ref"),
        ("reporting", "applications", "application_id"),
    ):
        url = stack.postgres.url_for(service)
        query = f"SELECT count(*) FROM {table} WHERE {column} = $1"
        await eventually(lambda u=url, q=query: fetchval(u, q, application_id))
        assert await fetchval(url, query, application_id) == 1
    assert (await figures(stack, district))["ApplicationReceived"] == 1


async def test_a_killed_consumer_is_restarted_and_misses_nothing(stack: LocalStack) -> None:
    district = "leipzig"
    reporting = stack.services["reporting"]
    reporting.kill(signal.SIGKILL)
    apply(stack, district, n=20)

    async def all_twenty_counted() -> bool:
        try:
            return (await figures(stack, district)).get("ApplicationReceived") == 20
        except httpx.HTTPError:  # still restarting
            return False

    await eventually(all_twenty_counted, timeout_s=90)
    assert reporting.restarts >= 1


def test_no_personal_data_in_any_log(stack: LocalStack) -> None:
    apply(stack, "saalekreis")
    logs = {
        p.name: p.read_text(encoding="utf-8", errors="replace")
        for p in (stack.home / "logs").glob("*.log")
    }
    assert set(logs) >= {"registration.log", "lottery.log", "notifications.log", "reporting.log"}
    for name, text in logs.items():
        for personal in ("Groß", "anna0@example.org", "Anna0"):
            assert personal not in text, f"{personal!r} appears in {name}"


async def test_the_confirmation_request_reaches_the_local_mailbox(stack: LocalStack) -> None:
    apply(stack, "halle", n=1, who="Berta")

    async def delivered() -> list[dict[str, str]]:
        async with httpx.AsyncClient() as client:
            response = await client.get(stack.mailbox_url + "/api/messages")
        return [m for m in response.json() if m["to"] == "berta0@example.org"]

    messages = await eventually(delivered, timeout_s=60)
    assert messages[0]["subject"] == "Bitte bestätigen Sie Ihre Bewerbung für die Zukunftswerkstatt"
