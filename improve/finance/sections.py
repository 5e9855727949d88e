"""The money room's board-pack sections (:class:`improve.core.registry.PackSection`).

``finance-summary`` is the cabinet-style summary of the financial year of the pack's status date,
as at that date: a line's actual is what was spent to the end of the month of ``as_at``; its
projection is those actuals and, for the months after, what is projected (a line projected for the
whole year keeps its yearly projection). Beside it: funding rules broken (warnings), the figure
check's findings, a chart of monthly planned against actual spend, and savings expected against
delivered. Lines that follow another room's forecast get their own table, **Forecast pressure**:
plan, forecast mean, 95 % interval and forecast − planned for each year, where each forecast comes
from, and a warning when it is synthetic demo data — never mixed into the budget's figures.

``changes`` gives the pack's "what changed" facts: spend lines whose variation (projected −
planned for the year) moved past the tolerance since the last pack (:func:`tolerance`), and the
draw-downs and adjustments recorded since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from improve.core import document as doc
from improve.core.registry import PackContext, PackSection
from improve.finance import figurecheck, selectors
from improve.finance.selectors import BudgetSummary, ForecastPressure, MonthFigures
from improve.modelling import fiscal
from improve.modelling.budget import ZERO, total
from improve.modelling.money import pounds
from improve.modelling.savings import months_ended
from improve.programmes.models import Programme

K = "£000"
#: A line's variation is past tolerance when it is more than this much over or under plan …
TOLERANCE_POUNDS = Decimal("10000")
#: … or more than this share of the line's plan for the year, whichever is smaller.
TOLERANCE_SHARE = Decimal("0.05")


def tolerance(planned: Decimal) -> Decimal:
    """How far a line's projection may stray from its plan before a board hears of it ``[£]``.

    £10,000 or 5 % of the year's plan, whichever is smaller (a £15k line is flagged at £750).
    """
    share = abs(planned) * TOLERANCE_SHARE
    return min(TOLERANCE_POUNDS, share) if share > 0 else TOLERANCE_POUNDS


@dataclass(frozen=True)
class AsAt:
    """One line's figures for the year as at a date ``[£]``."""

    planned: Decimal | None
    projected: Decimal | None
    actual: Decimal | None  # to the end of the last month ended

    @property
    def variation(self) -> Decimal | None:
        if self.projected is None:
            return None
        return self.projected - (self.planned or ZERO)


def as_at(
    planned: Decimal | None,
    yearly_projected: Decimal | None,
    yearly_actual: Decimal | None,
    months: dict[int, MonthFigures],
    ended: int,
) -> AsAt:
    """A line's year as at the end of month ``ended`` (0–12): actuals to then, projections after."""
    monthly_actual = [m.actual for p, m in months.items() if p <= ended and m.actual is not None]
    if monthly_actual:
        actual: Decimal | None = total(monthly_actual)
    else:
        actual = yearly_actual if ended == 12 else None
    if any(m.projected is not None for m in months.values()):
        projected: Decimal | None = total(
            (m.actual if p <= ended and m.actual is not None else m.projected) for p, m in months.items()
        )
    else:
        projected = yearly_projected
    return AsAt(planned, projected, actual)


@dataclass(frozen=True)
class LineAsAt:
    name: str
    group: str
    group_id: int
    contingency: bool
    original: Decimal | None
    figures: AsAt
    months: dict[int, MonthFigures]


def lines_as_at(budget: BudgetSummary, start_year: int, day: dt.date) -> list[LineAsAt]:
    months = selectors.month_amounts(budget.programme, start_year)
    ended = months_ended(start_year, day)
    out = []
    for group in budget.groups:
        for row in group.lines:
            year = row.years.get(start_year)
            found = months.get(row.line.pk, {})
            figures = as_at(
                year.planned if year else None,
                year.projected if year else None,
                year.actual if year else None,
                found,
                ended,
            )
            out.append(
                LineAsAt(
                    row.line.name,
                    group.group.name,
                    group.group.pk,
                    row.line.contingency,
                    row.line.original_estimate,
                    figures,
                    found,
                )
            )
    return out


def _money(value: Decimal | None, *, is_total: bool = False) -> doc.Cell:
    return doc.Cell(value, "money", unit=K, total=is_total)


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return total(present) if present else None


def _row(label: str, rows: list[LineAsAt], *, is_total: bool) -> tuple[doc.Cell, ...]:
    return (
        doc.Cell(label, total=is_total),
        _money(_sum([r.original for r in rows]), is_total=is_total),
        _money(_sum([r.figures.planned for r in rows]), is_total=is_total),
        _money(_sum([r.figures.projected for r in rows]), is_total=is_total),
        _money(_sum([r.figures.variation for r in rows]), is_total=is_total),
        _money(_sum([r.figures.actual for r in rows]), is_total=is_total),
    )


def _month_end(start_year: int, ended: int) -> str:
    if ended == 0:
        return "none yet"
    return f"{fiscal.period_bounds(start_year, ended)[1]:%d/%m/%Y}"


def summary_table(budget: BudgetSummary, lines: list[LineAsAt], start_year: int, ended: int) -> doc.Table:
    """Groups, lines and subtotals; contingency and totals; funding and what more is required (£000)."""
    label = fiscal.label(start_year)
    columns = (
        doc.Column("Line"),
        doc.Column("Original full estimate", numeric=True),
        doc.Column(f"Planned {label}", numeric=True),
        doc.Column(f"Projected {label}", numeric=True),
        doc.Column("Variation", numeric=True),
        doc.Column(f"Actual to {_month_end(start_year, ended)}", numeric=True),
    )
    rows: list[tuple[doc.Cell, ...]] = []
    seen: list[int] = []
    for line in lines:
        if line.group_id not in seen:
            seen.append(line.group_id)
    for group_id in seen:
        in_group = [x for x in lines if x.group_id == group_id]
        for x in in_group:
            rows.append(_row(x.name + (" (contingency)" if x.contingency else ""), [x], is_total=False))
        rows.append(_row(f"Subtotal: {in_group[0].group}", in_group, is_total=True))
    rows.append(_row("Total before contingency", [x for x in lines if not x.contingency], is_total=True))
    rows.append(_row("Contingency", [x for x in lines if x.contingency], is_total=True))
    rows.append(_row("Programme total", lines, is_total=True))
    f = budget.figures
    blank = [_money(None)] * 3
    rows.append((doc.Cell("Available funding", total=True), _money(None), _money(f.available.get(start_year)), *blank))
    rows.append(
        (
            doc.Cell("Additional funding required", total=True),
            _money(None),
            _money(f.additional_required.get(start_year), is_total=True),
            *blank,
        )
    )
    return doc.Table(
        caption=f"Programme budget {label} as at {_month_end(start_year, ended)} (£000)",
        columns=columns,
        rows=tuple(rows),
        note=(
            "£000, negatives in brackets. Variation = projected − planned for the year. Projected: actuals to the "
            "date shown, projections for the months after. Available funding and additional funding required "
            "are for the year's plan."
        ),
    )


def _monthly_chart(lines: list[LineAsAt], start_year: int, ended: int) -> doc.Chart | None:
    if ended == 0:
        return None
    planned_by_month: list[Decimal] = []
    actual_by_month: list[Decimal | None] = []
    for period in range(1, ended + 1):
        planned = ZERO
        actual: Decimal | None = None
        for x in lines:
            if x.contingency:
                continue
            month = x.months.get(period)
            if any(m.planned is not None for m in x.months.values()):
                planned += month.planned if month and month.planned is not None else ZERO
            elif x.figures.planned is not None:
                planned += (x.figures.planned / 12).quantize(Decimal("0.01"))
            if month is not None and month.actual is not None:
                actual = (actual or ZERO) + month.actual
        planned_by_month.append(planned)
        actual_by_month.append(actual)
    names = [fiscal.period_label(start_year, p) for p in range(1, ended + 1)]
    spent = total(a for a in actual_by_month if a is not None)
    planned_to_date = total(planned_by_month)
    over = [names[i] for i, a in enumerate(actual_by_month) if a is not None and a > planned_by_month[i]]
    biggest = max(((a, names[i]) for i, a in enumerate(actual_by_month) if a is not None), default=None)
    description = (
        f"From {names[0]} to {names[-1]}, {pounds(spent)} was spent against {pounds(planned_to_date)} planned "
        f"(lines other than contingency; a yearly plan counts a twelfth each month)"
        + (f"; spend was over plan in {', '.join(over)}" if over else "; no month was over plan")
        + (f", the highest month {biggest[1]} at {pounds(biggest[0])}." if biggest else ".")
    )
    return doc.Chart(
        title=f"Monthly spend {fiscal.label(start_year)}: planned and actual",
        chart="bar",
        categories=tuple(names),
        series=(doc.Series("Planned", tuple(planned_by_month)), doc.Series("Actual", tuple(actual_by_month))),
        description=description,
        unit="£",
    )


def _findings(programme: Programme) -> list[doc.Block]:
    outcome = figurecheck.run(programme)
    found = figurecheck.lines(outcome)
    checked = len(outcome.relations)
    if not checked:
        return []
    if not found:
        return [doc.Paragraph(f"All {checked} figures kept as printed agree with their parts within rounding.")]
    rows = [
        (
            doc.Cell(f.row),
            doc.Cell(f.table),
            doc.Cell(f.column),
            doc.Cell(f.printed),
            doc.Cell(f.recomputed_like, note=f.recomputed),
            doc.Cell("; ".join(f.explained_by)),
        )
        for f in found
    ]
    return [
        doc.Heading("Figure check"),
        doc.Paragraph(
            f"{len(found)} of {checked} figures kept as printed disagree with their parts by more than rounding "
            "explains."
        ),
        doc.table(
            "Printed figures that disagree with their parts",
            ["Row", "Table", "Column", "Printed", "Recomputed", "Explained by"],
            rows,
        ),
    ]


def _savings(programme: Programme, day: dt.date) -> list[doc.Block]:
    report = selectors.savings_report(programme, as_at=day)
    if not report.rows:
        return []
    rows = [
        (
            doc.Cell(r.plan.name),
            _money(r.planned_total),
            _money(r.expected),
            _money(r.delivered),
            doc.Cell((r.rag or "not due").capitalize(), "rag" if r.rag else "text"),
        )
        for r in report.rows
    ]
    rows.append(
        (
            doc.Cell("All plans", total=True),
            _money(total(r.planned_total for r in report.rows), is_total=True),
            _money(total(r.expected for r in report.rows), is_total=True),
            _money(total(r.delivered for r in report.rows), is_total=True),
            doc.Cell(""),
        )
    )
    return [
        doc.Heading("Savings"),
        doc.Table(
            caption=f"Savings expected by {day:%d/%m/%Y} and delivered (£000)",
            columns=(
                doc.Column("Plan"),
                doc.Column("Planned in all", numeric=True),
                doc.Column("Expected by then", numeric=True),
                doc.Column("Delivered", numeric=True),
                doc.Column("RAG"),
            ),
            rows=tuple(rows),
            note="A year's planned saving is expected in twelfths, one per month ended.",
        ),
    ]


def forecast_blocks(pressure: ForecastPressure) -> list[doc.Block]:
    """The forecasts the lines follow, beside their plans: a table by line and year (£000), and sources."""
    if not pressure.lines:
        return []
    count = len(pressure.lines)
    blocks: list[doc.Block] = [
        doc.Heading("Forecast pressure"),
        doc.Paragraph(
            f"{'One line follows' if count == 1 else f'{count} lines follow'} a forecast made by another room. "
            "The plan is the approved budget; the forecast says how the spend may turn out. Forecasts are not in "
            "the budget's figures above."
        ),
    ]
    if pressure.synthetic:
        blocks.append(
            doc.Note(
                "Demo data: a forecast below comes from synthetic data made up for a demonstration, not from the "
                "council's own return.",
                tone="warning",
            )
        )
    rows: list[tuple[doc.Cell, ...]] = []
    for x in pressure.lines:
        name = x.name + (" (contingency)" if x.contingency else "")
        if x.series is None:
            rows.append((doc.Cell(name), doc.Cell(f"{x.key}: no room offers it now"), *[_money(None)] * 5))
            continue
        for r in x.rows:
            if r.planned is None and r.forecast is None:
                continue
            rows.append(
                (
                    doc.Cell(name),
                    doc.Cell(r.year),
                    _money(r.planned),
                    doc.Cell(r.forecast, "money", unit=K, note=f"{r.days} of {r.year_days} days" if r.partial else ""),
                    _money(r.low),
                    _money(r.high),
                    _money(r.difference),
                )
            )
    if count > 1:
        for label, found in zip(pressure.year_labels, pressure.total_difference(), strict=True):
            if found is not None:
                rows.append(
                    (
                        doc.Cell("Forecast pressure over these lines", total=True),
                        doc.Cell(label, total=True),
                        *[_money(None)] * 4,
                        _money(found, is_total=True),
                    )
                )
    blocks.append(
        doc.Table(
            caption="Forecast pressure: plan and forecast by financial year (£000)",
            columns=(
                doc.Column("Line"),
                doc.Column("Year"),
                doc.Column("Planned", numeric=True),
                doc.Column("Forecast (mean)", numeric=True),
                doc.Column("95% interval: low", numeric=True),
                doc.Column("95% interval: high", numeric=True),
                doc.Column("Forecast − planned", numeric=True),
            ),
            rows=tuple(rows),
            note=(
                "£000, negatives in brackets. Forecast − planned above 0 is a pressure. Nothing planned shows no "
                "difference. Intervals of different lines do not add."
            ),
        )
    )
    blocks.append(
        doc.BulletList(
            tuple(
                f"{s.title} from the {s.room or 'another'} room ({s.key}): {s.provenance}." for s in pressure.sources()
            )
        )
    )
    return blocks


def build_summary(ctx: PackContext) -> doc.Section | None:
    """The money as at the pack's status date, or None when the programme has no budget."""
    programme = ctx.programme
    budget = selectors.budget_summary(programme)
    if not any(group.lines for group in budget.groups):
        return None
    start = fiscal.start_year_of(ctx.as_at)
    if start not in budget.years:
        start = budget.current_year
    ended = months_ended(start, ctx.as_at)
    lines = lines_as_at(budget, start, ctx.as_at)
    blocks: list[doc.Block] = [summary_table(budget, lines, start, ended)]
    demo = [d for d in selectors.demo_marks(programme) if d.year.start_year == start]
    for mark in demo:
        blocks.append(doc.Note(f"Demo data: the {mark.get_measure_display().lower()} figures are made up. {mark.note}"))
    for row in selectors.allocations_for(programme):
        if row.allocation.year.start_year != start:
            continue
        for breach in row.breaches:
            blocks.append(doc.Note(f"Funding rule broken ({row.allocation.year}): {breach}.", tone="warning"))
    pressure = selectors.forecast_pressure(budget)
    blocks += forecast_blocks(pressure)
    if chart := _monthly_chart(lines, start, ended):
        blocks.append(chart)
    blocks += _findings(programme)
    blocks += _savings(programme, ctx.as_at)
    total_line = _sum([x.figures.variation for x in lines])
    summary = (
        f"Planned {pounds(budget.figures.programme.planned.get(start, ZERO))} in {fiscal.label(start)}"
        + (f", projected {pounds(total_line)} over plan" if total_line and total_line > 0 else "")
        + (f", {pounds(total_line.copy_abs())} under plan" if total_line and total_line < 0 else "")
        + _pressure_summary(pressure, start)
        + "."
    )
    return doc.Section("finance-summary", "Money", tuple(blocks), summary=summary)


def _pressure_summary(pressure: ForecastPressure, start: int) -> str:
    """``; forecast £1,234.00 above plan on lines that follow a forecast`` for the pack's year (or "")."""
    if start not in pressure.years:
        return ""
    found = pressure.total_difference()[pressure.years.index(start)]
    if not found:
        return ""
    word = "above" if found > 0 else "below"
    return f"; forecast {pounds(found.copy_abs())} {word} plan on lines that follow a forecast"


def _variations(programme: Programme, start: int, day: dt.date) -> dict[str, tuple[Decimal, Decimal | None]]:
    budget = selectors.budget_summary(programme)
    return {
        x.name: (x.figures.planned or ZERO, x.figures.variation)
        for x in lines_as_at(budget, start, day)
        if not x.contingency
    }


def _over(value: Decimal) -> str:
    return f"{pounds(value.copy_abs())} {'over' if value > 0 else 'under'} plan"


def changes(ctx: PackContext) -> Iterator[doc.Change]:
    """Lines past tolerance since the last pack; draw-downs and adjustments recorded since."""
    programme = ctx.programme
    start = fiscal.start_year_of(ctx.as_at)
    now = _variations(programme, start, ctx.as_at)
    before = _variations(programme, start, ctx.since) if ctx.since >= fiscal.bounds(start)[0] else {}
    for name, (planned, variation) in now.items():
        if variation is None:
            continue
        limit = tolerance(planned)
        was = before.get(name, (planned, None))[1]
        if abs(variation) <= limit:
            continue
        if was is not None and abs(was) > limit and abs(variation - was) <= limit:
            continue
        then = f" (was {_over(was) if was else 'on plan'} at {ctx.since:%d/%m/%Y})" if was is not None else ""
        yield doc.Change("Money", f"Line {name}: projected {_over(variation)}{then}")
    for d in selectors.drawdowns_between(programme, ctx.since, ctx.as_at):
        yield doc.Change(
            "Money",
            f"Contingency drawn down: {pounds(d.amount)} from {d.from_line} to {d.to_line} for {d.year}, approved "
            f"by {d.approver} on {d.approved_on:%d/%m/%Y} ({d.reason})",
        )
    for a in selectors.adjustments_between(programme, ctx.since, ctx.as_at):
        where = f"{a.year} (whole year)" if a.period == 0 else fiscal.period_label(a.year.start_year, a.period)
        yield doc.Change("Money", f"Actual of {a.line} for {where} adjusted by {pounds(a.amount)} ({a.reason})")


SECTIONS = (
    PackSection(
        key="finance-summary",
        title="Money",
        build=build_summary,
        changes=changes,
        order=60,
        description="The budget as at the pack's date in a cabinet report's layout, with the figure check's findings",
    ),
)
