"""Print-ready letters as PDF (fpdf2), laid out after DIN 5008 form B.

Positions (millimetres from the top left of an A4 page): return-address line at the top
of the address field (20 mm from the left, 45 mm from the top, 85 × 45 mm), the
recipient from 62.7 mm, the date in the information block at 125 mm, the subject near
98.5 mm, body text from the left margin of 25 mm to 20 mm from the right edge; fold
marks at 105 mm and 210 mm, the punch mark at 148.5 mm.

Invariant: text is written with the shipped DejaVu fonts and never transliterated, so
any name the register holds prints as given (and is extractable from the PDF's text).
An invitation is two pages (letter and reply card); a seat confirmation is one page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import qrcode
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from notifications.domain.letters import InvitationLetter, SeatLetter, WorkshopFacts
from shared import fonts

INVITATION_PAGES = 2
SEAT_LETTER_PAGES = 1
LEFT, RIGHT_EDGE, WIDTH = 25.0, 190.0, 165.0
FONT = "DejaVu"


def qr_png(payload: str, box_size: int = 6) -> bytes:
    """A QR code as PNG bytes (medium error correction, a quiet zone of four modules)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size)
    code.add_data(payload)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()


def _document() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(LEFT, 20, 20)
    pdf.add_font(FONT, "", str(fonts.REGULAR))
    pdf.add_font(FONT, "B", str(fonts.BOLD))
    pdf.set_creator("mitwirken")
    return pdf


def _marks(pdf: FPDF) -> None:
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    for y, length in ((105.0, 5.0), (148.5, 7.0), (210.0, 5.0)):
        pdf.line(3, y, 3 + length, y)
    pdf.set_draw_color(0, 0, 0)


def _letterhead(pdf: FPDF, sender_line: str, lines: list[str], letter_date: str) -> None:
    _marks(pdf)
    pdf.set_font(FONT, "B", 13)
    pdf.set_xy(LEFT, 18)
    pdf.cell(WIDTH, 7, "Zukunftswerkstatt „Wie wollen wir 2040 leben?“")
    pdf.set_font(FONT, "", 9)
    pdf.set_xy(LEFT, 25)
    pdf.cell(WIDTH, 5, "Innovationsregion Mitteldeutschland")
    # Address field: return line in the additional-information zone, then the recipient.
    pdf.set_font(FONT, "", 7)
    pdf.set_xy(20 + 5, 45 + 12.7)
    pdf.cell(80, 4, sender_line)
    pdf.set_font(FONT, "", 10)
    y = 62.7
    for line in lines[:6]:
        pdf.set_xy(25, y)
        pdf.cell(80, 4.6, line)
        y += 4.6
    pdf.set_xy(125, 50)
    pdf.set_font(FONT, "", 9)
    pdf.cell(65, 5, f"Datum: {letter_date}")


def _paragraph(pdf: FPDF, text: str, size: float = 10.5, style: str = "", gap: float = 3) -> None:
    pdf.set_font(FONT, style, size)
    pdf.set_x(LEFT)
    pdf.multi_cell(WIDTH, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(gap)


def _when(w: WorkshopFacts) -> str:
    parts = [f"in {w.town}"]
    if w.date:
        parts.append(f"am {w.date}")
    if w.time:
        parts.append(f"von {w.time}")
    return " ".join(parts)


def add_invitation(pdf: FPDF, letter: InvitationLetter) -> None:
    """The invitation (page 1) and its reply card (page 2)."""
    a, w = letter.addressee, letter.workshop
    pdf.add_page()
    _letterhead(pdf, letter.sender_line, a.address_lines(), letter.letter_date)
    pdf.set_xy(LEFT, 98.5)
    _paragraph(pdf, f"Persönliche Einladung zur Zukunftswerkstatt in {w.town}", 12, "B", 4)
    _paragraph(pdf, f"Guten Tag {a.full_name},")
    _paragraph(
        pdf,
        "Sie wurden zufällig aus dem Melderegister ausgelost und sind herzlich eingeladen, "
        f"an der Zukunftswerkstatt {_when(w)} teilzunehmen"
        + (f" ({w.venue})" if w.venue else "")
        + ". Die Hälfte der Plätze geht an Menschen, die wie Sie per Los eingeladen "
        "werden, damit in der Werkstatt alle Altersgruppen und Orte vertreten sind. "
        "Die Teilnahme ist freiwillig und kostenlos.",
    )
    deadline = f" bis zum {letter.response_deadline}" if letter.response_deadline else ""
    _paragraph(pdf, f"So antworten Sie{deadline}:", style="B", gap=1)
    _paragraph(
        pdf,
        f"• im Internet unter {letter.answer_base_url}/antworten mit Ihrem Einladungscode "
        "(oder scannen Sie den QR-Code), oder\n"
        "• mit der beiliegenden Antwortkarte, die Sie ausgefüllt portofrei zurücksenden.",
    )
    top = pdf.get_y()
    pdf.set_xy(LEFT, top)
    pdf.set_font(FONT, "", 10)
    pdf.cell(100, 6, "Ihr persönlicher Einladungscode:")
    pdf.set_xy(LEFT, top + 6)
    pdf.set_font(FONT, "B", 18)
    pdf.cell(100, 10, letter.invitation_code)
    pdf.image(io.BytesIO(qr_png(letter.answer_url)), x=155, y=top - 2, w=32, h=32)
    pdf.set_xy(LEFT, top + 32)
    _paragraph(
        pdf,
        "You have been chosen at random from the population register and are invited to "
        f"the future workshop in {w.town}"
        + (f" on {w.date}" if w.date else "")
        + ". Please answer"
        + (f" by {letter.response_deadline}" if letter.response_deadline else "")
        + f" at {letter.answer_base_url}/antworten with your invitation code "
        f"{letter.invitation_code}, or return the enclosed reply card.",
        size=9,
    )
    _paragraph(pdf, "Mit freundlichen Grüßen\nIhr Team der Zukunftswerkstätten", gap=0)
    _reply_card(pdf, letter)


def _reply_card(pdf: FPDF, letter: InvitationLetter) -> None:
    pdf.add_page()
    pdf.set_xy(LEFT, 20)
    _paragraph(pdf, "Antwortkarte / Reply card", 14, "B", 2)
    _paragraph(pdf, f"Einladungscode / invitation code: {letter.invitation_code}", 12, "B", 2)
    _paragraph(pdf, letter.addressee.full_name, 10.5, "", 6)
    fields = [
        "☐ Ja, ich nehme teil. / Yes, I will take part.",
        "☐ Nein, ich nehme nicht teil. / No, I will not take part.",
        "Geburtsjahr / year of birth: ____________",
        "Geschlecht / gender: ☐ weiblich  ☐ männlich  ☐ divers  ☐ keine Angabe",
        "E-Mail (für die Bestätigung) / e-mail: ________________________________",
        "Telefon / phone: ________________________________",
        "Sprache / language: ☐ Deutsch  ☐ English",
        "Ich brauche / I need: ☐ stufenlosen Zugang  ☐ Gebärdensprache  ☐ Kinderbetreuung",
        "Datum, Unterschrift / date, signature: ________________________________",
    ]
    for line in fields:
        _paragraph(pdf, line, 10.5, "", 4)
    _paragraph(
        pdf,
        f"Bitte{' bis zum ' + letter.response_deadline if letter.response_deadline else ''} "
        f"zurücksenden an: {letter.sender_line}",
        9,
    )


def add_seat_letter(pdf: FPDF, letter: SeatLetter) -> None:
    """The seat confirmation for a register participant without e-mail: one page."""
    a, w = letter.addressee, letter.workshop
    pdf.add_page()
    _letterhead(pdf, letter.sender_line, a.address_lines(), letter.letter_date)
    pdf.set_xy(LEFT, 98.5)
    _paragraph(pdf, "Ihr Platz in der Zukunftswerkstatt", 12, "B", 4)
    _paragraph(pdf, f"Guten Tag {a.full_name},")
    _paragraph(
        pdf,
        f"vielen Dank für Ihre Antwort. Sie haben einen Platz in der Zukunftswerkstatt {_when(w)}"
        + (f", Ort: {w.venue}" if w.venue else "")
        + ". Wenn Sie Unterstützung brauchen (stufenloser Zugang, Gebärdensprache oder "
        "Kinderbetreuung), melden Sie sich bitte bei uns.",
    )
    _paragraph(
        pdf,
        "Bitte bringen Sie diesen Brief mit: Der QR-Code ist Ihr persönlicher Check-in.",
    )
    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(letter.checkin_code)), x=LEFT, y=top, w=35, h=35)
    pdf.set_xy(LEFT + 40, top + 12)
    pdf.set_font(FONT, "", 8)
    pdf.cell(120, 5, letter.checkin_code)
    pdf.set_xy(LEFT, top + 40)
    _paragraph(
        pdf,
        f"You have a seat at the future workshop in {w.town}"
        + (f" on {w.date}" if w.date else "")
        + (f", {w.time}" if w.time else "")
        + ". Please bring this letter: the QR code is your personal check-in.",
        size=9,
    )
    _paragraph(pdf, "Mit freundlichen Grüßen\nIhr Team der Zukunftswerkstätten", gap=0)


def _output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def invitation_pdf(letter: InvitationLetter) -> bytes:
    pdf = _document()
    add_invitation(pdf, letter)
    return _output(pdf)


def seat_letter_pdf(letter: SeatLetter) -> bytes:
    pdf = _document()
    add_seat_letter(pdf, letter)
    return _output(pdf)


def merged_pdf(letters: Iterable[InvitationLetter | SeatLetter]) -> bytes:
    """One document for the print shop: the letters in the order given."""
    pdf = _document()
    for letter in letters:
        if isinstance(letter, InvitationLetter):
            add_invitation(pdf, letter)
        else:
            add_seat_letter(pdf, letter)
    return _output(pdf)
