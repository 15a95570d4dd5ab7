"""Use cases of intake: an application arrives (web, event or reply card), is confirmed,
or is withdrawn. Each runs inside the caller's transaction, so the state change and
the events it causes commit together (the HTTP route opens the transaction; for the
event path it is the inbox's).

Invariant: an application is only stored while its district is open; the district's
shared lock is held until commit, so the closing barrier cannot overtake it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from registration.adapters import repository
from registration.adapters.links import LinkError, LinkSigner
from registration.domain import refusals
from registration.domain.applications import Application, assess, new_application
from registration.domain.refusals import Refusal
from registration.service.districts import DistrictBook
from shared.events import Envelope
from shared.events.common import Applicant, Channel
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationWithdrawn,
)
from shared.messaging import outbox

PRODUCER = "registration"
CONFIRM = "confirm"
WITHDRAW = "withdraw"


class Refused(Exception):
    """The application does not count; ``refusals`` says why (nothing was stored)."""

    def __init__(self, found: list[Refusal]) -> None:
        super().__init__(", ".join(r.code for r in found))
        self.refusals = found


@dataclass(frozen=True, slots=True)
class Submission:
    district_id: str
    applicant: Applicant
    channel: Channel
    consent_text_version: str | None = None
    submission_id: uuid.UUID | None = None
    card_id: str | None = None
    received_on: date | None = None


@dataclass(frozen=True, slots=True)
class Links:
    signer: LinkSigner
    public_base_url: str

    def confirmation_url(self, application_id: uuid.UUID) -> str:
        token = self.signer.sign(application_id, CONFIRM)
        return f"{self.public_base_url}/bestaetigen?token={token}"

    def withdrawal_url(self, application_id: uuid.UUID) -> str:
        token = self.signer.sign(application_id, WITHDRAW)
        return f"{self.public_base_url}/zurueckziehen?token={token}"


class DistrictGate:
    """Whether a district takes applications, asked of the database once per transaction:
    the first question takes the district's shared barrier lock, held until commit, so
    the answer holds for the rest of the transaction. One gate serves one transaction."""

    def __init__(self) -> None:
        self._open: dict[str, bool] = {}

    async def is_open(self, conn: asyncpg.Connection, district_id: str) -> bool:
        if district_id not in self._open:
            self._open[district_id] = await repository.district_open_for_applications(
                conn, district_id
            )
        return self._open[district_id]


async def submit(
    conn: asyncpg.Connection,
    submission: Submission,
    *,
    districts: DistrictBook,
    links: Links,
    now: datetime,
    causation: Envelope | None = None,
) -> Application:
    """Accept the application or raise Refused. Runs inside the caller's transaction."""
    [outcome] = await submit_many(
        conn, [submission], districts=districts, links=links, now=now, causation=causation
    )
    if isinstance(outcome, Refused):
        raise outcome
    return outcome


async def submit_many(
    conn: asyncpg.Connection,
    submissions: Sequence[Submission],
    *,
    districts: DistrictBook,
    links: Links,
    now: datetime,
    causation: Envelope | None = None,
) -> list[Application | Refused]:
    """Accept or refuse each submission, in its order, inside the caller's transaction:
    the checks one by one (each district's barrier once), then one insert of all
    accepted applications and one append of their events. A refused submission writes
    nothing; a second application of the same person is refused, also within the batch."""
    gate = DistrictGate()
    outcomes: list[Application | Refused] = []
    for submission in submissions:
        try:
            outcomes.append(await _admit(conn, submission, districts=districts, now=now, gate=gate))
        except Refused as refused:
            outcomes.append(refused)
    stored = await repository.insert_applications(
        conn, [o for o in outcomes if isinstance(o, Application)]
    )
    events: list[tuple[str, Envelope]] = []
    for i, (submission, outcome) in enumerate(zip(submissions, outcomes, strict=True)):
        if isinstance(outcome, Refused):
            continue
        if outcome.application_id not in stored:
            outcomes[i] = Refused([refusals.already_applied()])
            continue
        events += _received(outcome, submission, links=links, now=now, causation=causation)
    await outbox.append_envelopes(conn, events)
    return outcomes


async def _admit(
    conn: asyncpg.Connection,
    submission: Submission,
    *,
    districts: DistrictBook,
    now: datetime,
    gate: DistrictGate,
) -> Application:
    """The application to store, or Refused; reads, never writes."""
    terms = districts.terms(submission.district_id)
    if terms is None:
        raise Refused([refusals.unknown_district(submission.district_id, districts.ids())])
    found = assess(
        submission.applicant,
        channel=submission.channel,
        terms=terms,
        now=now,
        consent_text_version=submission.consent_text_version,
        received_on=submission.received_on,
    )
    if found:
        raise Refused(found)
    if submission.submission_id is not None:
        earlier = await repository.find_by_submission(conn, submission.submission_id)
        if earlier is not None:  # the same submission sent again: nothing new happens
            raise Refused([refusals.already_applied()])
    if not await gate.is_open(conn, submission.district_id):
        raise Refused([refusals.deadline_passed(terms.application_deadline)])
    if submission.card_id is not None and await repository.card_exists(
        conn, submission.district_id, submission.card_id
    ):
        raise Refused([refusals.card_already_imported()])
    return new_application(
        submission.district_id,
        submission.applicant,
        channel=submission.channel,
        received_at=now,
        submission_id=submission.submission_id,
        card_id=submission.card_id,
        consent_text_version=submission.consent_text_version,
    )


def _received(
    application: Application,
    submission: Submission,
    *,
    links: Links,
    now: datetime,
    causation: Envelope | None,
) -> list[tuple[str, Envelope]]:
    """ApplicationReceived, and for a reply card (which needs no opt-in) its confirmation."""
    web = submission.channel is Channel.WEB
    application_id = application.application_id
    received = ApplicationReceived(
        application_id=application_id,
        channel=submission.channel,
        applicant=submission.applicant,
        received_at=now,
        confirmation_url=links.confirmation_url(application_id) if web else None,
        withdrawal_url=links.withdrawal_url(application_id),
    )
    envelope = Envelope.wrap(
        received, district_id=submission.district_id, producer=PRODUCER, causation=causation
    )
    events = [(received.topic, envelope)]
    if not web:
        confirmed = ApplicationConfirmed(application_id=application_id, confirmed_at=now)
        events.append(
            (
                confirmed.topic,
                Envelope.wrap(
                    confirmed,
                    district_id=submission.district_id,
                    producer=PRODUCER,
                    causation=envelope,
                ),
            )
        )
    return events


async def confirm(
    conn: asyncpg.Connection, token: str, *, links: Links, max_age_s: int, now: datetime
) -> uuid.UUID:
    """Confirm a web application through its link; confirming twice is harmless."""
    try:
        application_id = links.signer.read(token, CONFIRM, max_age_s)
    except LinkError:
        raise Refused([refusals.invalid_link()]) from None
    row = await repository.get_application(conn, application_id)
    if row is None:
        raise Refused([refusals.invalid_link()])
    if row["status"] == "confirmed":
        return application_id
    if row["status"] != "pending_confirmation" or not (
        await repository.district_open_for_applications(conn, row["district_id"])
    ):
        raise Refused([refusals.not_confirmable()])
    await repository.confirm(conn, application_id, now)
    await outbox.append(
        conn,
        ApplicationConfirmed(application_id=application_id, confirmed_at=now),
        district_id=row["district_id"],
        producer=PRODUCER,
    )
    return application_id


async def withdraw(
    conn: asyncpg.Connection, application_id: uuid.UUID, *, now: datetime, by_staff: bool
) -> bool:
    """Withdraw an application; returns False when it was not active (nothing emitted)."""
    row = await repository.get_application(conn, application_id)
    if row is None or not await repository.withdraw(conn, application_id, now):
        return False
    await outbox.append(
        conn,
        ApplicationWithdrawn(application_id=application_id, withdrawn_at=now, by_staff=by_staff),
        district_id=row["district_id"],
        producer=PRODUCER,
    )
    return True


def withdrawal_token_application(token: str, links: Links, max_age_s: int) -> uuid.UUID:
    try:
        return links.signer.read(token, WITHDRAW, max_age_s)
    except LinkError:
        raise Refused([refusals.invalid_link()]) from None
