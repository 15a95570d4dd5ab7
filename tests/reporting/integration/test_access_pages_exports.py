"""Staff pages need a token and the right district; pages escape what residents wrote;
exports neutralise formulas and show names only to admins; the public page shows
aggregates only."""

from __future__ import annotations

import csv
import io

import httpx
import openpyxl

from mitwirken.infra import Tansu
from reporting.main import create_app
from reporting.settings import Settings
from shared.auth import issue_staff_token
from shared.settings import DEVELOPMENT_SECRET
from tests.reporting.integration.scenario import HOSTILE, SCRIPT, build
from tests.support.services import eventually, fetchval, running, settings_for


def token(role: str, district: str | None = None) -> str:
    return issue_staff_token(DEVELOPMENT_SECRET, subject="s", role=role, district_id=district)  # type: ignore[arg-type]


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


ADMIN = token("admin")
HALLE = token("coordinator", "halle")
LEIPZIG = token("coordinator", "leipzig")


def rows(response: httpx.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_access_escaping_exports_and_the_transparency_page(
    kafka: Tansu, database_url: str
) -> None:
    scenario, _ = build()
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, _):
        await scenario.publish(kafka.bootstrap_servers)
        await eventually(
            lambda: fetchval(database_url, "SELECT count(*) = $1 FROM inbox", scenario.count),
            timeout_s=60,
        )
        staff_urls = [
            "/api/staff/districts/halle/figures",
            "/api/staff/region/figures",
            "/api/staff/districts/halle/ideas",
            "/api/staff/districts/halle/exports/participants.csv",
            "/api/staff/districts/halle/exports/ideas.csv",
            "/api/staff/districts/halle/exports/figures.csv",
            "/api/staff/districts/halle/exports/ideas.xlsx",
            "/dashboard?district=halle",
        ]
        for url in staff_urls:
            missing = await client.get(url)
            assert missing.status_code == 401, url
            assert missing.headers["content-type"] == "application/problem+json"
            assert (await client.get(url, headers=bearer("nonsense"))).status_code == 401, url
            other = await client.get(url, headers=bearer(LEIPZIG))
            assert other.status_code == 403, url
            assert (await client.get(url, headers=bearer(ADMIN))).status_code == 200, url
        assert (
            await client.get("/api/staff/region/figures", headers=bearer(HALLE))
        ).status_code == 403
        assert (await client.get("/dashboard", headers=bearer(HALLE))).status_code == 200
        assert (await client.get("/dashboard", headers=bearer(LEIPZIG))).status_code == 200

        # The dashboard: a browser may pass the token as a query parameter.
        page = await client.get("/dashboard", params={"district": "halle", "token": HALLE})
        assert page.status_code == 200
        html = page.text
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert html.count("<svg") >= 10 and 'class="bar"' in html
        searched = (await client.get("/dashboard", params={"q": "Busse", "token": HALLE})).text
        assert "Mehr Busse" in searched and "Mehr Radwege" not in searched
        ideas = await client.get(
            "/api/staff/districts/halle/ideas", params={"q": "%"}, headers=bearer(HALLE)
        )
        assert ideas.json() == []  # the search is literal, not a pattern
        json_ideas = await client.get(
            "/api/staff/districts/halle/ideas", params={"q": "busse"}, headers=bearer(HALLE)
        )
        assert [i["text"] for i in json_ideas.json()] == [SCRIPT]

        # Exports: no cell starts with a formula character.
        exported = rows(
            await client.get("/api/staff/districts/halle/exports/ideas.csv", headers=bearer(HALLE))
        )
        cells = [cell for row in exported for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        for hostile in HOSTILE:
            assert "'" + hostile in cells
        figures_csv = rows(
            await client.get(
                "/api/staff/districts/halle/exports/figures.csv", headers=bearer(HALLE)
            )
        )
        assert ["applications.received", "6"] in figures_csv

        admin_list = rows(
            await client.get(
                "/api/staff/districts/halle/exports/participants.csv", headers=bearer(ADMIN)
            )
        )
        names = sorted((r[0], r[3]) for r in admin_list[1:])
        assert names == [
            ("applicants", "Vorname1"),
            ("applicants", "Vorname3"),
            ("applicants", "Vorname4"),
            ("register", "Geladen1"),
        ]
        coordinator_list = rows(
            await client.get(
                "/api/staff/districts/halle/exports/participants.csv", headers=bearer(HALLE)
            )
        )
        assert coordinator_list[0] == ["half", "participant", "via"]
        assert len(coordinator_list) == 5
        text = repr(coordinator_list)
        assert "Vorname" not in text and "Nachname" not in text and "Geladen" not in text

        # The same exports as workbooks: values only, no formula, hostile text neutralised.
        for name in ("participants", "ideas", "figures"):
            response = await client.get(
                f"/api/staff/districts/halle/exports/{name}.xlsx", headers=bearer(ADMIN)
            )
            assert response.status_code == 200, response.text
            assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            assert sheet is not None
            cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
            assert cells and not [c for c in cells if c.data_type == "f"], name
            texts = [c.value for c in cells if isinstance(c.value, str)]
            assert not [t for t in texts if t[:1] in ("=", "+", "-", "@")], name
            if name == "ideas":
                assert all("'" + h in texts for h in HOSTILE) and SCRIPT in texts
            if name == "participants":
                assert "Vorname1" in texts and "Geladen1" in texts
            if name == "figures":
                assert ["applications.received", 6] in [
                    [c.value for c in r] for r in sheet.iter_rows()
                ]

        # Every export that was handed out is in the audit log, with who took it; the
        # refused ones are not.
        audit = await fetchval(
            database_url,
            "SELECT array_agg(DISTINCT role || ':' || export || '.' || format"
            " ORDER BY role || ':' || export || '.' || format)"
            " FROM export_audit WHERE district_id = 'halle'",
        )
        assert audit == [
            "admin:figures.csv",
            "admin:figures.xlsx",
            "admin:ideas.csv",
            "admin:ideas.xlsx",
            "admin:participants.csv",
            "admin:participants.xlsx",
            "coordinator:figures.csv",
            "coordinator:ideas.csv",
            "coordinator:participants.csv",
        ], audit

        # The public transparency page: aggregates only, small counts as "<5".
        public = await client.get("/transparenz/halle")
        assert public.status_code == 200
        body = public.text
        for personal in ("Vorname", "Nachname", "Geladen", "Mehr Radwege", "Busse"):
            assert personal not in body
        assert "&lt;5" in body and ">6<" in body  # six applications; the rest are small
        assert "ab" * 32 in body and "rfc3797-sha256-v1" in body
        assert "Lotto 6aus49" in body and "mitwirken-verify" in body
        assert "/draws/halle/applicants" in body and "Summary in English" in body


async def test_a_person_signs_in_with_the_token_and_gets_the_dashboard(
    kafka: Tansu, database_url: str
) -> None:
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with running(app) as (client, _):
        browser = {"Accept": "text/html,application/xhtml+xml"}
        sent_away = await client.get("/dashboard", headers=browser)
        assert sent_away.status_code == 303 and sent_away.headers["location"] == "/anmelden"
        form = await client.get("/anmelden")
        assert form.status_code == 200 and 'name="token"' in form.text

        wrong = await client.post("/anmelden", data={"token": "nonsense"})
        assert wrong.status_code == 401 and "ungültig" in wrong.text
        assert "set-cookie" not in wrong.headers

        signed_in = await client.post("/anmelden", data={"token": HALLE})
        assert signed_in.status_code == 303 and signed_in.headers["location"] == "/dashboard"
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        page = await client.get("/dashboard", headers=browser)
        assert page.status_code == 200 and "Auswertung halle" in page.text
        exported = await client.get("/api/staff/districts/halle/exports/ideas.csv")
        assert exported.status_code == 200
        assert (await client.get("/api/staff/region/figures")).status_code == 403

        signed_out = await client.post("/abmelden")
        assert signed_out.status_code == 303
        assert (await client.get("/dashboard", headers=browser)).status_code == 303
