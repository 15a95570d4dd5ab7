"""The staff dashboard in headless Chromium, as a person uses it: sign in with the token,
see every chart drawn, read a resident's idea with markup as plain text, and no error
in the console or the network. Saves a full-page screenshot as a test artifact."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from mitwirken.infra import Tansu, free_port
from reporting.main import create_app
from reporting.settings import Settings
from shared.auth import issue_staff_token
from shared.events.registration import IdeaSubmitted
from shared.settings import DEVELOPMENT_SECRET
from tests.reporting.integration.scenario import DAY2, build
from tests.support.browser import artifact_path
from tests.support.services import eventually, fetchval, settings_for

pytestmark = pytest.mark.integration

SCRIPT_IDEA = "<script>alert(1)</script>"
HALLE = issue_staff_token(DEVELOPMENT_SECRET, subject="k", role="coordinator", district_id="halle")


@contextlib.asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """The app on a loopback port, for a real browser; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    task = asyncio.create_task(server.serve())
    try:
        await eventually(
            lambda: asyncio.sleep(0, result=server.started or task.done()), timeout_s=60
        )
        assert server.started, "the reporting service did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


# Draws the marks of every chart: (title, bars, bars with a visible area).
CHART_MARKS = """
charts => charts.map(svg => {
  const bars = [...svg.querySelectorAll('rect.bar')];
  const drawn = bars.filter(b => { const r = b.getBBox(); return r.width > 0 && r.height > 0; });
  return [svg.querySelector('title').textContent, bars.length, drawn.length];
})
"""


async def test_the_dashboard_in_a_browser(kafka: Tansu, database_url: str, page: Any) -> None:
    scenario, _ = build()
    scenario.add(
        "halle",
        IdeaSubmitted(
            idea_id=uuid.uuid4(), text=SCRIPT_IDEA, field_of_action="Energie", submitted_at=DAY2
        ),
    )
    app = create_app(Settings(**settings_for(kafka.bootstrap_servers, database_url)))
    async with serving(app) as base:
        await scenario.publish(kafka.bootstrap_servers)
        await eventually(
            lambda: fetchval(database_url, "SELECT count(*) = $1 FROM inbox", scenario.count),
            timeout_s=60,
        )
        console_errors: list[str] = []
        failed: list[str] = []
        dialogs: list[str] = []
        page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
        page.on("pageerror", lambda exc: console_errors.append(str(exc)))
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url} {r.status}"))
        page.on("dialog", lambda d: (dialogs.append(d.message), asyncio.ensure_future(d.dismiss())))
        await page.set_viewport_size({"width": 1400, "height": 900})

        # A person opens the dashboard, is sent to the sign-in form, pastes the token.
        await page.goto(base + "/dashboard")
        assert page.url == base + "/anmelden"
        await page.fill("#token", HALLE)
        await page.click("button[type=submit]")
        await page.wait_for_url(base + "/dashboard")
        await page.wait_for_load_state("load")
        assert await page.title() == "Auswertung halle"

        marks = await page.eval_on_selector_all("svg.chart", CHART_MARKS)
        assert len(marks) >= 11, marks
        for title, bars, drawn in marks:
            assert bars > 0 and drawn > 0, f"{title}: nothing drawn"
        titles = [m[0] for m in marks]
        assert "Teilnehmende und Bevölkerung nach Altersgruppe" in titles
        assert "Einladungen aus dem Melderegister je Welle" in titles

        # The idea with markup is shown as the text the resident typed, and never runs.
        idea = page.locator("td.idea", has_text=SCRIPT_IDEA)
        assert await idea.count() == 1 and await idea.inner_text() == SCRIPT_IDEA
        assert await page.locator("td.idea script").count() == 0

        # The search finds it, and keeps the person signed in.
        await page.fill("input[name=q]", "alert(1)")
        await page.press("input[name=q]", "Enter")
        await page.wait_for_load_state("load")
        assert await page.locator("td.idea").all_inner_texts() == [SCRIPT_IDEA]
        await page.fill("input[name=q]", "")
        await page.press("input[name=q]", "Enter")
        await page.wait_for_load_state("load")

        await page.screenshot(path=str(artifact_path("dashboard.png")), full_page=True)
        assert console_errors == [] and failed == [] and dialogs == []
