"""The money summary as a cabinet report lays it out: rows of display cells, built in Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from urllib.parse import quote

from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from improve.core.validators import is_url_key
from improve.finance.selectors import BudgetSummary, ForecastPressure, budget_summary, forecast_pressure
from improve.modelling import fiscal
from improve.modelling.budget import Totals, YearFigures, total
from improve.modelling.money import cabinet
from improve.programmes.models import Programme
from improve.programmes.selectors import change_count

COLUMNS = (
    "Original full estimate",
    "Planned",
    "Projected",
    "Variation",
    "Actual",
    "Latest estimate",
)


@dataclass
class Row:
    label: str
    cells: list[str]
    kind: str = "line"  # line, subtotal, total
    href: str = ""
    notes: list[str] = field(default_factory=list)


def _totals_cells(totals: Totals, year: int, original: Decimal, latest: Decimal | None) -> list[str]:
    return [
        cabinet(original),
        cabinet(totals.planned.get(year)),
        cabinet(totals.projected.get(year)),
        cabinet(totals.variation.get(year)),
        cabinet(totals.actual.get(year)),
        cabinet(latest),
    ]


def table(budget: BudgetSummary, year: int) -> list[Row]:
    """Groups with their lines and subtotal, then the totals without and with contingency."""
    figures = budget.figures
    rows: list[Row] = []
    # One address reversed, then each line's code put into it (a thousand reverse() calls cost more).
    marker = "LINE-CODE"
    before, _, after = reverse("finance:line", args=[budget.programme.slug, marker]).partition(marker)
    originals: dict[str, list[Decimal | None]] = {"base": [], "contingency": []}
    latest: dict[str, list[Decimal | None]] = {"base": [], "contingency": []}
    for group in budget.groups:
        rows.append(Row(group.group.name, [], kind="group"))
        group_original: list[Decimal | None] = []
        group_latest: list[Decimal | None] = []
        for line_row in group.lines:
            line = line_row.line
            f = line_row.years.get(year, YearFigures())
            side = "contingency" if line.contingency else "base"
            originals[side].append(line.original_estimate)
            latest[side].append(line_row.latest_estimate)
            group_original.append(line.original_estimate)
            group_latest.append(line_row.latest_estimate)
            notes = [line.get_spend_type_display(), line.get_duration_display().lower()]
            if line.contingency:
                notes.append("contingency")
            rows.append(
                Row(
                    line.name,
                    [
                        cabinet(line.original_estimate),
                        cabinet(f.planned),
                        cabinet(f.projected),
                        cabinet(f.variation),
                        cabinet(f.actual),
                        cabinet(line_row.latest_estimate),
                    ],
                    # A line's code is a URL key (letters, digits, '.', '-', '_'): quoted only if not.
                    href=before + (line.code if is_url_key(line.code) else quote(line.code, safe="")) + after,
                    notes=notes,
                )
            )
        rows.append(
            Row(
                f"Subtotal: {group.group.name}",
                _totals_cells(
                    figures.groups[group.group.pk],
                    year,
                    total(group_original),
                    total(group_latest) if any(v is not None for v in group_latest) else None,
                ),
                kind="subtotal",
            )
        )
    rows.append(
        Row(
            "Total before contingency",
            _totals_cells(figures.base, year, total(originals["base"]), total(latest["base"])),
            kind="subtotal",
        )
    )
    rows.append(
        Row(
            "Contingency",
            _totals_cells(figures.contingency, year, total(originals["contingency"]), total(latest["contingency"])),
            kind="subtotal",
        )
    )
    rows.append(
        Row(
            "Programme total",
            _totals_cells(
                figures.programme,
                year,
                total([*originals["base"], *originals["contingency"]]),
                total([*latest["base"], *latest["contingency"]]),
            ),
            kind="total",
        )
    )
    return rows


@dataclass
class FundingRow:
    label: str
    cells: list[str]
    kind: str = "line"


def funding(budget: BudgetSummary) -> list[FundingRow]:
    """Per year and in all: requirement, available funding, additional funding required (£000)."""
    f = budget.figures
    return [
        FundingRow(
            "Requirement (planned spend)", [cabinet(f.requirement[y]) for y in f.years] + [cabinet(f.requirement_total)]
        ),
        FundingRow("Available funding", [cabinet(f.available[y]) for y in f.years] + [cabinet(f.available_total)]),
        FundingRow(
            "Additional funding required",
            [cabinet(f.additional_required[y]) for y in f.years] + [cabinet(f.additional_required_total)],
            kind="total",
        ),
    ]


_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric io-nowrap">'


def render(rows: list[Row], columns: int) -> SafeString:
    """The summary table's body as HTML, built in Python: a thousand lines render in a few ms.

    Names and notes are escaped; the cells are figures made by :func:`cabinet` (digits, commas, brackets).
    """
    out = []
    for row in rows:
        label: str = escape(row.label)  # the standard library's: Django's escape() costs a lazy wrapper
        if row.kind == "group":
            out.append(
                f'<tr class="govuk-table__row"><th scope="colgroup" colspan="{columns + 1}" '
                f'class="govuk-table__header io-money-group">{label}</th></tr>'
            )
            continue
        if row.href:
            label = f'<a class="govuk-link" href="{escape(row.href)}">{label}</a>'
        if row.notes:
            label += f'<br><span class="govuk-body-s io-muted">{escape(", ".join(row.notes))}</span>'
        css = "" if row.kind == "line" else f" io-money-{row.kind}"
        cells = "".join(f"{_CELL}{cell}</td>" for cell in row.cells)
        out.append(
            f'<tr class="govuk-table__row{css}"><th scope="row" class="govuk-table__header">{label}</th>{cells}</tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every name in it is escaped above


#: How long a summary is kept at most [s]; any audited write to the programme makes a new key first.
KEEP_SECONDS = 10 * 60


@dataclass(frozen=True)
class SummaryPage:
    """What the summary page shows of the budget: the table of one year, funding by year, and the
    forecasts its lines follow by year (apart from the budget's figures)."""

    years: list[int]
    current_year: int
    shown: int
    body: SafeString
    funding: list[FundingRow]
    pressure: ForecastPressure

    @property
    def year_labels(self) -> list[str]:
        return [fiscal.label(y) for y in self.years]


def summary_page(programme: Programme, wanted: int | None = None) -> SummaryPage:
    """The summary of ``wanted`` (a start year; the current year if None or not the programme's).

    Kept in Django's cache under the programme, its as-at date, the year and
    :func:`~improve.programmes.selectors.change_count` (decision 0014's key): every write to the
    money is audited, so any change makes a new key and a kept summary is never shown after it.
    So is what a followed forecast is made from (the demand room's stored projections and unit
    costs are audited writes to the programme), so a new projection makes a new key too.
    Reading and deriving 60,000 amounts is most of the page's time; the budget changes far less
    often than it is looked at.
    """
    key = f"finance:summary:{programme.pk}:{programme.as_at.isoformat()}:{wanted}:{change_count(programme)}"
    found = cache.get(key)
    if isinstance(found, SummaryPage):
        return found
    budget = budget_summary(programme)
    shown = wanted if wanted in budget.years else budget.current_year
    page = SummaryPage(
        budget.years,
        budget.current_year,
        shown,
        render(table(budget, shown), len(COLUMNS)),
        funding(budget),
        forecast_pressure(budget),
    )
    cache.set(key, page, KEEP_SECONDS)
    return page
