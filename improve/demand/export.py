"""A stored projection as an Excel workbook: one sheet per table, numbers as numbers, no formulas.

Sheets: ``Parameters``; ``Children`` (each month end × category and total: the mean and the 50,
80 and 95 % intervals); ``What happened`` (children in care at month ends, from the data);
``Costs by month`` and ``Costs by year`` (£, mean and intervals); ``Backtest`` (errors by
category) when there is one; ``Scenario`` (the scenario's children and costs and their
differences from the baseline) when one was run. Dates are Excel dates shown dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from improve.demand.models import ProjectionRun

LEVELS = ("50", "80", "95")
INTERVAL_HEADINGS = tuple(f"{level}% {side}" for level in LEVELS for side in ("low", "high"))


def _series(results: dict[str, Any]) -> list[str]:
    return [*results["categories"], "total"]


def children_rows(results: dict[str, Any], months: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """[date, category, mean, 50 low, 50 high, 80 low, 80 high, 95 low, 95 high] per month end and series."""
    rows = []
    for month in months:
        for name in _series(results):
            bounds = [bound for level in LEVELS for bound in month["intervals"][level][name]]
            rows.append([dt.date.fromisoformat(month["date"]), name, month["mean"][name], *bounds])
    return rows


def money_rows(results: dict[str, Any], spends: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """[period, days, category, mean £, intervals £…] per month or year and series."""
    rows = []
    for spend in spends:
        for name in _series(results):
            bounds = [Decimal(bound) for level in LEVELS for bound in spend["intervals"][level][name]]
            rows.append([spend["label"], spend["days"], name, Decimal(spend["mean"][name]), *bounds])
    return rows


def write_xlsx(run: ProjectionRun, path: Path) -> None:
    """Write ``run`` to ``path`` (see the module note)."""
    import xlsxwriter

    results = run.results
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "dd/mm/yyyy"})
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    number = book.add_format({"num_format": "#,##0.0"})
    pounds = book.add_format({"num_format": "£#,##0.00"})

    def sheet(name: str, headings: Sequence[str], rows: Sequence[Sequence[Any]], formats: dict[int, Any]) -> None:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, headings, bold)
        ws.freeze_panes(1, 0)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), formats.get(c, date))
                elif isinstance(value, Decimal):
                    ws.write_number(r, c, float(value), formats.get(c, pounds))
                elif isinstance(value, int | float):
                    ws.write_number(r, c, value, formats.get(c))
                elif value is None:
                    ws.write_blank(r, c, None)
                else:
                    ws.write_string(r, c, str(value))
        ws.set_column(0, len(headings) - 1, 14)

    parameters: list[list[Any]] = [
        ["Start", run.start],
        ["Months projected", run.months],
        ["Reference window (months before the start)", run.reference_months],
        ["Simulated paths", run.draws],
        ["Seed", run.seed],
        ["Scenario", run.scenario or "none (baseline)"],
        ["Loaded data ends", run.data_end],
        *[[f"Weekly unit cost: {name}", Decimal(cost)] for name, cost in run.unit_costs.items()],
    ]
    sheet("Parameters", ["Parameter", "Value"], parameters, {})
    sheet(
        "Children",
        ["Month end", "Category", "Mean", *INTERVAL_HEADINGS],
        children_rows(results, results["months"]),
        {c: number for c in range(2, 9)},
    )
    sheet(
        "What happened",
        ["Month end", *_series(results)],
        [[dt.date.fromisoformat(h["date"]), *(h[name] for name in _series(results))] for h in results["history"]],
        {},
    )
    money_headings = ["Days", "Category", "Mean (£)", *(f"{h} (£)" for h in INTERVAL_HEADINGS)]
    sheet("Costs by month", ["Month", *money_headings], money_rows(results, results["spend_months"]), {})
    sheet("Costs by year", ["Financial year", *money_headings], money_rows(results, results["spend_years"]), {})
    backtest = results.get("backtest")
    if backtest:
        sheet(
            "Backtest",
            [
                "Series",
                "Mean absolute error (children)",
                "Mean absolute % error",
                *(f"In {x}% interval" for x in LEVELS),
            ],
            [[e["name"], e["mae"], e["mape"], *(e["coverage"][level] for level in LEVELS)] for e in backtest["errors"]],
            {},
        )
    scenario = results.get("scenario")
    if scenario:
        sheet(
            "Scenario children",
            ["Month end", "Category", "Mean", *INTERVAL_HEADINGS],
            children_rows(results, scenario["months"]),
            {c: number for c in range(2, 9)},
        )
        sheet(
            "Scenario difference",
            ["Month end", "Category", "Mean", *INTERVAL_HEADINGS],
            children_rows(results, scenario["difference"]["months"]),
            {c: number for c in range(2, 9)},
        )
        sheet(
            "Scenario costs by year",
            ["Financial year", *money_headings],
            money_rows(results, scenario["spend_years"]),
            {},
        )
    book.close()
