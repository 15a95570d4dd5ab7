"""Registration's rules without I/O: who counts as the same person, who may apply when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from registration.domain.applications import Status, assess, new_application
from registration.domain.people import fold, person_key
from registration.domain.reply_cards import ReplyCard, RowError, read_cards
from shared.events.common import Applicant, Channel
from tests.registration.support import applicant, book


def test_spelling_variants_are_the_same_person() -> None:
    assert fold("Müller-Lüdenscheidt") == fold("mueller ludenscheidt".replace("lu", "lue"))
    assert fold("Weiß") == fold("WEISS")
    assert fold("José") == fold("Jose")
    assert person_key("Jördis", "Weiß", 1984, "06108") == person_key(
        "joerdis", "WEISS", 1984, "06108"
    )
    assert person_key("Jördis", "Weiß", 1984, "06108") != person_key(
        "Jördis", "Weiß", 1985, "06108"
    )


def rules_for(district: str, **overrides: object) -> list[str]:
    terms = book().terms(district)
    assert terms is not None
    found = assess(
        Applicant.model_validate(applicant(**overrides)),
        channel=Channel.WEB,
        terms=terms,
        now=datetime.now(UTC),
        consent_text_version="v1",
    )
    return [r.code for r in found]


def test_a_resident_before_the_deadline_may_apply() -> None:
    assert rules_for("halle") == []


def test_the_refusals_name_each_problem() -> None:
    assert rules_for("closed-district") == ["deadline-passed", "outside-district"]
    assert rules_for("leipzig") == ["outside-district"]
    assert rules_for("halle", email=None, birth_year=None) == [
        "email-required",
        "birth-year-required",
    ]
    assert rules_for("halle", address=None) == ["address-required"]


def test_the_deadline_message_names_the_deadline_in_local_time() -> None:
    deadline = datetime(2019, 9, 5, 22, 0, tzinfo=UTC)  # 2019-09-06 00:00 in Berlin
    found = assess(
        Applicant.model_validate(applicant()),
        channel=Channel.WEB,
        terms=book(closed_deadline=deadline).terms("closed-district"),  # type: ignore[arg-type]
        now=deadline + timedelta(seconds=1),
        consent_text_version="v1",
    )
    assert "06.09.2019, 00:00" in found[0].de
    assert "2019-09-06 00:00" in found[0].en


def test_a_reply_card_counts_by_its_received_date() -> None:
    deadline = datetime(2019, 9, 5, 22, 0, tzinfo=UTC)
    terms = book(closed_deadline=deadline).terms("closed-district")
    assert terms is not None
    person = Applicant.model_validate(
        applicant(
            address={
                "street": "Markt",
                "house_number": "1",
                "postal_code": "06712",
                "municipality": "Zeitz",
            },
            email=None,
        )
    )
    late = datetime(2019, 9, 7, tzinfo=UTC)
    in_time = assess(
        person,
        channel=Channel.REPLY_CARD,
        terms=terms,
        now=late,
        consent_text_version=None,
        received_on=date(2019, 9, 5),
    )
    too_late = assess(
        person,
        channel=Channel.REPLY_CARD,
        terms=terms,
        now=late,
        consent_text_version=None,
        received_on=date(2019, 9, 6),
    )
    assert in_time == []
    assert [r.code for r in too_late] == ["card-received-late"]


def test_web_applications_wait_for_confirmation_and_cards_count_at_once() -> None:
    person = Applicant.model_validate(applicant())
    now = datetime.now(UTC)
    web = new_application("halle", person, channel=Channel.WEB, received_at=now)
    card = new_application("halle", person, channel=Channel.REPLY_CARD, received_at=now)
    assert (web.status, card.status) == (Status.PENDING_CONFIRMATION, Status.CONFIRMED)
    assert web.person_key == card.person_key


HEADER = (
    "card_id,district_id,given_name,family_name,street,house_number,postal_code,"
    "municipality,birth_year,gender,email,received_on,accessibility\n"
)


def test_reply_card_rows_are_read_one_by_one_with_reasons() -> None:
    text = HEADER + (
        "K1,halle,Ömer,Çelik,Marktplatz,1,06108,Halle (Saale),1950,m,,2026-11-01,"
        "step_free_access;childcare\n"
        "K2,halle,Anna,Schmidt,Marktplatz,2,6108,Halle (Saale),1990,w,,01.11.2026,\n"
        "K3,halle,Paul,Meier,Marktplatz,3,06108,Halle (Saale),1990,x,,2026-11-01,\n"
        ",halle,Paul,Meier,Marktplatz,3,06108,Halle (Saale),1990,m,,2026-11-01,\n"
        "K5,halle,Paul,Meier,Marktplatz,3,06108,Halle (Saale),1990,m,,gestern,\n"
    )
    rows = list(read_cards(text))
    card = rows[0]
    assert isinstance(card, ReplyCard)
    assert card.applicant.family_name == "Çelik"
    assert len(card.applicant.accessibility_needs) == 2
    errors = [r for r in rows if isinstance(r, RowError)]
    assert [(e.line, e.card_id) for e in errors] == [(3, "K2"), (4, "K3"), (5, None), (6, "K5")]
    assert errors[0].reason == "invalid value in: postal_code"
    assert "gender" in errors[1].reason
    assert "card_id is empty" in errors[2].reason
    assert "received_on is not a date" in errors[3].reason


def test_semicolon_separated_files_from_spreadsheets_are_read() -> None:
    text = HEADER.replace(",", ";") + (
        "K1;halle;Anna;Schmidt;Marktplatz;2;06108;Halle (Saale);1990;w;;01.11.2026;\n"
    )
    [row] = list(read_cards(text))
    assert isinstance(row, ReplyCard)
    assert row.received_on == date(2026, 11, 1)
