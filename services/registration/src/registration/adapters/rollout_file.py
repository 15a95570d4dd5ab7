"""Reading the rollout configuration from its versioned TOML file.

A deployment replaces the file for a new rollout or region; the service reads it once at
start. Invariant: a file either yields a valid ``Rollout`` or raises one
``RolloutConfigError`` that lists *every* problem found, each with the file name and where
it is (district id, municipality, field), so the person editing the file can fix them in
one pass.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from registration.domain.rollout import BERLIN, Rollout

DEFAULT_ROLLOUT_FILE = "innovationsregion-mitteldeutschland-2019.toml"


class RolloutConfigError(ValueError):
    """The rollout file cannot be used; ``problems`` holds one line per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: invalid rollout configuration ({count}):\n{lines}")


def default_rollout_path() -> Path:
    """The shipped rollout: the Innovationsregion Mitteldeutschland, 2019/2020."""
    return Path(__file__).resolve().parents[1] / "rollouts" / DEFAULT_ROLLOUT_FILE


def load_rollout(
    path: Path | str | None = None, *, shift_first_workshop_to: date | None = None
) -> Rollout:
    """The rollout in ``path`` (the shipped one if None), its workshops optionally moved so
    the first is on ``shift_first_workshop_to`` (demos and tests)."""
    path = Path(path) if path is not None else default_rollout_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RolloutConfigError(str(path), [f"cannot read the file: {exc.strerror}"]) from exc
    rollout = parse_rollout(text, source=str(path))
    return rollout.shifted(shift_first_workshop_to) if shift_first_workshop_to else rollout


def load_demo_rollout(
    path: Path | str | None = None,
    *,
    days_until_first_workshop: int = 14,
    today: date | None = None,
) -> Rollout:
    """A rollout whose first workshop is ``days_until_first_workshop`` days after today
    (in Europe/Berlin): the shipped dates lie in the past."""
    today = today or datetime.now(BERLIN).date()
    return load_rollout(
        path, shift_first_workshop_to=today + timedelta(days=days_until_first_workshop)
    )


def parse_rollout(text: str, *, source: str = "<rollout>") -> Rollout:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RolloutConfigError(source, [f"not valid TOML: {exc}"]) from exc
    try:
        return Rollout.model_validate(raw)
    except ValidationError as exc:
        problems = [
            f"{_where(err['loc'], raw)}: {_what(err['type'], err['msg'])}"
            if err["loc"]
            else err["msg"]
            for err in exc.errors(include_url=False)
        ]
        raise RolloutConfigError(source, problems) from exc


_PLAIN = {
    "extra_forbidden": "unknown field (misspelt, or not part of this format_version)",
    "missing": "required field is missing",
}


def _what(error_type: str, message: str) -> str:
    return _PLAIN.get(error_type, message)


def _where(loc: tuple[int | str, ...], raw: dict[str, Any]) -> str:
    """``('districts', 3, 'municipalities', 0, 'postal_codes', 1)`` as
    ``district 'halle', municipality 'Halle (Saale)', postal_codes[1]``."""
    parts: list[str] = []
    node: Any = raw
    key: int | str | None = None
    for step in loc:
        node = _child(node, step)
        if isinstance(step, int) and key in ("districts", "municipalities"):
            label = _label(node, "district_id" if key == "districts" else "name")
            kind = "district" if key == "districts" else "municipality"
            parts[-1] = f"{kind} {label}" if label else f"{kind} #{step + 1}"
        elif isinstance(step, int):
            parts[-1] += f"[{step}]"
        else:
            parts.append(step)
        key = step
    return ", ".join(parts)


def _child(node: Any, step: int | str) -> Any:
    if isinstance(node, dict):
        return node.get(step)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return None


def _label(node: Any, field: str) -> str | None:
    value = node.get(field) if isinstance(node, dict) else None
    return repr(value) if isinstance(value, str) and value.strip() else None
