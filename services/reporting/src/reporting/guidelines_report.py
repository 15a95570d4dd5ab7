"""The guidelines report as a print-ready PDF (A4, shipped DejaVu fonts), and the
command that writes it: ``python -m reporting.guidelines_report --district D --out F``
(without ``--district``: the whole region).

The PDF carries aggregates only: no name, no address, no id of a person."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from fpdf import FPDF

from reporting.domain.disclosure import public_count
from reporting.service.workshop_day import field_label, report
from shared import fonts

HALF_LABELS = {"applicants": "Bewerbungen / applicants", "register": "Melderegister / register"}


def render_pdf(data: Mapping[str, Any]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(fonts.REGULAR))
    pdf.add_font("DejaVu", "B", str(fonts.BOLD))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title("Leitlinien-Bericht")
    pdf.add_page()
    scope = data["district_id"] or "Region"

    def heading(text: str, size: int = 14) -> None:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    def para(text: str, size: int = 10) -> None:
        pdf.set_font("DejaVu", "", size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")

    heading(f"Leitlinien-Bericht: {scope}", 18)
    para(f"Guidelines report: {scope} · erstellt / generated {data['generated_at'][:10]}")
    for w in data["workshops"]:
        para(f"Workshop {w['district_id']}: {w['town']}, {w['workshop_date']}")

    heading("1. Beteiligung / Participation")
    a = data["applications"]
    para(
        f"Bewerbungen eingegangen / applications received: {a['received']}; bestätigt / "
        f"confirmed: {a['confirmed']}; zurückgezogen / withdrawn: {a['withdrawn']}"
    )
    for half, s in data["seats"].items():
        line = (
            f"{HALF_LABELS[half]}: Plätze / seats {s['seats']}, besetzt / filled "
            f"{s['filled']}, anwesend / checked in {s['checked_in']}"
        )
        if half == "applicants":
            line += (
                f" (Los / lottery {s['by_lottery']}, Nachrücker / waitlist {s['from_waitlist']})"
            )
        else:
            line += f" (eingeladen / invited {s['invited']}, Zusagen / accepted {s['accepted']})"
        para(line)
    total = data["attendance"]["total"]
    para(
        f"Gesamt / total: besetzt / seated {total['seated']}, "
        f"anwesend / checked in {total['checked_in']}"
    )
    for attribute, label in (
        ("by_age_band", "Altersgruppe / age band"),
        ("by_gender", "Geschlecht / gender"),
    ):
        groups = total[attribute]
        if groups:
            para(
                label
                + ": "
                + "; ".join(
                    f"{k} {public_count(v['seated'])} / {public_count(v['checked_in'])}"
                    for k, v in sorted(groups.items())
                )
                + "  (besetzt / anwesend; seated / checked in; unter 5: <5)"
            )

    heading("2. Nachprüfbarkeit der Verlosung / Verifying the draws")
    for d in data["draws"]:
        para(
            f"{d['district_id']} ({d['kind']}): Pool {d['pool_size']}, Hash {d['pool_hash']}, "
            f"Verfahren / algorithm {d['algorithm']}, Zufallsquelle / randomness "
            f"{d['randomness_source']}, Protokoll / audit record {d['audit_reference']}"
        )
    for p in data["panels"]:
        para(
            f"{p['district_id']} (Melderegister / register): {p['selection_method']}, "
            f"Mindestwahrscheinlichkeit / minimum probability {p['minimum_probability']:.3f}, "
            f"Protokoll / audit record {p['audit_reference']}"
        )
    para(data["verification"]["de"])
    para(data["verification"]["en"])

    heading("3. Eingereichte Ideen / Ideas received")
    for key, n in sorted(data["ideas_by_field"].items()):
        de, en = field_label(None if key == "none" else key)
        para(f"{de} / {en}: {n}")

    heading("4. Leitlinien / Guidelines")
    if not data["guidelines"]:
        para("Noch keine Leitlinien erfasst. / No guidelines recorded yet.")
    for g in data["guidelines"]:
        de, en = g["field_of_action_label"]
        heading(f"{g['title']}", 12)
        para(f"Handlungsfeld / field of action: {de} / {en} · {g['district_id']}", 9)
        para(g["text"])
        for statement in g["supporting_statements"]:
            para(f"• {statement}")
        para(f"Eingeflossene Ideen / ideas that fed into it: {g['ideas']}", 9)
    return bytes(pdf.output())


async def build_report(database_url: str, district_id: str | None) -> bytes:
    conn = await asyncpg.connect(database_url)
    try:
        data = await report(conn, district_id, now=datetime.now(UTC))
    finally:
        await conn.close()
    return render_pdf(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the guidelines report as PDF.")
    parser.add_argument("--district", default=None, help="district id (default: the region)")
    parser.add_argument("--out", required=True, type=Path, help="PDF file to write")
    parser.add_argument("--database-url", default=None, help="reporting's database")
    args = parser.parse_args(argv)
    if args.database_url is None:
        from reporting.settings import Settings

        args.database_url = Settings().database_url
    args.out.write_bytes(asyncio.run(build_report(str(args.database_url), args.district)))
    print(f"{args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
