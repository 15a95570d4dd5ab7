"""A resident's journey through the pages on the running system: Chromium fills in and
sends the application form, the confirmation e-mail arrives in the local mailbox, its
link leads to the confirmation page, the button confirms, and the e-mail saying that the
application counts arrives."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from mitwirken.stack import LocalStack
from tests.support.browser import artifact_path
from tests.support.services import eventually

pytestmark = pytest.mark.e2e

ASK_TO_CONFIRM = "Bitte bestätigen Sie Ihre Bewerbung für die Zukunftswerkstatt"
COUNTS = "Ihre Bewerbung ist bestätigt"


async def mail_to(stack: LocalStack, address: str, subject: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        response = await client.get(stack.mailbox_url + "/api/messages")
    return [m for m in response.json() if m["to"] == address and m["subject"] == subject]


async def test_apply_in_the_browser_and_confirm_from_the_mailbox(
    stack: LocalStack, page: Any
) -> None:
    email = f"frieda.{uuid.uuid4().hex[:8]}@example.org"
    registration = stack.services["registration"].base_url
    await page.goto(registration + "/")
    await page.get_by_role("link", name="Für Stadt Halle (Saale) bewerben").click()
    await page.get_by_label("Vorname").fill("Frieda")
    await page.get_by_label("Nachname").fill("Böhm")
    await page.get_by_label("Geburtsjahr").fill("1968")
    await page.get_by_label("weiblich").check()
    await page.get_by_label("Straße").fill("Große Steinstraße")
    await page.get_by_label("Hausnummer").fill("31")
    await page.get_by_label("Postleitzahl").fill("06108")
    await page.get_by_label("Wohnort (Gemeinde)").fill("Halle (Saale)")
    await page.get_by_label("E-Mail-Adresse").fill(email)
    await page.get_by_label("Stufenloser Zugang").check()
    await page.get_by_label("Ich willige ein").check()
    await page.screenshot(path=artifact_path("resident-application-form.png"), full_page=True)
    await page.get_by_role("button", name="Bewerbung absenden").click()
    await page.wait_for_selector("h1:has-text('Vielen Dank!')")

    [message] = await eventually(lambda: mail_to(stack, email, ASK_TO_CONFIRM), timeout_s=60)
    await page.goto(stack.mailbox_url + "/")
    await page.get_by_role("link", name=ASK_TO_CONFIRM).first.wait_for()
    await page.goto(f"{stack.mailbox_url}/messages/{message['id']}")
    text = await page.locator("pre").inner_text()
    [link] = re.findall(r"https?://\S+/bestaetigen\?token=\S+", text)
    assert link.startswith(registration + "/bestaetigen?token=")

    await page.goto(link)
    await page.wait_for_selector("h1:has-text('Bewerbung bestätigen')")
    assert await mail_to(stack, email, COUNTS) == []  # opening the link confirms nothing
    await page.get_by_role("button", name="Bewerbung jetzt bestätigen").click()
    await page.wait_for_selector(
        "text=Ihre Bewerbung ist bestätigt und nimmt an der Verlosung teil."
    )
    await page.screenshot(path=artifact_path("resident-application-confirmed.png"))

    [counted] = await eventually(lambda: mail_to(stack, email, COUNTS), timeout_s=60)
    assert counted["to"] == email
