"""Rendering messages from Jinja2 templates: a subject, a plain-text and an HTML part per
template and language (``templates/<lang>/<name>.subject|.txt|.html``).

HTML is autoescaped, so whatever a resident typed (a name with ``<``, an idea with a
script) arrives as text. Missing values fail loudly instead of leaving gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates"
LANGUAGES = ("de", "en")


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


class Renderer:
    def __init__(self, folder: Path = TEMPLATE_DIR) -> None:
        # Plain text and subjects are not HTML: escaping there would show "&amp;" to readers.
        self._text = {
            lang: Environment(
                loader=FileSystemLoader(folder / lang),
                autoescape=False,  # noqa: S701
                undefined=StrictUndefined,
                keep_trailing_newline=True,
            )
            for lang in LANGUAGES
        }
        self._html = {
            lang: Environment(
                loader=FileSystemLoader(folder / lang), autoescape=True, undefined=StrictUndefined
            )
            for lang in LANGUAGES
        }

    def render(self, template: str, language: str, values: dict[str, Any]) -> RenderedMessage:
        lang = language if language in LANGUAGES else "de"
        text_env, html_env = self._text[lang], self._html[lang]
        subject = text_env.get_template(f"{template}.subject").render(values).strip()
        return RenderedMessage(
            subject=" ".join(subject.split()),
            text=text_env.get_template(f"{template}.txt").render(values),
            html=html_env.get_template(f"{template}.html").render(values),
        )
