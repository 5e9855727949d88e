"""The money room's part of the programme workbook (see docs/workbook.md and docs/finance.md).

Sheets, none of them required: ``financial_years``, ``budget_groups``, ``budget_lines``,
``budget_amounts``, ``funding_sources``, ``funding_amounts``, ``allocations``,
``printed_figures``, ``budget_trajectory``, ``savings_plans``, ``savings_amounts``, ``demo_data``,
``adjustments``, ``drawdowns`` and ``change_costs``. A sheet left out of a workbook leaves what it holds untouched.
``financial_years`` says how far each year is closed (``closed_to``: 0 none … 12 every period).

Money cells are read exactly (:func:`improve.modelling.money.parse_amount`), in pounds:
``1234.56``, ``1,234``, ``(1,234)`` or ``£953k``; the export writes pounds to the penny
(``953000.00``), so export → import → export is identical. Every rule is the one the services
apply (:mod:`improve.finance.rules`), reported by sheet, row and column before anything is written;
the import then writes through the services.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from improve.core.validators import KEY_MAX_LENGTH, validate_key
from improve.core.workbook import CHOICE, DATE, INT, Checker, Column, ImportContext, Plan, Row, SheetSpec, diff
from improve.finance import rules, selectors, services
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
    Measure,
    Period,
    PrintedFigure,
    Rag,
    SavingsAmount,
    SavingsPlan,
    SourceAmount,
    SourceKind,
    SpendType,
    TrajectoryFigure,
    Unit,
)
from improve.finance.permissions import CLOSE_PERIODS, EDIT_FINANCE
from improve.finance.services import MEASURES, AmountEntry
from improve.modelling import fiscal, trajectory
from improve.modelling.money import AmountError, parse_amount, read_printed
from improve.programmes.models import Owner, Strand

YES, NO = "yes", "no"
#: a forecast series' key, as :class:`~improve.finance.models.ForecastLink` keeps it
FORECAST_KEY_LENGTH = 100


def _year_label(value: Any) -> None:
    try:
        start = fiscal.parse(str(value))
    except fiscal.FinancialYearError as exc:
        raise ValidationError(str(exc)) from exc
    if str(value) != fiscal.label(start):
        raise ValidationError(f"'{value}' is not written as a financial year is: write it as {fiscal.label(start)}")


def _is_year_label(value: str) -> bool:
    try:
        _year_label(value)
    except ValidationError:
        return False
    return True


def _money(value: Any) -> None:
    try:
        parse_amount(value)
    except AmountError as exc:
        raise ValidationError(str(exc)) from exc


def _printed(value: Any) -> None:
    try:
        read_printed(value)
    except AmountError as exc:
        raise ValidationError(str(exc)) from exc


def _key(name: str, **kw: Any) -> Column:
    return Column(name, max_length=KEY_MAX_LENGTH, validator=validate_key, width=12, **kw)


def _yes_no(name: str) -> Column:
    return Column(name, CHOICE, choices=(YES, NO), default=None, width=10)


def _money_col(name: str, required: bool = False) -> Column:
    return Column(name, required=required, max_length=40, validator=_money, width=14)


def _year_col(required: bool = True) -> Column:
    return Column("year", required=required, max_length=9, validator=_year_label, width=9)


YEARS = SheetSpec(
    "financial_years",
    (_year_col(), Column("closed_to", INT, minimum=0, maximum=12, default=0, width=9, change_perm=CLOSE_PERIODS)),
    key=("year",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
)
GROUPS = SheetSpec(
    "budget_groups",
    (
        _key("code", required=True),
        Column("name", required=True, max_length=200, width=30),
        Column("order", INT, minimum=0, default=0, width=7),
    ),
    key=("code",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
)
LINES = SheetSpec(
    "budget_lines",
    (
        _key("code", required=True),
        _key("group", required=True),
        Column("name", required=True, max_length=300, width=40),
        Column("spend_type", CHOICE, required=True, choices=tuple(SpendType.values), width=10),
        Column("duration", CHOICE, required=True, choices=tuple(Duration.values), width=10),
        _yes_no("contingency"),
        _yes_no("carries_savings"),
        Column("owner", max_length=200, width=24),
        Column("strand", max_length=KEY_MAX_LENGTH, width=8),
        Column("unit", CHOICE, choices=tuple(Unit.values), width=6),
        _money_col("original_estimate"),
        Column("order", INT, minimum=0, default=0, width=7),
        Column("notes", max_length=5000, multiline=True, width=40),
        Column("forecast", max_length=FORECAST_KEY_LENGTH, width=24),
    ),
    key=("code",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
)
AMOUNTS = SheetSpec(
    "budget_amounts",
    (
        _key("line", required=True),
        _year_col(),
        Column("period", INT, minimum=0, maximum=12, default=WHOLE_YEAR, width=7),
        _money_col("planned"),
        _money_col("projected"),
        _money_col("actual"),
    ),
    key=("line", "year", "period"),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
SOURCES = SheetSpec(
    "funding_sources",
    (
        _key("code", required=True),
        Column("name", required=True, max_length=300, width=36),
        Column("kind", CHOICE, required=True, choices=tuple(SourceKind.values), width=20),
        _yes_no("funds_revenue"),
        _yes_no("funds_capital"),
        _yes_no("funds_one_off"),
        _yes_no("funds_permanent"),
        _yes_no("must_carry_savings"),
        Column("valid_from", DATE, width=12),
        Column("valid_until", DATE, width=12),
        Column("notes", max_length=5000, multiline=True, width=40),
    ),
    key=("code",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
)
SOURCE_AMOUNTS = SheetSpec(
    "funding_amounts",
    (_key("source", required=True), _year_col(), _money_col("amount", required=True)),
    key=("source", "year"),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
ALLOCATIONS = SheetSpec(
    "allocations",
    (_key("line", required=True), _key("source", required=True), _year_col(), _money_col("amount", required=True)),
    key=("line", "source", "year"),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
PRINTED = SheetSpec(
    "printed_figures",
    (
        _key("code", required=True),
        Column("subject", CHOICE, required=True, choices=tuple(PrintedFigure.Subject.values), width=12),
        _key("group"),
        _key("line"),
        _key("funding_source"),
        _year_col(required=False),
        Column("measure", CHOICE, required=True, choices=tuple(Measure.values), width=10),
        Column("text", required=True, max_length=40, validator=_printed, width=14),
        Column("source", max_length=300, width=40),
    ),
    key=("code",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
TRAJECTORY = SheetSpec(
    "budget_trajectory",
    (
        _year_col(),
        Column("order", INT, required=True, minimum=0, width=7),
        Column("kind", CHOICE, required=True, choices=tuple(TrajectoryFigure.Kind.values), width=16),
        Column("label", required=True, max_length=200, width=30),
        Column("text", max_length=40, validator=_printed, width=12),
        Column("source", max_length=300, width=30),
    ),
    key=("year", "order"),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
SAVINGS = SheetSpec(
    "savings_plans",
    (
        _key("code", required=True),
        Column("name", required=True, max_length=300, width=36),
        Column("owner", max_length=200, width=24),
        Column("lines", max_length=2000, width=20),
        Column("strands", max_length=2000, width=12),
        Column("rag_override", CHOICE, choices=tuple(Rag.values), width=10),
        Column("rag_reason", max_length=500, width=30),
        Column("description", max_length=5000, multiline=True, width=40),
    ),
    key=("code",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
)
SAVINGS_AMOUNTS = SheetSpec(
    "savings_amounts",
    (
        _key("plan", required=True),
        _year_col(),
        _money_col("planned"),
        _money_col("delivered"),
        Column("evidence", max_length=5000, multiline=True, width=40),
    ),
    key=("plan", "year"),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
DEMO = SheetSpec(
    "demo_data",
    (
        _year_col(),
        Column("measure", CHOICE, required=True, choices=tuple(Measure.values), width=10),
        Column("note", required=True, max_length=500, width=60),
    ),
    key=("year", "measure"),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
ADJUSTMENTS = SheetSpec(
    "adjustments",
    (
        Column("number", INT, required=True, minimum=1, width=8),
        _key("line", required=True),
        _year_col(),
        Column("period", INT, minimum=0, maximum=12, default=WHOLE_YEAR, width=7),
        _money_col("amount", required=True),
        Column("reason", required=True, max_length=500, width=40),
    ),
    key=("number",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
DRAWDOWNS = SheetSpec(
    "drawdowns",
    (
        Column("number", INT, required=True, minimum=1, width=8),
        _key("from_line", required=True),
        _key("to_line", required=True),
        _year_col(),
        _money_col("amount", required=True),
        Column("reason", required=True, max_length=500, width=40),
        Column("approver", required=True, max_length=200, width=24),
        Column("approved_on", DATE, required=True, width=12),
    ),
    key=("number",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
)
CHANGE_COSTS = SheetSpec(
    "change_costs",
    (
        _key("reference", required=True),
        Column("title", required=True, max_length=300, width=36),
        _key("line"),
        _year_col(required=False),
        _money_col("amount", required=True),
        Column("approved_by", required=True, max_length=300, width=24),
        Column("approved_on", DATE, required=True, width=12),
        Column("note", max_length=500, width=40),
    ),
    key=("reference",),
    required_sheet=False,
    change_perm=EDIT_FINANCE,
    removal="removed",
)
SHEETS = (
    YEARS,
    GROUPS,
    LINES,
    AMOUNTS,
    SOURCES,
    SOURCE_AMOUNTS,
    ALLOCATIONS,
    PRINTED,
    TRAJECTORY,
    SAVINGS,
    SAVINGS_AMOUNTS,
    DEMO,
    ADJUSTMENTS,
    DRAWDOWNS,
    CHANGE_COSTS,
)
#: how the savings_plans sheet lists several lines or strands: ``1; 2``
LIST_SEPARATOR = "; "
MONEY_COLUMNS = {
    LINES.name: ("original_estimate",),
    AMOUNTS.name: ("planned", "projected", "actual"),
    SOURCE_AMOUNTS.name: ("amount",),
    ALLOCATIONS.name: ("amount",),
    SAVINGS_AMOUNTS.name: ("planned", "delivered"),
    ADJUSTMENTS.name: ("amount",),
    DRAWDOWNS.name: ("amount",),
    CHANGE_COSTS.name: ("amount",),
}
YES_NO = {
    LINES.name: ("contingency", "carries_savings"),
    SOURCES.name: ("funds_revenue", "funds_capital", "funds_one_off", "funds_permanent", "must_carry_savings"),
}
YES_NO_DEFAULT = {"contingency": NO, "carries_savings": NO, "must_carry_savings": NO}


def _codes(text: Any) -> list[str]:
    """The codes listed in a cell: ``1; 2`` (commas also separate)."""
    if not text:
        return []
    return [c.strip() for c in str(text).replace(",", ";").split(";") if c.strip()]


def _yn(value: bool) -> str:
    return YES if value else NO


def _plain(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))


# --- export -----------------------------------------------------------------------------------------


@dataclass
class State:
    """What the database holds for the programme (current rows, plus archived ones by key)."""

    years: dict[str, FinancialYear] = field(default_factory=dict)
    groups: dict[str, BudgetGroup] = field(default_factory=dict)
    lines: dict[str, BudgetLine] = field(default_factory=dict)
    sources: dict[str, FundingSource] = field(default_factory=dict)
    amounts: list[LineAmount] = field(default_factory=list)
    source_amounts: list[SourceAmount] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    printed: list[PrintedFigure] = field(default_factory=list)
    trajectory: list[TrajectoryFigure] = field(default_factory=list)
    savings: dict[str, SavingsPlan] = field(default_factory=dict)
    savings_amounts: list[SavingsAmount] = field(default_factory=list)
    demo: list[DemoData] = field(default_factory=list)
    adjustments: list[Adjustment] = field(default_factory=list)
    drawdowns: list[ContingencyDrawdown] = field(default_factory=list)
    change_costs: list[ChangeCost] = field(default_factory=list)
    #: the forecast each line follows, by the line's code
    links: dict[str, str] = field(default_factory=dict)
    closed: set[tuple[str, int]] = field(default_factory=set)
    #: the sheets the workbook being imported has (a sheet left out changes nothing)
    present: set[str] = field(default_factory=set)
    #: the codes of the lines and sources and the years the budget has once the import is done
    final: dict[str, set[str]] = field(default_factory=dict)


def load_state(programme: Any) -> State:
    if programme is None:
        return State()
    state = State(
        years={y.label: y for y in FinancialYear.all_objects.filter(programme=programme)},
        groups={g.code: g for g in BudgetGroup.all_objects.filter(programme=programme)},
        lines={
            x.code: x
            for x in BudgetLine.all_objects.filter(programme=programme).select_related("group", "owner", "strand")
        },
        sources={s.code: s for s in FundingSource.all_objects.filter(programme=programme)},
    )
    state.amounts = list(
        LineAmount.objects.filter(programme=programme)
        .select_related("line", "year")
        .order_by("line__code", "year__start_year", "period")
    )
    state.source_amounts = list(
        SourceAmount.objects.filter(programme=programme)
        .select_related("source", "year")
        .order_by("source__code", "year__start_year")
    )
    state.allocations = list(
        Allocation.objects.filter(programme=programme)
        .select_related("line", "source", "year")
        .order_by("line__code", "source__code", "year__start_year")
    )
    state.printed = list(
        PrintedFigure.objects.filter(programme=programme)
        .select_related("group", "line", "funding_source", "year")
        .order_by("code")
    )
    state.trajectory = list(
        TrajectoryFigure.objects.filter(programme=programme)
        .select_related("year")
        .order_by("year__start_year", "order")
    )
    state.savings = {
        p.code: p
        for p in SavingsPlan.all_objects.filter(programme=programme)
        .select_related("owner")
        .prefetch_related("lines", "strands")
    }
    state.savings_amounts = list(
        SavingsAmount.objects.filter(programme=programme)
        .select_related("plan", "year")
        .order_by("plan__code", "year__start_year")
    )
    state.demo = list(DemoData.objects.filter(programme=programme).select_related("year"))
    state.adjustments = list(
        Adjustment.objects.filter(programme=programme).select_related("line", "year").order_by("number")
    )
    state.drawdowns = list(
        ContingencyDrawdown.all_objects.filter(programme=programme)
        .select_related("from_line", "to_line", "year", "approver")
        .order_by("number")
    )
    state.change_costs = list(
        ChangeCost.objects.filter(programme=programme).select_related("line", "year").order_by("reference")
    )
    state.links = dict(ForecastLink.objects.filter(programme=programme).values_list("line__code", "series"))
    state.closed = {
        (fiscal.label(p["year__start_year"]), p["number"])
        for p in Period.objects.filter(programme=programme, closed_at__isnull=False).values(
            "year__start_year", "number"
        )
    }
    return state


def _rows(state: State) -> dict[str, list[tuple[Any, dict[str, Any]]]]:
    """Each sheet's current objects with their canonical rows."""
    out: dict[str, list[tuple[Any, dict[str, Any]]]] = {}
    out[YEARS.name] = [
        (y, {"year": y.label, "closed_to": closed_to(state, y.label)})
        for y in sorted(state.years.values(), key=lambda y: y.start_year)
    ]
    out[GROUPS.name] = [
        (g, {"code": g.code, "name": g.name, "order": g.order})
        for g in sorted(state.groups.values(), key=lambda g: (g.order, g.code))
    ]
    out[LINES.name] = [
        (
            x,
            {
                "code": x.code,
                "group": x.group.code,
                "name": x.name,
                "spend_type": x.spend_type,
                "duration": x.duration,
                "contingency": _yn(x.contingency),
                "carries_savings": _yn(x.carries_savings),
                "owner": x.owner.name if x.owner else "",
                "strand": x.strand.code if x.strand else "",
                "unit": x.unit,
                "original_estimate": _plain(x.original_estimate),
                "order": x.order,
                "notes": x.notes,
                "forecast": state.links.get(x.code, ""),
            },
        )
        for x in sorted(state.lines.values(), key=lambda x: (x.group.order, x.group.code, x.order, x.code))
    ]
    out[AMOUNTS.name] = [
        (
            a,
            {
                "line": a.line.code,
                "year": a.year.label,
                "period": a.period,
                "planned": _plain(a.planned),
                "projected": _plain(a.projected),
                "actual": _plain(a.actual),
            },
        )
        for a in state.amounts
    ]
    out[SOURCES.name] = [
        (
            s,
            {
                "code": s.code,
                "name": s.name,
                "kind": s.kind,
                "funds_revenue": _yn(s.funds_revenue),
                "funds_capital": _yn(s.funds_capital),
                "funds_one_off": _yn(s.funds_one_off),
                "funds_permanent": _yn(s.funds_permanent),
                "must_carry_savings": _yn(s.must_carry_savings),
                "valid_from": s.valid_from,
                "valid_until": s.valid_until,
                "notes": s.notes,
            },
        )
        for s in sorted(state.sources.values(), key=lambda s: s.code)
    ]
    out[SOURCE_AMOUNTS.name] = [
        (a, {"source": a.source.code, "year": a.year.label, "amount": _plain(a.amount)}) for a in state.source_amounts
    ]
    out[ALLOCATIONS.name] = [
        (a, {"line": a.line.code, "source": a.source.code, "year": a.year.label, "amount": _plain(a.amount)})
        for a in state.allocations
    ]
    out[PRINTED.name] = [
        (
            p,
            {
                "code": p.code,
                "subject": p.subject,
                "group": p.group.code if p.group else "",
                "line": p.line.code if p.line else "",
                "funding_source": p.funding_source.code if p.funding_source else "",
                "year": p.year.label if p.year else "",
                "measure": p.measure,
                "text": p.text,
                "source": p.source,
            },
        )
        for p in state.printed
    ]
    out[TRAJECTORY.name] = [
        (
            t,
            {
                "year": t.year.label,
                "order": t.order,
                "kind": t.kind,
                "label": t.label,
                "text": t.text,
                "source": t.source,
            },
        )
        for t in state.trajectory
    ]
    out[SAVINGS.name] = [
        (
            p,
            {
                "code": p.code,
                "name": p.name,
                "owner": p.owner.name if p.owner else "",
                "lines": LIST_SEPARATOR.join(sorted(x.code for x in p.lines.all())),
                "strands": LIST_SEPARATOR.join(sorted(x.code for x in p.strands.all())),
                "rag_override": p.rag_override,
                "rag_reason": p.rag_reason,
                "description": p.description,
            },
        )
        for p in sorted(state.savings.values(), key=lambda p: p.code)
    ]
    out[SAVINGS_AMOUNTS.name] = [
        (
            a,
            {
                "plan": a.plan.code,
                "year": a.year.label,
                "planned": _plain(a.planned),
                "delivered": _plain(a.delivered),
                "evidence": a.evidence,
            },
        )
        for a in state.savings_amounts
    ]
    out[ADJUSTMENTS.name] = [
        (
            a,
            {
                "number": a.number,
                "line": a.line.code,
                "year": a.year.label,
                "period": a.period,
                "amount": _plain(a.amount),
                "reason": a.reason,
            },
        )
        for a in state.adjustments
    ]
    out[DRAWDOWNS.name] = [
        (
            d,
            {
                "number": d.number,
                "from_line": d.from_line.code,
                "to_line": d.to_line.code,
                "year": d.year.label,
                "amount": _plain(d.amount),
                "reason": d.reason,
                "approver": d.approver.name,
                "approved_on": d.approved_on,
            },
        )
        for d in state.drawdowns
    ]
    out[CHANGE_COSTS.name] = [
        (
            c,
            {
                "reference": c.reference,
                "title": c.title,
                "line": c.line.code if c.line else "",
                "year": c.year.label if c.year else "",
                "amount": _plain(c.amount),
                "approved_by": c.approved_by,
                "approved_on": c.approved_on,
                "note": c.note,
            },
        )
        for c in state.change_costs
    ]
    out[DEMO.name] = [
        (d, {"year": d.year.label, "measure": d.measure, "note": d.note})
        for d in sorted(state.demo, key=lambda d: (d.year.start_year, d.measure))
    ]
    return out


def closed_to(state: State, label: str) -> int:
    """How many periods of the year ``label`` are closed (they close in order: 0 none … 12 all)."""
    return max((n for y, n in state.closed if y == label), default=0)


def _text(row: Row, column: str) -> str:
    """A text cell, or ``"-"`` when it was bad (already reported by the column's check)."""
    value = row.get(column)
    return value if isinstance(value, str) else "" if value is None else "-"


def _not_positive(value: Decimal) -> str | None:
    return "A draw-down of £0.00 moves nothing: enter the amount drawn down" if value == 0 else None


def _is_current(obj: Any) -> bool:
    """Not archived, and neither is the line, source or year it belongs to."""
    if getattr(obj, "archived", False):
        return False
    return not any(getattr(getattr(obj, parent, None), "archived", False) for parent in ("line", "source", "year"))


def _current(pairs: list[tuple[Any, dict[str, Any]]]) -> list[tuple[Any, dict[str, Any]]]:
    return [(obj, row) for obj, row in pairs if _is_current(obj)]


#: Sheets of links: a row whose line, source or year is not in the workbook's final budget is left alone.
LINKS = {
    AMOUNTS.name: ("line", "year"),
    TRAJECTORY.name: ("year",),
    SOURCE_AMOUNTS.name: ("source", "year"),
    ALLOCATIONS.name: ("line", "source", "year"),
    SAVINGS_AMOUNTS.name: ("plan", "year"),
    DEMO.name: ("year",),
    DRAWDOWNS.name: ("from_line", "to_line", "year"),
}


# --- the part -----------------------------------------------------------------------------------------


class FinanceWorkbook:
    label = "finance"
    sheets = SHEETS
    identifies = False

    def slug(self, checker: Checker) -> str:
        return ""

    def load(self, ctx: ImportContext) -> None:
        ctx.state[self.label] = load_state(ctx.programme)

    def export(self, programme: Any) -> dict[str, list[dict[str, Any]]]:
        return {name: [row for _obj, row in _current(pairs)] for name, pairs in _rows(load_state(programme)).items()}

    # -- checking --

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        state: State = ctx.state[self.label]
        self._canonical(checker)
        present = checker.present
        state.present = set(present)

        def final(sheet: str, current: list[str]) -> set[str]:
            return {k[0] for k in by_key.get(sheet, {})} if sheet in present else set(current)

        years = final(YEARS.name, [label for label, y in state.years.items() if not y.archived])
        state.final["year"] = years
        year_list = sorted(years)
        groups = final(GROUPS.name, [c for c, g in state.groups.items() if not g.archived])
        lines = final(LINES.name, [c for c, x in state.lines.items() if not x.archived])
        sources = final(SOURCES.name, [c for c, s in state.sources.items() if not s.archived])
        state.final["line"], state.final["source"] = lines, sources
        owners = {k[0] for k in by_key.get("owners", {})}
        strands = {k[0] for k in by_key.get("strands", {})}

        def need(sheet: str, row: Row, column: str, value: str, known: set[str], what: str, where: str) -> bool:
            if value in ("", None) or value in known:
                return True
            checker.add(
                sheet, row.number, column, f"'{value}' is not a {what} in the {where} sheet: add it there first"
            )
            return False

        def in_years(sheet: str, row: Row) -> bool:
            label = row.get("year")
            if not row.good("year") or label in years:
                return True
            checker.add(sheet, row.number, "year", rules.year_outside(label, year_list) or "")
            return False

        self._check_forecasts(checker, ctx, state)
        for row in checker.rows.get(LINES.name, []):
            need(LINES.name, row, "group", row.get("group"), groups, "budget group", "budget_groups")
            need(LINES.name, row, "owner", row.get("owner"), owners, "person, board or team", "owners")
            need(LINES.name, row, "strand", row.get("strand"), strands, "strand", "strands")
            if (message := rules.negative("The original full estimate", row.get("original_estimate"))) and row.good(
                "original_estimate"
            ):
                checker.add(LINES.name, row.number, "original_estimate", message)

        ways: dict[tuple[str, str, str], dict[bool, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for row in checker.rows.get(AMOUNTS.name, []):
            need(AMOUNTS.name, row, "line", row.get("line"), lines, "budget line", "budget_lines")
            in_years(AMOUNTS.name, row)
            for measure in ("planned", "projected"):
                if row.good(measure) and (
                    message := rules.negative(f"{Measure(measure).label} spend", row.get(measure))
                ):
                    checker.add(AMOUNTS.name, row.number, measure, message)
            for measure in MEASURES:
                if row.good(measure):
                    ways[(row.get("line"), row.get("year"), measure)][row.get("period") == WHOLE_YEAR].append(row)
        for (_line, year, measure), by_way in ways.items():
            if by_way[True] and by_way[False]:
                for row in by_way[True]:
                    checker.add(
                        AMOUNTS.name,
                        row.number,
                        measure,
                        f"{Measure(measure).label} for {year} is also entered by month "
                        f"(row {by_way[False][0].number}): "
                        "enter it for the whole year (period 0) or by month, not both",
                    )
        self._check_closed(checker, state, by_key)

        for row in checker.rows.get(SOURCE_AMOUNTS.name, []):
            need(SOURCE_AMOUNTS.name, row, "source", row.get("source"), sources, "funding source", "funding_sources")
            in_years(SOURCE_AMOUNTS.name, row)
            if row.good("amount") and (message := rules.negative("A source's amount", row.get("amount"))):
                checker.add(SOURCE_AMOUNTS.name, row.number, "amount", message)
        available = self._available(state, by_key, present)
        running: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for row in checker.rows.get(ALLOCATIONS.name, []):
            ok = need(ALLOCATIONS.name, row, "line", row.get("line"), lines, "budget line", "budget_lines")
            ok = (
                need(ALLOCATIONS.name, row, "source", row.get("source"), sources, "funding source", "funding_sources")
                and ok
            )
            ok = in_years(ALLOCATIONS.name, row) and ok
            if not (ok and row.good("amount") and row.good("source") and row.good("year")):
                continue
            if message := rules.negative("An allocation", row.get("amount")):
                checker.add(ALLOCATIONS.name, row.number, "amount", message)
                continue
            key = (row.get("source"), row.get("year"))
            running[key] += row.get("amount")
            name = self._source_name(checker, state, row.get("source"))
            if message := rules.over_source(name, row.get("year"), available.get(key), running[key]):
                checker.add(ALLOCATIONS.name, row.number, "amount", message)
                continue
            self._warn_breaches(checker, state, row)

        self._check_savings(checker, state, by_key, need, in_years, lines, strands, owners)
        state.final["from_line"] = state.final["to_line"] = lines
        final_closed = self._check_closing(checker, state, years)
        self._check_adjustments(checker, state, by_key, need, in_years, lines, final_closed)
        self._check_drawdowns(checker, state, by_key, need, in_years, lines, owners)
        self._check_change_costs(checker, state, by_key, need, in_years, lines)
        for row in checker.rows.get(DEMO.name, []):
            in_years(DEMO.name, row)

        for row in checker.rows.get(PRINTED.name, []):
            subject = row.get("subject")
            if subject == PrintedFigure.Subject.GROUP and not row.good("group"):
                checker.add(PRINTED.name, row.number, "group", "Name the budget group this figure is the total of")
            if subject == PrintedFigure.Subject.LINE and not row.good("line"):
                checker.add(PRINTED.name, row.number, "line", "Name the budget line this figure is of")
            need(PRINTED.name, row, "group", row.get("group"), groups, "budget group", "budget_groups")
            need(PRINTED.name, row, "line", row.get("line"), lines, "budget line", "budget_lines")
            if subject == PrintedFigure.Subject.SOURCE and not row.good("funding_source"):
                checker.add(
                    PRINTED.name, row.number, "funding_source", "Name the funding source this figure is the amount of"
                )
            need(
                PRINTED.name,
                row,
                "funding_source",
                row.get("funding_source"),
                sources,
                "funding source",
                "funding_sources",
            )
            in_years(PRINTED.name, row)

        once: dict[tuple[str, str], Row] = {}
        for row in checker.rows.get(TRAJECTORY.name, []):
            in_years(TRAJECTORY.name, row)
            kind, text = row.get("kind"), row.get("text")
            if not row.good("kind"):
                continue
            if text in ("", None) and kind not in (
                TrajectoryFigure.Kind.BUDGET_MOVEMENT,
                TrajectoryFigure.Kind.COST_MOVEMENT,
            ):
                checker.add(
                    TRAJECTORY.name,
                    row.number,
                    "text",
                    "Enter the figure as printed, e.g. £32.9m; only a movement may be left blank",
                )
            if kind in trajectory.SINGLE:
                first = once.setdefault((row.get("year"), kind), row)
                if first is not row:
                    checker.add(
                        TRAJECTORY.name,
                        row.number,
                        "kind",
                        f"{row.get('year')} already has its {TrajectoryFigure.Kind(kind).label.lower()} "
                        f"(row {first.number}): a year prints it once",
                    )

    def _check_forecasts(self, checker: Checker, ctx: ImportContext, state: State) -> None:
        """Each line's forecast: one a room offers, the one it follows already, or blank (none).

        While no room offers any forecast for the programme (its data is loaded after the workbook,
        as an example's demand data is), a key is taken with a warning; the line shows it once a
        room offers it. A workbook without the column leaves every line's forecast as it is.
        """
        rows = checker.rows.get(LINES.name, [])
        sheet = checker.sheets.get(LINES.name)
        if sheet is not None and "forecast" not in sheet.columns:
            for row in rows:
                row.values["forecast"] = state.links.get(str(row.get("code")), "")
            return
        if not any(row.good("forecast") for row in rows):
            return
        from improve.core.registry import registry

        offered = {key: s.title for key, s in registry.forecast_series(ctx.programme).items()} if ctx.programme else {}
        for row in rows:
            key = row.get("forecast")
            if not row.good("forecast"):
                continue
            current = state.links.get(str(row.get("code")), "")
            if message := rules.forecast_refused(key, offered, current=current, waiting=True):
                checker.add(LINES.name, row.number, "forecast", f"{message}; or leave it blank for none")
            elif key not in offered and key != current:
                checker.warn(
                    LINES.name,
                    row.number,
                    "forecast",
                    f"No room offers a forecast for this programme yet: the line will follow '{key}' and show it "
                    "once a room offers it (the demand room does once a projection is stored)",
                )

    def _check_closing(self, checker: Checker, state: State, years: set[str]) -> dict[str, int]:
        """How far each year is closed once the import is done; a closed period is never reopened."""
        final = {label: closed_to(state, label) for label in years}
        if YEARS.name not in checker.present:
            return final
        rows = [r for r in checker.rows.get(YEARS.name, []) if r.good("year") and r.good("closed_to")]
        for row in rows:
            label, wanted = row.get("year"), row.get("closed_to") or 0
            now = closed_to(state, label)
            if wanted < now:
                checker.add(
                    YEARS.name,
                    row.number,
                    "closed_to",
                    f"{label} is closed to period {now} ({fiscal.period_label(fiscal.parse(label), now)}): "
                    f"a closed period is never reopened; write {now} or more",
                )
            else:
                final[label] = wanted
        for row in rows:
            label = row.get("year")
            if final.get(label, 0) > closed_to(state, label):
                earlier = [y for y in sorted(years) if y < label and final.get(y, 0) < 12]
                if earlier:
                    checker.add(
                        YEARS.name,
                        row.number,
                        "closed_to",
                        f"Periods are closed in order: close every period of {earlier[0]} (closed_to 12) "
                        f"before closing any of {label}",
                    )
        return final

    def _check_adjustments(
        self,
        checker: Checker,
        state: State,
        by_key: dict[str, dict[tuple[Any, ...], Row]],
        need: Any,
        in_years: Any,
        lines: set[str],
        final_closed: dict[str, int],
    ) -> None:
        """Adjustments are records of closed periods: added, never changed or removed."""
        if ADJUSTMENTS.name not in checker.present:
            return
        existing = {obj.number: (obj, row) for obj, row in _rows(state)[ADJUSTMENTS.name]}
        rows = by_key.get(ADJUSTMENTS.name, {})
        for number, (obj, _row) in existing.items():
            if (number,) not in rows:
                checker.add(
                    ADJUSTMENTS.name,
                    None,
                    "number",
                    f"Adjustment {number} ({obj.line.code}, {obj.reason}) is missing: an adjustment is a record "
                    "and is never removed; put its row back",
                )
        for row in checker.rows.get(ADJUSTMENTS.name, []):
            found = existing.get(row.get("number"))
            if found is not None:
                if any(found[1][c] != row.values.get(c) for c in ADJUSTMENTS.column_names) and not row.bad:
                    checker.add(
                        ADJUSTMENTS.name, row.number, "number", rules.record_changed("Adjustment", found[0].number)
                    )
                continue
            need(ADJUSTMENTS.name, row, "line", row.get("line"), lines, "budget line", "budget_lines")
            if row.good("amount") and (message := rules.adjustment_zero(row.get("amount"))):
                checker.add(ADJUSTMENTS.name, row.number, "amount", message)
            if message := rules.adjustment_reason_missing(_text(row, "reason")):
                checker.add(ADJUSTMENTS.name, row.number, "reason", message)
            if not in_years(ADJUSTMENTS.name, row) or not row.good("period") or not row.good("year"):
                continue
            label, period = row.get("year"), row.get("period") or WHOLE_YEAR
            upto = final_closed.get(label, 0)
            if (period == WHOLE_YEAR and upto < 12) or period > upto:
                where = (
                    f"{label} (whole year)"
                    if period == WHOLE_YEAR
                    else fiscal.period_label(fiscal.parse(label), period)
                )
                checker.add(
                    ADJUSTMENTS.name,
                    row.number,
                    "period",
                    f"{where} is open: change its actual in budget_amounts, no adjustment is needed "
                    f"(or close it: financial_years / closed_to)",
                )

    def _check_drawdowns(
        self,
        checker: Checker,
        state: State,
        by_key: dict[str, dict[tuple[Any, ...], Row]],
        need: Any,
        in_years: Any,
        lines: set[str],
        owners: set[str],
    ) -> None:
        """New draw-downs as the service checks them; a recorded one is never changed, only withdrawn."""
        if DRAWDOWNS.name not in checker.present:
            return
        existing = {obj.number: (obj, row) for obj, row in _rows(state)[DRAWDOWNS.name]}
        contingency = self._contingency_lines(checker, state)
        fresh: set[int] = set()
        for row in checker.rows.get(DRAWDOWNS.name, []):
            found = existing.get(row.get("number"))
            if found is not None:
                if any(found[1][c] != row.values.get(c) for c in DRAWDOWNS.column_names) and not row.bad:
                    checker.add(
                        DRAWDOWNS.name, row.number, "number", rules.record_changed("Draw-down", found[0].number)
                    )
                elif found[0].archived:
                    fresh.add(row.number)
                continue
            fresh.add(row.number)
            ok = need(DRAWDOWNS.name, row, "from_line", row.get("from_line"), lines, "budget line", "budget_lines")
            ok = need(DRAWDOWNS.name, row, "to_line", row.get("to_line"), lines, "budget line", "budget_lines") and ok
            need(DRAWDOWNS.name, row, "approver", row.get("approver"), owners, "person, board or team", "owners")
            in_years(DRAWDOWNS.name, row)
            if ok and row.good("from_line") and row.get("from_line") not in contingency:
                checker.add(
                    DRAWDOWNS.name, row.number, "from_line", rules.drawdown_not_contingency(row.get("from_line"))
                )
            if row.good("to_line") and row.get("to_line") == row.get("from_line"):
                checker.add(DRAWDOWNS.name, row.number, "to_line", rules.DRAWDOWN_SAME_LINE)
            if message := rules.drawdown_reason_missing(_text(row, "reason")):
                checker.add(DRAWDOWNS.name, row.number, "reason", message)
            if row.good("amount") and (
                message := rules.negative("A draw-down", row.get("amount")) or _not_positive(row.get("amount"))
            ):
                checker.add(DRAWDOWNS.name, row.number, "amount", message)
        if any(p.sheet == DRAWDOWNS.name for p in checker.problems):
            return
        planned = self._planned(checker, state)
        moved: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for row in sorted(checker.rows.get(DRAWDOWNS.name, []), key=lambda r: r.get("number")):
            v = row.values
            left = planned.get((v["from_line"], v["year"]), Decimal("0.00")) - moved[(v["from_line"], v["year"])]
            if row.number in fresh and (
                message := rules.drawdown_too_large(v["from_line"], v["year"], left, v["amount"])
            ):
                checker.add(DRAWDOWNS.name, row.number, "amount", message)
            moved[(v["from_line"], v["year"])] += v["amount"]
            moved[(v["to_line"], v["year"])] -= v["amount"]

    def _check_change_costs(
        self,
        checker: Checker,
        state: State,
        by_key: dict[str, dict[tuple[Any, ...], Row]],
        need: Any,
        in_years: Any,
        lines: set[str],
    ) -> None:
        """An approved change's cost is a record: carried in, or put on a line and year, never edited or removed."""
        if CHANGE_COSTS.name not in checker.present:
            return
        existing = {obj.reference: (obj, row) for obj, row in _rows(state)[CHANGE_COSTS.name]}
        rows = by_key.get(CHANGE_COSTS.name, {})
        for reference in existing:
            if (reference,) not in rows:
                checker.add(
                    CHANGE_COSTS.name,
                    None,
                    "reference",
                    f"The cost of change {reference} is missing: an approved change's cost is a record and is "
                    "never removed; put its row back",
                )
        placing = ("line", "year", "note")
        for row in checker.rows.get(CHANGE_COSTS.name, []):
            need(CHANGE_COSTS.name, row, "line", row.get("line"), lines, "budget line", "budget_lines")
            if row.get("year"):
                in_years(CHANGE_COSTS.name, row)
            found = existing.get(row.get("reference"))
            if found is None or row.bad:
                continue
            before = found[1]
            if any(before[c] != row.values.get(c) for c in CHANGE_COSTS.column_names if c not in placing):
                checker.add(
                    CHANGE_COSTS.name,
                    row.number,
                    "reference",
                    f"The cost of change {found[0].reference} is already recorded with other values: only its "
                    "line and year can change (to put it on a line)",
                )
            elif (before["line"], before["year"]) != (row.get("line"), row.get("year")) and not (
                row.get("line") and row.get("year")
            ):
                checker.add(
                    CHANGE_COSTS.name,
                    row.number,
                    "line" if not row.get("line") else "year",
                    "Put the cost on a line and a year: name both",
                )

    def _contingency_lines(self, checker: Checker, state: State) -> set[str]:
        if LINES.name in checker.present:
            return {r.get("code") for r in checker.rows.get(LINES.name, []) if r.get("contingency") == YES}
        return {code for code, line in state.lines.items() if line.contingency and not line.archived}

    def _planned(self, checker: Checker, state: State) -> dict[tuple[str, str], Decimal]:
        """Each line's planned spend per year as the workbook leaves it ``[£]``."""
        out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        if AMOUNTS.name in checker.present:
            for row in checker.rows.get(AMOUNTS.name, []):
                if isinstance(row.get("planned"), Decimal):
                    out[(row.get("line"), row.get("year"))] += row.get("planned")
        else:
            for a in state.amounts:
                if a.planned is not None:
                    out[(a.line.code, a.year.label)] += a.planned
        return out

    def _check_savings(
        self,
        checker: Checker,
        state: State,
        by_key: dict[str, dict[tuple[Any, ...], Row]],
        need: Any,
        in_years: Any,
        lines: set[str],
        strands: set[str],
        owners: set[str],
    ) -> None:
        plans = (
            {k[0] for k in by_key.get(SAVINGS.name, {})}
            if SAVINGS.name in checker.present
            else {c for c, p in state.savings.items() if not p.archived}
        )
        state.final["plan"] = plans
        for row in checker.rows.get(SAVINGS.name, []):
            need(SAVINGS.name, row, "owner", row.get("owner"), owners, "person, board or team", "owners")
            for column, known, what, where in (
                ("lines", lines, "budget line", "budget_lines"),
                ("strands", strands, "strand", "strands"),
            ):
                for code in _codes(row.get(column)):
                    need(SAVINGS.name, row, column, code, known, what, where)
            if problem := rules.rag_override_problem(row.get("rag_override") or "", row.get("rag_reason") or ""):
                checker.add(SAVINGS.name, row.number, *problem)
        for row in checker.rows.get(SAVINGS_AMOUNTS.name, []):
            need(SAVINGS_AMOUNTS.name, row, "plan", row.get("plan"), plans, "savings plan", "savings_plans")
            in_years(SAVINGS_AMOUNTS.name, row)
            for measure in ("planned", "delivered"):
                if row.good(measure) and (message := rules.saving_negative(measure, row.get(measure))):
                    checker.add(SAVINGS_AMOUNTS.name, row.number, measure, message)
            delivered = row.get("delivered") if row.good("delivered") else None
            if message := rules.delivered_without_evidence(delivered, row.get("evidence") or ""):
                checker.add(SAVINGS_AMOUNTS.name, row.number, "evidence", message)

    def _warn_breaches(self, checker: Checker, state: State, row: Row) -> None:
        """A funding rule the allocation on ``row`` breaks: a warning (flagged, allowed), as on the pages."""
        facts = self._spend_facts(checker, state, row.get("line"))
        source_rules = self._source_rules(checker, state, row.get("source"))
        if facts is None or source_rules is None:
            return
        for message in rules.breaches(source_rules, facts, fiscal.parse(row.get("year"))):
            checker.warn(ALLOCATIONS.name, row.number, "source", f"{message} (allowed, and flagged on the pages)")

    def _spend_facts(self, checker: Checker, state: State, code: str) -> rules.SpendFacts | None:
        """The line ``code`` as the workbook leaves it (its row if the sheet is there, else the database)."""
        if LINES.name in checker.present:
            for r in checker.rows.get(LINES.name, []):
                if r.get("code") == code:
                    if r.bad:
                        return None
                    return rules.SpendFacts(
                        name=str(r.get("name")),
                        revenue=r.get("spend_type") == SpendType.REVENUE,
                        one_off=r.get("duration") == Duration.ONE_OFF,
                        carries_savings=r.get("carries_savings") == YES,
                    )
            return None
        line = state.lines.get(code)
        return selectors.spend_facts(line) if line is not None else None

    def _source_rules(self, checker: Checker, state: State, code: str) -> rules.SourceRules | None:
        """The source ``code``'s rules as the workbook leaves them."""
        if SOURCES.name in checker.present:
            for r in checker.rows.get(SOURCES.name, []):
                if r.get("code") == code:
                    if r.bad:
                        return None
                    v = r.values
                    return rules.SourceRules(
                        name=str(v["name"]),
                        funds_revenue=v["funds_revenue"] == YES,
                        funds_capital=v["funds_capital"] == YES,
                        funds_one_off=v["funds_one_off"] == YES,
                        funds_permanent=v["funds_permanent"] == YES,
                        must_carry_savings=v["must_carry_savings"] == YES,
                        valid_from=v["valid_from"],
                        valid_until=v["valid_until"],
                    )
            return None
        source = state.sources.get(code)
        return selectors.source_rules(source) if source is not None else None

    def _canonical(self, checker: Checker) -> None:
        """Money cells as Decimal pounds, empty ones as None; empty yes / no cells as their default."""
        for sheet, columns in MONEY_COLUMNS.items():
            for row in checker.rows.get(sheet, []):
                for column in columns:
                    value = row.values.get(column)
                    if isinstance(value, str):
                        try:
                            row.values[column] = parse_amount(value) if value else None
                        except AmountError:  # already reported by the column's check
                            row.values[column], row.bad = None, True
        for sheet, columns in YES_NO.items():
            for row in checker.rows.get(sheet, []):
                for column in columns:
                    if row.values.get(column) == "":
                        row.values[column] = YES_NO_DEFAULT.get(column, YES)
        for name in (
            YEARS.name,
            AMOUNTS.name,
            SOURCE_AMOUNTS.name,
            ALLOCATIONS.name,
            PRINTED.name,
            TRAJECTORY.name,
            SAVINGS_AMOUNTS.name,
            DEMO.name,
            ADJUSTMENTS.name,
            DRAWDOWNS.name,
            CHANGE_COSTS.name,
        ):
            for row in checker.rows.get(name, []):
                year = row.values.get("year")
                if isinstance(year, str) and year and not _is_year_label(year):
                    row.values["year"], row.bad = None, True  # already reported by the column's check
        for row in checker.rows.get(SAVINGS.name, []):
            for column in ("lines", "strands"):
                if isinstance(row.values.get(column), str):
                    row.values[column] = LIST_SEPARATOR.join(sorted(set(_codes(row.values[column]))))
        for row in checker.rows.get(LINES.name, []):
            if row.values.get("unit") == "":
                row.values["unit"] = Unit.POUNDS

    def _source_name(self, checker: Checker, state: State, code: str) -> str:
        for row in checker.rows.get(SOURCES.name, []):
            if row.get("code") == code:
                return str(row.get("name") or code)
        source = state.sources.get(code)
        return source.name if source else code

    def _available(
        self, state: State, by_key: dict[str, dict[tuple[Any, ...], Row]], present: set[str]
    ) -> dict[tuple[str, str], Decimal]:
        if SOURCE_AMOUNTS.name in present:
            return {
                (row.get("source"), row.get("year")): row.get("amount")
                for row in by_key.get(SOURCE_AMOUNTS.name, {}).values()
                if isinstance(row.get("amount"), Decimal)
            }
        return {(a.source.code, a.year.label): a.amount for a in state.source_amounts}

    def _check_closed(self, checker: Checker, state: State, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        """An actual of a closed period, changed or removed, is refused: it needs an adjustment."""
        if AMOUNTS.name not in checker.present or not state.closed:
            return
        closed_years = {label for label, number in state.closed if number == 12}
        rows = by_key.get(AMOUNTS.name, {})
        for a in state.amounts:
            label = a.year.label
            locked = (label, a.period) in state.closed or (a.period == WHOLE_YEAR and label in closed_years)
            if not locked:
                continue
            row = rows.get((a.line.code, label, a.period))
            new = row.get("actual") if row is not None else None
            if new != a.actual:
                where = (
                    f"{label} (whole year)"
                    if a.period == WHOLE_YEAR
                    else fiscal.period_label(a.year.start_year, a.period)
                )
                checker.add(AMOUNTS.name, row.number if row else None, "actual", rules.closed_actual(where))
        for (code, label, period), row in rows.items():
            locked = (label, period) in state.closed or (period == WHOLE_YEAR and label in closed_years)
            if (
                locked
                and row.get("actual") is not None
                and not any(a.line.code == code and a.year.label == label and a.period == period for a in state.amounts)
            ):
                start = fiscal.parse(label)
                where = f"{label} (whole year)" if period == WHOLE_YEAR else fiscal.period_label(start, period)
                checker.add(AMOUNTS.name, row.number, "actual", rules.closed_actual(where))

    # -- comparing --

    def compare(self, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
        state: State = ctx.state[self.label]
        rows = _rows(state)
        for spec in SHEETS:
            if spec.name not in state.present:
                continue
            existing = rows[spec.name]
            if spec.name in LINKS:
                parents = LINKS[spec.name]
                existing = [(o, r) for o, r in existing if all(r[p] in state.final[p] for p in parents)]
            diff(plan, spec, by_key.get(spec.name, {}), existing)

    # -- writing --

    def write(self, ctx: ImportContext, plan: Plan, rows: Mapping[str, list[Row]]) -> None:
        _Writer(ctx, plan, ctx.state[self.label]).run()


class _Writer:
    def __init__(self, ctx: ImportContext, plan: Plan, state: State) -> None:
        self.actor = ctx.actor
        self.programme = ctx.programme
        self.plan = plan
        self.state = state
        self.years = {label: y for label, y in state.years.items()}
        self.groups = dict(state.groups)
        self.lines = dict(state.lines)
        self.sources = dict(state.sources)

    def run(self) -> None:
        plan = self.plan
        for row in plan.created[YEARS.name]:
            self.years[row.values["year"]] = services.year_add(
                actor=self.actor, programme=self.programme, start_year=fiscal.parse(row.values["year"])
            )
        for year, _row, _changes in plan.changed[YEARS.name]:  # back in the sheet: restored
            services.year_add(actor=self.actor, programme=self.programme, start_year=year.start_year)
        for row in plan.created[GROUPS.name]:
            self.groups[row.values["code"]] = services.group_save(
                actor=self.actor, programme=self.programme, data=self._group(row)
            )
        for group, row, _changes in plan.changed[GROUPS.name]:
            self.groups[group.code] = self._restore(group)
            services.group_save(actor=self.actor, programme=self.programme, group=group, data=self._group(row))
        for row in plan.created[LINES.name]:
            self.lines[row.values["code"]] = services.line_save(
                actor=self.actor, programme=self.programme, data=self._line(row)
            )
        for line, row, _changes in plan.changed[LINES.name]:
            self._restore(line)
            self.lines[line.code] = services.line_save(
                actor=self.actor, programme=self.programme, line=line, data=self._line(row)
            )
        for row in plan.created[SOURCES.name]:
            self.sources[row.values["code"]] = services.source_save(
                actor=self.actor, programme=self.programme, data=self._source(row)
            )
        for source, row, _changes in plan.changed[SOURCES.name]:
            self._restore(source)
            services.source_save(actor=self.actor, programme=self.programme, source=source, data=self._source(row))
        self.write_forecasts()
        self.write_funding()
        self.write_amounts()
        self.write_printed()
        self.write_trajectory()
        self.write_savings()
        self.write_closing()
        self.write_records()
        self.write_change_costs()
        for demo in plan.removed[DEMO.name]:
            services.demo_unmark(actor=self.actor, demo=demo)
        for row in [*plan.created[DEMO.name], *(r for _d, r, _c in plan.changed[DEMO.name])]:
            v = row.values
            services.demo_mark(actor=self.actor, year=self.years[v["year"]], measure=v["measure"], note=v["note"])
        for saving in plan.removed[SAVINGS.name]:
            services.finance_archive(actor=self.actor, instance=saving)
        for line in plan.removed[LINES.name]:
            services.finance_archive(actor=self.actor, instance=line)
        for source in plan.removed[SOURCES.name]:
            services.finance_archive(actor=self.actor, instance=source)
        for group in plan.removed[GROUPS.name]:
            services.finance_archive(actor=self.actor, instance=group)
        for year in plan.removed[YEARS.name]:
            services.finance_archive(actor=self.actor, instance=year)

    def write_forecasts(self) -> None:
        """Set or clear the forecast each new or changed line follows (audited, through the services)."""
        rows = [*self.plan.created[LINES.name], *(row for _x, row, _c in self.plan.changed[LINES.name])]
        for row in rows:
            code, wanted = row.values["code"], row.values.get("forecast") or ""
            if wanted == self.state.links.get(code, ""):
                continue
            if wanted:
                services.forecast_link_set(actor=self.actor, line=self.lines[code], series=wanted, waiting=True)
            else:
                services.forecast_link_remove(actor=self.actor, line=self.lines[code])

    def write_closing(self) -> None:
        """Close the periods the financial_years sheet closes, in order (after the amounts are written)."""
        wanted = {row.values["year"]: row.values["closed_to"] or 0 for row in self.plan.created[YEARS.name]}
        wanted.update(
            {row.values["year"]: row.values["closed_to"] or 0 for _y, row, _c in self.plan.changed[YEARS.name]}
        )
        for label in sorted(wanted):
            year = self.years[label]
            for period in Period.objects.filter(year=year, closed_at__isnull=True, number__lte=wanted[label]).order_by(
                "number"
            ):
                services.period_close(actor=self.actor, period=period)

    def write_records(self) -> None:
        """New adjustments; draw-downs withdrawn (archived), restored and new, in number order."""
        plan = self.plan
        for row in plan.created[ADJUSTMENTS.name]:
            v = row.values
            services.adjustment_record(
                actor=self.actor,
                line=self.lines[v["line"]],
                year=self.years[v["year"]],
                period=v["period"] or WHOLE_YEAR,
                amount=v["amount"],
                reason=v["reason"],
                number=v["number"],
            )
        for drawdown in plan.removed[DRAWDOWNS.name]:
            services.finance_archive(actor=self.actor, instance=drawdown)
        todo: list[tuple[int, ContingencyDrawdown | None, Row | None]] = [
            (d.number, d, None) for d, _row, _c in plan.changed[DRAWDOWNS.name]
        ]
        todo += [(row.values["number"], None, row) for row in plan.created[DRAWDOWNS.name]]
        for _n, drawdown, new in sorted(todo, key=lambda t: t[0]):
            if drawdown is not None:
                services.finance_restore(actor=self.actor, instance=drawdown)
                continue
            assert new is not None
            v = new.values
            services.drawdown_record(
                actor=self.actor,
                from_line=self.lines[v["from_line"]],
                to_line=self.lines[v["to_line"]],
                year=self.years[v["year"]],
                amount=v["amount"],
                reason=v["reason"],
                approver=Owner.objects.get(programme=self.programme, name=v["approver"]),
                approved_on=v["approved_on"],
                number=v["number"],
            )

    def write_change_costs(self) -> None:
        plan = self.plan
        for row in plan.created[CHANGE_COSTS.name]:
            v = row.values
            services.change_cost_carry(
                actor=self.actor,
                programme=self.programme,
                data={
                    "reference": v["reference"],
                    "title": v["title"],
                    "line": self.lines[v["line"]] if v["line"] else None,
                    "year": self.years[v["year"]] if v["year"] else None,
                    "amount": v["amount"],
                    "approved_by": v["approved_by"],
                    "approved_on": v["approved_on"],
                    "note": v["note"] or "",
                },
            )
        for cost, row, _changes in plan.changed[CHANGE_COSTS.name]:
            v = row.values
            if (v["line"], v["year"]) != (cost.line.code if cost.line else "", cost.year.label if cost.year else ""):
                services.change_cost_place(
                    actor=self.actor, cost=cost, line=self.lines[v["line"]], year=self.years[v["year"]]
                )

    def _restore(self, obj: Any) -> Any:
        if obj.archived:
            services.finance_restore(actor=self.actor, instance=obj)
        return obj

    def _group(self, row: Row) -> services.GroupData:
        v = row.values
        return {"code": v["code"], "name": v["name"], "order": v["order"] or 0}

    def _line(self, row: Row) -> services.LineData:
        v = row.values
        return {
            "code": v["code"],
            "name": v["name"],
            "group": self.groups[v["group"]],
            "spend_type": v["spend_type"],
            "duration": v["duration"],
            "contingency": v["contingency"] == YES,
            "carries_savings": v["carries_savings"] == YES,
            "owner": Owner.objects.get(programme=self.programme, name=v["owner"]) if v["owner"] else None,
            "strand": Strand.objects.get(programme=self.programme, code=v["strand"]) if v["strand"] else None,
            "unit": v["unit"],
            "original_estimate": v["original_estimate"],
            "order": v["order"] or 0,
            "notes": v["notes"],
        }

    def _source(self, row: Row) -> services.SourceData:
        v = row.values
        return {
            "code": v["code"],
            "name": v["name"],
            "kind": v["kind"],
            "funds_revenue": v["funds_revenue"] == YES,
            "funds_capital": v["funds_capital"] == YES,
            "funds_one_off": v["funds_one_off"] == YES,
            "funds_permanent": v["funds_permanent"] == YES,
            "must_carry_savings": v["must_carry_savings"] == YES,
            "valid_from": v["valid_from"],
            "valid_until": v["valid_until"],
            "notes": v["notes"],
        }

    def write_funding(self) -> None:
        """Allocations that go or shrink first, then the sources' amounts, then the rest of the allocations."""
        plan = self.plan
        for allocation in plan.removed[ALLOCATIONS.name]:
            self._allocate(allocation.line.code, allocation.source.code, allocation.year.label, None)
        later = []
        for allocation, row, _changes in plan.changed[ALLOCATIONS.name]:
            if row.values["amount"] < allocation.amount:
                self._allocate_row(row)
            else:
                later.append(row)
        for amount in plan.removed[SOURCE_AMOUNTS.name]:
            services.source_amount_set(actor=self.actor, source=amount.source, year=amount.year, amount=None)
        for row in [*plan.created[SOURCE_AMOUNTS.name], *(r for _a, r, _c in plan.changed[SOURCE_AMOUNTS.name])]:
            v = row.values
            services.source_amount_set(
                actor=self.actor, source=self.sources[v["source"]], year=self.years[v["year"]], amount=v["amount"]
            )
        for row in [*later, *plan.created[ALLOCATIONS.name]]:
            self._allocate_row(row)

    def _allocate_row(self, row: Row) -> None:
        v = row.values
        self._allocate(v["line"], v["source"], v["year"], v["amount"])

    def _allocate(self, line: str, source: str, year: str, amount: Decimal | None) -> None:
        services.allocation_set(
            actor=self.actor, line=self.lines[line], source=self.sources[source], year=self.years[year], amount=amount
        )

    def write_amounts(self) -> None:
        """One call of the amounts service per line and year touched."""
        plan = self.plan
        touched: dict[tuple[str, str], list[AmountEntry]] = defaultdict(list)
        for amount in plan.removed[AMOUNTS.name]:
            touched[(amount.line.code, amount.year.label)].append(AmountEntry(amount.period))
        for row in [*plan.created[AMOUNTS.name], *(r for _a, r, _c in plan.changed[AMOUNTS.name])]:
            v = row.values
            touched[(v["line"], v["year"])].append(AmountEntry(v["period"], v["planned"], v["projected"], v["actual"]))
        for (line, year), entries in touched.items():
            services.amounts_set(actor=self.actor, line=self.lines[line], year=self.years[year], entries=entries)

    def write_printed(self) -> None:
        plan = self.plan
        for figure in plan.removed[PRINTED.name]:
            services.printed_delete(actor=self.actor, figure=figure)
        for figure, row, _changes in plan.changed[PRINTED.name]:
            services.printed_save(actor=self.actor, programme=self.programme, figure=figure, data=self._printed(row))
        for row in plan.created[PRINTED.name]:
            services.printed_save(actor=self.actor, programme=self.programme, data=self._printed(row))

    def write_savings(self) -> None:
        plan = self.plan
        saved: dict[str, SavingsPlan] = {}
        for row in plan.created[SAVINGS.name]:
            v = row.values
            saved[v["code"]] = services.savings_plan_save(
                actor=self.actor,
                programme=self.programme,
                data=self._saving(row),
                lines=[self.lines[c] for c in _codes(v["lines"])],
                strands=self._strands(v["strands"]),
            )
        for found, row, _changes in plan.changed[SAVINGS.name]:
            v = row.values
            self._restore(found)
            saved[v["code"]] = services.savings_plan_save(
                actor=self.actor,
                programme=self.programme,
                plan=found,
                data=self._saving(row),
                lines=[self.lines[c] for c in _codes(v["lines"])],
                strands=self._strands(v["strands"]),
            )
        plans = {**self.state.savings, **saved}
        for amount in plan.removed[SAVINGS_AMOUNTS.name]:
            services.savings_amount_set(
                actor=self.actor, plan=amount.plan, year=amount.year, planned=None, delivered=None, evidence=""
            )
        for row in [*plan.created[SAVINGS_AMOUNTS.name], *(r for _a, r, _c in plan.changed[SAVINGS_AMOUNTS.name])]:
            v = row.values
            services.savings_amount_set(
                actor=self.actor,
                plan=plans[v["plan"]],
                year=self.years[v["year"]],
                planned=v["planned"],
                delivered=v["delivered"],
                evidence=v["evidence"],
            )

    def _saving(self, row: Row) -> services.SavingsData:
        v = row.values
        return {
            "code": v["code"],
            "name": v["name"],
            "owner": Owner.objects.get(programme=self.programme, name=v["owner"]) if v["owner"] else None,
            "description": v["description"],
            "rag_override": v["rag_override"],
            "rag_reason": v["rag_reason"],
        }

    def _strands(self, text: str) -> list[Strand]:
        codes = _codes(text)
        return list(Strand.objects.filter(programme=self.programme, code__in=codes)) if codes else []

    def _printed(self, row: Row) -> services.PrintedData:
        v = row.values
        return {
            "code": v["code"],
            "subject": v["subject"],
            "group": self.groups[v["group"]] if v["group"] else None,
            "line": self.lines[v["line"]] if v["line"] else None,
            "funding_source": self.sources[v["funding_source"]] if v["funding_source"] else None,
            "year": self.years[v["year"]] if v["year"] else None,
            "measure": v["measure"],
            "text": v["text"],
            "source": v["source"],
        }

    def write_trajectory(self) -> None:
        """Removed rows first (a kind a year prints once may move to another row), then changed, then new."""
        plan = self.plan
        for figure in plan.removed[TRAJECTORY.name]:
            services.trajectory_figure_delete(actor=self.actor, figure=figure)
        for figure, row, _changes in plan.changed[TRAJECTORY.name]:
            services.trajectory_figure_save(
                actor=self.actor, programme=self.programme, figure=figure, data=self._trajectory(row)
            )
        for row in plan.created[TRAJECTORY.name]:
            services.trajectory_figure_save(actor=self.actor, programme=self.programme, data=self._trajectory(row))

    def _trajectory(self, row: Row) -> services.TrajectoryData:
        v = row.values
        return {
            "year": self.years[v["year"]],
            "order": v["order"],
            "kind": v["kind"],
            "label": v["label"],
            "text": v["text"] or "",
            "source": v["source"] or "",
        }


FINANCE_WORKBOOK = FinanceWorkbook()
