"""The resident pages over HTTP: they render in German and English, a form with mistakes
comes back with the mistakes next to the fields and the values kept, and the links from
the e-mails change nothing until the resident presses the button."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.registration.pages.conftest import Site
from tests.support.services import fetchval

pytestmark = pytest.mark.integration

PAGES = {
    "de": [
        "/",
        "/bewerben",
        "/ideen",
        "/bestaetigen?token=x",
        "/zurueckziehen?token=x",
        "/antworten?code=ABCD-1234",
        "/datenschutz",
    ],
    "en": [
        "/en/",
        "/en/apply",
        "/en/ideas",
        "/en/confirm?token=x",
        "/en/withdraw?token=x",
        "/en/answer?code=ABCD-1234",
        "/en/privacy",
    ],
}
HEADINGS = {
    "de": [
        "Zukunftswerkstätten in Ihrer Region",
        "Für einen Platz in der Zukunftswerkstatt bewerben",
        "Ihre Antwort auf die Leitfrage",
        "Bewerbung bestätigen",
        "Bewerbung zurückziehen",
        "Antwort auf Ihre Einladung",
        "Datenschutzhinweis",
    ],
    "en": [
        "Future workshops in your region",
        "Apply for a seat at the future workshop",
        "Your answer to the guiding question",
        "Confirm your application",
        "Withdraw your application",
        "Answer your invitation",
        "Privacy notice",
    ],
}


def form(**overrides: str) -> dict[str, str]:
    data = {
        "district_id": "halle",
        "applicant.given_name": "Jördis",
        "applicant.family_name": "Weiß",
        "applicant.birth_year": "1984",
        "applicant.gender": "female",
        "applicant.address.street": "Große Ulrichstraße",
        "applicant.address.house_number": "7",
        "applicant.address.postal_code": "06108",
        "applicant.address.municipality": "Halle (Saale)",
        "applicant.email": f"j-{uuid.uuid4().hex[:8]}@example.org",
        "consent": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def h1(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match, html[:500]
    return match.group(1).strip()


async def test_every_page_renders_in_german_and_english(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.base_url) as client:
        for lang, paths in PAGES.items():
            for path, heading in zip(paths, HEADINGS[lang], strict=True):
                response = await client.get(path)
                assert response.status_code == 200, (path, response.text[:300])
                html = response.text
                assert f'<html lang="{lang}">' in html
                assert h1(html) == heading
                switch = "English" if lang == "de" else "Deutsch"
                assert f'class="lang-switch">{switch}</a>' in html
        home = (await client.get("/")).text
        assert "Halle (Saale)" in home and 'href="/bewerben?district=halle"' in home
        answer = (await client.get("/antworten?code=ABCD-1234")).text
        assert 'value="ABCD-1234"' in answer
        css = await client.get("/static/pages.css")
        assert css.status_code == 200 and ":focus-visible" in css.text


async def test_a_form_with_mistakes_comes_back_with_them_next_to_the_fields(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.base_url) as client:
        response = await client.post(
            "/bewerben",
            data=form(
                **{"applicant.address.postal_code": "6108", "applicant.email": "", "consent": ""}
            ),
        )
        assert response.status_code == 422
        html = response.text
        assert "Bitte prüfen Sie Ihre Angaben" in html
        assert "Postleitzahl mit fünf Ziffern" in html
        assert 'id="e-applicant-address-postal_code"' in html
        assert 'aria-describedby="e-applicant-address-postal_code"' in html
        assert 'value="Große Ulrichstraße"' in html and 'value="Jördis"' in html

        english = await client.post("/en/apply", data=form(consent=""))
        assert english.status_code == 422
        assert "Without your consent" in english.text
        assert 'aria-describedby="e-consent"' in english.text

        outside = await client.post(
            "/bewerben",
            data=form(
                **{
                    "applicant.address.postal_code": "04109",
                    "applicant.address.municipality": "Leipzig",
                }
            ),
        )
        assert outside.status_code == 422
        assert "Die Adresse liegt nicht im Landkreis" in outside.text
        assert 'id="e-applicant-address"' in outside.text

        idea = await client.post("/en/ideas", data={"district_id": "halle", "text": ""})
        assert idea.status_code == 422
        assert "Please write your answer" in idea.text
    assert await fetchval(site.database_url, "SELECT count(*) FROM ideas") == 0


async def test_confirming_takes_the_button_not_the_link(site: Site) -> None:
    email = f"k-{uuid.uuid4().hex[:8]}@example.org"
    async with httpx.AsyncClient(base_url=site.base_url) as client:
        done = await client.post("/bewerben", data=form(**{"applicant.email": email}))
        assert done.status_code == 200, done.text[:500]
        assert "Vielen Dank! Bitte bestätigen Sie Ihre Bewerbung" in done.text
        again = await client.post("/bewerben", data=form(**{"applicant.email": email}))
        assert again.status_code == 409 and "bereits eine Bewerbung" in again.text
        link = await fetchval(
            site.database_url,
            "SELECT convert_from(value, 'UTF8')::jsonb->'payload'->>'confirmation_url'"
            " FROM outbox WHERE convert_from(value, 'UTF8')::jsonb->>'event_type'"
            " = 'ApplicationReceived' AND convert_from(value, 'UTF8') LIKE $1",
            f"%{email}%",
        )
        assert link.startswith(site.base_url + "/bestaetigen?token=")
        status = "SELECT status FROM applications WHERE email = $1"
        shown = await client.get(link)
        assert "Bewerbung jetzt bestätigen" in shown.text
        assert await fetchval(site.database_url, status, email) == "pending_confirmation"
        confirmed = await client.post(link, data={"token": link.split("token=")[1]})
        assert "Ihre Bewerbung ist bestätigt" in confirmed.text
        assert await fetchval(site.database_url, status, email) == "confirmed"
        forged = await client.post("/en/confirm", data={"token": "forged"})
        assert forged.status_code == 400 and "The link is invalid or has expired" in forged.text
