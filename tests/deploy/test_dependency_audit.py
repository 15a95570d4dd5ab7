"""The dependency audit tells a vulnerable lock, a clean one and an unaudited one apart."""

from __future__ import annotations

from mitwirken.audit import summarise


def test_a_known_vulnerability_is_reported_with_its_advisories() -> None:
    report = {
        "dependencies": [
            {"name": "jinja2", "version": "2.10", "vulns": [{"id": "PYSEC-2019-217"}]},
            {"name": "httpx", "version": "0.28.1", "vulns": []},
        ]
    }
    result = summarise(report)
    assert result.audited == 2
    assert result.vulnerable == (("jinja2", "2.10", ("PYSEC-2019-217",)),)


def test_unreachable_vulnerability_data_is_not_a_clean_result() -> None:
    report = {
        "dependencies": [
            {"name": "aiokafka", "skip_reason": "Dependency not found on PyPI"},
            {"name": "httpx", "skip_reason": "Dependency not found on PyPI"},
        ]
    }
    result = summarise(report)
    assert (result.audited, result.skipped, result.vulnerable) == (0, 2, ())
