"""Charts as inline SVG, drawn on the server: no JavaScript, no CDN, no library.

Invariants: the output is one well-formed ``<svg>`` element; every label is
HTML/XML-escaped; a grouped bar chart has exactly one ``<rect class="bar">`` per
category and series (a zero value is a bar of height 0), so the chart can be tested.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#1f6f8b", "#e07a1f", "#5a9b3c", "#a23e48", "#6b5b95")
_W, _H = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 10, 30, 50


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = int(10 ** (len(str(value)) - 1))
    return ((value + step - 1) // step) * step


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[int]],
    *,
    width: int = _W,
    height: int = _H,
) -> str:
    """Grouped bars: one group per category, one bar per series within it."""
    names = list(series)
    for name in names:
        if len(series[name]) != len(categories):
            raise ValueError(f"series {name!r} has not one value per category")
    top = _nice_max(max((v for vs in series.values() for v in vs), default=0))
    plot_w = width - _LEFT - _RIGHT
    plot_h = height - _TOP - _BOTTOM
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(names))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{_LEFT}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{width - _RIGHT}" '
        f'y2="{_TOP + plot_h}" stroke="#333"/>',
        f'<text x="{_LEFT - 4}" y="{_TOP + 4}" font-size="10" text-anchor="end">{top}</text>',
        f'<text x="{_LEFT - 4}" y="{_TOP + plot_h}" font-size="10" text-anchor="end">0</text>',
    ]
    for c, category in enumerate(categories):
        x0 = _LEFT + c * group_w + group_w * 0.1
        for s, name in enumerate(names):
            value = series[name][c]
            h = plot_h * value / top
            x = x0 + s * bar_w
            y = _TOP + plot_h - h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(category)}, {escape(name)}: {value}</title></rect>"
            )
        if len(categories) <= 16 or c % max(1, len(categories) // 16) == 0:
            parts.append(
                f'<text x="{x0 + group_w * 0.4:.1f}" y="{_TOP + plot_h + 14}" font-size="10" '
                f'text-anchor="middle">{escape(category)}</text>'
            )
    for s, name in enumerate(names):
        x = _LEFT + s * 140
        parts.append(
            f'<rect class="legend" x="{x}" y="{height - 16}" width="10" height="10" '
            f'fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="{height - 7}" font-size="11">{escape(name)}</text>'
        )
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
