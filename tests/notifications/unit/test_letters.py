"""Letters as the print shop and the resident see them: the PDF's text holds the name,
the address and the code exactly as given (any script), page sets merge in order, and
the payloads of the QR codes and the reminder times are what other parts rely on."""

from __future__ import annotations

import email
import email.policy
import io
import uuid
from datetime import UTC, date, datetime, time
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from notifications.adapters.pdf import INVITATION_PAGES, invitation_pdf, merged_pdf, qr_png
from notifications.adapters.smtp import OutgoingMail, build_message
from notifications.adapters.templates import Renderer
from notifications.domain.letters import (
    Addressee,
    InvitationLetter,
    WorkshopFacts,
    answer_url,
    checkin_payload,
    mask_email,
    reminders_to_schedule,
)
from notifications.entrypoints.cli import SAMPLE, main

BERLIN = ZoneInfo("Europe/Berlin")
NAMES = [
    ("Ğül", "Şahin-Öztürk"),
    ("Zoë", "Ångström"),
    ("Zoe\u0308", "A\u030angstro\u0308m"),  # combining marks, as some registers deliver them
    ("ليلى", "الحسيني"),
    ("Kai 😀", "Weiß"),  # an emoji the shipped font draws (its emoticons block)
]


def letter(
    given: str, family: str, postal_code: str = "06108", code: str = "HAL-7KQ2"
) -> InvitationLetter:
    return InvitationLetter(
        invitee_id=uuid.uuid4(),
        addressee=Addressee(
            given,
            family,
            "Große Ulrichstraße",
            "7b",
            postal_code,
            "Halle (Saale)",
            doctorate="Dr.",
            address_supplement="Hinterhaus",
        ),
        invitation_code=code,
        answer_url=answer_url("http://127.0.0.1:8001/", code),
        answer_base_url="http://127.0.0.1:8001",
        response_deadline="25.10.2019",
        letter_date="01.10.2019",
        workshop=WorkshopFacts("Halle (Saale)", "08.11.2019", "10:00–14:00 Uhr", "Stadthaus"),
        sender_line="Zukunftswerkstätten · Postfach 10 01 01 · 06108 Halle (Saale)",
    )


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def visible(name: str, text: str) -> bool:
    # A PDF stores right-to-left text in visual order; extraction gives it reversed.
    return name in text or name[::-1] in text


def test_invitation_letter_holds_name_address_code_and_answer_qr() -> None:
    pdf = invitation_pdf(letter("Jördis", "Weiß-Öztürk"))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == INVITATION_PAGES
    first, card = pdf_text(pdf)
    for expected in (
        "Dr. Jördis Weiß-Öztürk",
        "Hinterhaus",
        "Große Ulrichstraße 7b",
        "06108 Halle (Saale)",
        "HAL-7KQ2",
        "25.10.2019",
        "/antworten",
        "08.11.2019",
    ):
        assert expected in first, expected
    assert "Antwortkarte" in card and "HAL-7KQ2" in card
    [image] = reader.pages[0].images
    assert Image.open(io.BytesIO(image.data)).size[0] > 100
    assert answer_url("http://127.0.0.1:8001/", "HAL 7/Q") == (
        "http://127.0.0.1:8001/antworten?code=HAL%207%2FQ"
    )


@pytest.mark.parametrize(("given", "family"), NAMES)
def test_names_in_any_script_survive_into_the_letter(given: str, family: str) -> None:
    first, _ = pdf_text(invitation_pdf(letter(given, family)))
    assert visible(given, first) and visible(family, first)


def test_merged_file_has_one_page_set_per_invitee_in_the_given_order() -> None:
    letters = [
        letter(f"P{i}", "Muster", postal_code=f"0{6100 + i}", code=f"C-{i}") for i in range(3)
    ]
    pages = pdf_text(merged_pdf(letters))
    assert len(pages) == 3 * INVITATION_PAGES
    assert ["C-0" in pages[0], "C-1" in pages[2], "C-2" in pages[4]] == [True, True, True]


def test_unicode_names_survive_into_the_email_text() -> None:
    for given, family in NAMES:
        values = {**SAMPLE, "person": {"given_name": given, "family_name": family}}
        message = Renderer().render("panel_seat_granted", "de", values)
        assert f"{given} {family}" in message.text


def test_checkin_payload_and_inline_qr_in_the_email() -> None:
    participant = uuid.UUID("6f1c0f8e-3a55-4c1e-9b7e-0a8f2b1d9c11")
    payload = checkin_payload("halle", participant)
    assert payload == "MWCHECKIN:halle:6f1c0f8e-3a55-4c1e-9b7e-0a8f2b1d9c11"
    with pytest.raises(ValueError):
        checkin_payload("a:b", participant)
    png = qr_png(payload)
    mail = OutgoingMail(
        "id-1",
        "a@example.org",
        "S",
        f"Code: {payload}\n",
        '<p><img src="cid:checkin-qr"></p>',
        (("x.ics", "text/calendar", b"X"),),
        (("checkin-qr", "image/png", png),),
    )
    message = email.message_from_bytes(
        build_message(mail, "m@example.org"), policy=email.policy.default
    )
    assert isinstance(message, EmailMessage)
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image["Content-ID"] == "<checkin-qr>" and image.get_content() == png
    assert payload in message.get_body(preferencelist=("plain",)).get_content()
    assert [a.get_content_type() for a in message.iter_attachments()] == ["text/calendar"]


def test_reminders_fall_on_nine_in_the_morning_berlin_time_across_dst() -> None:
    nine = time(9, 0)
    granted = datetime(2019, 8, 1, tzinfo=UTC)
    summer = reminders_to_schedule(date(2019, 9, 13), (7, 1), nine, BERLIN, granted)
    assert [(d, at.astimezone(UTC).hour) for d, at in summer] == [(7, 7), (1, 7)]
    winter = reminders_to_schedule(date(2019, 11, 8), (7, 1), nine, BERLIN, granted)
    assert [at.astimezone(UTC) for _, at in winter] == [
        datetime(2019, 11, 1, 8, tzinfo=UTC),
        datetime(2019, 11, 7, 8, tzinfo=UTC),
    ]
    late = reminders_to_schedule(
        date(2019, 11, 8), (7, 1), nine, BERLIN, datetime(2019, 11, 5, tzinfo=UTC)
    )
    assert [d for d, _ in late] == [1]


def test_masked_addresses() -> None:
    assert mask_email("anna.weiss@example.org") == "a***@example.org"
    assert mask_email(None) is None


def test_render_cli_writes_a_letter(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "letter.pdf"
    assert main(["--letter", "seat_confirmation", "--out", str(out)]) == 0
    [text] = pdf_text(out.read_bytes())
    assert "MWCHECKIN:burgenlandkreis:" in text and "Weiß-Öztürk" in text
