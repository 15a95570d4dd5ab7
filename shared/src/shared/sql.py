"""Named SQL blocks from ``.sql`` files, so queries stay visible next to the code using them.

A file holds blocks that start with ``-- name: some_query``; ``load_queries`` returns
them as attributes: ``Q = load_queries(path); await conn.fetch(Q.some_query, ...)``.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


class Queries(SimpleNamespace):
    def __getattr__(self, name: str) -> str:  # only reached for a missing name
        raise AttributeError(f"no SQL block named {name!r}")


def load_queries(path: Path) -> Queries:
    text = path.read_text(encoding="utf-8")
    parts = _NAME.split(text)
    blocks: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in blocks:
            raise ValueError(f"{path.name}: SQL block {name!r} is defined twice")
        blocks[name] = body.strip()
    return Queries(**blocks)
