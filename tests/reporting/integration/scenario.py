"""A realistic run of events for two districts, and the figures it must produce."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from shared import topics
from shared.events import Envelope, Event
from shared.events.common import Applicant, Channel, PostalAddress
from shared.events.lottery import (
    DrawCommitted,
    InvitationsDrawn,
    Invitee,
    LotteryDrawn,
    PanelDrawn,
    ParticipantPromoted,
    PopulationCount,
    RegisterImported,
    SeatOffered,
)
from shared.events.notifications import NotificationFailed, NotificationSent
from shared.events.registration import (
    ApplicationConfirmed,
    ApplicationReceived,
    ApplicationsClosed,
    ApplicationWithdrawn,
    IdeaSubmitted,
    InvitationAnswered,
    PersonalDataErased,
    WorkshopScheduled,
)
from tests.support.kafka import produce

HOSTILE = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)"]
SCRIPT = "<script>alert('x')</script> Mehr Busse"
NOW = datetime.now(UTC).replace(microsecond=0)
DAY1 = datetime(2024, 3, 4, 10, tzinfo=UTC)
DAY2 = datetime(2024, 3, 5, 10, tzinfo=UTC)


@dataclass
class Scenario:
    by_topic: dict[tuple[str, str], list[bytes]] = field(default_factory=dict)
    count: int = 0

    def add(self, district: str, event: Event) -> None:
        envelope = Envelope.wrap(event, district_id=district, producer="test")
        self.by_topic.setdefault((event.topic, district), []).append(envelope.to_bytes())
        self.count += 1

    async def publish(self, bootstrap: str) -> None:
        for (topic, district), values in self.by_topic.items():
            await produce(bootstrap, topic, values, key=topics.partition_key(district))


def applicant(i: int, municipality: str) -> Applicant:
    return Applicant(
        given_name=f"Vorname{i}",
        family_name=f"Nachname{i}",
        birth_year=1950 + 10 * (i % 5),
        address=PostalAddress(
            street="Lindenstraße",
            house_number=str(i),
            postal_code="06108",
            municipality=municipality,
        ),
        email=f"person{i}@example.org",
    )


def received(app_id: uuid.UUID, i: int, channel: Channel, at: datetime) -> ApplicationReceived:
    return ApplicationReceived(
        application_id=app_id,
        channel=channel,
        applicant=applicant(i, "Halle (Saale)"),
        received_at=at,
    )


def build() -> tuple[Scenario, dict[str, uuid.UUID]]:
    s = Scenario()
    ids = {f"a{i}": uuid.uuid4() for i in range(1, 7)}
    ids |= {f"i{i}": uuid.uuid4() for i in range(1, 6)}
    ids["draw"] = uuid.uuid4()
    d = "halle"
    s.add(
        d,
        WorkshopScheduled(
            workshop_date=date(2030, 11, 8),
            town="Halle (Saale)",
            applicant_seats=3,
            register_seats=2,
            application_deadline=NOW + timedelta(days=10),
            venue="Stadthaus",
        ),
    )
    channels = [
        Channel.WEB,
        Channel.WEB,
        Channel.WEB,
        Channel.REPLY_CARD,
        Channel.WEB,
        Channel.REPLY_CARD,
    ]
    for i, channel in enumerate(channels, start=1):
        s.add(d, received(ids[f"a{i}"], i, channel, DAY1 if i <= 4 else DAY2))
    for i in range(1, 5):
        s.add(d, ApplicationConfirmed(application_id=ids[f"a{i}"], confirmed_at=DAY2))
    for text, field_of_action in [
        ("Mehr Radwege", "Mobilität und Logistik"),
        (SCRIPT, "Mobilität und Logistik"),
        ("Solardächer auf Schulen", "Energie"),
        *[(h, None) for h in HOSTILE],
    ]:
        s.add(
            d,
            IdeaSubmitted(
                idea_id=uuid.uuid4(),
                text=text,
                field_of_action=field_of_action,
                author_name="Geheim",
                author_email="geheim@example.org",
                submitted_at=DAY1,
            ),
        )
    s.add(d, ApplicationsClosed(deadline=DAY2, received=6, confirmed=4, lapsed=2))
    s.add(
        d,
        DrawCommitted(
            draw_id=ids["draw"],
            kind="applicants",
            pool_size=4,
            pool_hash="ab" * 32,
            algorithm="rfc3797-sha256-v1",
            randomness_source="Lotto 6aus49, 2024-03-09",
        ),
    )
    s.add(
        d,
        LotteryDrawn(
            draw_id=ids["draw"],
            seated=(ids["a1"], ids["a2"], ids["a3"]),
            waitlist=(ids["a4"],),
            audit_reference="/draws/halle/applicants",
        ),
    )
    s.add(d, ApplicationWithdrawn(application_id=ids["a2"], withdrawn_at=NOW))
    s.add(d, SeatOffered(application_id=ids["a4"], waitlist_position=1, offered_at=NOW))
    s.add(d, ParticipantPromoted(application_id=ids["a4"], waitlist_position=1, replaces=ids["a2"]))
    s.add(
        d,
        RegisterImported(
            import_id=uuid.uuid4(),
            records_accepted=1000,
            records_rejected=0,
            records_blocked=0,
            population=tuple(
                PopulationCount(age_band=a, gender=g, municipality=m, count=n)
                for a, g, m, n in POPULATION
            ),
        ),
    )
    for wave, numbers in ((1, (1, 2, 3)), (2, (4,))):
        s.add(d, invitations(ids, wave, numbers))
    s.add(
        d,
        InvitationAnswered(
            invitee_id=ids["i1"],
            accepts=True,
            birth_year=1980,
            gender="female",
            municipality="Halle (Saale)",
            answered_at=DAY2,
        ),
    )
    s.add(
        d,
        InvitationAnswered(
            invitee_id=ids["i2"], accepts=False, answered_at=DAY2, channel=Channel.REPLY_CARD
        ),
    )
    s.add(
        d,
        InvitationAnswered(
            invitee_id=ids["i4"],
            accepts=True,
            birth_year=1990,
            gender="male",
            municipality="Halle (Saale)",
            answered_at=DAY2,
            channel=Channel.REPLY_CARD,
        ),
    )
    s.add(
        d,
        PanelDrawn(
            draw_id=uuid.uuid4(),
            seated=(ids["i1"],),
            reserves=(ids["i4"],),
            selection_method="leximin",
            minimum_probability=0.25,
            panel_count=4,
            panel_index=2,
            audit_reference="/draws/halle/register",
        ),
    )
    n4 = uuid.uuid4()
    for nid, failed, permanent in [
        (uuid.uuid4(), False, False),
        (uuid.uuid4(), False, False),
        (uuid.uuid4(), False, False),
        (n4, True, False),
        (n4, False, False),
        (uuid.uuid4(), True, True),
    ]:
        common = dict(
            notification_id=nid,
            template="confirmation_request",
            channel="email",
            recipient_ref=ids["a1"],
            source_event_id=uuid.uuid4(),
        )
        s.add(
            d,
            NotificationFailed(**common, reason="smtp 451", permanent=permanent)
            if failed
            else NotificationSent(**common),
        )

    e = "leipzig"
    s.add(
        e,
        WorkshopScheduled(
            workshop_date=date(2031, 1, 24),
            town="Leipzig",
            applicant_seats=30,
            register_seats=30,
            application_deadline=NOW + timedelta(days=20),
        ),
    )
    for i in (7, 8):
        app_id = uuid.uuid4()
        s.add(e, received(app_id, i, Channel.WEB, DAY2))
        if i == 7:
            s.add(e, ApplicationConfirmed(application_id=app_id, confirmed_at=DAY2))
    s.add(
        e,
        IdeaSubmitted(
            idea_id=uuid.uuid4(),
            text="Straßenbahn bis Markkleeberg",
            field_of_action="Mobilität und Logistik",
            submitted_at=DAY2,
        ),
    )
    # Leipzig's retention ends: its names go. A wave of invitations published on another
    # topic may be read after the erasure (in a rebuild): its names must not be kept.
    s.add(
        e,
        PersonalDataErased(
            workshop_date=date(2031, 1, 24), retention_days=90, erased_at=DAY2 + timedelta(1)
        ),
    )
    s.add(e, invitations(ids, 1, (5,)))
    return s, ids


POPULATION = [
    ("25-34", "female", "Halle (Saale)", 200),
    ("35-44", "male", "Halle (Saale)", 200),
    ("55-64", "female", "Halle (Saale)", 300),
    ("65-74", "male", "Ammendorf", 300),
]


def invitations(ids: dict[str, uuid.UUID], wave: int, numbers: tuple[int, ...]) -> InvitationsDrawn:
    return InvitationsDrawn(
        draw_id=uuid.uuid4(),
        audit_reference="/draws/register",
        wave=wave,
        invitees=tuple(
            Invitee(
                invitee_id=ids[f"i{i}"],
                invitation_code=f"C{i}",
                given_name=f"Geladen{i}",
                family_name=f"Register{i}",
                street="Markt",
                house_number="1",
                postal_code="06108",
                municipality="Halle (Saale)",
            )
            for i in numbers
        ),
    )
