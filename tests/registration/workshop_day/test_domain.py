"""The check-in code and the search pattern, as staff type or scan them."""

from __future__ import annotations

import uuid

from registration.domain.workshop_day import (
    check_in_code,
    check_in_refusal,
    name_pattern,
    parse_check_in_code,
)


def test_the_code_on_the_confirmation_reads_back_however_it_arrives() -> None:
    pid = uuid.uuid4()
    code = check_in_code("saalekreis", pid)
    assert code == f"MWCHECKIN:saalekreis:{pid}"
    for text in (code, f"  {code}\n", code.replace("MWCHECKIN", "mwcheckin")):
        parsed = parse_check_in_code(text)
        assert parsed is not None and (parsed.district_id, parsed.participant_id) == (
            "saalekreis",
            pid,
        )
    for text in ("", "hello", f"MWCHECKIN::{pid}", "MWCHECKIN:halle:not-a-uuid", f"QR:halle:{pid}"):
        assert parse_check_in_code(text) is None


def test_only_seat_holders_may_be_checked_in() -> None:
    assert check_in_refusal("seated", "confirmed") is None
    assert check_in_refusal("seated", None) is None  # register participant
    refusal = check_in_refusal("waitlisted", "confirmed")
    assert refusal is not None and refusal.code == "on-waitlist"
    for state, status in (("released", "confirmed"), ("seated", "withdrawn")):
        refusal = check_in_refusal(state, status)
        assert refusal is not None and refusal.code == "seat-given-up"


def test_the_search_takes_wildcards_literally_and_needs_two_letters() -> None:
    assert name_pattern(" a ") is None
    assert name_pattern("  Jördis   Weiß ") == "%Jördis Weiß%"
    assert name_pattern("50%_x") == "%50\\%\\_x%"
