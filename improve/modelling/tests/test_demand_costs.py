"""Projected spend per month and financial year, worked by hand."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from improve.modelling.demand.costs import WEEKLY_UNIT_COSTS, money, pence, spend
from improve.modelling.demand.episodes import Classification, day
from improve.modelling.demand.population import Cohort, Rates
from improve.modelling.demand.projection import simulate

D = dt.date
CLS = Classification()


def still(start, months, categories):
    """Children aged 8 who neither move nor leave: every path is the same."""
    cohort = Cohort(start, np.full(len(categories), 8 * 365), np.full(len(categories), 2), np.array(categories))
    shape = (5, 4)
    rates = Rates(
        CLS,
        start - 365,
        start,
        np.zeros(shape),
        np.full(shape, 100.0),
        np.zeros((5, 4, 4)),
        np.zeros(shape),
        np.ones(18),
    )
    return simulate(cohort, rates, months, draws=50, seed=1)


def test_spend_is_child_days_times_the_weekly_cost_over_seven_by_calendar_month():
    projection = still(day(D(2025, 3, 31)), 3, [0] * 7 + [1])
    found = spend(projection)
    assert found.months == ((2025, 4), (2025, 5), (2025, 6))
    assert found.month_days == (30, 31, 30)
    by_category, everyone = found.month(0)
    assert by_category["fostering"].mean == Decimal("24600.00")  # 7 × 30 days × £820 / 7
    assert by_category["residential"].mean == Decimal("16414.29")  # 30 days × £3,830 / 7 = 16,414.2857…
    assert everyone.mean == Decimal("41014.29")
    assert everyone.intervals[95] == (Decimal("41014.29"), Decimal("41014.29"))
    assert found.years == ("2025/26",) and found.year_days == (91,)
    assert found.year(0)[0]["fostering"].mean == Decimal("74620.00")  # 7 × 91 × £820 / 7


def test_a_horizon_across_31_march_splits_between_financial_years():
    projection = still(day(D(2025, 2, 15)), 3, [0])
    found = spend(projection, {**WEEKLY_UNIT_COSTS, "fostering": Decimal("700")})
    assert found.months == ((2025, 2), (2025, 3), (2025, 4), (2025, 5))
    assert found.month_days == (13, 31, 30, 15)
    assert found.years == ("2024/25", "2025/26") and found.year_days == (44, 45)
    assert [found.year(i)[1].mean for i in range(2)] == [Decimal("4400.00"), Decimal("4500.00")]


def test_unit_costs_must_cover_every_category_and_not_be_negative():
    projection = still(day(D(2025, 3, 31)), 1, [0])
    with pytest.raises(ValueError, match="No weekly unit cost for supported, other: give one for each of fostering"):
        spend(projection, {"fostering": Decimal(1), "residential": Decimal(1)})
    with pytest.raises(ValueError, match="The weekly unit cost of other is negative"):
        spend(projection, {**WEEKLY_UNIT_COSTS, "other": Decimal("-1")})


def test_amounts_are_rounded_half_up_to_the_penny_at_the_edge():
    assert pence(0.125) == Decimal("0.13") and pence(2.675) == Decimal("2.68") and pence(-0.0) == Decimal("0.00")
    summary = money(np.array([1.0, 2.0, 3.0, 4.0, 5.5]))
    assert summary.mean == Decimal("3.10") and summary.intervals[50] == (Decimal("2.00"), Decimal("4.00"))
    # A bound is a value some path took, never one interpolated between paths.
    assert money(np.array([1.0, 2.0, 3.0, 4.0])).intervals[50] == (Decimal("1.00"), Decimal("4.00"))
