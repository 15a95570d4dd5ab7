"""Headless Chromium for the browser tests: Debian's chromium driven by Playwright.

Locally a missing browser skips these tests; in CI (CI=true) it fails them, so a
missing install step cannot pass as green.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("MITWIRKEN_TEST_ARTIFACTS", "test-artifacts"))

_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "Debian's chromium is not installed (README's test command installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


async def browser_page() -> AsyncIterator[object]:
    """A fresh page in a fresh headless Chromium; use as ``async for page in ...``."""
    from playwright.async_api import async_playwright

    executable = chromium_path()
    with tempfile.TemporaryDirectory(prefix="mitwirken-chromium-") as profile:
        async with async_playwright() as playwright:
            context = await playwright.chromium.launch_persistent_context(
                profile, executable_path=executable, headless=True, args=_FLAGS
            )
            try:
                page = context.pages[0] if context.pages else await context.new_page()
                yield page
            finally:
                await context.close()


def artifact_path(name: str) -> Path:
    """Where a test saves what a person may want to look at (screenshots, PDFs)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / name
