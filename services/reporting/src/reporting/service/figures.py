"""The figures of one district, or of the whole region, assembled from the read models.

Invariant: the same read models give the same figures, except ``days_left``, which
depends on the time asked (``now``). Staff figures are exact; public figures go through
``reporting.domain.disclosure`` in the transparency page.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

import asyncpg

from reporting.adapters import repository
from reporting.adapters.repository import R
from reporting.domain.figures import days_left, rate
from reporting.domain.representativeness import ATTRIBUTES, compare
from reporting.service import workshop_day

CHANNELS = ("web", "reply_card")


def _iso(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


async def figures(
    conn: asyncpg.Connection, district_id: str | None, *, now: datetime
) -> dict[str, Any]:
    """Every figure of ``district_id`` (None: the whole region), as JSON-ready values."""
    workshops = await repository.fetch(conn, R.workshops, district_id)
    by_channel = await repository.fetch(conn, R.applications_by_channel, district_id)
    per_day = await repository.fetch(conn, R.applications_per_day, district_id)
    attributes = await repository.fetch(conn, R.applications_by_attribute, district_id)
    closings = await repository.fetch(conn, R.closings, district_id)
    draws = await repository.fetch(conn, R.draws, district_id)
    placements = await repository.fetch_one(conn, R.placements, district_id)
    register = await repository.fetch_one(conn, R.register_half, district_id)
    waves = await repository.fetch(conn, R.register_waves, district_id)
    answers = await repository.fetch(conn, R.answers_by_channel, district_id)
    panels = await repository.fetch(conn, R.panels, district_id)
    register_seated = await repository.fetch_one(conn, R.register_seated, district_id)
    composition_rows = await repository.fetch(conn, R.seated_composition, district_id)
    population_rows = await repository.fetch(conn, R.population, district_id)
    ideas = await repository.fetch(conn, R.ideas_by_field, district_id)
    notes = await repository.fetch(conn, R.notifications_by_status, district_id)

    received = sum(int(r["received"]) for r in by_channel)
    confirmed = sum(int(r["confirmed"]) for r in by_channel)
    withdrawn = sum(int(r["withdrawn"]) for r in by_channel)
    days: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CHANNELS, 0))
    for r in per_day:
        days[r["day"].isoformat()][r["channel"]] = int(r["n"])
    demographics: dict[str, dict[str, int]] = defaultdict(dict)
    for r in attributes:
        demographics[r["attribute"]][r["value"]] = int(r["n"])
    notifications: dict[str, Any] = {"sent": 0, "failed": 0, "failed_permanent": 0}
    by_template: dict[str, dict[str, int]] = defaultdict(lambda: {"sent": 0, "failed": 0})
    for r in notes:
        notifications[r["status"]] += int(r["n"])
        by_template[r["template"]][r["status"]] += int(r["n"])
        if r["status"] == "failed":
            notifications["failed_permanent"] += int(r["permanent"])
    notifications["by_template"] = dict(by_template)

    applicant_seats = sum(int(w["applicant_seats"]) for w in workshops)
    register_seats = sum(int(w["register_seats"]) for w in workshops)
    seated = int(placements.get("seated") or 0)
    accepted = int(register.get("accepted") or 0)
    invited = int(register.get("invited") or 0)
    answered = int(register.get("answered") or 0)
    register_filled = int(register_seated.get("filled") or 0)
    composition: dict[str, dict[str, dict[str, int]]] = {
        half: {a: {} for a in ATTRIBUTES} for half in ("applicants", "register")
    }
    seated_by: dict[str, dict[str, int]] = {a: defaultdict(int) for a in ATTRIBUTES}
    for r in composition_rows:
        composition[r["half"]][r["attribute"]][r["value"]] = int(r["n"])
        seated_by[r["attribute"]][r["value"]] += int(r["n"])
    population: dict[str, dict[str, int]] = {a: {} for a in ATTRIBUTES}
    for r in population_rows:
        population[r["attribute"]][r["value"]] = int(r["n"])
    return {
        "district_id": district_id,
        "scope": "district" if district_id else "region",
        "event_counts": await repository.event_counts(conn, district_id),
        "workshops": [
            {
                "district_id": w["district_id"],
                "workshop_date": _iso(w["workshop_date"]),
                "town": w["town"],
                "venue": w["venue"],
                "applicant_seats": w["applicant_seats"],
                "register_seats": w["register_seats"],
                "application_deadline": _iso(w["application_deadline"]),
                "days_left": days_left(w["application_deadline"], now),
                "closed": any(c["district_id"] == w["district_id"] for c in closings),
            }
            for w in workshops
        ],
        "applications": {
            "received": received,
            "confirmed": confirmed,
            "withdrawn": withdrawn,
            "confirmation_rate": rate(confirmed, received),
            "by_channel": {
                ch: {
                    k: next((int(r[k]) for r in by_channel if r["channel"] == ch), 0)
                    for k in ("received", "confirmed", "withdrawn")
                }
                for ch in CHANNELS
            },
            "per_day": [{"day": day, **counts} for day, counts in sorted(days.items())],
        },
        "demographics": dict(demographics),
        "closings": [
            {k: _iso(c[k]) for k in ("district_id", "deadline", "received", "confirmed", "lapsed")}
            for c in closings
        ],
        "seats": {
            "applicants": {
                "seats": applicant_seats,
                "filled": seated,
                "by_lottery": int(placements.get("seated_by_lottery") or 0),
                "from_waitlist": int(placements.get("seated_from_waitlist") or 0),
                "free": max(0, applicant_seats - seated),
            },
            "register": {
                "seats": register_seats,
                "filled": register_filled,
                "invited": invited,
                "accepted": accepted,
                "declined": int(register.get("declined") or 0),
                "free": max(0, register_seats - register_filled),
            },
        },
        "register": {
            "invited": invited,
            "answered": answered,
            "accepted": accepted,
            "declined": int(register.get("declined") or 0),
            "response_rate": rate(answered, invited),
            "acceptance_rate": rate(accepted, invited),
            "waves": [
                {k: int(w[k]) for k in ("wave", "invited", "answered", "accepted", "declined")}
                for w in waves
            ],
            "answers_by_channel": {
                ch: {
                    k: next((int(r[k]) for r in answers if r["channel"] == ch), 0)
                    for k in ("accepts", "declines")
                }
                for ch in CHANNELS
            },
            "panels": [
                {
                    "district_id": p["district_id"],
                    "draw_id": str(p["draw_id"]),
                    "selection_method": p["selection_method"],
                    "minimum_probability": p["minimum_probability"],
                    "panel_count": p["panel_count"],
                    "panel_index": p["panel_index"],
                    "seated": int(p["seated"]),
                    "reserves": int(p["reserves"]),
                    "audit_reference": p["audit_reference"],
                }
                for p in panels
            ],
        },
        "composition": composition,
        "population": population,
        "representativeness": {a: compare(seated_by[a], population[a]) for a in ATTRIBUTES},
        "waitlist": {
            "length": int(placements.get("waiting") or 0),
            "released_seats": int(placements.get("released") or 0),
        },
        "draws": [
            {
                k: _iso(d[k])
                for k in (
                    "district_id",
                    "draw_id",
                    "kind",
                    "pool_size",
                    "pool_hash",
                    "algorithm",
                    "randomness_source",
                    "committed_at",
                    "seated",
                    "waitlisted",
                    "audit_reference",
                    "drawn_at",
                )
            }
            for d in draws
        ],
        "ideas": {
            "total": sum(int(r["n"]) for r in ideas),
            "by_field_of_action": {(r["field_of_action"] or "(ohne)"): int(r["n"]) for r in ideas},
        },
        "notifications": notifications,
        "attendance": await workshop_day.attendance(conn, district_id),
    }
