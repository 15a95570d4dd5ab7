"""Use cases of the register draw's second stage: record the invitees' answers, commit
to a published list of panels, and pick one panel with the public seed.

The selection core (``lottery.domain.panels``) computes each respondent's selection
probability subject to the quotas (leximin or maximin) and rounds that distribution
into a uniform lottery over a list of panels; this module stores, publishes and draws.

Invariants:
- The panel list, its digest and every respondent's probability are published (as
  pseudonymous ids) before the seed exists; the pick depends only on the list and the
  seed, so ``mitwirken-verify`` recomputes it from the published record.
- At most one person per household: households are the register's address keys with
  near-identical street spellings of one postal code and house number merged.
- One panel draw per district; a second commit or draw is refused.
- The quota attributes are those the invitee answered; where an answer lacks one, the
  register's value stands in.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from datetime import datetime
from typing import Any

import asyncpg
import structlog
from pydantic import BaseModel, Field

from lottery.adapters import repository
from lottery.domain import panels as core
from lottery.domain.households import group_households
from lottery.domain.register import age_band
from lottery.service.register import DEFAULT_REGISTER_SEATS, R
from shared.events.lottery import DrawCommitted, PanelDrawn
from shared.events.registration import InvitationAnswered
from shared.messaging import outbox

log = structlog.get_logger(__name__)

KIND = "register_panel"
PRODUCER = "lottery"
CATEGORIES = ("age_band", "gender", "municipality")


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class QuotasInfeasible(Exception):
    """No panel meets the quotas; ``report`` names the binding quotas and a relaxation."""

    def __init__(self, report: dict[str, Any]) -> None:
        super().__init__(report.get("en", "infeasible"))
        self.report = report


class QuotaOverride(BaseModel):
    category: str = Field(min_length=1, max_length=100)
    value: str = Field(min_length=1, max_length=200)
    minimum: int = Field(ge=0)
    maximum: int = Field(ge=0)


async def record_answer(
    conn: asyncpg.Connection, district_id: str, answer: InvitationAnswered
) -> None:
    """Keep an invitee's answer (the latest counts); unknown invitees change nothing."""
    band = (
        age_band(answer.birth_year, answer.answered_at.year)
        if answer.birth_year is not None
        else None
    )
    await conn.execute(
        R.record_answer,
        answer.invitee_id,
        district_id,
        answer.accepts,
        band,
        answer.gender,
        answer.municipality,
        json.dumps(dict(answer.quota_answers)),
        answer.answered_at,
    )


def _report(report: Any) -> dict[str, Any]:
    if isinstance(report, core.InfeasibilityReport):
        return report.to_dict()
    if isinstance(report, Mapping):
        return dict(report)
    if is_dataclass(report) and not isinstance(report, type):
        return asdict(report)
    return {"en": str(report), "de": str(report)}


async def _respondents(
    conn: asyncpg.Connection, district_id: str, municipalities: Sequence[str]
) -> list[core.Respondent]:
    spelled = {m.casefold(): m for m in municipalities}
    rows = [r for r in await conn.fetch(R.respondents, district_id) if r["accepts"]]
    households = group_households(
        {str(r["invitee_id"]): r["household_key"] for r in rows if r["household_key"]}
    )
    out = []
    for r in rows:
        features = {
            "age_band": r["age_band"] or r["register_age_band"],
            "gender": r["gender"] or r["register_gender"],
            "municipality": spelled.get(
                (r["municipality"] or "").strip().casefold(), r["municipality"]
            )
            or r["register_municipality"],
        }
        answers = r["quota_answers"]
        answers = json.loads(answers) if isinstance(answers, str) else answers
        features.update({k: str(v) for k, v in (answers or {}).items() if k not in features})
        person = str(r["invitee_id"])
        out.append(
            core.Respondent(
                person_id=person,
                features={k: v for k, v in features.items() if v},
                household=households.get(person),
            )
        )
    return out


async def commit(
    conn: asyncpg.Connection,
    district_id: str,
    *,
    method: core.Method,
    overrides: Sequence[QuotaOverride],
    panel_count: int,
    randomness_source: str,
    actor: str,
) -> dict[str, Any]:
    if await repository.get_draw(conn, district_id, KIND) is not None:
        raise Refused(409, "the panel list of this district has been committed already")
    current = await conn.fetchrow(R.current_import, district_id)
    if current is None:
        raise Refused(404, "no register extract has been imported for this district")
    district = await repository.get_district(conn, district_id)
    seats = district["register_seats"] if district else DEFAULT_REGISTER_SEATS
    population = await conn.fetch(R.population, current["import_id"])
    respondents = await _respondents(
        conn, district_id, sorted({r["municipality"] for r in population})
    )
    if len(respondents) < seats:
        raise Refused(
            422, f"{len(respondents)} invitees accepted, fewer than the {seats} register seats"
        )
    chosen = {(q.category, q.value): q for q in overrides}
    proportional = core.proportional_quotas(
        [({c: r[c] for c in CATEGORIES}, int(r["n"])) for r in population], seats
    )
    quotas = [q for q in proportional if (q.category, q.value) not in chosen] + [
        core.Quota(category=q.category, value=q.value, minimum=q.minimum, maximum=q.maximum)
        for q in chosen.values()
    ]
    try:
        distribution = core.select_distribution(respondents, quotas, seats, method=method)
    except core.Infeasible as exc:
        raise QuotasInfeasible(_report(exc.report)) from None
    panels = core.panel_lottery(distribution, respondents, count=panel_count)
    digest = core.panel_list_digest(panels)
    draw_id = uuid.uuid4()
    commitment = {
        "draw_id": str(draw_id),
        "district_id": district_id,
        "kind": KIND,
        "selection_method": method,
        "seats": seats,
        "quotas": [
            {"category": q.category, "value": q.value, "minimum": q.minimum, "maximum": q.maximum}
            for q in quotas
        ],
        "probabilities": {k: float(v) for k, v in sorted(distribution.probabilities.items())},
        "minimum_probability": float(distribution.minimum_probability),
        "panel_count": len(panels),
        "panels": [list(p) for p in panels],
        "panel_list_digest": digest,
        "randomness_source": randomness_source,
    }
    await repository.insert_draw(conn, draw_id, district_id, KIND, commitment)
    await outbox.append(
        conn,
        DrawCommitted(
            draw_id=draw_id,
            kind=KIND,
            pool_size=len(panels),
            pool_hash=digest,
            algorithm=f"panel-lottery-{method}",
            randomness_source=randomness_source,
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    await repository.audit(
        conn,
        actor,
        "panel_committed",
        district_id,
        {"draw_id": str(draw_id), "respondents": len(respondents), "panels": len(panels)},
    )
    return {
        "draw_id": str(draw_id),
        "respondents": len(respondents),
        "panel_count": len(panels),
        "panel_list_digest": digest,
        "minimum_probability": commitment["minimum_probability"],
    }


async def draw(
    conn: asyncpg.Connection, district_id: str, *, seed: str, actor: str, now: datetime
) -> dict[str, Any]:
    row = await repository.lock_draw(conn, district_id, KIND)
    if row is None:
        raise Refused(404, "no panel list has been committed for this district")
    if row["audit_record"] is not None:
        raise Refused(409, "the panel of this district has been drawn already; a draw is final")
    commitment = row["commitment"]
    commitment = json.loads(commitment) if isinstance(commitment, str) else commitment
    panels = [tuple(p) for p in commitment["panels"]]
    try:
        index = core.panel_index_from_seed(seed, len(panels))
    except ValueError as exc:
        raise Refused(422, f"the seed is unusable: {exc}") from None
    seated = tuple(core.pick_panel(panels, index))
    record = {**commitment, "seed": seed, "panel_index": index, "seated": list(seated)}
    await repository.record_outcome(conn, row["draw_id"], seed, record, now)
    await outbox.append(
        conn,
        PanelDrawn(
            draw_id=row["draw_id"],
            seated=tuple(uuid.UUID(x) for x in seated),
            selection_method=commitment["selection_method"],
            minimum_probability=commitment["minimum_probability"],
            panel_count=len(panels),
            panel_index=index,
            audit_reference=f"/draws/{district_id}/panel",
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    await repository.audit(
        conn, actor, "panel_drawn", district_id, {"draw_id": str(row["draw_id"]), "index": index}
    )
    return {"draw_id": str(row["draw_id"]), "panel_index": index, "seated": list(seated)}


async def published(conn: asyncpg.Connection, district_id: str) -> dict[str, Any] | None:
    row = await repository.get_draw(conn, district_id, KIND)
    if row is None:
        return None

    def load(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    return {
        "district_id": district_id,
        "commitment": load(row["commitment"]),
        "audit_record": load(row["audit_record"]),
        "committed_at": row["committed_at"],
        "drawn_at": row["drawn_at"],
        "how_to_verify": "Save audit_record as a JSON file and run `mitwirken-verify FILE`.",
    }


def verify_panel(record: Mapping[str, Any]) -> list[str]:
    """Differences between a published panel record and its recomputation (none: match)."""
    try:
        panels = [tuple(p) for p in record["panels"]]
        differences = []
        if core.panel_list_digest(panels) != record["panel_list_digest"]:
            differences.append("the panel list digest does not match the listed panels")
        index = core.panel_index_from_seed(record["seed"], len(panels))
        if index != record["panel_index"]:
            differences.append(
                f"the seed picks panel {index}, the record says {record['panel_index']}"
            )
        if list(core.pick_panel(panels, index)) != list(record["seated"]):
            differences.append("the seated differ from the panel the seed picks")
    except (KeyError, TypeError, ValueError) as exc:
        return [f"the record cannot be read: {exc}"]
    return differences
