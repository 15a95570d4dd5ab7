"""``mitwirken-verify FILE``: recompute a draw from its published audit record alone.

Exit code 0 and "match" when the record's outcome follows from its pool and seed
values; exit code 1 and the differences otherwise; 2 when the file cannot be read.
The same command checks the register panel's pick (a record of kind
``register_panel``: the seed picks the seated panel from the published list) and an
invitation wave (kind ``register_invitations``, with the published pool as a second
file: ``mitwirken-verify WAVE.json POOL.txt``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from lottery.domain import invitations
from lottery.domain.verifiable import verify


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("usage: mitwirken-verify AUDIT_RECORD.json [POOL.txt]", file=sys.stderr)
        return 2
    try:
        record = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"cannot read the audit record: {exc}", file=sys.stderr)
        return 2
    if isinstance(record, dict) and "audit_record" in record:
        record = record["audit_record"]
    if not isinstance(record, dict):
        print("the file holds no audit record (a JSON object)", file=sys.stderr)
        return 2
    if record.get("kind") in ("register_panel", "register_invitations"):
        return _register(record, args[1:])
    result = verify(record)
    if result.matches:
        print("match: the outcome follows from the pool and the public seed values")
        return 0
    print("mismatch:")
    for difference in result.differences:
        print(f"  - {difference}")
    return 1


def _register(record: dict[str, Any], pool_file: list[str]) -> int:
    if record["kind"] == "register_panel":
        from lottery.service.panel import verify_panel

        differences = verify_panel(record)
    else:
        if not pool_file:
            print("an invitation wave needs the published pool as a second file", file=sys.stderr)
            return 2
        try:
            differences = _invitation_differences(record, Path(pool_file[0]))
        except (OSError, KeyError, TypeError, ValueError) as exc:
            print(f"cannot read the wave or its pool: {exc}", file=sys.stderr)
            return 2
    if not differences:
        print("match: the outcome follows from the published list and the public seed")
        return 0
    print("mismatch:")
    for difference in differences:
        print(f"  - {difference}")
    return 1


def _invitation_differences(record: dict[str, Any], pool_path: Path) -> list[str]:
    text = pool_path.read_text(encoding="utf-8")
    differences = []
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != record["pool_hash"]:
        differences.append("the pool file's hash differs from the committed pool hash")
    pool = []
    for line in text.splitlines():
        person, band, gender, municipality = line.split("\t")
        pool.append((person, (band, gender, municipality)))
    allocation = {
        (a["age_band"], a["gender"], a["municipality"]): int(a["letters"])
        for a in record["allocation"]
    }
    invited = {tuple(k.split("\t")): v for k, v in record["invited"].items()}
    earlier = frozenset(record.get("invited_earlier", ()))
    check = invitations.verify_invitations(pool, allocation, record["seed"], invited, earlier)
    return differences + list(check.differences)


if __name__ == "__main__":
    raise SystemExit(main())
