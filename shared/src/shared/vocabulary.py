"""The process's shared vocabulary: what every service names the same way, so that
figures and pages line up across services (e.g. reporting sets the register's
population by age band beside the participants by age band)."""

from __future__ import annotations

from typing import Final

FIELDS_OF_ACTION: Final[dict[str, tuple[str, str]]] = {
    "value_creation_and_innovation": (
        "Wertschöpfung und Innovation",
        "Value creation and innovation",
    ),
    "resources": ("Ressourcen", "Resources"),
    "energy": ("Energie", "Energy"),
    "mobility_and_logistics": ("Mobilität und Logistik", "Mobility and logistics"),
    "tourism_and_culture": ("Tourismus und Kultur", "Tourism and culture"),
}
"""The region's five fields of action (Handlungsfelder): id → (German, English)."""

AGE_BANDS: Final[tuple[tuple[int, int | None, str], ...]] = (
    (16, 24, "16-24"),
    (25, 34, "25-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 64, "55-64"),
    (65, 74, "65-74"),
    (75, None, "75+"),
)
"""Age bands of residents who may take part (16 and older): (lowest, highest, label)."""
