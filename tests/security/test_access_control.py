"""Every staff route of every service, taken from the applications' route tables (so a new
route is covered without touching this test), refuses a missing, malformed, expired or
wrongly signed token with 401, and a coordinator of another district with 403 on the
district's routes. The lottery's audit log names who triggered a draw."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from mitwirken.infra import Tansu
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.security.test_dead_letters import SERVICES
from tests.support.services import fetchval, running

pytestmark = pytest.mark.integration

SECRET = DEVELOPMENT_SECRET


def bad_tokens() -> dict[str, dict[str, str]]:
    long_ago = datetime.now(UTC) - timedelta(days=2)
    unsigned = jwt.encode(
        {"sub": "mallory", "role": "admin", "aud": "mitwirken-staff", "exp": 4102444800},
        key=None,
        algorithm="none",
    )
    return {
        "missing": {},
        "not a bearer": {"Authorization": "Basic YWRtaW46YWRtaW4="},
        "empty bearer": {"Authorization": "Bearer "},
        "malformed": {"Authorization": "Bearer not.a.token"},
        "expired": {
            "Authorization": "Bearer "
            + issue_staff_token(SECRET, subject="anna", role="admin", now=long_ago)
        },
        "wrongly signed": {
            "Authorization": "Bearer "
            + issue_staff_token("another-secret-entirely", subject="mallory", role="admin")
        },
        "unsigned (alg none)": {"Authorization": f"Bearer {unsigned}"},
        "wrong audience": {
            "Authorization": "Bearer "
            + jwt.encode(
                {"sub": "x", "role": "admin", "aud": "someone-else", "exp": 4102444800},
                SECRET,
                algorithm="HS256",
            )
        },
    }


@dataclass(frozen=True)
class Route:
    path: str
    methods: frozenset[str]


def all_routes(app: FastAPI) -> list[Route]:
    """Every HTTP route, also those of included routers (which FastAPI may keep lazily)."""
    found = []
    for r in app.routes:
        if isinstance(r, APIRoute):
            found.append(Route(r.path, frozenset(r.methods or ())))
        elif hasattr(r, "effective_candidates"):
            found += [Route(c.path, frozenset(c.methods or ())) for c in r.effective_candidates()]
    return found


def staff_routes(app: FastAPI) -> list[Route]:
    return [
        r
        for r in all_routes(app)
        if r.path.startswith(("/staff", "/api/staff")) or r.path == "/dashboard"
    ]


def concrete(path: str) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if "district" in name:
            return "halle"
        return str(uuid.uuid4()) if name.endswith("id") else "csv"

    return re.sub(r"\{([^}]+)\}", fill, path)


def requests_for(route: Route) -> list[tuple[str, str]]:
    return [(m, concrete(route.path)) for m in sorted(route.methods or ())]


@pytest.mark.parametrize("service", list(SERVICES))
async def test_every_staff_route_refuses_bad_tokens_and_other_districts(
    service: str, kafka: Tansu, database_url: str
) -> None:
    make_app: Callable[[str, str], FastAPI] = SERVICES[service][0]
    app = make_app(kafka.bootstrap_servers, database_url)
    routes = staff_routes(app)
    assert routes, f"{service} has no staff routes?"
    other_district = {
        "Authorization": "Bearer "
        + issue_staff_token(SECRET, subject="coord", role="coordinator", district_id="leipzig")
    }
    tried = forbidden = 0
    body_first: list[str] = []
    shells: list[str] = []
    async with running(app) as (client, _):
        for route in routes:
            for method, path in requests_for(route):
                r = await client.request(method, path, json={})
                if method == "GET" and r.headers.get("content-type", "").startswith("text/html"):
                    # A page shell without data; the page's API calls carry the token.
                    shells.append(path)
                    continue
                for what, headers in bad_tokens().items():
                    r = await client.request(method, path, headers=headers, json={})
                    assert r.status_code == 401, (service, method, path, what, r.text)
                    tried += 1
                if "{district_id}" in route.path:
                    r = await client.request(method, path, headers=other_district, json={})
                    # An unreadable body may be refused first (422); the district never passes.
                    assert r.status_code in (403, 422), (service, method, path, r.text)
                    if r.status_code == 422:
                        missing = [e.get("field") for e in r.json().get("errors", [])]
                        body = {**{f: "halle" for f in missing if f}, **_minimal_body(route)}
                        r = await client.request(method, path, headers=other_district, json=body)
                    if r.status_code == 422:
                        # The body is refused before the district is checked: nothing done.
                        body_first.append(f"{method} {path}")
                        continue
                    assert r.status_code == 403, (service, method, path, r.text)
                    forbidden += 1
    print(
        f"\n{service}: {len(routes)} staff routes, {tried} requests with bad tokens refused"
        f" (401), {forbidden} other-district requests refused (403); body checked before the"
        f" district: {body_first}; HTML shells served without a token: {shells}"
    )
    assert forbidden > 0 or service == "notifications"


def _minimal_body(route: Route) -> dict[str, object]:
    if route.path.endswith("/draw"):
        return {"sources": [["1", "2", "3"]]}
    return {}


async def test_the_audit_log_names_who_drew(kafka: Tansu, database_url: str) -> None:
    """A coordinator's draw is recorded with the coordinator's name."""
    from lottery.adapters import repository
    from lottery.service import draws

    make_app = SERVICES["lottery"][0]
    async with running(make_app(kafka.bootstrap_servers, database_url)) as (client, runtime):
        async with runtime.pool.acquire() as conn, conn.transaction():
            for _ in range(40):
                await conn.execute(
                    "INSERT INTO applicants (application_id, district_id, status, received_at)"
                    " VALUES ($1, 'halle', 'confirmed', now())",
                    uuid.uuid4(),
                )
            await draws.commit(
                conn,
                "halle",
                randomness_source="test numbers",
                now=datetime.now(UTC),
                default_seats=30,
            )
        token = issue_staff_token(
            SECRET, subject="coordinator-berta", role="coordinator", district_id="halle"
        )
        r = await client.post(
            "/staff/districts/halle/draw",
            json={"sources": [["3", "11", "19"]]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 200, r.text
        assert repository is not None
    actor = await fetchval(
        database_url,
        "SELECT actor FROM audit_log WHERE action = 'draw_performed' AND district_id = 'halle'",
    )
    assert actor == "coordinator-berta"


async def test_a_token_is_not_accepted_by_query_string_on_api_routes(
    kafka: Tansu, database_url: str
) -> None:
    make_app = SERVICES["registration"][0]
    token = issue_staff_token(SECRET, subject="anna", role="admin")
    async with running(make_app(kafka.bootstrap_servers, database_url)) as (client, _):
        r = await client.get(f"/staff/districts/halle/ideas?token={token}")
    assert r.status_code == 401
    assert isinstance(r, httpx.Response)
