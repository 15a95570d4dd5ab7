"""Dependency vulnerability audit of the locked environment (pip-audit over uv.lock).

Every pinned package of the lock file is checked against the public vulnerability
data (PyPI's advisory feed, or OSV with ``--service osv``). A known vulnerability fails
the run. Where the vulnerability data cannot be reached (a machine without internet),
nothing could be audited: the run says so plainly instead of reporting a clean result,
and fails only with ``--strict``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class AuditResult:
    audited: int
    skipped: int
    vulnerable: tuple[tuple[str, str, tuple[str, ...]], ...]  # name, version, advisory ids


def summarise(report: dict[str, object]) -> AuditResult:
    """Counts of a pip-audit JSON report: what was audited, skipped and found vulnerable."""
    dependencies = report.get("dependencies", [])
    assert isinstance(dependencies, list)
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = tuple(
        (d["name"], d.get("version", "?"), tuple(v["id"] for v in d["vulns"]))
        for d in audited
        if d.get("vulns")
    )
    return AuditResult(
        audited=len(audited), skipped=len(dependencies) - len(audited), vulnerable=vulnerable
    )


def run_audit(service: str) -> AuditResult:
    with tempfile.TemporaryDirectory(prefix="mitwirken-audit-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        subprocess.run(
            [
                "uv", "export", "--frozen", "--all-packages", "--no-emit-workspace",
                "--no-hashes", "--format", "requirements-txt", "--quiet",
                "--output-file", str(requirements),
            ],
            cwd=ROOT,
            check=True,
        )  # fmt: skip
        completed = subprocess.run(
            [
                sys.executable, "-m", "pip_audit", "--requirement", str(requirements),
                "--no-deps", "--disable-pip", "--progress-spinner", "off",
                "--format", "json", "--vulnerability-service", service,
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )  # fmt: skip
    if not completed.stdout.strip():
        # pip-audit could not produce a report at all (e.g. the service refused the connection).
        print(completed.stderr.strip()[-2000:], file=sys.stderr)
        return AuditResult(audited=0, skipped=0, vulnerable=())
    return summarise(json.loads(completed.stdout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=("pypi", "osv"), default="pypi")
    parser.add_argument(
        "--strict", action="store_true", help="fail when the vulnerability data is unreachable"
    )
    args = parser.parse_args(argv)
    result = run_audit(args.service)
    for name, version, advisories in result.vulnerable:
        print(f"VULNERABLE {name} {version}: {', '.join(advisories)}")
    if result.vulnerable:
        print(f"dependency audit: {len(result.vulnerable)} vulnerable package(s); update the lock")
        return 1
    if result.audited == 0:
        print(
            "dependency audit: the vulnerability data could not be reached, so no package was "
            f"audited ({result.skipped} skipped); this is not a clean result"
        )
        return 2 if args.strict else 0
    print(
        f"dependency audit: {result.audited} packages audited, no known vulnerabilities"
        + (f" ({result.skipped} could not be audited)" if result.skipped else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
