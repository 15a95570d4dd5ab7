"""Use cases of ideas: residents' answers to the guiding question, and their moderation."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from registration.adapters import repository
from shared import vocabulary
from shared.events.registration import IdeaSubmitted
from shared.messaging import outbox

FIELDS_OF_ACTION = tuple(vocabulary.FIELDS_OF_ACTION)
MODERATION_STATES = ("new", "published", "hidden")


async def submit_idea(
    conn: asyncpg.Connection,
    *,
    district_id: str,
    text: str,
    field_of_action: str | None,
    author_name: str | None,
    author_email: str | None,
    now: datetime,
) -> uuid.UUID:
    idea_id = uuid.uuid4()
    await repository.insert_idea(
        conn, idea_id, district_id, text, field_of_action, author_name, author_email, now
    )
    await outbox.append(
        conn,
        IdeaSubmitted(
            idea_id=idea_id,
            text=text,
            field_of_action=field_of_action,
            author_name=author_name,
            author_email=author_email,
            submitted_at=now,
        ),
        district_id=district_id,
        producer="registration",
    )
    return idea_id
