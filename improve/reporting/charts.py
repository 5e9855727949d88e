"""The board pack's charts, drawn as SVG by our own code: the same figure in the page, the PDF and Word.

:func:`chart_svg` draws a :class:`~improve.core.document.Chart` ("bar" grouped, "stacked-bar",
"line" or "rag-grid") as a self-contained SVG string: no script, no external references, fonts
that browsers and WeasyPrint both have. :func:`chart_png` rasterises the same SVG (for Word), and
:func:`chart_rows` gives the chart's data table, which every renderer prints under the chart so a
reader who cannot see the picture has the same figures.

What the drawing promises (decision record 0020):

- **Accessible**: ``role="img"``, ``<title>`` (the chart's title) and ``<desc>`` (its text
  alternative) referenced by ``aria-labelledby``. The chart's title is *not* drawn inside the
  picture: the renderers print it as the figure's caption.
- **Honest scale**: every value axis starts from zero (negative values go below a drawn zero line),
  ticks are round numbers (1, 2, 2.5 or 5 × 10ⁿ) labelled with the unit; a bar's length is
  proportional to its value. ``None`` is a gap, never a zero.
- **Colour is never the only carrier**: bar series also differ by fill pattern, line series by
  dash and marker shape, and a legend names each; a RAG cell is written "R", "A", "G" or "B".
  Marks use GOV.UK palette colours with a contrast of at least 3:1 against white (amber, at 2.8:1,
  is outlined in black and always carries its letter).
- **Readable labels**: value labels where they fit without overlapping; category labels wrapped
  onto up to three lines, or rotated when a word is wider than its band.
- **Deterministic**: the same chart gives the same bytes (coordinates rounded to 0.01, element ids
  derived from the chart's content so two charts on one HTML page never share an id).

Text widths are estimated from Helvetica's published character widths (Arial and Liberation Sans
share them), so layout needs no font files.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from improve.core import document as doc

FONT = "Helvetica, Arial, sans-serif"
INK = "#0b0c0c"
MUTED = "#505a5f"
GRID = "#b1b4b6"
WHITE = "#ffffff"

#: Series colours from the GOV.UK palette, each at least 3:1 against white.
PALETTE: tuple[str, ...] = (
    "#1d70b8",  # blue
    "#d53880",  # pink
    "#00703c",  # green
    "#4c2c92",  # purple
    "#505a5f",  # dark grey
    "#28a197",  # turquoise
    "#b58840",  # brown
    "#912b88",  # bright purple
)

#: Fill patterns for bar series (white marks over the series colour), by series index.
PATTERNS: tuple[str, ...] = (
    "solid",
    "diagonal",
    "dots",
    "crosshatch",
    "horizontal",
    "vertical",
    "back-diagonal",
    "grid",
)

#: Dash patterns and marker shapes for line series, by series index.
DASHES: tuple[str, ...] = ("", "8 4", "2 3", "10 3 2 3", "4 4", "14 4")
MARKERS: tuple[str, ...] = ("circle", "square", "triangle", "diamond", "triangle-down", "cross")

#: RAG colours (GOV.UK red, orange, green, blue), the letter written in each cell and its colour.
RAG_STYLE: dict[doc.Rag, tuple[str, str, str]] = {
    "Red": ("#d4351c", "R", WHITE),
    "Amber": ("#f47738", "A", INK),
    "Green": ("#00703c", "G", WHITE),
    "Blue": ("#1d70b8", "B", WHITE),
    "": (WHITE, "–", INK),
}
RAG_NAMES: dict[doc.Rag, str] = {
    "Red": "Red",
    "Amber": "Amber",
    "Green": "Green",
    "Blue": "Blue (complete)",
    "": "Not given",
}

MONEY_UNITS = ("£", "£000", "£m")

#: Where a value sits on the plot: value → y ``[px]``.
_Scale = Callable[[Decimal | float | int], float]
MINUS = "\u2212"

# Font sizes [px].
TICK_SIZE = 13
LABEL_SIZE = 13
VALUE_SIZE = 12
LEGEND_SIZE = 14

# Helvetica advance widths [1/1000 em] for ASCII 32–126 (Arial and Liberation Sans match them).
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width ``[px]`` of ``text`` set in Helvetica at ``size`` ``[px]`` (bold ≈ 6% wider)."""
    units = 0
    for char in text:
        code = ord(char)
        units += _WIDTHS[code - 32] if 32 <= code <= 126 else (1000 if char in "…—" else 556)
    return units * size / 1000 * (1.06 if bold else 1.0)


def _n(value: float) -> str:
    """A coordinate, rounded to 0.01 and written without trailing zeros (so output is stable)."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attr(value: str) -> str:
    return quoteattr(value)


def _number(value: Decimal, places: int) -> str:
    """``-1234.5`` with 1 place → ``−1,234.5`` (a true minus sign)."""
    text = f"{abs(value):,.{places}f}"
    return f"{MINUS}{text}" if value < 0 and text.strip("0.,") else text


def _places(values: Iterable[Decimal | int | None]) -> int:
    """The decimal places the values are written with (at most 3)."""
    places = 0
    for value in values:
        if isinstance(value, Decimal):
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and exponent < 0:
                places = max(places, -exponent)
    return min(places, 3)


def _dec(value: Decimal | int) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


# -- ticks ------------------------------------------------------------------------------------


def nice_ticks(low: Decimal, high: Decimal, *, target: int = 5) -> list[Decimal]:
    """Round tick values covering ``low``..``high`` (both included; zero always among them).

    The step is 1, 2, 2.5 or 5 × 10ⁿ, chosen so there are about ``target`` intervals.
    """
    low, high = min(low, Decimal(0)), max(high, Decimal(0))
    if low == high:
        high = low + 1
    raw = (high - low) / target
    exponent = raw.adjusted()
    base = Decimal(1).scaleb(exponent)
    step = base * 10
    for mantissa in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if base * mantissa >= raw:
            step = base * mantissa
            break
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    last = (high / step).to_integral_value(rounding="ROUND_CEILING") * step
    count = int((last - first) / step)
    return [first + step * i for i in range(count + 1)]


def _tick_places(ticks: Sequence[Decimal]) -> int:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else Decimal(1)
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


# -- text layout ------------------------------------------------------------------------------


def wrap(text: str, max_width: float, size: float, *, max_lines: int = 3) -> list[str] | None:
    """``text`` broken at spaces into lines no wider than ``max_width``; None if it cannot be."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if text_width(word, size) > max_width:
            return None
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= max_width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines if len(lines) <= max_lines else None


def shorten(text: str, max_width: float, size: float) -> str:
    """``text``, cut with "…" to fit ``max_width`` (the data table has it in full)."""
    if text_width(text, size) <= max_width:
        return text
    while text and text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: _Box) -> bool:
        return not (
            self.right <= other.left or other.right <= self.left or self.bottom <= other.top or other.bottom <= self.top
        )


@dataclass
class _Svg:
    """An SVG being written: its parts in drawing order, and the boxes its labels occupy."""

    uid: str
    parts: list[str] = field(default_factory=list)
    defs: list[str] = field(default_factory=list)
    labels: list[_Box] = field(default_factory=list)

    def add(self, part: str) -> None:
        self.parts.append(part)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = LABEL_SIZE,
        anchor: str = "start",
        fill: str = INK,
        bold: bool = False,
        rotate: float = 0,
    ) -> None:
        attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if fill != INK:
            attrs += f' fill="{fill}"'
        if bold:
            attrs += ' font-weight="bold"'
        if rotate:
            attrs += f' transform="rotate({_n(rotate)} {_n(x)} {_n(y)})"'
        self.add(f"<text {attrs}>{escape(text)}</text>")

    def rect(self, x: float, y: float, w: float, h: float, fill: str, *, stroke: str = "", extra: str = "") -> None:
        line = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
        self.add(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{line}{extra}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1, dash: str = "") -> None:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.add(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
            f'stroke-width="{_n(width)}"{dashed}/>'
        )

    def place_label(self, x: float, y: float, text: str, *, size: float = VALUE_SIZE, boxed: bool = False) -> bool:
        """A value label centred on ``x`` with its baseline at ``y``, unless it would overlap one already placed."""
        w = text_width(text, size)
        box = _Box(x - w / 2 - 2, y - size * 0.8, x + w / 2 + 2, y + size * 0.25)
        if any(box.overlaps(other) for other in self.labels):
            return False
        self.labels.append(box)
        if boxed:
            self.rect(box.left, box.top - 1, box.right - box.left, box.bottom - box.top + 2, WHITE, extra=' rx="2"')
        self.text(x, y, text, size=size, anchor="middle")
        return True

    def render(self, width: float, height: float, title: str, desc: str) -> str:
        title_id, desc_id = f"{self.uid}-title", f"{self.uid}-desc"
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" role="img" aria-labelledby="{title_id} {desc_id}" '
            f'font-family="{FONT}" fill="{INK}">'
        )
        body = [
            head,
            f'<title id="{title_id}">{escape(title)}</title>',
            f'<desc id="{desc_id}">{escape(desc)}</desc>',
        ]
        if self.defs:
            body.append("<defs>" + "".join(self.defs) + "</defs>")
        body.append(f'<rect width="{_n(width)}" height="{_n(height)}" fill="{WHITE}"/>')
        body.extend(self.parts)
        body.append("</svg>")
        return "\n".join(body) + "\n"


def _uid(chart: doc.Chart) -> str:
    return "chart-" + hashlib.sha256(repr(chart).encode("utf-8")).hexdigest()[:10]


# -- series styles ----------------------------------------------------------------------------


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _pattern_fill(svg: _Svg, index: int) -> str:
    """The fill for bar series ``index``: its colour, with its pattern of white marks."""
    colour = _colour(index)
    kind = PATTERNS[index % len(PATTERNS)]
    if kind == "solid":
        return colour
    pid = f"{svg.uid}-p{index}"
    marks = {
        "diagonal": '<path d="M-2 2L2 -2M0 8L8 0M6 10L10 6" stroke="#fff" stroke-width="2"/>',
        "back-diagonal": '<path d="M-2 6L2 10M0 0L8 8M6 -2L10 2" stroke="#fff" stroke-width="2"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
        "crosshatch": '<path d="M0 0L8 8M8 0L0 8" stroke="#fff" stroke-width="1.5"/>',
        "horizontal": '<path d="M0 4H8" stroke="#fff" stroke-width="2"/>',
        "vertical": '<path d="M4 0V8" stroke="#fff" stroke-width="2"/>',
        "grid": '<path d="M0 4H8M4 0V8" stroke="#fff" stroke-width="1.5"/>',
    }[kind]
    svg.defs.append(
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
    )
    return f"url(#{pid})"


def _marker(svg: _Svg, index: int, x: float, y: float) -> None:
    colour = _colour(index)
    shape = MARKERS[index % len(MARKERS)]
    r = 4.5
    style = f'fill="{colour}" stroke="#fff" stroke-width="1.5"'
    if shape == "circle":
        svg.add(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" {style}/>')
    elif shape == "square":
        svg.add(f'<rect x="{_n(x - r)}" y="{_n(y - r)}" width="{_n(2 * r)}" height="{_n(2 * r)}" {style}/>')
    else:
        points = {
            "triangle": [(0, -1.25), (1.1, 0.75), (-1.1, 0.75)],
            "triangle-down": [(0, 1.25), (1.1, -0.75), (-1.1, -0.75)],
            "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
            "cross": [
                (-0.4, -1.2), (0.4, -1.2), (0.4, -0.4), (1.2, -0.4), (1.2, 0.4), (0.4, 0.4),
                (0.4, 1.2), (-0.4, 1.2), (-0.4, 0.4), (-1.2, 0.4), (-1.2, -0.4), (-0.4, -0.4),
            ],
        }[shape]  # fmt: skip
        d = " ".join(f"{_n(x + px * r)},{_n(y + py * r)}" for px, py in points)
        svg.add(f'<polygon points="{d}" {style}/>')


def _legend(svg: _Svg, chart: doc.Chart, width: float, top: float, *, left: float = 0) -> float:
    """The series legend flowed in rows from ``top``; returns its height ``[px]``."""
    x, y = left, top
    row_h = 22
    for index, series in enumerate(chart.series):
        sample = 30 if chart.chart == "line" else 16
        name = shorten(series.name, width - left - sample - 8, LEGEND_SIZE)
        item_w = sample + 6 + text_width(name, LEGEND_SIZE) + 18
        if x > left and x + item_w > width:
            x, y = left, y + row_h
        if chart.chart == "line":
            svg.line(x, y + 8, x + sample, y + 8, _colour(index), 2.5, DASHES[index % len(DASHES)])
            _marker(svg, index, x + sample / 2, y + 8)
        else:
            svg.rect(x, y, 16, 16, _pattern_fill(svg, index), stroke=_colour(index))
        svg.text(x + sample + 6, y + 13, name, size=LEGEND_SIZE)
        x += item_w
    return y + row_h - top if chart.series else 0


# -- category labels --------------------------------------------------------------------------


@dataclass(frozen=True)
class _CategoryLabels:
    lines: tuple[tuple[str, ...], ...]  # wrapped, when horizontal
    rotated: tuple[str, ...]  # shortened, when rotated
    height: float

    @property
    def is_rotated(self) -> bool:
        return bool(self.rotated)


ROTATED_MAX = 150.0  # longest rotated label [px]


def _category_labels(categories: Sequence[str], band: float) -> _CategoryLabels:
    wrapped = [wrap(c, band - 6, LABEL_SIZE) for c in categories]
    if all(w is not None for w in wrapped):
        lines = tuple(tuple(w or ()) for w in wrapped)
        rows = max((len(w) for w in lines), default=1)
        return _CategoryLabels(lines, (), rows * (LABEL_SIZE + 3) + 6)
    shortened = tuple(shorten(c, ROTATED_MAX, LABEL_SIZE) for c in categories)
    longest = max((text_width(c, LABEL_SIZE) for c in shortened), default=0)
    return _CategoryLabels((), shortened, longest * math.sin(math.pi / 4) + LABEL_SIZE + 8)


def _draw_category_labels(svg: _Svg, labels: _CategoryLabels, centres: Sequence[float], top: float) -> None:
    if labels.is_rotated:
        for x, text in zip(centres, labels.rotated, strict=True):
            svg.text(x + 4, top + LABEL_SIZE, text, anchor="end", rotate=-45)
        return
    for x, lines in zip(centres, labels.lines, strict=True):
        for i, text in enumerate(lines):
            svg.text(x, top + LABEL_SIZE + i * (LABEL_SIZE + 3), text, anchor="middle")


# -- bar, stacked-bar and line ----------------------------------------------------------------


PLOT_HEIGHT = 260.0


def _value_extent(chart: doc.Chart) -> tuple[Decimal, Decimal]:
    """The lowest and highest point the chart's marks reach (stacks summed by sign)."""
    lows, highs = [Decimal(0)], [Decimal(0)]
    if chart.chart == "stacked-bar":
        for i in range(len(chart.categories)):
            values = [_dec(v) for v in (s.values[i] for s in chart.series) if v is not None]
            highs.append(sum((v for v in values if v > 0), Decimal(0)))
            lows.append(sum((v for v in values if v < 0), Decimal(0)))
    else:
        for s in chart.series:
            for value in s.values:
                if value is not None:
                    lows.append(_dec(value))
                    highs.append(_dec(value))
    return min(lows), max(highs)


def _check(chart: doc.Chart) -> None:
    for s in chart.series:
        if len(s.values) != len(chart.categories):
            raise ValueError(
                f"Chart '{chart.title}': series '{s.name}' has {len(s.values)} values for "
                f"{len(chart.categories)} categories; give one value (or None) per category."
            )


def _axes_chart(chart: doc.Chart, width: int) -> str:
    svg = _Svg(_uid(chart))
    places = _places(v for s in chart.series for v in s.values)
    low, high = _value_extent(chart)
    ticks = nice_ticks(low, high)
    tick_places = _tick_places(ticks)
    tick_texts = [_number(t, tick_places) for t in ticks]

    legend_h = _legend(svg, chart, width, 4)
    unit_y = 4 + legend_h + 16
    if chart.unit:
        svg.text(0, unit_y, chart.unit, size=TICK_SIZE, fill=MUTED, bold=True)
    left = max(text_width(t, TICK_SIZE) for t in tick_texts) + 10
    right = width - 8
    plot_top = unit_y + 22
    plot_bottom = plot_top + PLOT_HEIGHT
    count = max(len(chart.categories), 1)
    band = (right - left) / count
    centres = [left + band * (i + 0.5) for i in range(len(chart.categories))]
    labels = _category_labels(chart.categories, band)
    if labels.is_rotated:  # the first label runs left of its band: make room
        overhang = text_width(labels.rotated[0], LABEL_SIZE) * math.cos(math.pi / 4) - band / 2 + 8
        if overhang > left:
            left = overhang
            band = (right - left) / count
            centres = [left + band * (i + 0.5) for i in range(len(chart.categories))]

    lo, hi = float(ticks[0]), float(ticks[-1])

    def y_of(value: Decimal | float | int) -> float:
        return plot_top + (hi - float(value)) / (hi - lo) * PLOT_HEIGHT

    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        if tick != 0:
            svg.line(left, y, right, y, GRID, 1)
        svg.text(left - 6, y + TICK_SIZE * 0.35, text, size=TICK_SIZE, anchor="end", fill=MUTED)
    zero = y_of(0)

    if chart.chart == "bar":
        _bars(svg, chart, centres, band, y_of, places)
    elif chart.chart == "stacked-bar":
        _stacks(svg, chart, centres, band, y_of, places)
    else:
        _lines(svg, chart, centres, y_of, places)
    svg.line(left, zero, right, zero, INK, 1.5)
    svg.line(left, plot_top - 6, left, plot_bottom, INK, 1)

    label_top = max(plot_bottom, zero) + 6
    _draw_category_labels(svg, labels, centres, label_top)
    height = label_top + labels.height + 4
    return svg.render(width, height, chart.title, chart.description)


def _bars(svg: _Svg, chart: doc.Chart, centres: Sequence[float], band: float, y_of: _Scale, places: int) -> None:
    count = max(len(chart.series), 1)
    group = band * 0.8
    bar = min(group / count, 60.0)
    group = bar * count
    fills = [_pattern_fill(svg, i) for i in range(len(chart.series))]
    zero = y_of(0)
    pending: list[tuple[float, float, str]] = []
    for c, centre in enumerate(centres):
        start = centre - group / 2
        for i, series in enumerate(chart.series):
            value = series.values[c]
            if value is None:
                continue
            x = start + i * bar
            top = y_of(value)
            y, h = min(top, zero), abs(zero - top)
            svg.rect(x + 1, y, bar - 2, h, fills[i], stroke=_colour(i), extra=' class="mark"')
            text = _number(_dec(value), places)
            if text_width(text, VALUE_SIZE) <= bar + 2:
                label_y = top - 4 if value >= 0 else top + VALUE_SIZE + 2
                pending.append((x + bar / 2, label_y, text))
    for x, y, text in pending:
        svg.place_label(x, y, text)


def _stacks(svg: _Svg, chart: doc.Chart, centres: Sequence[float], band: float, y_of: _Scale, places: int) -> None:
    bar = min(band * 0.6, 80.0)
    fills = [_pattern_fill(svg, i) for i in range(len(chart.series))]
    inside: list[tuple[float, float, str]] = []
    totals: list[tuple[float, float, str]] = []
    for c, centre in enumerate(centres):
        up = down = Decimal(0)
        present = False
        for i, series in enumerate(chart.series):
            value = series.values[c]
            if value is None:
                continue
            present = True
            value = _dec(value)
            base = up if value >= 0 else down
            end = base + value
            if value >= 0:
                up = end
            else:
                down = end
            y1, y2 = y_of(base), y_of(end)
            y, h = min(y1, y2), abs(y2 - y1)
            svg.rect(centre - bar / 2, y, bar, h, fills[i], stroke=_colour(i), extra=' class="mark"')
            text = _number(value, places)
            if h >= VALUE_SIZE + 4 and text_width(text, VALUE_SIZE) + 6 <= bar:
                inside.append((centre, y + h / 2 + VALUE_SIZE * 0.35, text))
        if present:
            total = _number(up + down, places)
            if down < 0 < up:  # the label above the stack is the net of both directions
                total = f"net {total}"
            if text_width(total, VALUE_SIZE) <= band:
                y = y_of(up) - 5 if up + down >= 0 or down == 0 else y_of(down) + VALUE_SIZE + 3
                totals.append((centre, y, total))
    for x, y, text in totals:
        svg.place_label(x, y, text)
    for x, y, text in inside:
        svg.place_label(x, y, text, boxed=True)


def _lines(svg: _Svg, chart: doc.Chart, centres: Sequence[float], y_of: _Scale, places: int) -> None:
    points: list[list[tuple[float, float, Decimal] | None]] = []
    for i, series in enumerate(chart.series):
        pts: list[tuple[float, float, Decimal] | None] = [
            None if v is None else (x, y_of(v), _dec(v)) for x, v in zip(centres, series.values, strict=True)
        ]
        points.append(pts)
        runs: list[list[tuple[float, float, Decimal]]] = [[]]
        for p in pts:
            if p is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(p)
        d = " ".join("M" + " L".join(f"{_n(x)} {_n(y)}" for x, y, _ in run) for run in runs if len(run) > 1)
        if d:
            dash = DASHES[i % len(DASHES)]
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            svg.add(
                f'<path d="{d}" fill="none" stroke="{_colour(i)}" stroke-width="2.5" stroke-linejoin="round"{dashed}/>'
            )
    for i, pts in enumerate(points):
        for p in pts:
            if p is not None:
                _marker(svg, i, p[0], p[1])
                svg.labels.append(_Box(p[0] - 5, p[1] - 5, p[0] + 5, p[1] + 5))
    for c in range(len(chart.categories)):
        for pts in points:
            p = pts[c]
            if p is None:
                continue
            x, y, value = p
            text = _number(value, places)
            if not svg.place_label(x, y - 9, text):
                svg.place_label(x, y + VALUE_SIZE + 7, text)


# -- rag-grid ---------------------------------------------------------------------------------


def _rag(chart: doc.Chart, series: doc.Series, index: int) -> doc.Rag:
    value = series.values[index]
    if value is None:
        return ""
    position = int(value)
    if position != value or not 0 <= position < len(doc.RAG_ORDER):
        raise ValueError(
            f"Chart '{chart.title}': series '{series.name}', '{chart.categories[index]}' has {value}; "
            f"a RAG grid's values are 0–{len(doc.RAG_ORDER) - 1} (positions in RAG_ORDER) or None."
        )
    return doc.RAG_ORDER[position]


def _rag_grid(chart: doc.Chart, width: int) -> str:
    svg = _Svg(_uid(chart))
    grid = [[_rag(chart, s, c) for c in range(len(chart.categories))] for s in chart.series]
    count = max(len(chart.categories), 1)
    names = [wrap(s.name, width * 0.3, LABEL_SIZE, max_lines=2) for s in chart.series]
    name_lines = [n or [shorten(s.name, width * 0.3, LABEL_SIZE)] for n, s in zip(names, chart.series, strict=True)]
    left = max((text_width(line, LABEL_SIZE) for lines in name_lines for line in lines), default=0) + 12
    cell_w = max(min((width - left - 8) / count, 72.0), 22.0)
    labels = _category_labels(chart.categories, cell_w)
    if labels.is_rotated:  # rotated labels run to the right of the last column
        cell_w = max(min((width - left - 8 - labels.height * 0.5) / count, 72.0), 22.0)
    drawn_width = max(float(width), left + cell_w * count + (labels.height * 0.7 if labels.is_rotated else 8))
    cell_h = 30.0
    head_top = 4.0
    grid_top = head_top + labels.height + 4
    centres = [left + cell_w * (i + 0.5) for i in range(len(chart.categories))]
    if labels.is_rotated:
        for x, text in zip(centres, labels.rotated, strict=True):
            svg.text(x + 4, grid_top - 8, text, rotate=-45)
    else:
        for x, lines in zip(centres, labels.lines, strict=True):
            bottom = grid_top - 8 - (len(lines) - 1) * (LABEL_SIZE + 3)
            for i, text in enumerate(lines):
                svg.text(x, bottom + i * (LABEL_SIZE + 3), text, anchor="middle")
    for r, row_lines in enumerate(name_lines):
        y = grid_top + r * cell_h + cell_h / 2 - (len(row_lines) - 1) * (LABEL_SIZE + 2) / 2 + LABEL_SIZE * 0.35
        for i, text in enumerate(row_lines):
            svg.text(0, y + i * (LABEL_SIZE + 2), text)
        for c, rag in enumerate(grid[r]):
            fill, letter, ink = RAG_STYLE[rag]
            x, y0 = left + c * cell_w, grid_top + r * cell_h
            outline = MUTED if rag == "" else INK if rag == "Amber" else fill
            svg.rect(x + 1.5, y0 + 1.5, cell_w - 3, cell_h - 3, fill, stroke=outline)
            svg.text(x + cell_w / 2, y0 + cell_h / 2 + 5, letter, size=14, anchor="middle", fill=ink, bold=True)
    y = grid_top + len(chart.series) * cell_h + 14
    shown: list[doc.Rag] = ["Red", "Amber", "Green", "Blue"]
    if any(rag == "" for row in grid for rag in row):
        shown.append("")
    x = 0.0
    for rag in shown:
        fill, letter, ink = RAG_STYLE[rag]
        name = RAG_NAMES[rag]
        item_w = 24 + 6 + text_width(name, LEGEND_SIZE) + 18
        if x and x + item_w > drawn_width:
            x, y = 0.0, y + 30
        outline = MUTED if rag == "" else INK if rag == "Amber" else fill
        svg.rect(x + 0.5, y + 0.5, 23, 23, fill, stroke=outline)
        svg.text(x + 12, y + 17, letter, size=14, anchor="middle", fill=ink, bold=True)
        svg.text(x + 30, y + 17, name, size=LEGEND_SIZE)
        x += item_w
    return svg.render(drawn_width, y + 30, chart.title, chart.description)


# -- the public functions ---------------------------------------------------------------------


def chart_svg(chart: doc.Chart, *, width: int = 680) -> str:
    """``chart`` drawn as a standalone SVG document (a string), ``width`` ``[px]`` wide.

    The height follows from the content. Raises ValueError (naming the chart and series) when a
    series does not have one value per category, or a RAG grid's value is not a RAG position.
    """
    _check(chart)
    if chart.chart == "rag-grid":
        return _rag_grid(chart, width)
    if chart.chart in ("bar", "stacked-bar", "line"):
        return _axes_chart(chart, width)
    raise ValueError(
        f"Chart '{chart.title}': unknown chart type '{chart.chart}'; use bar, stacked-bar, line or rag-grid."
    )


def chart_png(chart: doc.Chart, *, width: int = 680, scale: float = 2.0) -> bytes:
    """The same picture as :func:`chart_svg`, rasterised to PNG at ``scale`` × its pixel size."""
    import cairosvg

    png: bytes = cairosvg.svg2png(bytestring=chart_svg(chart, width=width).encode("utf-8"), scale=scale)
    return png


def chart_rows(chart: doc.Chart) -> tuple[tuple[doc.Column, ...], tuple[tuple[doc.Cell, ...], ...]]:
    """The chart's data table: its columns and rows, the same under the chart in every format.

    Bar and line charts: a row per category, a column per series (its heading carries the unit),
    and for a stacked bar a last "Total" column. A RAG grid: a row per series, a column per
    category, each cell the RAG status written out ("Not given" where there is none).
    """
    _check(chart)
    if chart.chart == "rag-grid":
        columns = (doc.Column(chart.series_label or "Series"), *(doc.Column(c) for c in chart.categories))
        rows = tuple(
            (
                doc.Cell(s.name),
                *(
                    doc.Cell(rag, "rag") if rag else doc.Cell("Not given")
                    for rag in (_rag(chart, s, c) for c in range(len(chart.categories)))
                ),
            )
            for s in chart.series
        )
        return columns, rows
    places = _places(v for s in chart.series for v in s.values)
    money = chart.unit in MONEY_UNITS

    def cell(value: Decimal | int | None) -> doc.Cell:
        if money:
            return doc.Cell(value, "money", unit=chart.unit, places=places)
        return doc.Cell(value, "number", unit=chart.unit, places=places)

    def heading(name: str) -> str:
        return f"{name} ({chart.unit})" if chart.unit else name

    columns = (
        doc.Column(chart.category_label or "Category"),
        *(doc.Column(heading(s.name), numeric=True) for s in chart.series),
    )
    if chart.chart == "stacked-bar":
        columns = (*columns, doc.Column(heading("Total"), numeric=True))
    table_rows: list[tuple[doc.Cell, ...]] = []
    for c, category in enumerate(chart.categories):
        values = [s.values[c] for s in chart.series]
        row = [doc.Cell(category), *(cell(v) for v in values)]
        if chart.chart == "stacked-bar":
            present = [_dec(v) for v in values if v is not None]
            row.append(cell(sum(present, Decimal(0)) if present else None))
        table_rows.append(tuple(row))
    return columns, tuple(table_rows)


def chart_table(chart: doc.Chart) -> doc.Table:
    """:func:`chart_rows` as a :class:`~improve.core.document.Table` captioned after the chart."""
    columns, rows = chart_rows(chart)
    return doc.Table(caption=f"Data for the chart: {chart.title}", columns=columns, rows=rows)
