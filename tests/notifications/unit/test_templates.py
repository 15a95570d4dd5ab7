"""Every message renders in German and English, and what residents typed stays text."""

from __future__ import annotations

import pytest

from notifications.adapters.templates import LANGUAGES, Renderer
from notifications.domain.messages import TEMPLATES
from notifications.entrypoints.cli import SAMPLE, main


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_template_renders_in_every_language(template: str, language: str) -> None:
    message = Renderer().render(template, language, SAMPLE)
    assert message.subject and "\n" not in message.subject
    assert "Jördis" in message.text
    assert message.html.startswith("<!doctype html>")
    assert f'lang="{language}"' in message.html


def test_names_with_markup_stay_text_in_html() -> None:
    values = {**SAMPLE, "person": {"given_name": "<script>alert(1)</script>", "family_name": "B"}}
    message = Renderer().render("application_confirmed", "de", values)
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "<script>alert(1)</script>" in message.text  # plain text is not HTML


def test_render_cli_prints_a_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["waitlisted", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Subject: Lottery result: you are on the waitlist")
    assert "number 3 on the waitlist" in out
