"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, no library.

Invariants: the output is one well-formed ``<svg>`` element; every label is
HTML/XML-escaped; a grouped bar chart has exactly one ``<rect class="bar">`` per
category and series (a zero value is a bar of height 0), so the chart can be tested.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f6f8b", "#e07a1f", "#5a9b3c", "#a23e48", "#6b5b95")
_W, _H = 480, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 10, 56, 30
_ROTATE_FROM = 9
"""From this many categories on, or where labels do not fit, they are set at a slant."""
_VALUES_UP_TO = 24
"""Up to this many bars, each shows its value above it."""


def _nice_max(value: float) -> int:
    value = math.ceil(value)
    if value <= 5:
        return 5
    step = max(1, int(10 ** (len(str(value)) - 1)) // 2)
    return ((value + step - 1) // step) * step


def _number(value: float, unit: str) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    width: int = _W,
    height: int = _H,
    unit: str = "",
) -> str:
    """Grouped bars: one group per category, one bar per series within it. ``unit`` is
    appended to the numbers shown (e.g. ``" %"``). Without categories the chart says so."""
    names = list(series)
    for name in names:
        if len(series[name]) != len(categories):
            raise ValueError(f"series {name!r} has not one value per category")
    longest = max((len(c) for c in categories), default=0)
    room = (width - _LEFT - _RIGHT) / max(1, len(categories))
    slanted = len(categories) >= _ROTATE_FROM or longest * 6.5 > room
    bottom = _BOTTOM + (70 if slanted else 0)
    height += 70 if slanted else 0
    # Headroom above the tallest bar for its value label.
    top = _nice_max(1.12 * max((v for vs in series.values() for v in vs), default=0))
    if unit.strip() == "%":
        top = min(top, 100)  # a share never exceeds the whole
    plot_w = width - _LEFT - _RIGHT
    plot_h = height - _TOP - bottom
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(names))
    base = _TOP + plot_h
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{_LEFT}" y1="{base}" x2="{width - _RIGHT}" y2="{base}" stroke="#333"/>',
        f'<line x1="{_LEFT}" y1="{_TOP}" x2="{width - _RIGHT}" y2="{_TOP}" '
        f'stroke="#ddd" stroke-dasharray="3 3"/>',
        f'<text x="{_LEFT - 4}" y="{_TOP + 4}" font-size="10" text-anchor="end">'
        f"{escape(_number(top, unit))}</text>",
        f'<text x="{_LEFT - 4}" y="{base}" font-size="10" text-anchor="end">0</text>',
    ]
    if not categories:
        parts.append(
            f'<text class="empty" x="{_LEFT + plot_w / 2:.1f}" y="{_TOP + plot_h / 2:.1f}" '
            f'font-size="12" fill="#666" text-anchor="middle">Noch keine Daten / no data yet</text>'
        )
    for c, category in enumerate(categories):
        x0 = _LEFT + c * group_w + group_w * 0.1
        for s, name in enumerate(names):
            value = series[name][c]
            h = plot_h * value / top
            x = x0 + s * bar_w
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(category)}, {escape(name)}: {escape(_number(value, unit))}"
                "</title></rect>"
            )
            if len(categories) * len(names) <= _VALUES_UP_TO:
                parts.append(
                    f'<text class="value" x="{x + bar_w / 2:.1f}" y="{base - h - 3:.1f}" '
                    f'font-size="11" text-anchor="middle">{escape(_number(value, unit))}</text>'
                )
        if len(categories) <= 40 or c % max(1, len(categories) // 40) == 0:
            cx = x0 + group_w * 0.4
            label = escape(category if len(category) <= 24 else category[:23] + "…")
            if slanted:
                parts.append(
                    f'<text x="{cx:.1f}" y="{base + 12}" font-size="11" text-anchor="end" '
                    f'transform="rotate(-40 {cx:.1f} {base + 12})">{label}</text>'
                )
            else:
                parts.append(
                    f'<text x="{cx:.1f}" y="{base + 15}" font-size="11" '
                    f'text-anchor="middle">{label}</text>'
                )
    x = 4.0
    for s, name in enumerate(names):
        parts.append(
            f'<rect class="legend" x="{x:.0f}" y="26" width="10" height="10" '
            f'fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 14:.0f}" y="35" font-size="12">{escape(name)}</text>'
        )
        x += 30 + 8 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def rate_bar(title: str, rate: float | None, *, width: int = 320, height: int = 48) -> str:
    """A horizontal bar filled to ``rate`` (0..1); 'keine Daten' when the rate is unknown."""
    inner = width - 20
    filled = 0.0 if rate is None else max(0.0, min(1.0, rate)) * inner
    label = "keine Daten" if rate is None else f"{round(rate * 100)} %"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{escape(title)}: {escape(label)}</title>"
        f'<text x="10" y="14" font-size="12">{escape(title)}: {escape(label)}</text>'
        f'<rect x="10" y="22" width="{inner}" height="16" fill="#ddd"/>'
        f'<rect class="bar" x="10" y="22" width="{filled:.1f}" height="16" fill="{PALETTE[0]}"/>'
        "</svg>"
    )
