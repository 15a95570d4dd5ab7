"""Why an application or idea does not count, in words a resident understands.

Each refusal has a stable code (for clients and tests), the field at fault, and a
message in German and English. Messages never repeat the input back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True, slots=True)
class Refusal:
    code: str
    field: str | None
    de: str
    en: str
    status: int = 422


def deadline_passed(deadline: datetime) -> Refusal:
    local = deadline.astimezone(BERLIN)
    return Refusal(
        "deadline-passed",
        "district_id",
        f"Die Anmeldefrist ist abgelaufen: Bewerbungen waren bis {local:%d.%m.%Y, %H:%M} Uhr "
        "möglich.",
        f"The application deadline has passed: applications were possible until "
        f"{local:%Y-%m-%d %H:%M} (Europe/Berlin).",
        status=409,
    )


def unknown_district(district_id: str, known: list[str]) -> Refusal:
    return Refusal(
        "unknown-district",
        "district_id",
        "Diesen Landkreis bzw. diese Stadt gibt es in diesem Beteiligungsprozess nicht. "
        f"Möglich sind: {', '.join(known)}.",
        f"This district is not part of this process. Known districts: {', '.join(known)}.",
    )


def outside_district() -> Refusal:
    return Refusal(
        "outside-district",
        "applicant.address",
        "Die Adresse liegt nicht im Landkreis bzw. der Stadt der Zukunftswerkstatt: "
        "Postleitzahl und Gemeinde passen nicht zu diesem Landkreis.",
        "The address is not in the workshop's district: postal code and municipality do "
        "not belong to this district.",
    )


def address_required() -> Refusal:
    return Refusal(
        "address-required",
        "applicant.address",
        "Bitte geben Sie Ihre Wohnadresse an: nur Einwohnerinnen und Einwohner des "
        "Landkreises können teilnehmen.",
        "Please give your home address: only residents of the district can take part.",
    )


def birth_year_required() -> Refusal:
    return Refusal(
        "birth-year-required",
        "applicant.birth_year",
        "Bitte geben Sie Ihr Geburtsjahr an.",
        "Please give your year of birth.",
    )


def email_required() -> Refusal:
    return Refusal(
        "email-required",
        "applicant.email",
        "Für eine Bewerbung über die Website ist eine E-Mail-Adresse nötig, um sie zu bestätigen.",
        "A web application needs an e-mail address to confirm it.",
    )


def consent_required() -> Refusal:
    return Refusal(
        "consent-required",
        "consent",
        "Ohne Ihre Einwilligung in die Verarbeitung Ihrer Daten können wir die Bewerbung "
        "nicht annehmen.",
        "Without your consent to the processing of your personal data we cannot accept "
        "the application.",
    )


def already_applied() -> Refusal:
    return Refusal(
        "already-applied",
        None,
        "Für diese Person liegt bereits eine Bewerbung vor. Jede Person kann sich nur einmal "
        "bewerben; die erste Bewerbung bleibt gültig.",
        "An application for this person already exists. Everyone can apply only once; the "
        "first application stays valid.",
        status=409,
    )


def card_already_imported() -> Refusal:
    return Refusal(
        "card-already-imported",
        "card_id",
        "Diese Antwortpostkarte wurde bereits erfasst.",
        "This reply card has already been entered.",
        status=409,
    )


def invalid_link() -> Refusal:
    return Refusal(
        "invalid-link",
        "token",
        "Der Link ist ungültig oder abgelaufen.",
        "The link is invalid or has expired.",
        status=400,
    )


def not_confirmable() -> Refusal:
    return Refusal(
        "not-confirmable",
        "token",
        "Diese Bewerbung kann nicht mehr bestätigt werden (zurückgezogen oder nach Fristende).",
        "This application can no longer be confirmed (withdrawn, or the deadline has passed).",
        status=409,
    )


def card_received_late(deadline: datetime) -> Refusal:
    local = deadline.astimezone(BERLIN)
    return Refusal(
        "card-received-late",
        "received_on",
        f"Die Antwortpostkarte ist nach Fristende eingegangen (Frist bis {local:%d.%m.%Y, %H:%M} "
        "Uhr).",
        f"The reply card arrived after the deadline ({local:%Y-%m-%d %H:%M}, Europe/Berlin).",
        status=409,
    )


def invalid_email() -> Refusal:
    return Refusal(
        "invalid-email",
        "applicant.email",
        "Die E-Mail-Adresse ist ungültig. Bitte prüfen Sie sie.",
        "The e-mail address is not valid. Please check it.",
    )
