"""The benchmark suite still runs (quick mode: it proves the suite works, not speed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.run import main

pytestmark = pytest.mark.e2e


def test_quick_benchmark_produces_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    assert main(["--quick", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    names = {row["name"] for row in report["rows"]}
    assert any(n.startswith("intake: HTTP → published") for n in names)
    assert any(n.startswith("event handling: reporting") for n in names)
    assert any(n.startswith("replay: rebuild reporting") for n in names)
    assert any(n.startswith("register") for n in names), names
    assert any(n.startswith("panel") for n in names), names
    assert all(row["value"] > 0 for row in report["rows"]), report["rows"]
    assert report["machine"]["cpus"] >= 1
