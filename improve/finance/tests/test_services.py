"""The money services: every rule refuses with a message naming what is wrong, and nothing half-saved."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.core.exceptions import ValidationError

from improve.core.models import AuditEvent
from improve.finance import selectors, services
from improve.finance.models import Allocation, LineAmount, Period
from improve.finance.services import AmountEntry
from improve.finance.tests.world import SYSTEM, small_budget
from improve.programmes.models import Owner


@pytest.fixture
def budget(programme):
    return small_budget(programme)


def messages(exc):
    return exc.value.messages


def test_a_year_comes_with_its_twelve_periods_april_to_march(programme, budget):
    periods = list(selectors.periods_for(programme).filter(year=budget["y1"]))
    assert [p.label for p in periods][:2] == ["April 2019", "May 2019"] and periods[-1].label == "March 2020"
    assert services.year_add(actor=SYSTEM, programme=programme, start_year=2019) == budget["y1"]  # once only
    assert Period.objects.filter(year=budget["y1"]).count() == 12


def test_the_summary_computes_totals_it_never_stores(programme, budget):
    summary = selectors.budget_summary(programme)
    figures = summary.figures
    assert figures.base.planned == {2019: D("953000.00")}
    assert figures.contingency.planned == {2019: D("143000.00")}
    assert figures.programme.planned == {2019: D("1096000.00")}
    assert figures.available == {2019: D("1095000.00"), 2020: D("0.00")}
    assert figures.additional_required == {2019: D("1000.00"), 2020: D("0.00")}


def test_a_year_is_entered_whole_or_by_month_not_both(budget):
    line, y1 = budget["line"], budget["y1"]
    with pytest.raises(ValidationError) as exc:
        services.amounts_set(actor=SYSTEM, line=line, year=y1, entries=[AmountEntry(3, planned=D("10.00"))])
    assert messages(exc) == [
        "Planned for 2019/20 is already entered for the whole year: enter it for the whole year or by month, "
        "not both (clear the for the whole year figures first)"
    ]
    # By month for projected while planned stays yearly is fine: each measure is entered one way.
    services.amounts_set(
        actor=SYSTEM, line=line, year=y1, entries=[AmountEntry(p, projected=D("80000.00")) for p in range(1, 13)]
    )
    assert selectors.budget_summary(line.programme).figures.programme.projected == {2019: D("960000.00")}
    assert selectors.budget_summary(line.programme).figures.base.variation == {2019: D("7000.00")}


def test_negative_planned_or_projected_spend_is_refused_and_nothing_is_saved(budget):
    line, y2 = budget["line"], budget["y2"]
    with pytest.raises(ValidationError) as exc:
        services.amounts_set(
            actor=SYSTEM,
            line=line,
            year=y2,
            entries=[AmountEntry(1, planned=D("5.00")), AmountEntry(2, projected=D("-1.00"))],
        )
    assert messages(exc) == ["May 2020: Projected spend cannot be negative ((£1.00)): enter 0 or more"]
    assert not LineAmount.objects.filter(line=line, year=y2).exists()


def test_a_closed_period_s_actual_changes_only_through_an_adjustment(programme, budget):
    line, y1 = budget["line"], budget["y1"]
    april = selectors.period_in(programme, "2019/20", 1)
    services.amounts_set(actor=SYSTEM, line=line, year=y1, entries=[AmountEntry(1, actual=D("70000.00"))])
    with pytest.raises(ValidationError) as exc:
        services.period_close(actor=SYSTEM, period=selectors.period_in(programme, "2019/20", 2))
    assert messages(exc) == ["Close April 2019 first: periods are closed in order"]
    services.period_close(actor=SYSTEM, period=april)
    with pytest.raises(ValidationError) as exc:
        services.amounts_set(actor=SYSTEM, line=line, year=y1, entries=[AmountEntry(1, actual=D("71000.00"))])
    assert messages(exc) == ["April 2019 is closed: its actual changes only through a recorded adjustment"]
    # Planned and projected of a closed month may still change; only its actual is closed.
    services.amounts_set(
        actor=SYSTEM, line=line, year=y1, entries=[AmountEntry(1, projected=D("1.00"), actual=D("70000.00"))]
    )
    with pytest.raises(ValidationError) as exc:
        services.adjustment_record(actor=SYSTEM, line=line, year=y1, period=2, amount=D("5.00"), reason="late")
    assert "May 2019 is open: change its actual directly" in messages(exc)[0]
    services.adjustment_record(
        actor=SYSTEM, line=line, year=y1, period=1, amount=D("1000.00"), reason="Invoice posted after close"
    )
    assert selectors.budget_summary(programme).figures.programme.actual == {2019: D("71000.00")}
    assert AuditEvent.objects.filter(object_type="finance.adjustment", action="create").count() == 1


def test_an_allocation_over_the_source_is_refused_a_rule_breach_is_flagged(programme, budget):
    line, source, y1, y2 = budget["line"], budget["source"], budget["y1"], budget["y2"]
    services.allocation_set(actor=SYSTEM, line=line, source=source, year=y1, amount=D("953000.00"))
    with pytest.raises(ValidationError) as exc:
        services.allocation_set(actor=SYSTEM, line=budget["contingency"], source=source, year=y1, amount=D("143000.00"))
    assert messages(exc) == [
        "Capital funding provides £1,095,000.00 in 2019/20 and this would allocate £1,096,000.00 of it: "
        "allocate at most £1,095,000.00 in all"
    ]
    with pytest.raises(ValidationError) as exc:
        services.allocation_set(actor=SYSTEM, line=line, source=source, year=y2, amount=D("1.00"))
    assert messages(exc) == ["Capital funding has no amount for 2020/21: enter its amount for 2020/21 first"]
    assert Allocation.objects.count() == 1
    (row,) = selectors.allocations_for(programme, line=line)
    # The source may not fund revenue spend: allowed, and flagged.
    assert row.breaches == ["Capital funding may not fund revenue spend, and Programme team is revenue"]
    with pytest.raises(ValidationError) as exc:
        services.source_amount_set(actor=SYSTEM, source=source, year=y1, amount=D("900000.00"))
    assert "already has 953,000.00 allocated in 2019/20" in messages(exc)[0]


def test_a_source_s_dates_and_savings_rule_flag_allocations_outside_them(programme, budget):
    source = services.source_save(
        actor=SYSTEM,
        programme=programme,
        data={
            "code": "fcr",
            "name": "Flexible use of capital receipts",
            "kind": "capital_receipts",
            "must_carry_savings": True,
            "valid_until": dt.date(2020, 3, 31),
        },
    )
    services.source_amount_set(actor=SYSTEM, source=source, year=budget["y2"], amount=D("50000.00"))
    services.allocation_set(actor=SYSTEM, line=budget["line"], source=source, year=budget["y2"], amount=D("1.00"))
    (row,) = [r for r in selectors.allocations_for(programme) if r.allocation.source == source]
    assert row.breaches == [
        "Flexible use of capital receipts may fund only spend that carries savings, and Programme team carries none",
        "Flexible use of capital receipts may fund spend only until 31/03/2020, but 2020/21 runs to 31/03/2021",
    ]


def test_contingency_is_drawn_down_with_a_reason_and_an_approver_never_beyond_what_is_left(programme, budget):
    approver = Owner.objects.create(programme=programme, name="CSG", kind="board")
    args = {"actor": SYSTEM, "year": budget["y1"], "approver": approver, "approved_on": dt.date(2019, 9, 1)}
    services.drawdown_record(
        from_line=budget["contingency"], to_line=budget["line"], amount=D("43000.00"), reason="Systems trainer", **args
    )
    figures = selectors.budget_summary(programme).figures
    assert figures.base.planned == {2019: D("996000.00")}
    assert figures.contingency.planned == {2019: D("100000.00")}
    assert figures.programme.planned == {2019: D("1096000.00")}  # moved, not added
    with pytest.raises(ValidationError) as exc:
        services.drawdown_record(
            from_line=budget["contingency"], to_line=budget["line"], amount=D("100000.01"), reason="More", **args
        )
    assert messages(exc) == [
        "Contingency has £100,000.00 of contingency left in 2019/20: draw down at most £100,000.00 (not £100,000.01)"
    ]
    with pytest.raises(ValidationError) as exc:
        services.drawdown_record(
            from_line=budget["line"], to_line=budget["contingency"], amount=D("1.00"), reason="", **args
        )
    assert exc.value.message_dict == {
        "from_line": ["Programme team is not a contingency line: draw down from a contingency line"],
        "reason": ["Say why the contingency is drawn down"],
    }


def test_a_year_outside_the_programme_is_refused(programme, budget):
    from improve.programmes.tests.factories import ProgrammeFactory

    other = ProgrammeFactory()
    elsewhere = services.year_add(actor=SYSTEM, programme=other, start_year=2021)
    with pytest.raises(ValidationError) as exc:
        services.amounts_set(actor=SYSTEM, line=budget["line"], year=elsewhere, entries=[AmountEntry(0, D("1.00"))])
    assert exc.value.message_dict == {
        "year": ["2021/22 is not a year of the programme: use one of 2019/20, 2020/21, or add 2021/22 first"]
    }


def test_a_line_changed_by_someone_else_meanwhile_is_not_overwritten(programme, budget):
    from improve.core.services import EditConflict

    loaded = budget["line"].version
    services.line_save(
        actor=SYSTEM, programme=programme, line=budget["line"], data={"name": "First"}, expected_version=loaded
    )
    with pytest.raises(EditConflict):
        services.line_save(
            actor=SYSTEM, programme=programme, line=budget["line"], data={"name": "Second"}, expected_version=loaded
        )
    assert selectors.line_in(programme, "1").name == "First"


def test_a_line_s_year_total_follows_its_amounts_as_they_are_entered_changed_and_removed(programme):
    """Yearly or by month, entered, changed and cleared: the summary's total is always the amounts'."""
    from improve.finance.models import LineYearTotal

    b = small_budget(programme)

    def total():
        found = LineYearTotal.objects.filter(line=b["line"], year=b["y2"]).values_list("planned", "projected", "actual")
        return found.first()

    def summary():
        return selectors.budget_summary(programme).groups[0].lines[0].years.get(2020)

    assert total() is None
    services.amounts_set(actor=SYSTEM, line=b["line"], year=b["y2"], entries=[AmountEntry(0, planned=D("500000.01"))])
    assert total() == (D("500000.01"), None, None)
    months = [AmountEntry(0)] + [AmountEntry(m, projected=D("1000.10"), actual=D("-5.00")) for m in (1, 2, 3)]
    services.amounts_set(actor=SYSTEM, line=b["line"], year=b["y2"], entries=months)
    assert total() == (None, D("3000.30"), D("-15.00"))
    assert (summary().planned, summary().projected, summary().actual) == (None, D("3000.30"), D("-15.00"))
    services.amounts_set(actor=SYSTEM, line=b["line"], year=b["y2"], entries=[AmountEntry(m) for m in (1, 2, 3)])
    assert total() is None and summary() is None
