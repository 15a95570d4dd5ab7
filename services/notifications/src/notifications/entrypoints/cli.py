"""``mitwirken-render TEMPLATE [--lang de|en] [--html]``: render any message with sample
data for review (no database, no SMTP). ``mitwirken-render --list`` names the templates."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from notifications.adapters.templates import LANGUAGES, Renderer
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
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mitwirken-render", description=__doc__)
    parser.add_argument("template", nargs="?", choices=TEMPLATES)
    parser.add_argument("--lang", choices=LANGUAGES, default="de")
    parser.add_argument("--html", action="store_true", help="print the HTML part")
    parser.add_argument("--list", action="store_true", help="list the templates")
    args = parser.parse_args(argv)
    if args.list or not args.template:
        print("\n".join(TEMPLATES))
        return 0
    message = Renderer().render(args.template, args.lang, SAMPLE)
    sys.stdout.write(f"Subject: {message.subject}\n\n")
    sys.stdout.write(message.html if args.html else message.text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
