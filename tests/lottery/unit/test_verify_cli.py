"""``mitwirken-verify`` on files as an auditor would download them."""

from __future__ import annotations

import json
from pathlib import Path

from lottery.domain.verifiable import commitment, perform
from lottery.entrypoints.cli import main


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_match_and_mismatch(tmp_path: Path, capsys: object) -> None:
    c = commitment(
        draw_id="d",
        district_id="halle",
        kind="applicants",
        pool=[f"p{i}" for i in range(40)],
        seats=30,
        randomness_source="-",
    )
    record = perform(c, [["1", "2", "3", "4", "5", "6"]])
    assert main([write(tmp_path, {"audit_record": record})]) == 0
    record["waitlist"] = list(reversed(record["waitlist"]))
    assert main([write(tmp_path, record)]) == 1
    assert main([str(tmp_path / "missing.json")]) == 2
