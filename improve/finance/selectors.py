"""Reads of the programme's money. Totals are summed in the database, the rest derived in
:mod:`improve.modelling.budget`; nothing derived is read from a stored total.

:func:`budget_summary` answers the summary page in a fixed number of queries, however many lines,
years and months the budget has (``tests/test_queries.py``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import connections
from django.db.models import BigIntegerField, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from improve.core.models import without_bookkeeping
from improve.core.registry import ForecastSeries
from improve.finance import rules
from improve.finance.fields import pounds_of
from improve.finance.models import (
    WHOLE_YEAR,
    Adjustment,
    Allocation,
    BudgetGroup,
    BudgetLine,
    ChangeCost,
    ContingencyDrawdown,
    DemoData,
    Duration,
    FinancialYear,
    ForecastLink,
    FundingSource,
    LineAmount,
    LineYearTotal,
    Period,
    PrintedFigure,
    SavingsAmount,
    SavingsEvidence,
    SavingsPlan,
    SourceAmount,
    SpendType,
    TrajectoryFigure,
)
from improve.modelling import fiscal, savings
from improve.modelling.budget import BudgetFigures, LineInput, YearFigures, compute, total
from improve.programmes.models import Programme

# --- lists and lookups --------------------------------------------------------------------------------


def years_for(programme: Programme) -> QuerySet[FinancialYear]:
    return FinancialYear.objects.filter(programme=programme).order_by("start_year")


def year_in(programme: Programme, label: str) -> FinancialYear:
    """The programme's year written ``label`` (``2019/20``); DoesNotExist if it has none."""
    try:
        start = fiscal.parse(label)
    except fiscal.FinancialYearError as exc:
        raise FinancialYear.DoesNotExist(str(exc)) from exc
    return FinancialYear.objects.get(programme=programme, start_year=start)


def periods_for(programme: Programme) -> QuerySet[Period]:
    return (
        Period.objects.filter(programme=programme, year__archived_at__isnull=True)
        .select_related("year", "closed_by")
        .order_by("year__start_year", "number")
    )


def period_in(programme: Programme, label: str, number: int) -> Period:
    try:
        start = fiscal.parse(label)
    except fiscal.FinancialYearError as exc:
        raise Period.DoesNotExist(str(exc)) from exc
    return periods_for(programme).get(year__start_year=start, number=number)


def groups_for(programme: Programme) -> QuerySet[BudgetGroup]:
    return BudgetGroup.objects.filter(programme=programme).order_by("order", "code")


def group_in(programme: Programme, code: str) -> BudgetGroup:
    return BudgetGroup.all_objects.get(programme=programme, code=code)


def lines_for(programme: Programme) -> QuerySet[BudgetLine]:
    return without_bookkeeping(
        BudgetLine.objects.filter(programme=programme).select_related("group", "owner", "strand"),
        "group",
    ).order_by("group__order", "group__code", "order", "code")


def archived_lines(programme: Programme) -> QuerySet[BudgetLine]:
    return BudgetLine.all_objects.archived().filter(programme=programme).select_related("group", "owner", "strand")


def line_in(programme: Programme, code: str) -> BudgetLine:
    return BudgetLine.all_objects.select_related("group", "owner", "strand").get(programme=programme, code=code)


def contingency_lines(programme: Programme) -> QuerySet[BudgetLine]:
    return lines_for(programme).filter(contingency=True)


def sources_for(programme: Programme) -> QuerySet[FundingSource]:
    return FundingSource.objects.filter(programme=programme).order_by("code")


def archived_sources(programme: Programme) -> QuerySet[FundingSource]:
    return FundingSource.all_objects.archived().filter(programme=programme).order_by("code")


def source_in(programme: Programme, code: str) -> FundingSource:
    return FundingSource.all_objects.get(programme=programme, code=code)


def printed_for(programme: Programme) -> QuerySet[PrintedFigure]:
    return PrintedFigure.objects.filter(programme=programme).select_related("group", "line", "year")


@dataclass(frozen=True)
class PrintedRow:
    """A figure as printed, read as plain values for the figure check (a thousand in a few ms)."""

    pk: int
    subject: str
    group_id: int | None
    group_name: str
    line_id: int | None
    line_name: str
    year: int | None  # the year it starts in; None: over all years
    measure: str
    text: str
    source: str
    funding_source_id: int | None = None
    funding_source_name: str = ""


def printed_rows(programme: Programme) -> list[PrintedRow]:
    """Every figure kept as printed, by code; those of an archived year are left out."""
    rows = (
        PrintedFigure.objects.filter(programme=programme)
        .exclude(year__archived_at__isnull=False)
        .order_by("code")
        .values_list(
            "pk",
            "subject",
            "group_id",
            "group__name",
            "line_id",
            "line__name",
            "year__start_year",
            "measure",
            "text",
            "source",
            "funding_source_id",
            "funding_source__name",
        )
    )
    return [
        PrintedRow(
            pk, subject, group_id, group_name or "", line_id, line_name or "", year, measure, text, source, fs, fs_name
        )
        for pk, subject, group_id, group_name, line_id, line_name, year, measure, text, source, fs, fs_name in rows
    ]


def trajectory_for(programme: Programme) -> QuerySet[TrajectoryFigure]:
    """The service budget trajectory's printed cells, year by year in printed order (current years only)."""
    return TrajectoryFigure.objects.filter(programme=programme, year__archived_at__isnull=True).select_related("year")


def trajectory_figure_or_archived(programme: Programme, year: FinancialYear, order: int) -> TrajectoryFigure:
    """The current row at ``order`` of ``year``, or else the one last archived there (to restore it)."""
    found = TrajectoryFigure.all_objects.filter(programme=programme, year=year, order=order).order_by(
        F("archived_at").desc(nulls_first=True), "-pk"
    )
    figure = found.select_related("year").first()
    if figure is None:
        raise TrajectoryFigure.DoesNotExist(f"No trajectory row {order} in {year}")
    return figure


def trajectory_figure_at(programme: Programme, year: FinancialYear, order: int) -> TrajectoryFigure:
    return TrajectoryFigure.objects.select_related("year").get(programme=programme, year=year, order=order)


def drawdowns_for(programme: Programme) -> QuerySet[ContingencyDrawdown]:
    return ContingencyDrawdown.objects.filter(programme=programme).select_related(
        "from_line", "to_line", "year", "approver"
    )


def drawdowns_between(programme: Programme, after: dt.date, until: dt.date) -> QuerySet[ContingencyDrawdown]:
    """Current draw-downs approved after ``after`` and by ``until``."""
    return ContingencyDrawdown.objects.filter(
        programme=programme, approved_on__gt=after, approved_on__lte=until
    ).select_related("from_line", "to_line", "approver", "year")


def adjustments_between(programme: Programme, after: dt.date, until: dt.date) -> QuerySet[Adjustment]:
    """Adjustments recorded after the day ``after`` and by the end of ``until``."""
    return (
        Adjustment.objects.filter(programme=programme, created_at__date__gt=after, created_at__date__lte=until)
        .select_related("line", "year")
        .order_by("number")
    )


def current_year(programme: Programme, years: list[int]) -> int:
    """The financial year of the programme's "as at" date, kept within its years."""
    here = fiscal.start_year_of(programme.as_at)
    if not years:
        return here
    return min(max(here, years[0]), years[-1])


# --- amounts --------------------------------------------------------------------------------------


def amount_sums(
    programme: Programme, *, line: BudgetLine | None = None, year: FinancialYear | None = None
) -> list[tuple[int, int, int | None, int | None, int | None]]:
    """Each (line id, year id)'s planned, projected and actual ``[pence]``, summed from the amounts:
    the yearly amount or, if none, the sum of the months (whole pence: exact). What
    :class:`~improve.finance.models.LineYearTotal` keeps; one pass over the amounts, no joins.
    """
    only: dict[str, Any] = {"line": line} if line is not None else {}
    if year is not None:
        only["year"] = year
    whole, months = Q(period=WHOLE_YEAR), Q(period__gt=WHOLE_YEAR)

    def year_figure(measure: str) -> Coalesce:
        pence = BigIntegerField()
        return Coalesce(Sum(measure, filter=whole, output_field=pence), Sum(measure, filter=months, output_field=pence))

    query = (
        LineAmount.objects.filter(programme=programme, **only)
        .values_list("line_id", "year_id")
        .annotate(p=year_figure("planned"), f=year_figure("projected"), a=year_figure("actual"))
        .order_by()
    )
    return _raw_rows(query)


def _raw_rows(query: QuerySet[Any]) -> list[Any]:
    # The ORM writes the query; its rows are fetched straight from the cursor, which skips the
    # per-value converter of each money column (15,000 calls at 1,000 lines × 5 years).
    sql, params = query.query.sql_with_params()
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[Any] = cursor.fetchall()
    return rows


def _year_sums(programme: Programme, line: BudgetLine | None = None) -> dict[tuple[int, int], YearFigures]:
    """Each line's figures per (line id, year) ``[£]``: yearly amount or sum of months (kept in
    :class:`~improve.finance.models.LineYearTotal`), with draw-downs and approved changes' costs
    in the planned figure and adjustments in the actual. Archived years are left out.
    """
    only = {"line": line} if line is not None else {}
    years = dict(FinancialYear.objects.filter(programme=programme).values_list("pk", "start_year"))

    rows: list[tuple[int, int, int | None, int | None, int | None]] = _raw_rows(
        LineYearTotal.objects.filter(programme=programme, **only)
        .values_list("line_id", "year_id", "planned", "projected", "actual")
        .order_by()
    )
    adjustments: dict[tuple[int, int], Decimal] = {
        (line_id, years[year_id]): cast(Decimal, amount)
        for line_id, year_id, amount in Adjustment.objects.filter(programme=programme, year_id__in=years, **only)
        .values_list("line_id", "year_id")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    moved: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    drawdowns = ContingencyDrawdown.objects.filter(programme=programme, year_id__in=years)
    if line is not None:
        drawdowns = drawdowns.filter(Q(from_line=line) | Q(to_line=line))
    for source, target, year_id, amount in drawdowns.values_list("from_line_id", "to_line_id", "year_id", "amount"):
        moved[(source, years[year_id])] -= cast(Decimal, amount)
        moved[(target, years[year_id])] += cast(Decimal, amount)
    # The costs of approved change requests placed on a line move its plan too.
    costs = ChangeCost.objects.filter(programme=programme, year_id__in=years, line__isnull=False)
    if line is not None:
        costs = costs.filter(line=line)
    for line_id, year_id, amount in costs.values_list("line_id", "year_id", "amount"):
        moved[(line_id, years[year_id])] += cast(Decimal, amount)
    out: dict[tuple[int, int], YearFigures] = {}
    for line_id, year_id, planned_pence, projected_pence, actual_pence in rows:
        if year_id not in years:
            continue
        key = (line_id, years[year_id])
        planned, projected, actual = pounds_of(planned_pence), pounds_of(projected_pence), pounds_of(actual_pence)
        if key in moved:
            planned = (planned or Decimal("0.00")) + moved.pop(key)
        if key in adjustments:
            actual = (actual or Decimal("0.00")) + adjustments.pop(key)
        out[key] = YearFigures(planned, projected, actual)
    for key, amount in moved.items():  # a line with a draw-down and no amounts of its own that year
        out[key] = YearFigures(planned=amount)
    for key, amount in adjustments.items():
        before = out.get(key, YearFigures())
        out[key] = YearFigures(before.planned, before.projected, amount)
    return out


@dataclass(frozen=True)
class LineInfo:
    """What the summary shows of a line (read as plain values: a thousand lines in a few ms)."""

    pk: int
    code: str
    name: str
    group_id: int
    spend_type: str
    duration: str
    contingency: bool
    original_estimate: Decimal | None

    @property
    def one_off(self) -> bool:
        return self.duration == _ONE_OFF

    def get_spend_type_display(self) -> str:
        return _SPEND_TYPES[self.spend_type]

    def get_duration_display(self) -> str:
        return _DURATIONS[self.duration]


# Read once: an enum member or label looked up per line costs more than the rest of a line's row.
_ONE_OFF = Duration.ONE_OFF.value
_SPEND_TYPES = {str(c.value): str(c.label) for c in SpendType}
_DURATIONS = {str(c.value): str(c.label) for c in Duration}


@dataclass(frozen=True)
class GroupInfo:
    pk: int
    code: str
    name: str


@dataclass
class LineRow:
    line: LineInfo
    years: dict[int, YearFigures]
    latest_estimate: Decimal | None


@dataclass
class GroupRows:
    group: GroupInfo
    lines: list[LineRow] = field(default_factory=list)


@dataclass
class BudgetSummary:
    programme: Programme
    years: list[int]
    current_year: int
    groups: list[GroupRows]
    figures: BudgetFigures

    @property
    def year_labels(self) -> list[str]:
        return [fiscal.label(y) for y in self.years]


def _lines_and_sums(programme: Programme) -> tuple[list[LineInfo], dict[int, dict[int, YearFigures]]]:
    """The current lines in the summary's order, and each line's figures by year (two queries and a few)."""
    by_line: dict[int, dict[int, YearFigures]] = defaultdict(dict)
    for (line_id, year), found in _year_sums(programme).items():
        by_line[line_id][year] = found
    lines = [
        LineInfo(*cast(tuple[int, str, str, int, str, str, bool, Decimal | None], values))
        for values in BudgetLine.objects.filter(programme=programme, group__archived_at__isnull=True)
        .order_by("group__order", "group__code", "order", "code")
        .values_list("pk", "code", "name", "group_id", "spend_type", "duration", "contingency", "original_estimate")
    ]
    return lines, by_line


def line_figures(programme: Programme) -> list[LineRow]:
    """Each current line with its figures by year, without the derived figures (for the figure check)."""
    lines, by_line = _lines_and_sums(programme)
    return [LineRow(line, by_line.get(line.pk, {}), None) for line in lines]


def budget_summary(programme: Programme) -> BudgetSummary:
    """Every line with its figures per year, and every derived figure, in a fixed number of queries."""
    years = list(years_for(programme).values_list("start_year", flat=True))
    now = current_year(programme, years)
    lines, by_line = _lines_and_sums(programme)
    groups_by_pk = {
        pk: GroupInfo(pk, code, name)
        for pk, code, name in BudgetGroup.objects.filter(programme=programme).values_list("pk", "code", "name")
    }
    available = {
        r["year__start_year"]: r["s"]
        for r in SourceAmount.objects.filter(
            programme=programme, source__archived_at__isnull=True, year__archived_at__isnull=True
        )
        .values("year__start_year")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    inputs: list[LineInput] = [
        LineInput(line.pk, line.group_id, line.one_off, line.contingency, by_line.get(line.pk, {})) for line in lines
    ]
    figures = compute(inputs, years, now, available)
    groups: dict[Hashable, GroupRows] = {}
    for line in lines:
        rows = groups.setdefault(line.group_id, GroupRows(groups_by_pk[line.group_id]))
        rows.lines.append(LineRow(line, by_line.get(line.pk, {}), figures.latest_estimate.get(line.pk)))
    return BudgetSummary(programme, years, now, list(groups.values()), figures)


@dataclass
class MonthRow:
    period: int
    label: str
    closed: bool
    planned: Decimal | None
    projected: Decimal | None
    actual: Decimal | None
    adjustments: Decimal | None


@dataclass
class LineYear:
    year: FinancialYear
    whole: LineAmount | None
    months: list[MonthRow]
    figures: YearFigures


def line_detail(line: BudgetLine) -> list[LineYear]:
    """A line's amounts year by year and month by month (the drill-down), with adjustments."""
    years = list(years_for(line.programme))
    amounts = {(a.year_id, a.period): a for a in LineAmount.objects.filter(line=line)}
    closed = {
        (p["year_id"], p["number"])
        for p in Period.objects.filter(programme_id=line.programme_id, closed_at__isnull=False).values(
            "year_id", "number"
        )
    }
    adjusted: dict[tuple[int, int], Decimal] = {
        (r["year_id"], r["period"]): r["s"]
        for r in Adjustment.objects.filter(line=line).values("year_id", "period").annotate(s=Sum("amount")).order_by()
    }
    sums = _year_sums(line.programme, line)
    out = []
    for year in years:
        months = []
        for number in fiscal.PERIODS:
            a = amounts.get((year.pk, number))
            months.append(
                MonthRow(
                    number,
                    fiscal.period_label(year.start_year, number),
                    (year.pk, number) in closed,
                    a.planned if a else None,
                    a.projected if a else None,
                    a.actual if a else None,
                    adjusted.get((year.pk, number)),
                )
            )
        out.append(
            LineYear(
                year, amounts.get((year.pk, WHOLE_YEAR)), months, sums.get((line.pk, year.start_year), YearFigures())
            )
        )
    return out


# --- funding and its rules ----------------------------------------------------------------------------


def source_rules(source: FundingSource) -> rules.SourceRules:
    return rules.SourceRules(
        name=source.name,
        funds_revenue=source.funds_revenue,
        funds_capital=source.funds_capital,
        funds_one_off=source.funds_one_off,
        funds_permanent=source.funds_permanent,
        must_carry_savings=source.must_carry_savings,
        valid_from=source.valid_from,
        valid_until=source.valid_until,
    )


def spend_facts(line: BudgetLine) -> rules.SpendFacts:
    return rules.SpendFacts(
        name=line.name,
        revenue=line.spend_type == SpendType.REVENUE,
        one_off=line.duration == Duration.ONE_OFF,
        carries_savings=line.carries_savings,
    )


@dataclass
class AllocationRow:
    allocation: Allocation
    breaches: list[str]


def allocations_for(programme: Programme, *, line: BudgetLine | None = None) -> list[AllocationRow]:
    """Allocations (of one line, or all), each with the rules of its source that it breaks."""
    qs = Allocation.objects.filter(programme=programme, source__archived_at__isnull=True).select_related(
        "line", "source", "year"
    )
    if line is not None:
        qs = qs.filter(line=line)
    return [
        AllocationRow(a, rules.breaches(source_rules(a.source), spend_facts(a.line), a.year.start_year))
        for a in qs.order_by("year__start_year", "source__code", "line__code")
    ]


@dataclass(frozen=True)
class MonthFigures:
    """One line's amounts entered for one month ``[£]`` (``None``: not entered); adjustments in the actual."""

    planned: Decimal | None = None
    projected: Decimal | None = None
    actual: Decimal | None = None


def month_amounts(programme: Programme, start_year: int) -> dict[int, dict[int, MonthFigures]]:
    """Each line's monthly amounts of one year, by line id and period (1 April … 12 March), in two queries."""
    out: dict[int, dict[int, MonthFigures]] = defaultdict(dict)
    for line_id, period, planned, projected, actual in LineAmount.objects.filter(
        programme=programme, year__start_year=start_year, year__archived_at__isnull=True, period__gt=WHOLE_YEAR
    ).values_list("line_id", "period", "planned", "projected", "actual"):
        out[line_id][period] = MonthFigures(
            cast(Decimal | None, planned), cast(Decimal | None, projected), cast(Decimal | None, actual)
        )
    for line_id, period, amount in (
        Adjustment.objects.filter(programme=programme, year__start_year=start_year, period__gt=WHOLE_YEAR)
        .values_list("line_id", "period")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        found = out[line_id].get(period, MonthFigures())
        out[line_id][period] = MonthFigures(
            found.planned, found.projected, (found.actual or Decimal("0.00")) + cast(Decimal, amount)
        )
    return out


def source_amounts(programme: Programme) -> dict[int, dict[int, Decimal]]:
    """Each current source's amount per year (by the year it starts in), of the current years ``[£]``."""
    out: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for source_id, start, amount in SourceAmount.objects.filter(
        programme=programme, source__archived_at__isnull=True, year__archived_at__isnull=True
    ).values_list("source_id", "year__start_year", "amount"):
        out[source_id][start] = cast(Decimal, amount)
    return out


@dataclass
class SourceRow:
    source: FundingSource
    amounts: dict[int, Decimal]
    allocated: dict[int, Decimal]
    breaches: int


def funding_summary(programme: Programme) -> list[SourceRow]:
    """Each current source with its amount and what is allocated from it per year, and its breaches."""
    sources = list(sources_for(programme))
    amounts: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for r in SourceAmount.objects.filter(programme=programme).values("source_id", "year__start_year", "amount"):
        amounts[r["source_id"]][r["year__start_year"]] = cast(Decimal, r["amount"])
    allocated: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for a in (
        Allocation.objects.filter(programme=programme)
        .values("source_id", "year__start_year")
        .annotate(s=Sum("amount"))
        .order_by()
    ):
        allocated[a["source_id"]][a["year__start_year"]] = a["s"]
    breaches: dict[int, int] = defaultdict(int)
    for row in allocations_for(programme):
        breaches[row.allocation.source_id] += len(row.breaches)
    return [SourceRow(s, amounts[s.pk], allocated[s.pk], breaches[s.pk]) for s in sources]


# --- approved changes and demo data -------------------------------------------------------------------


def change_costs_for(programme: Programme) -> QuerySet[ChangeCost]:
    return ChangeCost.objects.filter(programme=programme).select_related("line", "year").order_by("approved_on", "pk")


def change_cost_in(programme: Programme, reference: str) -> ChangeCost:
    return ChangeCost.objects.select_related("line", "year").get(programme=programme, reference=reference)


def demo_marks(programme: Programme) -> list[DemoData]:
    """What is demo data in this programme's money (each year and measure so marked)."""
    return list(DemoData.objects.filter(programme=programme).select_related("year"))


# --- savings plans ----------------------------------------------------------------------------------------


def savings_plans_for(programme: Programme) -> QuerySet[SavingsPlan]:
    return (
        SavingsPlan.objects.filter(programme=programme)
        .select_related("owner")
        .prefetch_related("lines", "strands")
        .order_by("code")
    )


def archived_savings_plans(programme: Programme) -> QuerySet[SavingsPlan]:
    return (
        SavingsPlan.all_objects.archived()
        .filter(programme=programme)
        .select_related("owner")
        .prefetch_related("lines", "strands")
    )


def savings_plan_in(programme: Programme, code: str) -> SavingsPlan:
    return SavingsPlan.all_objects.select_related("owner").get(programme=programme, code=code)


def evidence_in(plan: SavingsPlan, pk: int) -> SavingsEvidence:
    return SavingsEvidence.objects.select_related("year").get(plan=plan, pk=pk)


@dataclass
class SavingsYear:
    """One year of a plan: planned, delivered, the shortfall, and the evidence ``[£]``."""

    label: str
    start_year: int
    planned: Decimal | None
    delivered: Decimal | None
    evidence: str
    files: list[SavingsEvidence]

    @property
    def shortfall(self) -> Decimal | None:
        return savings.shortfall(self.planned, self.delivered)

    @property
    def slug(self) -> str:
        return self.label.replace("/", "-")


@dataclass
class SavingsRow:
    """A savings plan with its years, what was expected by the status date, and its RAG."""

    plan: SavingsPlan
    years: list[SavingsYear]
    expected: Decimal
    delivered: Decimal
    derived_rag: str
    files: list[SavingsEvidence]

    @property
    def rag(self) -> str:
        return self.plan.rag_override or self.derived_rag

    @property
    def overridden(self) -> bool:
        return bool(self.plan.rag_override) and self.plan.rag_override != self.derived_rag

    @property
    def planned_total(self) -> Decimal:
        return total(y.planned for y in self.years)

    @property
    def shortfall_total(self) -> Decimal:
        return total(y.shortfall for y in self.years)


@dataclass
class SavingsReport:
    """Every current plan, expected against delivered as at ``as_at``, with totals per year ``[£]``."""

    programme: Programme
    as_at: dt.date
    years: list[tuple[int, str]]
    rows: list[SavingsRow]

    def _per_year(self, measure: str) -> dict[int, Decimal]:
        out: dict[int, Decimal] = {}
        for row in self.rows:
            for y in row.years:
                value = getattr(y, measure)
                if value is not None:
                    out[y.start_year] = total([out.get(y.start_year), value])
        return out

    @property
    def planned_by_year(self) -> dict[int, Decimal]:
        return self._per_year("planned")

    @property
    def delivered_by_year(self) -> dict[int, Decimal]:
        return self._per_year("delivered")

    @property
    def shortfall_by_year(self) -> dict[int, Decimal]:
        return self._per_year("shortfall")

    @property
    def totals(self) -> dict[str, Decimal]:
        return {
            "planned": total(r.planned_total for r in self.rows),
            "delivered": total(r.delivered for r in self.rows),
            "shortfall": total(r.shortfall_total for r in self.rows),
            "expected": total(r.expected for r in self.rows),
        }


def savings_report(
    programme: Programme, *, plan: SavingsPlan | None = None, as_at: dt.date | None = None
) -> SavingsReport:
    """Expected against delivered for every current plan (or one), as at the programme's status date
    (or ``as_at``), in a fixed number of queries."""
    as_at = as_at or programme.as_at
    plans = [plan] if plan is not None else list(savings_plans_for(programme))
    ids = [p.pk for p in plans]
    amounts: dict[int, dict[int, SavingsAmount]] = defaultdict(dict)
    for a in SavingsAmount.objects.filter(plan_id__in=ids, year__archived_at__isnull=True).select_related("year"):
        amounts[a.plan_id][a.year.start_year] = a
    files: dict[tuple[int, int | None], list[SavingsEvidence]] = defaultdict(list)
    all_files: dict[int, list[SavingsEvidence]] = defaultdict(list)
    for e in SavingsEvidence.objects.filter(plan_id__in=ids).select_related("year"):
        files[(e.plan_id, e.year.start_year if e.year else None)].append(e)
        all_files[e.plan_id].append(e)
    years = sorted({y for by_year in amounts.values() for y in by_year})
    rows = []
    for p in plans:
        by_year = amounts.get(p.pk, {})
        plan_years = [
            SavingsYear(
                fiscal.label(y),
                y,
                a.planned,
                a.delivered,
                a.evidence,
                files.get((p.pk, y), []),
            )
            for y, a in sorted(by_year.items())
        ]
        expected = savings.expected_by({y: a.planned for y, a in by_year.items()}, as_at)
        delivered = total(a.delivered for a in by_year.values())
        rows.append(SavingsRow(p, plan_years, expected, delivered, savings.rag(expected, delivered), all_files[p.pk]))
    return SavingsReport(programme, as_at, [(y, fiscal.label(y)) for y in years], rows)


# --- forecasts another room offers ------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastRow:
    """A year of a line that follows a forecast: its plan and the forecast's mean and 95 % interval [£]."""

    year: str
    planned: Decimal | None
    forecast: Decimal | None
    low: Decimal | None
    high: Decimal | None
    days: int | None
    start_year: int = 0

    @property
    def difference(self) -> Decimal | None:
        """Forecast − planned (positive: the forecast is above the plan)."""
        return None if self.forecast is None or self.planned is None else self.forecast - self.planned

    @property
    def year_days(self) -> int:
        """How many days the financial year has (366 when it holds a 29 February)."""
        first, last = fiscal.bounds(self.start_year or fiscal.parse(self.year))
        return (last - first).days + 1

    @property
    def partial(self) -> bool:
        """The forecast covers only part of the year (it starts or ends inside it)."""
        return self.days is not None and self.days < self.year_days


@dataclass(frozen=True)
class LineForecast:
    """The forecast a line follows: the series (None when no room offers it now) and a row per year."""

    link: ForecastLink
    series: ForecastSeries | None
    rows: list[ForecastRow]


def forecast_series(programme: Programme) -> dict[str, ForecastSeries]:
    """The forecasts of money the rooms offer for the programme, by key (through the registry)."""
    from improve.core.registry import registry

    return registry.forecast_series(programme)


def _forecast_rows(
    planned: dict[int, Decimal | None], series: ForecastSeries | None, years: list[int] | None = None
) -> list[ForecastRow]:
    """A row per year (``years``, or those planned or forecast) with the plan and the forecast [£]."""
    offered = {y.start_year: y for y in series.years} if series else {}
    rows = []
    for start in years if years is not None else sorted(set(planned) | set(offered)):
        found = offered.get(start)
        low, high = found.intervals.get(95, (None, None)) if found else (None, None)
        rows.append(
            ForecastRow(
                fiscal.label(start),
                planned.get(start),
                found.mean if found else None,
                low,
                high,
                found.days if found else None,
                start,
            )
        )
    return rows


def line_forecast(line: BudgetLine, years: list[LineYear]) -> LineForecast | None:
    """The forecast ``line`` follows, year by year next to its plan (``years`` from :func:`line_detail`)."""
    link = ForecastLink.objects.filter(line=line).first()
    if link is None:
        return None
    series = forecast_series(line.programme).get(link.series)
    planned = {entry.year.start_year: entry.figures.planned for entry in years}
    return LineForecast(link, series, _forecast_rows(planned, series))


@dataclass(frozen=True)
class LinePressure:
    """A line of the summary that follows a forecast: which one, and a row per year of the pressure."""

    code: str
    name: str
    contingency: bool
    key: str
    series: ForecastSeries | None  # None: no room offers the key now
    rows: list[ForecastRow]


@dataclass(frozen=True)
class ForecastPressure:
    """The forecasts the summary's lines follow, beside their plans, year by year [£].

    Kept apart from the budget's planned, projected and actual figures: the plan is the approved
    budget, the forecast says how it may turn out. ``years`` are the budget's years and every year
    a followed forecast covers.
    """

    years: list[int]
    lines: list[LinePressure]

    @property
    def year_labels(self) -> list[str]:
        return [fiscal.label(y) for y in self.years]

    @property
    def synthetic(self) -> bool:
        return any(x.series is not None and x.series.synthetic for x in self.lines)

    def total_difference(self) -> list[Decimal | None]:
        """Each year's forecast − planned over the lines with both (None where no line has both)."""
        out: list[Decimal | None] = []
        for n in range(len(self.years)):
            found = [d for x in self.lines if (d := x.rows[n].difference) is not None]
            out.append(total(found) if found else None)
        return out

    def sources(self) -> list[ForecastSeries]:
        """Each series followed (once, however many lines follow it), in the order first followed."""
        seen: dict[str, ForecastSeries] = {}
        for x in self.lines:
            if x.series is not None:
                seen.setdefault(x.key, x.series)
        return list(seen.values())


def forecast_pressure(budget: BudgetSummary) -> ForecastPressure:
    """The forecasts followed by the summary's lines (:func:`budget_summary`), next to their plans.

    One query for the links; the rooms are asked for their forecasts (through the registry) only
    when a line follows one, once however many do.
    """
    links = dict(
        ForecastLink.objects.filter(programme=budget.programme, line__archived_at__isnull=True).values_list(
            "line_id", "series"
        )
    )
    if not links:
        return ForecastPressure(list(budget.years), [])
    offered = forecast_series(budget.programme)
    followed = [
        (row, offered.get(links[row.line.pk])) for group in budget.groups for row in group.lines if row.line.pk in links
    ]
    years = sorted(set(budget.years) | {y.start_year for _r, s in followed if s for y in s.years})
    return ForecastPressure(
        years,
        [
            LinePressure(
                row.line.code,
                row.line.name,
                row.line.contingency,
                links[row.line.pk],
                series,
                _forecast_rows({y: f.planned for y, f in row.years.items()}, series, years),
            )
            for row, series in followed
        ],
    )
