"""The resident pages in headless Chromium: no serious or critical accessibility
violations (axe) on any page, in German and English, also with errors shown; and the
application form can be filled in and sent with the keyboard alone."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.registration.pages.conftest import Site
from tests.support.browser import artifact_path
from tests.support.services import fetchval

pytestmark = pytest.mark.integration

PAGES = [
    "/",
    "/bewerben",
    "/ideen",
    "/bestaetigen?token=x",
    "/zurueckziehen?token=x",
    "/antworten?code=ABCD-1234",
    "/datenschutz",
    "/en/",
    "/en/apply",
    "/en/ideas",
    "/en/confirm?token=x",
    "/en/withdraw?token=x",
    "/en/answer?code=ABCD-1234",
    "/en/privacy",
]


def serious(results: Any) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


async def test_no_serious_accessibility_violations_on_any_page(site: Site, page: Any) -> None:
    axe = Axe()
    found: dict[str, list[str]] = {}
    for path in PAGES:
        await page.goto(site.base_url + path)
        found[path] = serious(await axe.run(page))
    for path, button in (("/bewerben", "Bewerbung absenden"), ("/en/answer", "Send answer")):
        await page.goto(site.base_url + path)
        await page.get_by_role("button", name=button).click()
        await page.wait_for_selector(".error-summary")
        found[path + " (errors shown)"] = serious(await axe.run(page))
    assert {p: v for p, v in found.items() if v} == {}


async def test_the_application_form_works_with_the_keyboard_alone(site: Site, page: Any) -> None:
    email = f"tastatur-{uuid.uuid4().hex[:8]}@example.org"
    typed = {
        "applicant.given_name": "Grete",
        "applicant.family_name": "Müller-Lüdenscheidt",
        "applicant.birth_year": "1951",
        "applicant.address.street": "Leipziger Straße",
        "applicant.address.house_number": "12a",
        "applicant.address.postal_code": "06108",
        "applicant.address.municipality": "Halle (Saale)",
        "applicant.email": email,
    }
    await page.goto(site.base_url + "/bewerben")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip-link"
    await page.keyboard.press("Enter")
    focused = "document.activeElement.name || document.activeElement.tagName"
    for _ in range(40):
        await page.keyboard.press("Tab")
        name = await page.evaluate(focused)
        if name == "district_id":
            while await page.evaluate("document.activeElement.value") != "halle":
                await page.keyboard.press("ArrowDown")
        elif name == "applicant.gender":
            await page.keyboard.press("ArrowUp")  # from "not stated" to "diverse"
        elif name in typed:
            await page.keyboard.type(typed[name])
        elif name == "consent":
            await page.keyboard.press("Space")
        elif name == "BUTTON":
            break
    await page.screenshot(path=artifact_path("registration-form-keyboard.png"), full_page=True)
    await page.keyboard.press("Enter")
    await page.wait_for_selector("h1:has-text('Vielen Dank!')")
    row = await fetchval(
        site.database_url,
        "SELECT row(given_name, birth_year, gender, status)::text FROM applications"
        " WHERE email = $1",
        email,
    )
    assert row == "(Grete,1951,diverse,pending_confirmation)"
