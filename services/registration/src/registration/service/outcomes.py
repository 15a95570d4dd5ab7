"""Use cases of the workshop's outcomes: moderators record each guideline (Leitlinie)
with its field of action, supporting statements and the ideas that fed into it.

Invariants:
- Ideas named must have been submitted for the same district; otherwise nothing is
  recorded and the unknown ones are named.
- The guideline row and GuidelineRecorded commit together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import asyncpg

from shared.events.registration import GuidelineRecorded
from shared.messaging import outbox
from shared.sql import load_queries

Q = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "workshop_day.sql")
PRODUCER = "registration"


class UnknownIdeas(Exception):
    def __init__(self, idea_ids: list[uuid.UUID]) -> None:
        super().__init__(", ".join(map(str, idea_ids)))
        self.idea_ids = idea_ids


@dataclass(frozen=True, slots=True)
class Guideline:
    title: str
    text: str
    field_of_action: str
    supporting_statements: tuple[str, ...] = ()
    idea_ids: tuple[uuid.UUID, ...] = ()


async def record_guideline(
    conn: asyncpg.Connection, district_id: str, g: Guideline, *, by: str, now: datetime
) -> uuid.UUID:
    idea_ids = list(dict.fromkeys(g.idea_ids))
    known = {r["idea_id"] for r in await conn.fetch(Q.district_ideas, district_id, idea_ids)}
    unknown = [i for i in idea_ids if i not in known]
    if unknown:
        raise UnknownIdeas(unknown)
    guideline_id = uuid.uuid4()
    statements = [s.strip() for s in g.supporting_statements if s.strip()]
    await conn.execute(
        Q.insert_guideline,
        guideline_id,
        district_id,
        g.title.strip(),
        g.text.strip(),
        g.field_of_action,
        statements,
        idea_ids,
        by,
        now,
    )
    await outbox.append(
        conn,
        GuidelineRecorded(
            guideline_id=guideline_id,
            title=g.title.strip(),
            text=g.text.strip(),
            field_of_action=g.field_of_action,
            supporting_statements=tuple(statements),
            idea_ids=tuple(idea_ids),
            recorded_at=now,
        ),
        district_id=district_id,
        producer=PRODUCER,
    )
    return guideline_id


async def guidelines(conn: asyncpg.Connection, district_id: str) -> list[asyncpg.Record]:
    return list(await conn.fetch(Q.guidelines, district_id))
