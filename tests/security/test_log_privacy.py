"""An end-to-end flow with distinctive people (applications, confirmations, an idea with
its author, the draw, the e-mails), then every log of every process is searched for
their names, e-mail addresses, the addresses' local parts and their streets: none may
appear."""

from __future__ import annotations

import httpx
import pytest

from mitwirken.stack import LocalStack
from tests.security.flow import apply_and_confirm, close, mails_to

pytestmark = pytest.mark.e2e

PEOPLE = [
    ("Quirinella", "Zwetschgenbaum", "quirinella.zwetschgenbaum@example.org", "Pflaumenallee"),
    ("Bartholomäus", "Kranichfeld", "bkranichfeld77@example.org", "Reiherstieg"),
    ("Wunibald", "Ostermeier", "wunibald.o@example.org", "Mirabellenweg"),
]


async def test_no_personal_data_in_any_log(system: LocalStack) -> None:
    district = "leipzig"
    for given, family, email, street in PEOPLE:
        await apply_and_confirm(
            system,
            district,
            {
                "given_name": given,
                "family_name": family,
                "email": email,
                "birth_year": 1977,
                "address": {
                    "street": street,
                    "house_number": "12a",
                    "postal_code": "04109",
                    "municipality": "Leipzig",
                },
            },
        )
    async with httpx.AsyncClient(base_url=system.services["registration"].base_url) as client:
        r = await client.post(
            "/ideas",
            json={
                "district_id": district,
                "text": "Mehr Obstbäume an der Pflaumenallee",
                "author_name": "Quirinella Zwetschgenbaum",
                "author_email": "quirinella.zwetschgenbaum@example.org",
            },
        )
        assert r.status_code == 201, r.text
    await close(system, district)
    # Fewer applicants than seats: everyone is seated, and each hears it by e-mail.
    for _, _, email, _ in PEOPLE:
        await mails_to(system, email, at_least=3)

    logs = {p: p.read_text(encoding="utf-8", errors="replace") for p in system.home.rglob("*.log")}
    assert system.postgres is not None
    server_log = system.postgres.data_dir / "server.log"
    logs[server_log] = server_log.read_text(encoding="utf-8", errors="replace")
    assert len(logs) >= 6
    searched = [s for person in PEOPLE for s in (*person, person[2].split("@")[0])]
    searched.append("Mehr Obstbäume")
    leaks = [(s, p.name) for p, text in logs.items() for s in searched if s in text]
    print(f"\nsearched {len(logs)} logs ({sum(map(len, logs.values()))} characters)")
    print(f"for {len(searched)} strings")
    assert leaks == []
