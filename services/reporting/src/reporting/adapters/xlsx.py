"""Workbooks for the exports (XLSX, written with openpyxl).

Invariant: a workbook holds values only, never a formula. Every text cell goes through
``reporting.domain.spreadsheet.neutralise`` (a leading ``=``, ``+``, ``-``, ``@``, tab or
carriage return gets a ``'``) and is stored with the string type, so neither the writer
nor a spreadsheet program reads it as a formula; numbers stay numbers. Characters XML
cannot carry (control characters) are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from reporting.domain.spreadsheet import Cell, neutralise

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _put(sheet: object, row: int, column: int, value: Cell) -> None:
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)  # type: ignore[attr-defined]
    if isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    cell.data_type = "s"


def workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet named ``title`` with a bold header row and the rows below it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    for column, name in enumerate(header, start=1):
        _put(sheet, 1, column, name)
        sheet.cell(row=1, column=column).font = Font(bold=True)
    for r, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            _put(sheet, r, column, value)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
