"""``mitwirken-render TEMPLATE [--lang de|en] [--html]``: render any message with sample
data for review (no database, no SMTP). ``mitwirken-render --list`` names the templates;
``mitwirken-render --letter invitation|seat_confirmation --out FILE.pdf`` writes a
sample letter as PDF."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path
from typing import Any

from notifications.adapters.pdf import invitation_pdf, seat_letter_pdf
from notifications.adapters.templates import LANGUAGES, Renderer
from notifications.domain.letters import (
    LETTER_KINDS,
    Addressee,
    InvitationLetter,
    SeatLetter,
    WorkshopFacts,
    answer_url,
    checkin_payload,
)
from notifications.domain.messages import TEMPLATES

SAMPLE: dict[str, Any] = {
    "person": {"given_name": "Jördis", "family_name": "Weiß-Öztürk"},
    "workshop": {
        "town": "Zeitz",
        "date": "13.09.2019",
        "time": "10:00–14:00 Uhr",
        "venue": "Stadthaus, Markt 1",
        "deadline": "07.09.2019, 00:00 Uhr",
    },
    "confirmation_url": "https://beteiligung.example/bestaetigen?token=SAMPLE",
    "withdrawal_url": "https://beteiligung.example/zurueckziehen?token=SAMPLE",
    "waitlist_position": 3,
    "days_before": 7,
    "checkin_code": "MWCHECKIN:burgenlandkreis:00000000-0000-4000-8000-000000000001",
    "checkin_cid": "checkin-qr",
}
SAMPLE_ADDRESSEE = Addressee(
    given_name="Jördis",
    family_name="Weiß-Öztürk",
    street="Straße des Friedens",
    house_number="12a",
    postal_code="06712",
    municipality="Zeitz",
    doctorate="Dr.",
    address_supplement="bei Şahin",
)
SAMPLE_WORKSHOP = WorkshopFacts("Zeitz", "13.09.2019", "10:00–14:00 Uhr", "Stadthaus, Markt 1")
SAMPLE_SENDER = "Zukunftswerkstätten · Postfach 10 01 01 · 06108 Halle (Saale)"
SAMPLE_ID = uuid.UUID("00000000-0000-4000-8000-000000000001")


def sample_letter(kind: str) -> bytes:
    if kind == "invitation":
        return invitation_pdf(
            InvitationLetter(
                invitee_id=SAMPLE_ID,
                addressee=SAMPLE_ADDRESSEE,
                invitation_code="ZTZ-4KQ7-9MHC",
                answer_url=answer_url("https://beteiligung.example", "ZTZ-4KQ7-9MHC"),
                answer_base_url="https://beteiligung.example",
                response_deadline="30.08.2019",
                letter_date="01.08.2019",
                workshop=SAMPLE_WORKSHOP,
                sender_line=SAMPLE_SENDER,
            )
        )
    return seat_letter_pdf(
        SeatLetter(
            invitee_id=SAMPLE_ID,
            addressee=SAMPLE_ADDRESSEE,
            checkin_code=checkin_payload("burgenlandkreis", SAMPLE_ID),
            letter_date="02.09.2019",
            workshop=SAMPLE_WORKSHOP,
            sender_line=SAMPLE_SENDER,
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mitwirken-render", description=__doc__)
    parser.add_argument("template", nargs="?", choices=TEMPLATES)
    parser.add_argument("--lang", choices=LANGUAGES, default="de")
    parser.add_argument("--html", action="store_true", help="print the HTML part")
    parser.add_argument("--list", action="store_true", help="list the templates")
    parser.add_argument("--letter", choices=LETTER_KINDS, help="render a sample letter as PDF")
    parser.add_argument("--out", type=Path, help="where to write the letter's PDF")
    args = parser.parse_args(argv)
    if args.letter:
        if args.out is None:
            parser.error("--letter needs --out FILE.pdf")
        args.out.write_bytes(sample_letter(args.letter))
        print(f"{args.out}")
        return 0
    if args.list or not args.template:
        print("\n".join(TEMPLATES))
        return 0
    message = Renderer().render(args.template, args.lang, SAMPLE)
    sys.stdout.write(f"Subject: {message.subject}\n\n")
    sys.stdout.write(message.html if args.html else message.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
