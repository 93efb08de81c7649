"""Bar charts drawn on the server as SVG markup: no JavaScript, colours as SVG attributes (the
Content-Security-Policy allows no inline styles or scripts), so they also work offline and in print.

Pure functions: data in, markup out. Every text is escaped; each chart is an `<svg role="img">` named by
its `<title>` and described by a `<desc>` that lists every value, for screen readers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Colour-blind-safe pairs (Okabe–Ito): blue for counts, vermilion for what is late.
BLUE = "#0072b2"
VERMILION = "#d55e00"
GREEN = "#009e73"
GREY = "#6b7580"

LABEL_WIDTH = 170
PLOT_WIDTH = 380
VALUE_WIDTH = 70
BAR_HEIGHT = 16
BAR_GAP = 3
GROUP_GAP = 10
LEGEND_HEIGHT = 24
FONT_SIZE = 13
MAX_LABEL_CHARS = 12
_CHART_ID = re.compile(r"[a-z][a-z0-9-]{0,63}")


@dataclass(frozen=True)
class Series:
    name: str
    colour: str = BLUE


@dataclass(frozen=True)
class Bar:
    """One row of the chart: its label and one value per series."""

    label: str
    values: tuple[float, ...]


def count_text(value: float) -> str:
    return f"{value:,.0f}"


def percent_text(value: float) -> str:
    return f"{value * 100:.1f}%"


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _description(bars: Sequence[Bar], series: Sequence[Series], text: Callable[[float], str]) -> str:
    if not bars:
        return "暂无数据"
    parts = []
    for bar in bars:
        values = "，".join(f"{s.name} {text(v)}" for s, v in zip(series, bar.values, strict=True))
        parts.append(f"{bar.label}：{values}")
    return "；".join(parts)


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    x = LABEL_WIDTH
    for item in series:
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{escape(item.colour)}"/>')
        parts.append(f'<text x="{x + 16}" y="15" fill="#1f2933">{escape(item.name)}</text>')
        x += 24 + FONT_SIZE * len(item.name)
    return parts


def _row(
    bar: Bar,
    series: Sequence[Series],
    y: float,
    group_height: float,
    scale_max: float,
    value_text: Callable[[float], str],
) -> list[str]:
    """One row at height `y`: its label (the whole of a shortened one as a tooltip), a bar and a value per series."""
    parts = ["<g>"]
    if bar.label != _short(bar.label):
        parts.append(f"<title>{escape(bar.label)}</title>")
    label_y = y + group_height / 2 + FONT_SIZE / 2 - 2
    parts.append(
        f'<text x="{LABEL_WIDTH - 8}" y="{label_y:.1f}" text-anchor="end" fill="#1f2933">'
        f"{escape(_short(bar.label))}</text>"
    )
    for index, (item, value) in enumerate(zip(series, bar.values, strict=True)):
        bar_y = y + index * (BAR_HEIGHT + BAR_GAP)
        length = PLOT_WIDTH * min(max(value, 0) / scale_max, 1) if scale_max > 0 else 0
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{escape(item.colour)}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4:.1f}" y="{bar_y + BAR_HEIGHT - 3}" fill="#1f2933">'
            f"{escape(value_text(value))}</text>"
        )
    parts.append("</g>")
    return parts


def bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    series: Sequence[Series],
    *,
    maximum: float | None = None,
    value_text: Callable[[float], str] = count_text,
) -> Markup:
    """A horizontal bar chart, one group of bars per row and one bar per series.

    `chart_id` makes the ids of the title and description unique on the page (lower-case letters, digits
    and hyphens); `maximum` fixes the scale (1.0 for shares), otherwise the largest value sets it."""
    if not _CHART_ID.fullmatch(chart_id):
        raise ValueError(f"chart id must be lower-case letters, digits and hyphens: {chart_id!r}")
    if not series or any(len(bar.values) != len(series) for bar in bars):
        raise ValueError("every bar needs one value per series")
    top = LEGEND_HEIGHT if len(series) > 1 else 4
    group_height = len(series) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
    height = top + max(len(bars), 1) * (group_height + GROUP_GAP) + 4
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    scale_max = maximum if maximum is not None else max((v for bar in bars for v in bar.values), default=0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_description(bars, series, value_text))}</desc>',
    ]
    if len(series) > 1:
        parts.extend(_legend(series))
    if not bars:
        parts.append(f'<text x="{LABEL_WIDTH}" y="{top + 14}" fill="{GREY}">暂无数据</text>')
    for row, bar in enumerate(bars):
        parts.extend(_row(bar, series, top + row * (group_height + GROUP_GAP), group_height, scale_max, value_text))
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top - 2}" x2="{LABEL_WIDTH}" y2="{height - 2}" stroke="{GREY}" '
        'stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
