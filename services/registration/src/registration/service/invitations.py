"""Answers to register invitations: learn each letter's code from the lottery, take the
invitee's answer (web form or reply card entered by staff) once, and announce it.

Invariants:
- Only a keyed hash (HMAC-SHA-256 with the service's secret) of each code is stored;
  a code identifies exactly one invitee of one district.
- A code is used once: the first answer counts, every later one is refused, and
  unknown and used codes are refused with the same words, so a refusal does not tell
  a guesser whether a code exists.
- An answer counts only up to the end of the response deadline (Berlin time); the
  answer row, the used code and InvitationAnswered commit together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from shared.events.common import AccessibilityNeed, Channel, Language
from shared.events.lottery import InvitationsDrawn
from shared.events.registration import InvitationAnswered
from shared.messaging import outbox
from shared.sql import load_queries

Q = load_queries(Path(__file__).parents[1] / "adapters" / "sql" / "invitations.sql")
PRODUCER = "registration"
BERLIN = ZoneInfo("Europe/Berlin")
CODE_ALPHABET = frozenset("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
CODE_LENGTH = 10


class AnswerRefused(Exception):
    def __init__(self, status: int, code: str, de: str, en: str, field: str | None = None):
        super().__init__(en)
        self.status, self.code, self.de, self.en, self.field = status, code, de, en, field


def invalid_code() -> AnswerRefused:
    return AnswerRefused(
        404,
        "invitation-code-invalid",
        "Dieser Einladungscode ist uns nicht bekannt oder wurde bereits verwendet. Bitte "
        "prüfen Sie den Code auf Ihrem Brief; jeder Code gilt für eine Antwort.",
        "This invitation code is unknown or has been used already. Please check the code "
        "on your letter; each code is good for one answer.",
        "invitation_code",
    )


def normalise_code(text: str) -> str | None:
    """The code as printed, however typed (spaces, hyphens, lower case); None if it
    cannot be a code at all."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or not set(code) <= CODE_ALPHABET:
        return None
    return code


def code_hash(secret: str, code: str) -> str:
    return hmac.new(secret.encode(), code.encode("ascii"), hashlib.sha256).hexdigest()


async def record_invitations(
    conn: asyncpg.Connection, district_id: str, drawn: InvitationsDrawn, *, secret: str
) -> int:
    """Keep the hashes of a wave's codes (a redelivered event changes nothing)."""
    hashes, invitees = [], []
    for invitee in drawn.invitees:
        code = normalise_code(invitee.invitation_code)
        if code is None:
            continue
        hashes.append(code_hash(secret, code))
        invitees.append(invitee.invitee_id)
    await conn.execute(
        Q.add_codes,
        hashes,
        invitees,
        district_id,
        drawn.draw_id,
        drawn.wave,
        drawn.response_deadline,
    )
    return len(hashes)


@dataclass(frozen=True)
class Answer:
    invitation_code: str
    accepts: bool
    birth_year: int | None = None
    gender: str | None = None
    municipality: str | None = None
    email: str | None = None
    phone: str | None = None
    language: Language = Language.DE
    accessibility_needs: tuple[AccessibilityNeed, ...] = ()
    quota_answers: dict[str, str] = field(default_factory=dict)


def _missing_quota_attributes(answer: Answer) -> AnswerRefused | None:
    if not answer.accepts:
        return None
    for name, de in (("birth_year", "Geburtsjahr"), ("gender", "Geschlecht"),
                     ("municipality", "Wohnort")):  # fmt: skip
        if getattr(answer, name) in (None, ""):
            return AnswerRefused(
                422,
                "quota-attribute-missing",
                f"Bitte geben Sie Ihr {de} an: wir brauchen es, damit die Runde die "
                "Bevölkerung abbildet.",
                f"Please give your {name.replace('_', ' ')}: the panel is drawn to mirror "
                "the population.",
                name,
            )
    return None


async def answer(
    conn: asyncpg.Connection,
    given: Answer,
    *,
    secret: str,
    now: datetime,
    channel: Channel = Channel.WEB,
    district_id: str | None = None,
    received_on: date | None = None,
    entered_by: str | None = None,
) -> InvitationAnswered:
    """Take one answer (call inside a transaction). ``district_id`` restricts the code
    to one district (staff entering reply cards for their district)."""
    code = normalise_code(given.invitation_code)
    if code is None:
        raise invalid_code()
    digest = code_hash(secret, code)
    row = await conn.fetchrow(Q.claim_code, digest)
    if row is None or row["used_at"] is not None:
        raise invalid_code()
    if district_id is not None and row["district_id"] != district_id:
        raise invalid_code()
    deadline = row["response_deadline"]
    day = received_on or now.astimezone(BERLIN).date()
    if deadline is not None and day > deadline:
        raise AnswerRefused(
            410,
            "answer-window-closed",
            f"Die Antwortfrist ist am {deadline:%d.%m.%Y} abgelaufen; Antworten zählen nicht mehr.",
            f"The response window closed on {deadline:%Y-%m-%d}; answers no longer count.",
            "invitation_code",
        )
    missing = _missing_quota_attributes(given)
    if missing is not None:
        raise missing
    event = InvitationAnswered(
        invitee_id=row["invitee_id"],
        accepts=given.accepts,
        birth_year=given.birth_year,
        gender=given.gender,
        municipality=given.municipality,
        answered_at=now,
        channel=channel,
        email=given.email,
        phone=given.phone,
        language=given.language,
        accessibility_needs=given.accessibility_needs,
        quota_answers=given.quota_answers,
    )
    await conn.execute(Q.use_code, digest, now)
    await conn.fetchval(
        Q.insert_answer,
        row["invitee_id"],
        row["district_id"],
        channel.value,
        given.accepts,
        given.birth_year,
        given.gender,
        given.municipality,
        given.email,
        given.phone,
        given.language.value,
        [n.value for n in given.accessibility_needs],
        json.dumps(given.quota_answers),
        entered_by,
        now,
    )
    await outbox.append(conn, event, district_id=row["district_id"], producer=PRODUCER)
    return event
