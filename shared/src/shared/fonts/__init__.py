"""Fonts shipped with the product, so letters and reports print every name the same on
any machine: DejaVu Sans covers Latin with diacritics, Greek, Cyrillic, Hebrew and Arabic
letters (licence in LICENSE-DejaVu.txt)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).parent

REGULAR = _HERE / "DejaVuSans.ttf"
BOLD = _HERE / "DejaVuSans-Bold.ttf"
