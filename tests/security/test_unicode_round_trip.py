"""Names and addresses with umlauts, ß, combining marks, right-to-left scripts and emoji
travel from the web form to the e-mails and to reporting's exports unchanged, code point
for code point. Registration normalises only the keys it compares (duplicate detection,
municipality names); what it stores and passes on is what the resident typed, so a
decomposed "Zoe\u0308" stays decomposed."""

from __future__ import annotations

import csv
import io

import httpx
import openpyxl
import pytest

from mitwirken.stack import LocalStack
from tests.security.flow import ADMIN, apply_and_confirm, close, mails_to

pytestmark = pytest.mark.e2e

PEOPLE = [
    ("Zoe\u0308", "Müller-Lüdenscheidt", "Straße des 17. Juni"),
    ("سارة", "الحسيني", "شارع النيل"),
    ("שרה", "כהן", "רחוב הרצל"),
    ("Ægir 🙂", "Öztürk-Ñúñez", "Ölmühlenweg 🌳"),
    ("Łucja", "Grzegorzewska-Ďurišová", "Große Ulrichstraße"),
]


async def test_unicode_survives_mail_and_exports(system: LocalStack) -> None:
    district = "halle"
    for i, (given, family, street) in enumerate(PEOPLE):
        await apply_and_confirm(
            system,
            district,
            {
                "given_name": given,
                "family_name": family,
                "email": f"unicode{i}@example.org",
                "birth_year": 1980 + i,
                "address": {
                    "street": street,
                    "house_number": "1",
                    "postal_code": "06108",
                    "municipality": "Halle (Saale)",
                },
            },
        )
    await close(system, district)
    for i, (given, family, _) in enumerate(PEOPLE):
        mails = await mails_to(system, f"unicode{i}@example.org", at_least=3)
        for mail in mails:
            text = mail.text()
            assert f"{given} {family}" in text, (given, mail.message.get("Subject"))

    base = system.services["reporting"].base_url + "/api/staff/districts/halle/exports"
    async with httpx.AsyncClient(headers=ADMIN) as client:

        async def exported(fmt: str) -> bytes:
            r = await client.get(f"{base}/participants.{fmt}")
            assert r.status_code == 200, r.text
            return r.content

        async def complete() -> bool:
            text = (await exported("csv")).decode("utf-8-sig")
            return all(given in text for given, _, _ in PEOPLE)

        from tests.support.services import eventually

        await eventually(complete, timeout_s=60)
        rows = list(csv.DictReader(io.StringIO((await exported("csv")).decode("utf-8-sig"))))
        names = {(r["given_name"], r["family_name"]) for r in rows}
        sheet = openpyxl.load_workbook(io.BytesIO(await exported("xlsx"))).active
        cells = {str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None}
    for given, family, _ in PEOPLE:
        assert (given, family) in names
        assert given in cells and family in cells
