"""Every money table round-trips through the workbook: export, import into a fresh programme, export again.

The finance tables are the room's ``audited_models``; each must be a sheet of the workbook (or be
named below with the reason it is not), so a table added later without a sheet fails here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest

from improve.finance import services
from improve.finance.models import (
    Adjustment,
    Allocation,
    BudgetGroup,
    BudgetLine,
    ChangeCost,
    ContingencyDrawdown,
    DemoData,
    FinancialYear,
    ForecastLink,
    FundingSource,
    LineAmount,
    Period,
    PrintedFigure,
    SavingsAmount,
    SavingsEvidence,
    SavingsPlan,
    SourceAmount,
    TrajectoryFigure,
)
from improve.finance.room import ROOM
from improve.finance.sheets import SHEETS
from improve.finance.tests.world import SYSTEM, unplaced_change
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, load, wipe
from improve.programmes.models import Owner

#: Each finance table and the sheet that carries it.
SHEET_OF = {
    FinancialYear: "financial_years",
    Period: "financial_years",  # closed_to: how far the year is closed
    BudgetGroup: "budget_groups",
    BudgetLine: "budget_lines",
    ForecastLink: "budget_lines",  # forecast: the series the line follows
    LineAmount: "budget_amounts",
    Adjustment: "adjustments",
    ContingencyDrawdown: "drawdowns",
    FundingSource: "funding_sources",
    SourceAmount: "funding_amounts",
    Allocation: "allocations",
    PrintedFigure: "printed_figures",
    TrajectoryFigure: "budget_trajectory",
    DemoData: "demo_data",
    SavingsPlan: "savings_plans",
    SavingsAmount: "savings_amounts",
    ChangeCost: "change_costs",
}
#: Tables that are not in the workbook, and why.
NOT_IN_THE_WORKBOOK = {
    SavingsEvidence: "files are kept in the file storage, not in a spreadsheet (docs/finance.md)",
}
FINANCE_SHEETS = [spec.name for spec in SHEETS]


def test_every_finance_table_has_a_sheet():
    tables = set(ROOM.audited_models)
    assert tables == set(SHEET_OF) | set(NOT_IN_THE_WORKBOOK), "a finance table is neither a sheet nor excused"
    assert set(SHEET_OF.values()) <= set(FINANCE_SHEETS)


def closed_adjusted_and_drawn(programme):
    """Close April and May 2019, adjust May's actual, draw £12,500 of contingency down and withdraw another."""
    year = FinancialYear.objects.get(programme=programme, start_year=2019)
    for period in Period.objects.filter(year=year, number__lte=2).order_by("number"):
        services.period_close(actor=SYSTEM, period=period)
    endorsed = BudgetLine.objects.get(programme=programme, code="endorsed")
    contingency = BudgetLine.objects.get(programme=programme, code="contingency")
    services.adjustment_record(
        actor=SYSTEM, line=endorsed, year=year, period=2, amount=D("-1250.50"), reason="Invoice credited late"
    )
    approver = Owner.objects.get(programme=programme, name="CSG")
    kept = services.drawdown_record(
        actor=SYSTEM,
        from_line=contingency,
        to_line=endorsed,
        year=year,
        amount=D("12500.00"),
        reason="Business case for extra recruitment advertising, signed off by CSG",
        approver=approver,
        approved_on=dt.date(2019, 9, 12),
    )
    withdrawn = services.drawdown_record(
        actor=SYSTEM,
        from_line=contingency,
        to_line=endorsed,
        year=year,
        amount=D("5000.00"),
        reason="Recorded twice",
        approver=approver,
        approved_on=dt.date(2019, 9, 12),
    )
    services.finance_archive(actor=SYSTEM, instance=withdrawn)
    unplaced_change(programme)
    return kept


def cells(sheets):
    """Every cell of every finance sheet, as text, by sheet, row and column."""
    out = {}
    for name in FINANCE_SHEETS:
        for n, row in enumerate(sheets.get(name, []), 2):
            for column, value in row.items():
                out[(name, n, column)] = "" if value is None else str(value)
    return out


@pytest.mark.parametrize("example", ["barking-dagenham-2019", "havering-2019"])
def test_every_finance_sheet_round_trips_cell_by_cell_into_a_fresh_programme(db, example):
    programme = load(example).programme
    if example == "barking-dagenham-2019":
        closed_adjusted_and_drawn(programme)
    first = interchange.workbook_export(programme=programme)
    wipe()
    result = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert result.ok, [str(p) for p in result.problems]
    second = interchange.workbook_export(programme=result.programme)
    assert cells(second) == cells(first)
    for name in FINANCE_SHEETS:
        assert [list(r) for r in second[name][:1]] == [list(r) for r in first[name][:1]]
    if example == "barking-dagenham-2019":
        assert {r["number"] for r in first["adjustments"]} == {1}
        assert [r["number"] for r in first["drawdowns"]] == [1]  # the withdrawn one is not exported
        year = [r for r in first["financial_years"] if r["year"] == "2019/20"][0]
        assert year["closed_to"] == 2
        # and the fresh programme's draw-down keeps its number, reason and approver
        drawdown = ContingencyDrawdown.objects.get(programme=result.programme)
        assert (drawdown.number, drawdown.amount, drawdown.approver.name) == (1, D("12500.00"), "CSG")
        assert Period.objects.filter(programme=result.programme, closed_at__isnull=False).count() == 2
        assert [r["reference"] for r in first["change_costs"]] == ["CR-1"]


def test_a_change_s_cost_is_put_on_a_line_through_the_workbook_and_otherwise_never_edited(db):
    programme = load("barking-dagenham-2019").programme
    closed_adjusted_and_drawn(programme)
    sheets = interchange.workbook_export(programme=programme)
    sheets["change_costs"][0]["amount"] = "16000"
    assert [str(p) for p in interchange.workbook_import(actor=ACTOR, sheets=sheets).problems] == [
        "change_costs / row 2 / reference / The cost of change CR-1 is already recorded with other values: only "
        "its line and year can change (to put it on a line)"
    ]
    sheets["change_costs"][0] |= {"amount": "15000.00", "line": "endorsed", "year": "2019/20"}
    assert interchange.workbook_import(actor=ACTOR, sheets=sheets).ok
    cost = ChangeCost.objects.get(programme=programme)
    assert (cost.line.code, cost.year.label, cost.note) == ("endorsed", "2019/20", "")


def test_an_import_changes_nothing_when_the_records_are_as_they_were(db):
    programme = load("barking-dagenham-2019").programme
    closed_adjusted_and_drawn(programme)
    first = interchange.workbook_export(programme=programme)
    result = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert result.ok and not result.has_changes


def test_the_workbook_adds_an_adjustment_and_a_draw_down_through_the_rules(db):
    programme = load("barking-dagenham-2019").programme
    closed_adjusted_and_drawn(programme)
    sheets = interchange.workbook_export(programme=programme)
    sheets["adjustments"].append(
        {"number": 2, "line": "endorsed", "year": "2019/20", "period": 1, "amount": "£250", "reason": "Accrual"}
    )
    sheets["drawdowns"].append(
        {
            "number": 3,  # 2 is the withdrawn one
            "from_line": "contingency",
            "to_line": "endorsed",
            "year": "2019/20",
            "amount": "1,000.00",
            "reason": "Interim cover",
            "approver": "CSG",
            "approved_on": "01/10/2019",
        }
    )
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok, [str(p) for p in result.problems]
    added = Adjustment.objects.get(programme=programme, number=2)
    assert (added.amount, added.period) == (D("250.00"), 1)
    assert services.contingency_left(BudgetLine.objects.get(programme=programme, code="contingency"), added.year) == D(
        "129500.00"
    )


def bad(programme, sheet, row, **changes):
    sheets = interchange.workbook_export(programme=programme)
    sheets[sheet].append(row | changes)
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    return [str(p) for p in result.problems]


NEW_ADJUSTMENT = {"number": 2, "line": "endorsed", "year": "2019/20", "period": 1, "amount": "250", "reason": "x"}
NEW_DRAWDOWN = {
    "number": 3,
    "from_line": "contingency",
    "to_line": "endorsed",
    "year": "2019/20",
    "amount": "1000",
    "reason": "Cover",
    "approver": "CSG",
    "approved_on": "01/10/2019",
}


def test_a_bad_adjustment_or_draw_down_is_named_by_its_cell_and_nothing_is_written(db):
    programme = load("barking-dagenham-2019").programme
    closed_adjusted_and_drawn(programme)
    before = (Adjustment.objects.count(), ContingencyDrawdown.all_objects.count())
    assert bad(programme, "adjustments", NEW_ADJUSTMENT, period=3) == [
        "adjustments / row 3 / period / June 2019 is open: change its actual in budget_amounts, no adjustment "
        "is needed (or close it: financial_years / closed_to)"
    ]
    assert bad(programme, "adjustments", NEW_ADJUSTMENT, amount="0", reason=" ") == [
        "adjustments / row 3 / amount / An adjustment of £0.00 changes nothing: enter the change to the actual",
        "adjustments / row 3 / reason / A value is required",
    ]
    assert bad(programme, "adjustments", NEW_ADJUSTMENT, amount="abc")[0].startswith(
        "adjustments / row 3 / amount / 'abc' is not an amount of money"
    )
    sheets = interchange.workbook_export(programme=programme)
    sheets["adjustments"][0]["amount"] = "-1000"
    assert [str(p) for p in interchange.workbook_import(actor=ACTOR, sheets=sheets).problems] == [
        "adjustments / row 2 / number / Adjustment 1 is already recorded with other values: a record is not "
        "changed; put it back as it was and add a new adjustment with a new number"
    ]
    assert bad(programme, "drawdowns", NEW_DRAWDOWN, from_line="endorsed", to_line="endorsed") == [
        "drawdowns / row 3 / from_line / endorsed is not a contingency line: draw down from a contingency line",
        "drawdowns / row 3 / to_line / Choose another line to receive the money",
    ]
    assert bad(programme, "drawdowns", NEW_DRAWDOWN, amount="£131k") == [
        "drawdowns / row 3 / amount / contingency has £130,500.00 of contingency left in 2019/20: draw down at "
        "most £130,500.00 (not £131,000.00)"
    ]
    assert bad(programme, "drawdowns", NEW_DRAWDOWN, approver="Nobody", reason="") == [
        "drawdowns / row 3 / reason / A value is required",
        "drawdowns / row 3 / approver / 'Nobody' is not a person, board or team in the owners sheet: add it there "
        "first",
    ]
    assert bad(programme, "drawdowns", NEW_DRAWDOWN, number=2) == [  # 2 was withdrawn
        "drawdowns / row 3 / number / Draw-down 2 is already recorded with other values: a record is not changed; "
        "put it back as it was and add a new draw-down with a new number"
    ]
    assert (Adjustment.objects.count(), ContingencyDrawdown.all_objects.count()) == before


def test_a_recorded_adjustment_is_never_removed_and_a_closed_period_never_reopened(db):
    programme = load("barking-dagenham-2019").programme
    closed_adjusted_and_drawn(programme)
    sheets = interchange.workbook_export(programme=programme)
    sheets["adjustments"] = []
    sheets["financial_years"][0]["closed_to"] = 1
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert [str(p) for p in result.problems] == [
        "financial_years / row 2 / closed_to / 2019/20 is closed to period 2 (May 2019): a closed period is "
        "never reopened; write 2 or more",
        "adjustments / row – / number / Adjustment 1 (endorsed, Invoice credited late) is missing: an adjustment is a "
        "record and is never removed; put its row back",
    ]


def test_a_draw_down_left_out_is_withdrawn_and_back_in_is_restored(db):
    programme = load("barking-dagenham-2019").programme
    closed_adjusted_and_drawn(programme)
    sheets = interchange.workbook_export(programme=programme)
    kept = sheets["drawdowns"]
    sheets["drawdowns"] = []
    assert interchange.workbook_import(actor=ACTOR, sheets=sheets).ok
    assert not ContingencyDrawdown.objects.filter(programme=programme).exists()
    sheets["drawdowns"] = kept
    assert interchange.workbook_import(actor=ACTOR, sheets=sheets).ok
    assert list(ContingencyDrawdown.objects.filter(programme=programme).values_list("number", flat=True)) == [1]


def test_the_workbook_closes_periods_in_order(db):
    programme = load("barking-dagenham-2019").programme
    sheets = interchange.workbook_export(programme=programme)
    sheets["financial_years"][1]["closed_to"] = 3
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert [str(p) for p in result.problems] == [
        "financial_years / row 3 / closed_to / Periods are closed in order: close every period of 2019/20 "
        "(closed_to 12) before closing any of 2020/21"
    ]
    sheets["financial_years"][1]["closed_to"] = 0
    sheets["financial_years"][0]["closed_to"] = 3
    assert interchange.workbook_import(actor=ACTOR, sheets=sheets).ok
    closed = Period.objects.filter(programme=programme, closed_at__isnull=False)
    assert sorted(p.number for p in closed) == [1, 2, 3]
