"""A simulated rollout of two districts through the real services (registration,
lottery, notifications, reporting on one broker and one PostgreSQL, each with its own
database): applications on the web and by reply card, confirmations, withdrawals,
ideas, the closing (the stored closing instant is moved to now instead of waiting for
the deadline), the applicants' draw with public numbers and a promotion from the
waitlist. Then every figure of reporting's staff API is compared with counts taken by
SQL directly from the databases of registration, lottery and notifications, and a
rebuild from the topics gives read models identical to the live ones."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import asyncpg
import httpx
import pytest

from lottery.main import create_app as create_lottery
from lottery.settings import Settings as LotterySettings
from mitwirken.infra import Tansu, free_port
from mitwirken.mailbox import SmtpServer
from notifications.main import create_app as create_notifications
from notifications.settings import Settings as NotificationsSettings
from registration.main import create_app as create_registration
from registration.service.districts import DistrictBook
from registration.settings import Settings as RegistrationSettings
from reporting.adapters.repository import table_contents
from reporting.domain.figures import age_band
from reporting.main import MIGRATIONS as REPORTING_MIGRATIONS
from reporting.main import create_app as create_reporting
from reporting.service.rebuild import rebuild
from reporting.settings import Settings as ReportingSettings
from shared import topics
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.registration.support import terms
from tests.support.services import eventually, running, settings_for

pytestmark = pytest.mark.e2e

ADMIN = {
    "Authorization": "Bearer " + issue_staff_token(DEVELOPMENT_SECRET, subject="e", role="admin")
}
CONSENT = {"given": True, "text_version": "v1"}
SEATS = 8
ADDRESS = {"halle": ("06108", "Halle (Saale)"), "leipzig": ("04109", "Leipzig")}
FIELDS = ("energy", "mobility_and_logistics", "tourism_and_culture", None)
REPORTED_TOPICS = (
    topics.REGISTRATION_EVENTS,
    topics.LOTTERY_EVENTS,
    topics.NOTIFICATIONS_EVENTS,
)


def book(deadline: datetime) -> DistrictBook:
    return DistrictBook(
        [
            dataclasses.replace(terms(d, deadline), applicant_seats=SEATS, register_seats=SEATS)
            for d in ADDRESS
        ],
        reply_card_grace=timedelta(0),
    )


def person(district: str, i: int, email: str | None) -> dict[str, Any]:
    postal_code, municipality = ADDRESS[district]
    return {
        "given_name": f"Vorname{district}{i}",
        "family_name": f"Nachname{i}",
        "address": {
            "street": "Lindenstraße",
            "house_number": str(i + 1),
            "postal_code": postal_code,
            "municipality": municipality,
        },
        "email": email,
        "birth_year": 1940 + 5 * (i % 12),
        "gender": ("female", "male", "diverse", "not_stated")[i % 4],
    }


def token_of(url: str) -> str:
    return parse_qs(urlparse(url).query)["token"][0]


async def execute(url: str, query: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(query)
    finally:
        await conn.close()


async def rows(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def smtp_server(folder: Path) -> AsyncIterator[SmtpServer]:
    server = SmtpServer(folder, free_port()).start()
    try:
        yield server
    finally:
        server.stop()


@dataclasses.dataclass
class Rollout:
    """What the test did, per district, to drive the services."""

    web: dict[str, list[uuid.UUID]] = dataclasses.field(default_factory=lambda: defaultdict(list))
    withdraw_links: dict[uuid.UUID, str] = dataclasses.field(default_factory=dict)


async def apply(client: httpx.AsyncClient, links: Any, rollout: Rollout, district: str) -> None:
    """14 web applications (10 confirmed, 1 of them withdrawn again, 1 to an address
    the mail server refuses), 6 reply cards, 4 ideas (one hostile)."""
    for i in range(14):
        email = "nobody@refused.example" if i == 13 else f"{district}{i}@example.org"
        response = await client.post(
            "/applications",
            json={
                "district_id": district,
                "applicant": person(district, i, email),
                "consent": CONSENT,
            },
        )
        assert response.status_code == 201, response.text
        rollout.web[district].append(uuid.UUID(response.json()["application_id"]))
    for application_id in rollout.web[district][:10]:
        confirm = token_of(links.confirmation_url(application_id))
        assert (
            await client.post("/applications/confirm", params={"token": confirm})
        ).status_code == 200
    for application_id in rollout.web[district]:
        rollout.withdraw_links[application_id] = token_of(links.withdrawal_url(application_id))
    first = rollout.web[district][0]
    withdrawn = await client.post(
        "/applications/withdraw", params={"token": rollout.withdraw_links[first]}
    )
    assert withdrawn.status_code == 200
    for i in range(14, 20):
        card = await client.post(
            "/staff/reply-cards",
            headers=ADMIN,
            json={
                "card_id": f"K-{district}-{i}",
                "district_id": district,
                "applicant": person(district, i, None),
                "received_on": datetime.now(UTC).date().isoformat(),
            },
        )
        assert card.status_code == 201, card.text
    for n, field in enumerate(FIELDS):
        text = '=HYPERLINK("x")' if field is None else f"Idee {n} für {district} <b>2040</b>"
        idea = await client.post(
            "/ideas", json={"district_id": district, "text": text, "field_of_action": field}
        )
        assert idea.status_code == 201, idea.text


async def expected_figures(
    registration_db: str, lottery_db: str, notifications_db: str, district: str
) -> dict[str, Any]:
    """The figures as the owning services' databases give them."""
    apps = await rows(
        registration_db,
        "SELECT channel, status, confirmed_at, received_at, birth_year, gender, municipality "
        "FROM applications WHERE district_id = $1",
        district,
    )
    by_channel = {
        ch: {
            "received": sum(a["channel"] == ch for a in apps),
            "confirmed": sum(a["channel"] == ch and a["confirmed_at"] is not None for a in apps),
            "withdrawn": sum(a["channel"] == ch and a["status"] == "withdrawn" for a in apps),
        }
        for ch in ("web", "reply_card")
    }
    per_day: dict[str, dict[str, int]] = defaultdict(lambda: {"web": 0, "reply_card": 0})
    for day, channel, n in await rows(
        registration_db,
        "SELECT (received_at AT TIME ZONE 'Europe/Berlin')::date::text, channel, count(*) "
        "FROM applications WHERE district_id = $1 GROUP BY 1, 2",
        district,
    ):
        per_day[day][channel] = n
    kept = [a for a in apps if a["status"] != "withdrawn"]
    demographics = {
        "age_band": Counter(age_band(a["birth_year"], a["received_at"].year) for a in kept),
        "gender": Counter(a["gender"] for a in kept),
        "municipality": Counter(a["municipality"] for a in kept),
    }
    [registered] = await rows(
        registration_db,
        "SELECT applicant_seats, register_seats, application_deadline, "
        "closed_at IS NOT NULL AS closed FROM districts WHERE district_id = $1",
        district,
    )
    placements = Counter(
        (r["state"], r["replaces"] is not None)
        for r in await rows(
            lottery_db, "SELECT state, replaces FROM placements WHERE district_id = $1", district
        )
    )
    [draw] = await rows(
        lottery_db,
        "SELECT draw_id, jsonb_array_length(commitment->'pool') AS pool_size, "
        "commitment->>'pool_hash' AS pool_hash, "
        "least(jsonb_array_length(audit_record->'order'), (commitment->>'seats')::int) AS seated, "
        "jsonb_array_length(audit_record->'order') AS ordered FROM draws WHERE district_id = $1",
        district,
    )
    ideas = await rows(
        registration_db,
        "SELECT field_of_action, count(*) AS n FROM ideas WHERE district_id = $1 GROUP BY 1",
        district,
    )
    deliveries = Counter(
        r["status"]
        for r in await rows(
            notifications_db, "SELECT status FROM deliveries WHERE district_id = $1", district
        )
    )
    seated = placements[("seated", False)] + placements[("seated", True)]
    received = len(apps)
    confirmed = sum(a["confirmed_at"] is not None for a in apps)
    return {
        "applications": {
            "received": received,
            "confirmed": confirmed,
            "withdrawn": sum(a["status"] == "withdrawn" for a in apps),
            "confirmation_rate": round(confirmed / received, 4),
            "by_channel": by_channel,
            "per_day": [{"day": d, **c} for d, c in sorted(per_day.items())],
        },
        "demographics": {k: dict(v) for k, v in demographics.items()},
        "closings": {
            "received": received,
            "lapsed": sum(a["status"] == "lapsed" for a in apps),
        },
        "workshop": (
            registered["applicant_seats"],
            registered["register_seats"],
            registered["application_deadline"].isoformat(),
            registered["closed"],
        ),
        "seats": {
            "seats": registered["applicant_seats"],
            "filled": seated,
            "by_lottery": placements[("seated", False)],
            "from_waitlist": placements[("seated", True)],
            "free": max(0, registered["applicant_seats"] - seated),
        },
        "waitlist": {
            "length": placements[("waitlisted", False)] + placements[("waitlisted", True)],
            "released_seats": placements[("released", False)] + placements[("released", True)],
        },
        "draw": (
            str(draw["draw_id"]),
            draw["pool_size"],
            draw["pool_hash"],
            draw["seated"],
            draw["ordered"] - draw["seated"],
        ),
        "ideas": {
            "total": sum(r["n"] for r in ideas),
            "by_field_of_action": {(r["field_of_action"] or "(ohne)"): r["n"] for r in ideas},
        },
        "notifications": (deliveries["sent"], deliveries["failed"]),
    }


def observed(figures: dict[str, Any]) -> dict[str, Any]:
    """The same figures, as reporting's API gives them."""
    [workshop] = figures["workshops"]
    [closing] = figures["closings"]
    [draw] = figures["draws"]
    return {
        "applications": figures["applications"],
        "demographics": figures["demographics"],
        "closings": {"received": closing["received"], "lapsed": closing["lapsed"]},
        "workshop": (
            workshop["applicant_seats"],
            workshop["register_seats"],
            workshop["application_deadline"],
            workshop["closed"],
        ),
        "seats": figures["seats"]["applicants"],
        "waitlist": figures["waitlist"],
        "draw": (
            draw["draw_id"],
            draw["pool_size"],
            draw["pool_hash"],
            draw["seated"],
            draw["waitlisted"],
        ),
        "ideas": figures["ideas"],
        "notifications": (figures["notifications"]["sent"], figures["notifications"]["failed"]),
    }


async def outbox_ids(url: str) -> set[uuid.UUID]:
    return {
        r["event_id"]
        for r in await rows(
            url,
            "SELECT event_id FROM outbox WHERE topic = ANY($1::text[]) "
            "AND published_at IS NOT NULL",
            list(REPORTED_TOPICS),
        )
    }


async def test_every_dashboard_figure_equals_the_count_in_the_owning_database(
    kafka: Tansu, new_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    dbs = {
        name: new_database_url(name[:4])
        for name in ("registration", "lottery", "notifications", "reporting")
    }
    common = {"public_rate_limit_per_minute": 100_000}

    def registration(deadline: datetime) -> Any:
        settings = RegistrationSettings(
            **settings_for(
                kafka.bootstrap_servers, dbs["registration"], closing_check_interval_s=0.2, **common
            )
        )
        return create_registration(settings, districts=book(deadline))

    async with (
        smtp_server(tmp_path / "mail") as smtp,
        running(
            create_lottery(LotterySettings(**settings_for(kafka.bootstrap_servers, dbs["lottery"])))
        ) as (lottery, _),
        running(
            create_notifications(
                NotificationsSettings(
                    **settings_for(
                        kafka.bootstrap_servers,
                        dbs["notifications"],
                        smtp_port=smtp.port,
                        send_interval_s=0.1,
                        retry_backoff_s=0.2,
                        retry_backoff_max_s=0.5,
                    )
                )
            )
        ),
        running(
            create_reporting(
                ReportingSettings(**settings_for(kafka.bootstrap_servers, dbs["reporting"]))
            )
        ) as (reporting, _),
    ):
        rollout = Rollout()
        app = registration(datetime.now(UTC) + timedelta(days=10))
        async with running(app) as (client, _):
            links = app.state.registration.links
            await asyncio.gather(*(apply(client, links, rollout, d) for d in ADDRESS))
            # The clock reaches the closing instant (moved to now instead of waiting ten
            # days): registration's closing barrier closes both districts.
            await execute(dbs["registration"], "UPDATE districts SET closes_at = now()")

            async def committed() -> bool:
                found = await rows(dbs["lottery"], "SELECT count(*) AS n FROM draws")
                return found[0]["n"] == len(ADDRESS)

            await eventually(committed, timeout_s=60)
            for district in ADDRESS:
                draw = await lottery.post(
                    f"/staff/districts/{district}/draw",
                    headers=ADMIN,
                    json={"sources": [["3", "14", "15", "92", "65", "35"]]},
                )
                assert draw.status_code == 200, draw.text
                assert draw.json()["waitlist"] > 0
            # A seated applicant withdraws: the first on the waitlist moves up.
            for district in ADDRESS:
                [seated] = await rows(
                    dbs["lottery"],
                    "SELECT application_id FROM placements WHERE district_id = $1 "
                    "AND state = 'seated' AND application_id = ANY($2::uuid[]) LIMIT 1",
                    district,
                    rollout.web[district],
                )
                withdrawn = await client.post(
                    "/applications/withdraw",
                    params={"token": rollout.withdraw_links[seated["application_id"]]},
                )
                assert withdrawn.status_code == 200

            async def caught_up() -> bool:
                pending = await rows(
                    dbs["notifications"],
                    "SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'sending')",
                )
                promoted = await rows(
                    dbs["lottery"],
                    "SELECT count(*) AS n FROM placements WHERE replaces IS NOT NULL",
                )
                # Notifications must have read the draws and promotions too: their
                # e-mails are created when it does (a delivery not yet created is not
                # pending either).
                told = await rows(
                    dbs["notifications"],
                    "SELECT count(*) AS n FROM inbox"
                    " WHERE event_type IN ('LotteryDrawn', 'ParticipantPromoted')",
                )
                if (
                    pending[0]["n"]
                    or promoted[0]["n"] < len(ADDRESS)
                    or told[0]["n"] < 2 * len(ADDRESS)
                ):
                    return False
                published: set[uuid.UUID] = set()
                for service in ("registration", "lottery", "notifications"):
                    published |= await outbox_ids(dbs[service])
                unpublished = await rows(
                    dbs["registration"],
                    "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL",
                )
                handled = {
                    r["event_id"]
                    for r in await rows(dbs["reporting"], "SELECT event_id FROM inbox")
                }
                return unpublished[0]["n"] == 0 and published <= handled

            await eventually(caught_up, timeout_s=90, interval_s=0.3)

            for district in ADDRESS:
                response = await reporting.get(
                    f"/api/staff/districts/{district}/figures", headers=ADMIN
                )
                figures = response.json()
                expected = await expected_figures(
                    dbs["registration"], dbs["lottery"], dbs["notifications"], district
                )
                assert observed(figures) == expected, district
                assert figures["seats"]["applicants"]["from_waitlist"] == 1
                assert figures["notifications"]["failed"] >= 1
            region = (await reporting.get("/api/staff/region/figures", headers=ADMIN)).json()
            everything = await rows(dbs["registration"], "SELECT count(*) AS n FROM applications")
            assert region["applications"]["received"] == everything[0]["n"] == 40

    # A rebuild from the topics gives the read models the live service built.
    conn = await asyncpg.connect(dbs["reporting"])
    try:
        live = await table_contents(conn)
    finally:
        await conn.close()
    rebuilt = new_database_url("rebu")
    await rebuild(rebuilt, kafka.bootstrap_servers, migrations_dir=REPORTING_MIGRATIONS)
    conn = await asyncpg.connect(rebuilt)
    try:
        assert await table_contents(conn) == live
    finally:
        await conn.close()
