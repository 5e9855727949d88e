"""Charts drawn on the server as SVG: the same picture in the page, the PDF and the Word file.

The simplest honest drawing of a :class:`~improve.core.document.Chart`: bars (grouped or
stacked), lines, or a RAG grid with each status written in its cell. Every SVG carries the
chart's title as ``<title>`` and its text alternative as ``<desc>``, and is labelled by them, so a
screen reader announces what the chart shows; the renderers put the data table after it.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from html import escape

from improve.core.document import RAG_ORDER, Chart

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56
#: Series colours: GOV.UK blue, orange, turquoise, purple, pink, brown (distinct in grey too).
PALETTE = ("#1d70b8", "#f47738", "#28a197", "#4c2c92", "#d53880", "#b58840")
RAG_FILL = {"Red": "#d4351c", "Amber": "#ffdd00", "Green": "#00703c", "Blue": "#1d70b8", "": "#f3f2f1"}
RAG_TEXT = {"Red": "#ffffff", "Amber": "#0b0c0c", "Green": "#ffffff", "Blue": "#ffffff", "": "#0b0c0c"}


def _n(value: Decimal | int | None) -> float:
    return float(value) if value is not None else 0.0


def _label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def _scale(low: float, high: float) -> tuple[float, float, list[float]]:
    """A rounded axis from ``low`` to ``high`` with about five ticks."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / 5
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = step * (low // step)
    ticks = []
    tick = start
    while tick < high + step:
        ticks.append(tick)
        tick += step
    return ticks[0], ticks[-1], ticks


def _colour(series_name: str, index: int) -> str:
    """A series named after a RAG status takes its colour (its name is written in the key too)."""
    if series_name in ("Red", "Amber", "Green", "Blue"):
        return RAG_FILL[series_name]
    return PALETTE[index % len(PALETTE)]


def _open(chart: Chart, ident: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" class="io-chart" font-family="Arial, sans-serif" font-size="12">',
        f'<title id="{ident}-t">{escape(chart.title)}</title>',
        f'<desc id="{ident}-d">{escape(chart.description)}</desc>',
    ]


def _rag_grid(chart: Chart, ident: str) -> str:
    rows = len(chart.series)
    cols = max(len(chart.categories), 1)
    cell_w = (WIDTH - 120) / cols
    height = 28 + rows * 28
    out = _open(chart, ident, height)
    for c, category in enumerate(chart.categories):
        x = 120 + c * cell_w + cell_w / 2
        out.append(f'<text x="{x:.1f}" y="16" text-anchor="middle">{escape(category)}</text>')
    for r, series in enumerate(chart.series):
        y = 24 + r * 28
        out.append(f'<text x="4" y="{y + 18}">{escape(series.name)}</text>')
        for c, value in enumerate(series.values):
            index = int(value) if value is not None else 0
            rag = RAG_ORDER[index] if 0 <= index < len(RAG_ORDER) else ""
            x = 120 + c * cell_w
            out.append(
                f'<rect x="{x + 1:.1f}" y="{y}" width="{cell_w - 2:.1f}" height="26" fill="{RAG_FILL[rag]}" '
                'stroke="#b1b4b6"/>'
            )
            out.append(
                f'<text x="{x + cell_w / 2:.1f}" y="{y + 17}" text-anchor="middle" fill="{RAG_TEXT[rag]}">'
                f"{escape(rag or '–')}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG element (a string of markup), titled and described for screen readers."""
    ident = "c" + hashlib.sha1(f"{chart.title}|{chart.description}".encode(), usedforsecurity=False).hexdigest()[:8]
    if chart.chart == "rag-grid":
        return _rag_grid(chart, ident)
    categories = chart.categories or ("",)
    values = [[_n(v) for v in s.values] for s in chart.series]
    if chart.chart == "stacked-bar":
        highs = [sum(max(v[i], 0) for v in values if i < len(v)) for i in range(len(categories))]
        lows = [sum(min(v[i], 0) for v in values if i < len(v)) for i in range(len(categories))]
    else:
        flat = [x for v in values for x in v] or [0.0]
        highs, lows = [max(flat)], [min(flat)]
    low, high, ticks = _scale(min(lows, default=0.0), max(highs, default=0.0))
    plot_h = HEIGHT - TOP - BOTTOM
    plot_w = WIDTH - LEFT - RIGHT

    def y(value: float) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    out = _open(chart, ident, HEIGHT)
    for tick in ticks:
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#dddddd"/>'
            f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{_label(tick)}</text>'
        )
    if chart.unit:
        out.append(f'<text x="4" y="{TOP - 4 if TOP > 12 else 12}">{escape(chart.unit)}</text>')
    band = plot_w / len(categories)
    for i, category in enumerate(categories):
        out.append(
            f'<text x="{LEFT + band * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{escape(category)}</text>"
        )
    if chart.chart == "line":
        for s, series in enumerate(values):
            colour = _colour(chart.series[s].name, s)
            points = [
                (LEFT + band * (i + 0.5), y(v))
                for i, (v, raw) in enumerate(zip(series, chart.series[s].values, strict=False))
                if raw is not None
            ]
            path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            out.extend(f'<circle cx="{x:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for x, py in points)
    else:
        count = len(values) or 1
        for i in range(len(categories)):
            up = down = 0.0
            for s, series in enumerate(values):
                value = series[i] if i < len(series) else 0.0
                colour = _colour(chart.series[s].name, s)
                if chart.chart == "stacked-bar":
                    width = band * 0.6
                    x = LEFT + band * i + band * 0.2
                    base = up if value >= 0 else down
                    top, bottom = (y(base + value), y(base)) if value >= 0 else (y(base), y(base + value))
                    if value >= 0:
                        up += value
                    else:
                        down += value
                else:
                    width = band * 0.8 / count
                    x = LEFT + band * i + band * 0.1 + width * s
                    top, bottom = (y(value), y(0)) if value >= 0 else (y(0), y(value))
                out.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{width:.1f}" height="{max(bottom - top, 0):.1f}" '
                    f'fill="{colour}"/>'
                )
    out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#0b0c0c"/>')
    # the key: colour never alone, each series named beside its swatch
    x = LEFT
    for s, named in enumerate(chart.series):
        colour = _colour(named.name, s)
        out.append(
            f'<rect x="{x}" y="{HEIGHT - 22}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{HEIGHT - 12}">{escape(named.name)}</text>'
        )
        x += 28 + 7 * len(named.name)
    out.append("</svg>")
    return "".join(out)
