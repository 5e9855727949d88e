"""A stored projection's figures as shown: on the pages, in the board pack (aggregates only).

Every count of children is rounded to a whole child; to anyone who may not see child-level rows a
count under :data:`~improve.demand.selectors.SMALL` (not zero) reads "fewer than 5", as the DfE's
published statistics do. Money is whole pounds for reading (the run keeps pence).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from improve.demand.selectors import SMALL

LABELS = {
    "fostering": "Fostering",
    "residential": "Residential",
    "supported": "Supported accommodation",
    "other": "Other",
    "total": "All children in care",
}


def label(name: str) -> str:
    return LABELS.get(name, name.capitalize())


def whole(value: float) -> int:
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def small(value: float) -> bool:
    """Is this count one to suppress (under 5, not zero) for a reader who may not see rows?"""
    return 0 < whole(value) < SMALL


def count(value: float, *, child_level: bool) -> str:
    """A number of children as shown: whole, "fewer than 5" when small and suppressed."""
    if not child_level and small(value):
        return f"fewer than {SMALL}"
    return f"{whole(value):,}"


def change(value: float) -> str:
    """A difference in children, signed (differences are not counts of anyone; never suppressed)."""
    rounded = whole(value)
    return f"{rounded:+,}" if rounded else "0"


def between(low: float, high: float, *, child_level: bool) -> str:
    return f"{count(low, child_level=child_level)} to {count(high, child_level=child_level)}"


def pounds(value: str | Decimal, *, signed: bool = False) -> str:
    amount = Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    text = f"£{abs(amount):,}"
    if signed and amount:
        return ("+" if amount > 0 else "−") + text
    return ("−" + text) if amount < 0 else text


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


@dataclass(frozen=True)
class Row:
    """One line of a table: its label, and cells as text."""

    label: str
    cells: tuple[str, ...]


def series(results: dict[str, Any]) -> list[str]:
    return [*results["categories"], "total"]


def horizon(results: dict[str, Any], *, child_level: bool) -> list[Row]:
    """Each category and the total: in care at the start, projected at the horizon (mean, 50/80/95 %)."""
    end = results["months"][-1]
    return [
        Row(
            label(name),
            (
                count(results["start_stock"][name], child_level=child_level),
                count(end["mean"][name], child_level=child_level),
                *(between(*end["intervals"][level][name], child_level=child_level) for level in ("50", "80", "95")),
            ),
        )
        for name in series(results)
    ]


def months(results: dict[str, Any], *, child_level: bool, name: str = "total") -> list[Row]:
    """Each month end: what happened (where the data reaches), the projection's mean and intervals."""
    happened = {h["date"]: h[name] for h in results["history"]}
    return [
        Row(
            f"{day(m['date']):%d/%m/%Y}",
            (
                count(happened[m["date"]], child_level=child_level) if m["date"] in happened else "",
                count(m["mean"][name], child_level=child_level),
                *(between(*m["intervals"][level][name], child_level=child_level) for level in ("80", "95")),
            ),
        )
        for m in results["months"]
    ]


def spend_years(results: dict[str, Any]) -> list[Row]:
    """Each financial year: days projected, each category's mean, the total's mean and 95 % interval."""
    rows = []
    for year in results["spend_years"]:
        low, high = year["intervals"]["95"]["total"]
        rows.append(
            Row(
                year["label"],
                (
                    f"{year['days']}",
                    *(pounds(year["mean"][name]) for name in results["categories"]),
                    pounds(year["mean"]["total"]),
                    f"{pounds(low)} to {pounds(high)}",
                ),
            )
        )
    return rows


def backtest(results: dict[str, Any]) -> list[Row]:
    """The backtest's errors by category and for the total."""
    found = results.get("backtest")
    if not found:
        return []
    return [
        Row(
            label(e["name"]),
            (
                f"{e['mae']:,.1f}",
                "" if e["mape"] is None else f"{e['mape']:.1f}%",
                f"{100 * e['coverage']['80']:.0f}%",
                f"{100 * e['coverage']['95']:.0f}%",
            ),
        )
        for e in found["errors"]
    ]


def backtest_months(results: dict[str, Any], *, child_level: bool) -> list[Row]:
    """The backtest's month ends: the total in care, as projected and as it happened."""
    found = results.get("backtest")
    if not found:
        return []
    return [
        Row(
            f"{day(m['date']):%d/%m/%Y}",
            (
                count(m["actual"]["total"], child_level=child_level),
                count(m["mean"]["total"], child_level=child_level),
                between(m["low95"]["total"], m["high95"]["total"], child_level=child_level),
            ),
        )
        for m in found["months"]
    ]


def scenario(results: dict[str, Any], *, child_level: bool) -> tuple[list[Row], list[Row]]:
    """The scenario against the baseline: children at the horizon by category, and £ per year."""
    found = results.get("scenario")
    if not found:
        return [], []
    end, other = results["months"][-1], found["months"][-1]
    diff = found["difference"]["months"][-1]
    children = [
        Row(
            label(name),
            (
                count(end["mean"][name], child_level=child_level),
                count(other["mean"][name], child_level=child_level),
                change(diff["mean"][name]),
                f"{change(diff['intervals']['95'][name][0])} to {change(diff['intervals']['95'][name][1])}",
            ),
        )
        for name in series(results)
    ]
    base_years = {y["label"]: y for y in results["spend_years"]}
    money = []
    for year, other_year in zip(found["difference"]["spend_years"], found["spend_years"], strict=True):
        low, high = year["intervals"]["95"]
        money.append(
            Row(
                year["label"],
                (
                    pounds(base_years[year["label"]]["mean"]["total"]),
                    pounds(other_year["mean"]["total"]),
                    pounds(year["mean"], signed=True),
                    f"{pounds(low, signed=True)} to {pounds(high, signed=True)}",
                ),
            )
        )
    return children, money


@dataclass(frozen=True)
class ChartLine:
    name: str
    points: str  # "x,y x,y …" in the chart's box
    dashed: bool = False


@dataclass(frozen=True)
class LineChart:
    """A small SVG line chart of the total in care: what happened, the projection, its 95 % band."""

    width: int
    height: int
    band: str  # polygon points of the 95 % interval
    lines: tuple[ChartLine, ...]
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    description: str


def chart(results: dict[str, Any], *, child_level: bool, width: int = 640, height: int = 280) -> LineChart:
    """The total in care at month ends: history (solid), projected mean (dashed), 95 % band (shaded)."""
    left, right, top, bottom = 56, 16, 12, 36
    history = [(day(h["date"]), float(h["total"])) for h in results["history"]]
    projected = [(day(m["date"]), float(m["mean"]["total"])) for m in results["months"]]
    lows = [float(m["intervals"]["95"]["total"][0]) for m in results["months"]]
    highs = [float(m["intervals"]["95"]["total"][1]) for m in results["months"]]
    dates = [d for d, _v in history] + [d for d, _v in projected]
    first, last = min(dates), max(dates)
    values = [v for _d, v in history] + lows + highs
    floor, ceiling = 0.0, max(values) * 1.1 or 1.0
    span = max((last - first).days, 1)

    def x(date: dt.date) -> float:
        return round(left + (width - left - right) * (date - first).days / span, 1)

    def y(value: float) -> float:
        return round(top + (height - top - bottom) * (1 - (value - floor) / (ceiling - floor)), 1)

    def line(points: list[tuple[dt.date, float]]) -> str:
        return " ".join(f"{x(d)},{y(v)}" for d, v in points)

    band = (
        line([(d, h) for (d, _m), h in zip(projected, highs, strict=True)])
        + " "
        + line([(d, lo) for (d, _m), lo in reversed(list(zip(projected, lows, strict=True)))])
    )
    step = max(1, len(dates) // 6)
    x_ticks = tuple((x(d), f"{d:%m/%Y}") for d in sorted(set(dates))[::step])
    y_ticks = tuple((y(ceiling * i / 4), f"{whole(ceiling * i / 4):,}") for i in range(5))
    start, end = projected[0], projected[-1]
    low, high = lows[-1], highs[-1]
    description = (
        f"Children in care at each month end. {count(start[1], child_level=child_level)} on {start[0]:%d/%m/%Y}; "
        f"projected {count(end[1], child_level=child_level)} on {end[0]:%d/%m/%Y} "
        f"(95% interval {between(low, high, child_level=child_level)}). The table below gives every month's figures."
    )
    return LineChart(
        width,
        height,
        band,
        (ChartLine("What happened", line(history)), ChartLine("Projected (mean)", line(projected), dashed=True)),
        y_ticks,
        x_ticks,
        description,
    )
