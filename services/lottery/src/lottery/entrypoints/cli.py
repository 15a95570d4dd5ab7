"""``mitwirken-verify FILE``: recompute a draw from its published audit record alone.

Exit code 0 and "match" when the record's outcome follows from its pool and seed
values; exit code 1 and the differences otherwise; 2 when the file cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lottery.domain.verifiable import verify


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: mitwirken-verify AUDIT_RECORD.json", file=sys.stderr)
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
    result = verify(record)
    if result.matches:
        print("match: the outcome follows from the pool and the public seed values")
        return 0
    print("mismatch:")
    for difference in result.differences:
        print(f"  - {difference}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
