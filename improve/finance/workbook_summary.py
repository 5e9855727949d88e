"""The money summary as an .xlsx in which every subtotal and total is a live Excel formula.

Laid out as the summary page (a cabinet report's layout): each group's lines, the group's
subtotal, the total before contingency, contingency and the programme total; then the funding
against requirement per year. Lines hold their figures in pounds to the penny; a number format
shows them in £000 with negatives in brackets (``#,##0,`` divides by a thousand for display only),
so the auditor sees the exact amount of a cell and the page's rounded figure at once.

What is a formula, so that finance can keep working in Excel and every total can be traced:

- a line's variation: ``=projected − planned`` (blank where nothing is projected, as on the page);
- a group's subtotal: ``=SUM`` over its lines;
- total before contingency and contingency: ``=SUMIF`` over the lines by the *kind* column
  (``base`` or ``contingency``), since a group may hold both; the programme total: their sum;
- per year: the requirement is the programme total of that year's planned column, available
  funding the ``=SUM`` of the sources' rows, additional funding required ``=MAX(0, requirement −
  available)``, and *All years* the ``=SUM`` across the years.

A second sheet, **Forecast pressure**, is there when a line follows another room's forecast
(docs/finance.md, "Forecasts"): for each such line and each year, the plan, the forecast's mean
and 95 % interval, and ``=forecast − planned``; then the sum of those differences, and where each
forecast comes from (synthetic demo data said so at the top). Nothing of it is in the summary's
totals: the plan is the approved budget, the forecast how it may turn out.

Excel and LibreOffice work the formulas out when the file is opened. Cells are Excel numbers
(binary floating point, as every spreadsheet holds them); the product's own figures stay exact
Decimals.
"""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from improve.finance import selectors
from improve.finance.selectors import BudgetSummary, ForecastPressure
from improve.modelling import fiscal
from improve.modelling.budget import ZERO, YearFigures

#: £000, negatives in brackets, zero as 0: the trailing comma divides by 1,000 for display only.
THOUSANDS_FORMAT = "#,##0,;(#,##0,);0"
MEASURES = ("Original full estimate", "Planned", "Projected", "Variation", "Actual", "Latest estimate")
BASE, CONTINGENCY = "base", "contingency"


def _cell(col: int, row: int) -> str:
    """An A1 reference (``row`` and ``col`` from 0)."""
    return f"{xl_col_to_name(col)}{row + 1}"


def summary_xlsx_bytes(budget: BudgetSummary, year: int) -> bytes:
    """The summary of ``year`` (a start year) as .xlsx bytes (see the module's docstring)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": f"{budget.programme.name}: money, {fiscal.label(year)}"})
    sheet = book.add_worksheet("Summary")
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    money = book.add_format({"num_format": THOUSANDS_FORMAT})
    money_bold = book.add_format({"num_format": THOUSANDS_FORMAT, "bold": True, "top": 1})
    money_total = book.add_format({"num_format": THOUSANDS_FORMAT, "bold": True, "top": 1, "bottom": 6})
    header = book.add_format({"bold": True, "text_wrap": True, "align": "right", "bottom": 1})
    header_left = book.add_format({"bold": True, "bottom": 1})
    muted = book.add_format({"italic": True, "font_color": "#505a5f"})

    years = budget.years
    year_cols = {y: 7 + n for n, y in enumerate(years)}  # H onwards: each year's planned spend
    kind_col = 7 + len(years)
    all_col = kind_col  # in the funding block, the column after the years holds "All years"
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, kind_col, 13)
    sheet.write(0, 0, f"{budget.programme.name}: programme budget, {fiscal.label(year)} (£000)", title)
    sheet.write(
        1,
        0,
        "Cells hold pounds to the penny and show £000; subtotals and totals are formulas over the lines.",
        muted,
    )
    head = 3
    sheet.write(head, 0, "Line", header_left)
    for n, label in enumerate(MEASURES, start=1):
        sheet.write(head, n, label, header)
    for y, col in year_cols.items():
        sheet.write(head, col, f"Planned {fiscal.label(y)}", header)
    sheet.write(head, kind_col, "Kind", header)

    row = head + 1
    first_line_row = row
    subtotal_rows: list[int] = []
    measure_cols = range(1, 7)

    def values(f: YearFigures, original: Decimal | None, latest: Decimal | None) -> list[Decimal | None]:
        return [original, f.planned, f.projected, None, f.actual, latest]

    for group in budget.groups:
        sheet.write(row, 0, group.group.name, bold)
        row += 1
        start = row
        for line_row in group.lines:
            line = line_row.line
            f = line_row.years.get(year, YearFigures())
            sheet.write(row, 0, line.name)
            cells = values(f, line.original_estimate, line_row.latest_estimate)
            for col, value in zip(measure_cols, cells, strict=True):
                if col == 4:  # variation: projected − planned
                    if f.projected is not None:
                        sheet.write_formula(row, col, f"={_cell(3, row)}-{_cell(2, row)}", money, f.variation or ZERO)
                elif value is not None:
                    sheet.write_number(row, col, value, money)
            for y, col in year_cols.items():
                planned = line_row.years.get(y, YearFigures()).planned
                if planned is not None:
                    sheet.write_number(row, col, planned, money)
            sheet.write(row, kind_col, CONTINGENCY if line.contingency else BASE)
            row += 1
        end = row - 1
        sheet.write(row, 0, f"Subtotal: {group.group.name}", bold)
        for col in [*measure_cols, *year_cols.values()]:
            if end >= start:
                sheet.write_formula(row, col, f"=SUM({_cell(col, start)}:{_cell(col, end)})", money_bold)
            else:
                sheet.write_number(row, col, 0, money_bold)
        subtotal_rows.append(row)
        row += 1
    last_line_row = max(row - 1, first_line_row)

    def sumif(col: int, kind: str) -> str:
        kinds = f"${xl_col_to_name(kind_col)}${first_line_row + 1}:${xl_col_to_name(kind_col)}${last_line_row + 1}"
        return f'=SUMIF({kinds},"{kind}",{_cell(col, first_line_row)}:{_cell(col, last_line_row)})'

    base_row, contingency_row, total_row = row, row + 1, row + 2
    sheet.write(base_row, 0, "Total before contingency", bold)
    sheet.write(contingency_row, 0, "Contingency", bold)
    sheet.write(total_row, 0, "Programme total", bold)
    for col in [*measure_cols, *year_cols.values()]:
        sheet.write_formula(base_row, col, sumif(col, BASE), money_bold)
        sheet.write_formula(contingency_row, col, sumif(col, CONTINGENCY), money_bold)
        sheet.write_formula(total_row, col, f"={_cell(col, base_row)}+{_cell(col, contingency_row)}", money_total)

    # Funding against requirement, per year, in the years' columns.
    row = total_row + 3
    sheet.write(row, 0, "Funding against requirement (£000)", title)
    row += 1
    sheet.write(row, 0, "Figure", header_left)
    for y, col in year_cols.items():
        sheet.write(row, col, fiscal.label(y), header)
    sheet.write(row, all_col, "All years", header)
    row += 1
    requirement_row = row
    sheet.write(row, 0, "Requirement (planned spend)")
    for col in year_cols.values():
        sheet.write_formula(row, col, f"={_cell(col, total_row)}", money)
    row += 1
    sources = selectors.funding_summary(budget.programme)
    first_source = row
    for source in sources:
        sheet.write(row, 0, f"Funding: {source.source.name}")
        for y, col in year_cols.items():
            if y in source.amounts:
                sheet.write_number(row, col, source.amounts[y], money)
        row += 1
    available_row = row
    sheet.write(row, 0, "Available funding", bold)
    for col in year_cols.values():
        if sources:
            sheet.write_formula(row, col, f"=SUM({_cell(col, first_source)}:{_cell(col, row - 1)})", money_bold)
        else:
            sheet.write_number(row, col, 0, money_bold)
    additional_row = row + 1
    sheet.write(additional_row, 0, "Additional funding required", bold)
    for col in year_cols.values():
        sheet.write_formula(
            additional_row,
            col,
            f"=MAX(0,{_cell(col, requirement_row)}-{_cell(col, available_row)})",
            money_total,
        )
    if years:
        first, last = year_cols[years[0]], year_cols[years[-1]]
        for r in (requirement_row, available_row, additional_row):
            fmt = money_total if r == additional_row else money_bold if r == available_row else money
            sheet.write_formula(r, all_col, f"=SUM({_cell(first, r)}:{_cell(last, r)})", fmt)
    sheet.freeze_panes(head + 1, 1)
    pressure = selectors.forecast_pressure(budget)
    if pressure.lines:
        _pressure_sheet(book, budget, pressure)
    book.close()
    return out.getvalue()


def _pressure_sheet(book: xlsxwriter.Workbook, budget: BudgetSummary, pressure: ForecastPressure) -> None:
    """The forecasts the lines follow, beside their plans, year by year (see the module's docstring)."""
    sheet = book.add_worksheet("Forecast pressure")
    title = book.add_format({"bold": True, "font_size": 14})
    bold = book.add_format({"bold": True})
    warning = book.add_format({"bold": True, "font_color": "#d4351c"})
    muted = book.add_format({"italic": True, "font_color": "#505a5f"})
    money = book.add_format({"num_format": THOUSANDS_FORMAT})
    money_bold = book.add_format({"num_format": THOUSANDS_FORMAT, "bold": True, "top": 1})
    money_total = book.add_format({"num_format": THOUSANDS_FORMAT, "bold": True, "top": 1, "bottom": 6})
    header = book.add_format({"bold": True, "align": "right", "bottom": 1})
    header_left = book.add_format({"bold": True, "bottom": 1})
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, len(pressure.years), 13)
    sheet.write(0, 0, f"{budget.programme.name}: forecast pressure (£000)", title)
    sheet.write(
        1,
        0,
        "Forecasts other rooms make for lines of the budget, beside the plan; not in the Summary's figures. "
        "Cells hold pounds to the penny and show £000.",
        muted,
    )
    row = 2
    if pressure.synthetic:
        sheet.write(
            row, 0, "Demo data: a forecast here comes from synthetic data, not the council's own return.", warning
        )
    row += 2
    sheet.write(row, 0, "Line and figure", header_left)
    for n, label in enumerate(pressure.year_labels, start=1):
        sheet.write(row, n, label, header)
    row += 1
    differences: list[int] = []
    for x in pressure.lines:
        follows = (
            f"follows {x.series.title} from the {x.series.room or 'another'} room ({x.key})"
            + (", SYNTHETIC" if x.series.synthetic else "")
            if x.series
            else f"follows {x.key}, which no room offers for this programme now"
        )
        sheet.write(row, 0, f"{x.name}: {follows}", bold)
        planned_row, mean_row = row + 1, row + 2
        sheet.write(planned_row, 0, "Planned")
        if x.series is None:
            for col, r in enumerate(x.rows, start=1):
                if r.planned is not None:
                    sheet.write_number(planned_row, col, r.planned, money)
            row = planned_row + 1
            continue
        labels = ("Forecast (mean)", "95% interval: low", "95% interval: high", "Forecast − planned")
        for offset, label in enumerate(labels, start=2):
            sheet.write(row + offset, 0, label)
        for col, r in enumerate(x.rows, start=1):
            for offset, value in enumerate((r.planned, r.forecast, r.low, r.high), start=1):
                if value is not None:
                    sheet.write_number(row + offset, col, value, money)
            if r.difference is not None:
                sheet.write_formula(
                    row + 5, col, f"={_cell(col, mean_row)}-{_cell(col, planned_row)}", money_bold, r.difference
                )
        differences.append(row + 5)
        row += 6
    if len(pressure.lines) > 1 and differences:
        sheet.write(row, 0, "Forecast pressure: forecast − planned over these lines", bold)
        for col, found in enumerate(pressure.total_difference(), start=1):
            if found is not None:
                cells = "+".join(_cell(col, r) for r in differences)
                sheet.write_formula(row, col, f"={cells}", money_total, found)
        row += 1
    row += 1
    sheet.write(row, 0, "Where the forecasts come from", bold)
    for series in pressure.sources():
        row += 1
        sheet.write(
            row, 0, f"{series.title} from the {series.room or 'another'} room ({series.key}): {series.provenance}."
        )
    sheet.freeze_panes(5, 1)
