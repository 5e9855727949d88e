"""The timeline (Gantt chart) of a plan, rendered on the server as one SVG.

Every line of the plan is drawn — nothing is truncated — with the stages as bands across the
top, finish-to-start (and other) dependencies as arrows, and a line for today. The SVG is built
as a list of strings, so thousands of lines render in milliseconds.

The chart spans at most the dates a programme may hold (:mod:`improve.core.validators`): a
date stored outside them, from before dates were checked, is drawn at the edge of the chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from improve.core.validators import EARLIEST_DATE, LATEST_DATE

LABEL_WIDTH = 380
ROW_HEIGHT = 22
HEADER_HEIGHT = 44
STAGE_HEIGHT = 24
MIN_CHART_WIDTH = 900
MAX_PX_PER_DAY = 3.0
MIN_PX_PER_DAY = 1.0

RAG_FILL = {"red": "#d4351c", "amber": "#f47738", "green": "#00703c", "": "#505a5f"}
STAGE_FILLS = ("#e8f1f8", "#d2e2f1")


@dataclass(frozen=True)
class Row:
    """One line of the chart: an item, or a group heading when ``heading`` is set."""

    key: str
    label: str
    start: dt.date | None = None
    end: dt.date | None = None
    start_tbd: bool = False
    end_tbd: bool = False
    kind: str = "deliverable"
    rag: str = ""
    level: int = 1
    heading: bool = False
    href: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Band:
    label: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    type: str = "FS"


def _month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months = []
    d = first.replace(day=1)
    while d <= last:
        months.append(d)
        d = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _clamp(d: dt.date) -> dt.date:
    """``d`` moved into the dates a programme may hold."""
    return min(max(d, EARLIEST_DATE), LATEST_DATE)


def date_range(rows: Sequence[Row], bands: Sequence[Band], today: dt.date) -> tuple[dt.date, dt.date]:
    dates = [d for r in rows for d in (r.start, r.end) if d] + [d for b in bands for d in (b.start, b.end) if d]
    if not dates:
        start = _clamp(today).replace(day=1)
        return start, start + dt.timedelta(days=365)
    first, last = _clamp(min(dates)), _clamp(max(dates))
    first = first.replace(day=1)
    last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)  # to the next month start
    return first, last


def render(
    rows: Sequence[Row],
    bands: Sequence[Band],
    links: Iterable[Link],
    *,
    today: dt.date,
    title: str,
    focus: dt.date | None = None,
) -> str:
    """The chart as HTML: a fixed column of line labels beside a chart that scrolls sideways.

    ``focus`` is the date the chart should open at; its position is in ``data-focus-x`` on the
    chart's ``<svg>`` for the page to scroll to.
    """
    first, last = date_range(rows, bands, today)
    days = max((last - first).days, 1)
    px_per_day = min(MAX_PX_PER_DAY, max(MIN_PX_PER_DAY, MIN_CHART_WIDTH / days))
    width = days * px_per_day + 20
    top = HEADER_HEIGHT + (STAGE_HEIGHT if bands else 0)
    height = top + ROW_HEIGHT * len(rows) + 10
    item_count = sum(1 for r in rows if not r.heading)

    def x(d: dt.date) -> float:
        return (min(max(d, first), last) - first).days * px_per_day

    focus_x = max(x(focus) - 40, 0) if focus and first <= focus <= last else 0
    labels: list[str] = []
    chart: list[str] = []
    lab, a = labels.append, chart.append

    lab(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="io-gantt__labels" role="group" '
        f'aria-labelledby="tl-title" aria-describedby="tl-desc" width="{LABEL_WIDTH}" height="{height}" '
        f'viewBox="0 0 {LABEL_WIDTH} {height}">'
        f'<title id="tl-title">{escape(title)}</title>'
        f'<desc id="tl-desc">Timeline of {item_count} plan lines from {first:%d/%m/%Y} to {last:%d/%m/%Y}, '
        f"with stages, dependencies and today ({today:%d/%m/%Y}). Each line's label links to the line.</desc>"
        '<g font-size="12" fill="#0b0c0c">'
    )
    a(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="io-gantt__bars" role="img" '
        f'aria-label="Bars and milestones for the {item_count} lines listed beside the chart" '
        f'data-focus-x="{focus_x:.0f}" width="{width:.0f}" height="{height}" viewBox="0 0 {width:.0f} {height}">'
        '<defs><marker id="tl-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" '
        'orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="#505a5f"/></marker></defs>'
    )

    # Month grid and labels.
    a('<g font-size="11" fill="#0b0c0c">')
    for m in _month_starts(first, last):
        mx = x(m)
        a(f'<line x1="{mx:.1f}" y1="{HEADER_HEIGHT - 18}" x2="{mx:.1f}" y2="{height}" stroke="#e0e0e0"/>')
        if m.month == 1 or m == first:
            a(f'<text x="{mx + 2:.1f}" y="14" font-weight="bold">{m.year}</text>')
        if px_per_day * 30 >= 24:
            a(f'<text x="{mx + 2:.1f}" y="{HEADER_HEIGHT - 6}">{m:%b}</text>')
    a("</g>")

    # Stage bands.
    if bands:
        lab(f'<text x="4" y="{HEADER_HEIGHT + 15}" font-weight="bold">Stages</text>')
        for i, b in enumerate(bands):
            if not (b.start and b.end):
                continue
            bx = x(b.start)
            bw = max(x(b.end) - bx + px_per_day, px_per_day)
            a(
                f"<g><title>{escape(b.label)}: {b.start:%d/%m/%Y} to {b.end:%d/%m/%Y}</title>"
                f'<rect x="{bx:.1f}" y="{HEADER_HEIGHT}" width="{bw:.1f}" height="{STAGE_HEIGHT - 2}" '
                f'fill="{STAGE_FILLS[i % 2]}" stroke="#1d70b8"/>'
                f'<text x="{bx + 4:.1f}" y="{HEADER_HEIGHT + 15}" font-size="11" fill="#0b0c0c">'
                f"{escape(_fit(b.label, bw))}</text></g>"
            )

    # Rows: the label on the left, the bar or diamond on the chart.
    ypos: dict[str, tuple[float, float, float]] = {}
    a('<g font-size="12" fill="#0b0c0c">')
    for n, r in enumerate(rows):
        y = top + n * ROW_HEIGHT
        mid = y + ROW_HEIGHT / 2
        if r.heading:
            lab(
                f'<rect x="0" y="{y}" width="{LABEL_WIDTH}" height="{ROW_HEIGHT}" fill="#f3f2f1"/>'
                f'<text x="4" y="{mid + 4:.1f}" font-weight="bold">{escape(_fit(r.label, LABEL_WIDTH - 8))}</text>'
            )
            a(f'<rect x="0" y="{y}" width="{width:.0f}" height="{ROW_HEIGHT}" fill="#f3f2f1"/>')
            continue
        indent = 4 + (r.level - 1) * 12
        tooltip = f"<title>{escape(r.label)}{' — ' + escape(r.detail) if r.detail else ''}</title>"
        text = f'<text x="{indent}" y="{mid + 4:.1f}">{escape(_fit(r.label, LABEL_WIDTH - indent - 8))}</text>'
        if r.href:
            text = f'<a href="{escape(r.href)}">{text}</a>'
        lab(f"<g>{tooltip}{text}</g>")
        a(f'<g class="io-bar">{tooltip}')
        fill = RAG_FILL.get(r.rag, RAG_FILL[""])
        if r.kind in ("milestone", "gate") or (r.start is None and r.end is not None):
            d = r.end or r.start
            if d:
                cx = x(d) + px_per_day / 2
                s = 6
                shape = (
                    f'<path d="M{cx:.1f},{mid - s:.1f} L{cx + s:.1f},{mid:.1f} L{cx:.1f},{mid + s:.1f} '
                    f'L{cx - s:.1f},{mid:.1f} z" fill="{fill}"/>'
                )
                if r.kind == "gate" and r.start and r.end and r.end > r.start:
                    shape = (
                        f'<rect x="{x(r.start):.1f}" y="{mid - 1:.1f}" width="{x(r.end) - x(r.start):.1f}" '
                        f'height="2" fill="{fill}"/>'
                    ) + shape
                a(shape)
                ypos[r.key] = (x(r.start or d), cx, mid)
        elif r.start and r.end:
            x0, x1 = x(r.start), x(r.end) + px_per_day
            a(
                f'<rect x="{x0:.1f}" y="{y + 5}" width="{max(x1 - x0, 2):.1f}" height="{ROW_HEIGHT - 10}" '
                f'rx="2" fill="{fill}"/>'
            )
            ypos[r.key] = (x0, x1, mid)
        elif r.start:
            x0 = x(r.start)
            a(
                f'<rect x="{x0:.1f}" y="{y + 5}" width="4" height="{ROW_HEIGHT - 10}" fill="{fill}"/>'
                f'<text x="{x0 + 8:.1f}" y="{mid + 4:.1f}" font-size="11">end TBD</text>'
            )
            ypos[r.key] = (x0, x0 + 4, mid)
        if not (r.start or r.end):
            word = "TBD" if (r.start_tbd or r.end_tbd) else "no dates"
            a(f'<text x="{focus_x + 6:.0f}" y="{mid + 4:.1f}" font-size="11" font-style="italic">{word}</text>')
        a("</g>")
    a("</g>")
    lab("</g></svg>")

    # Dependencies.
    a('<g fill="none" stroke="#505a5f" stroke-width="1">')
    for link in links:
        src, dst = ypos.get(link.source), ypos.get(link.target)
        if not (src and dst):
            continue
        sx = src[1] if link.type in ("FS", "FF") else src[0]
        tx = dst[0] if link.type in ("FS", "SS") else dst[1]
        sy, ty = src[2], dst[2]
        elbow = max(sx, tx - 8) if link.type == "FS" else sx + 6
        a(f'<path d="M{sx:.1f},{sy:.1f} H{elbow + 4:.1f} V{ty:.1f} H{tx:.1f}" marker-end="url(#tl-arrow)"/>')
    a("</g>")

    # Today.
    if first <= today <= last:
        tx = x(today)
        a(
            f'<line x1="{tx:.1f}" y1="{HEADER_HEIGHT - 18}" x2="{tx:.1f}" y2="{height}" stroke="#d4351c" '
            f'stroke-width="2"/><text x="{tx + 3:.1f}" y="{HEADER_HEIGHT - 20}" font-size="11" '
            f'fill="#d4351c" font-weight="bold">Today</text>'
        )
    a("</svg>")
    return (
        '<div class="io-gantt">'
        + "".join(labels)
        + '<div class="io-gantt__chart" id="timeline" tabindex="0" role="region" '
        'aria-label="Timeline chart, scrolls sideways">' + "".join(chart) + "</div></div>"
    )


def _fit(text: str, px: float, char_px: float = 6.6) -> str:
    """Shorten ``text`` to about ``px`` pixels at 12px Arial; the full text stays in the tooltip."""
    n = int(px / char_px)
    return text if len(text) <= n else text[: max(n - 1, 1)] + "…"
