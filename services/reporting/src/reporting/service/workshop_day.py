"""The workshop day in reporting: who came next to who was seated, the guidelines, and
the guidelines report (per district or for the whole region) built from aggregates only.

Invariants:
- Nothing here holds or shows a name: check-ins are kept by id, the report carries
  counts, the draws' public records and the guidelines' own text.
- On public outputs, counts of groups (age band, gender) below five are shown as "<5".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg

from reporting.adapters.repository import R
from reporting.service import figures as figures_service
from shared.events import ReceivedEvent
from shared.events.registration import GuidelineRecorded, ParticipantCheckedIn
from shared.sql import load_queries
from shared.vocabulary import FIELDS_OF_ACTION

Q = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "workshop_day.sql")
HALVES = ("applicants", "register")


VERIFY_DE = (
    "So prüfen Sie die Verlosung nach: Laden Sie das Prüfprotokoll der Verlosung "
    "(/draws/{district}/applicants beim Losverfahren) als JSON-Datei herunter und führen "
    "Sie „mitwirken-verify DATEI“ aus. Jede Umsetzung von RFC 3797 ergibt aus dem "
    "veröffentlichten Pool (Hash vor der Ziehung festgelegt) und den öffentlichen "
    "Zufallszahlen dieselbe Reihenfolge und damit dieselben Plätze."
)
VERIFY_EN = (
    "How to verify the draw: download the draw's audit record (/draws/{district}/applicants "
    "at the lottery) as a JSON file and run `mitwirken-verify FILE`. Any implementation of "
    "RFC 3797 gives the same order, and so the same seats, from the published pool (its "
    "hash committed before the draw) and the public random numbers."
)


def field_label(key: str | None) -> tuple[str, str]:
    if key is None:
        return ("Ohne Handlungsfeld", "No field of action")
    return FIELDS_OF_ACTION.get(key, (key, key))


# --- read models ----------------------------------------------------------------------


async def _checked_in(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, ParticipantCheckedIn)
    await conn.execute(
        Q.add_check_in,
        p.participant_id,
        event.envelope.district_id,
        p.half,
        p.method,
        p.checked_in_at,
    )


async def _guideline(conn: asyncpg.Connection, event: ReceivedEvent) -> None:
    p = event.payload
    assert isinstance(p, GuidelineRecorded)
    await conn.execute(
        Q.add_guideline,
        p.guideline_id,
        event.envelope.district_id,
        p.title,
        p.text,
        p.field_of_action,
        list(p.supporting_statements),
        list(p.idea_ids),
        p.recorded_at,
    )


READ_MODELS: dict[str, Callable[[asyncpg.Connection, ReceivedEvent], Awaitable[None]]] = {
    ParticipantCheckedIn.event_type: _checked_in,
    GuidelineRecorded.event_type: _guideline,
}
"""Handlers of the workshop day's events, added to reporting's read models."""


# --- queries --------------------------------------------------------------------------


async def attendance(conn: asyncpg.Connection, district_id: str | None) -> dict[str, Any]:
    """Per half: seated and checked in, in total and by age band and gender; and both
    halves together."""
    out: dict[str, Any] = {
        h: {"seated": 0, "checked_in": 0, "by_age_band": {}, "by_gender": {}}
        for h in (*HALVES, "total")
    }
    for r in await conn.fetch(Q.attendance, district_id):
        counts = {"seated": int(r["seated"]), "checked_in": int(r["checked_in"])}
        for half in (r["half"], "total"):
            target = out[half]
            if r["attribute"] == "total":
                target["seated"] += counts["seated"]
                target["checked_in"] += counts["checked_in"]
            else:
                group = target["by_" + r["attribute"]].setdefault(
                    r["value"], {"seated": 0, "checked_in": 0}
                )
                group["seated"] += counts["seated"]
                group["checked_in"] += counts["checked_in"]
    return out


async def guidelines(conn: asyncpg.Connection, district_id: str | None) -> list[dict[str, Any]]:
    return [
        {
            "district_id": r["district_id"],
            "title": r["title"],
            "text": r["text"],
            "field_of_action": r["field_of_action"],
            "field_of_action_label": field_label(r["field_of_action"]),
            "supporting_statements": list(r["supporting_statements"]),
            "ideas": int(r["ideas"]),
        }
        for r in await conn.fetch(Q.guidelines, district_id)
    ]


async def report(
    conn: asyncpg.Connection, district_id: str | None, *, now: datetime
) -> dict[str, Any]:
    """The guidelines report of a district (None: the whole region), aggregates only."""
    f = await figures_service.figures(conn, district_id, now=now)
    seats = f["seats"]
    came = await attendance(conn, district_id)
    return {
        "district_id": district_id,
        "scope": f["scope"],
        "generated_at": now.isoformat(),
        "workshops": [
            {k: w[k] for k in ("district_id", "town", "venue", "workshop_date")}
            for w in f["workshops"]
        ],
        "applications": {k: f["applications"][k] for k in ("received", "confirmed", "withdrawn")},
        "seats": {
            "applicants": {
                "seats": seats["applicants"]["seats"],
                "filled": seats["applicants"]["filled"],
                "by_lottery": seats["applicants"]["by_lottery"],
                "from_waitlist": seats["applicants"]["from_waitlist"],
                "checked_in": came["applicants"]["checked_in"],
            },
            "register": {
                "seats": seats["register"]["seats"],
                "filled": seats["register"]["filled"],
                "invited": seats["register"]["invited"],
                "accepted": seats["register"]["accepted"],
                "checked_in": came["register"]["checked_in"],
            },
        },
        "attendance": came,
        "draws": [
            {
                k: d[k]
                for k in (
                    "district_id",
                    "kind",
                    "pool_size",
                    "pool_hash",
                    "algorithm",
                    "randomness_source",
                    "audit_reference",
                    "drawn_at",
                )
            }
            for d in f["draws"]
        ],
        "panels": [
            {
                k: p[k]
                for k in (
                    "district_id",
                    "selection_method",
                    "minimum_probability",
                    "panel_count",
                    "audit_reference",
                )
            }
            for p in f["register"]["panels"]
        ],
        "verification": {
            "de": VERIFY_DE.format(district=district_id or "<landkreis>"),
            "en": VERIFY_EN.format(district=district_id or "<district>"),
        },
        "ideas_by_field": {
            (k or "none"): n for k, n in (await _ideas_by_field(conn, district_id)).items()
        },
        "guidelines": await guidelines(conn, district_id),
    }


async def _ideas_by_field(
    conn: asyncpg.Connection, district_id: str | None
) -> dict[str | None, int]:
    return {
        r["field_of_action"]: int(r["n"]) for r in await conn.fetch(R.ideas_by_field, district_id)
    }
