"""Spreadsheet safety for exports (CSV injection, OWASP "CSV Injection").

Invariant: no exported text cell starts with a character a spreadsheet reads as the
start of a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return); such a value is
prefixed with a single quote, which spreadsheets show as text and do not evaluate.
Numbers are written as numbers and need no neutralising.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | None


def neutralise(value: Cell) -> str:
    """The text of one cell, safe to open in a spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values: Iterable[Cell]) -> list[str]:
    return [neutralise(v) for v in values]
