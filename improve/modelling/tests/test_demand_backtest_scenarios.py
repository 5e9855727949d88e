"""The backtest against what happened, and scenarios against the baseline."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from improve.modelling.demand.backtest import backtest
from improve.modelling.demand.calibration import council_truth, simulate_history
from improve.modelling.demand.episodes import Classification, add_months, day, episodes_from_lists
from improve.modelling.demand.population import cohort_on, estimate_rates
from improve.modelling.demand.scenarios import BASELINE, Scenario, apply, compare, run

D = dt.date
CLS = Classification()
END = day(D(2025, 3, 31))


@pytest.fixture(scope="module")
def council():
    return simulate_history(council_truth(scale=0.5), CLS, add_months(END, -60), END + 1, seed=21)


def test_a_backtest_of_a_quiet_history_is_exact():
    quiet = episodes_from_lists(
        [D(2017, 5, 1), D(2018, 1, 1), D(2016, 9, 9)],
        [(i, D(2020, 1, 1), None, "U4", "C2") for i in range(3)],
    )
    found = backtest(quiet, CLS, END, draws=50)
    assert found.origin == day(D(2024, 3, 31))
    assert found.actual_total.tolist() == [3.0] * 13
    fostering, residential, *_rest, everyone = found.errors
    assert (fostering.name, fostering.mae, fostering.mape) == ("fostering", 0.0, 0.0)
    assert fostering.coverage == {50: 1.0, 80: 1.0, 95: 1.0}
    assert residential.mape is None and residential.mae == 0.0
    assert everyone.name == "total" and everyone.mae == 0.0


def test_a_backtest_on_a_synthetic_council_reports_errors_by_category_and_for_the_total(council):
    found = backtest(council, CLS, END, draws=400, seed=3)
    assert [e.name for e in found.errors] == ["fostering", "residential", "supported", "other", "total"]
    everyone = found.errors[-1]
    assert found.actual.shape == (13, 4) and found.actual.sum(axis=1).tolist() == found.actual_total.tolist()
    # What happened is one path of the same process the model was fitted to.
    assert everyone.mape is not None and everyone.mape < 10
    assert everyone.coverage[95] >= 0.5
    fostering = found.errors[0]
    manual = np.abs(found.projected.mean[1:, 0] - found.actual[1:, 0]).mean()
    assert fostering.mae == pytest.approx(manual)


def test_scenarios_change_the_counts_the_rates_come_from(council):
    rates = estimate_rates(council, CLS, add_months(END, -12), END)
    fewer = apply(rates, Scenario("early help", entry_factor=0.9))
    assert fewer.entries == pytest.approx(rates.entries * 0.9)
    shifted = apply(rates, Scenario("fostering first", shift_share=0.25))
    fostering, residential = 0, 1
    assert shifted.entries[:, residential] == pytest.approx(rates.entries[:, residential] * 0.75)
    assert shifted.entries.sum() == pytest.approx(rates.entries.sum())
    assert shifted.moves[:, 3, residential] == pytest.approx(rates.moves[:, 3, residential] * 0.75)
    assert shifted.moves[:, fostering, residential] == pytest.approx(rates.moves[:, fostering, residential] * 0.75)
    assert (shifted.moves[:, fostering, fostering] == 0).all()
    with pytest.raises(ValueError, match="no placement category 'kinship'; use one of fostering"):
        apply(rates, Scenario("x", shift_share=0.1, shift_to="kinship"))
    with pytest.raises(ValueError, match="the shift share must be between 0 and 1, not 1.5"):
        Scenario("x", shift_share=1.5)


def test_fewer_entries_mean_fewer_children_and_less_spend_than_the_baseline(council):
    rates = estimate_rates(council, CLS, add_months(END, -12), END)
    cohort = cohort_on(council, CLS, END)
    baseline = run(cohort, rates, 24, BASELINE, draws=300, seed=4)
    fewer = run(cohort, rates, 24, Scenario("early help", entry_factor=0.8), draws=300, seed=4)
    found = compare(baseline, fewer)
    assert found.children.mean[0] == 0 and found.children.mean[-1] < -5
    assert found.years == ("2025/26", "2026/27")  # 01/04/2025 – 31/03/2027
    assert all(year.mean < 0 for year in found.spend)


def test_a_change_of_unit_cost_alone_changes_spend_and_not_children(council):
    rates = estimate_rates(council, CLS, add_months(END, -12), END)
    cohort = cohort_on(council, CLS, END)
    baseline = run(cohort, rates, 12, BASELINE, draws=100, seed=5)
    dearer_homes = Scenario("dearer homes", unit_costs={"residential": Decimal("5230")})
    dearer = run(cohort, rates, 12, dearer_homes, draws=100, seed=5)
    found = compare(baseline, dearer)
    assert found.children.intervals[95][0].tolist() == found.children.intervals[95][1].tolist() == [0.0] * 13
    residential_days = baseline.projection.daily[:, :, 1].sum(axis=1)
    expected = residential_days.mean() * 1400 / 7  # £1,400 a week more for each child-day in a home
    assert float(found.spend[0].mean) == pytest.approx(expected, abs=0.01)
