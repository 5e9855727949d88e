"""The projection: exact samplers, properties of the paths, honest intervals, determinism, scale."""

import datetime as dt

import numpy as np
import pytest

from improve.modelling.demand.calibration import council_truth, coverage, simulate_history
from improve.modelling.demand.episodes import Classification, add_months, day, episodes_from_lists
from improve.modelling.demand.population import Cohort, Rates, cohort_on, estimate_rates
from improve.modelling.demand.projection import (
    band_days,
    binomial,
    by_category,
    expected_path,
    poisson,
    simulate,
    summarise,
    total,
)

D = dt.date
CLS = Classification()
START = day(D(2025, 4, 1))


def rates_of(entries=None, moves=None, exits=None, exposure=None, days=365, entry_ages=None):
    shape = (5, 4)
    return Rates(
        CLS,
        START - days,
        START,
        np.zeros(shape) if entries is None else entries,
        np.full(shape, 1000.0) if exposure is None else exposure,
        np.zeros((5, 4, 4)) if moves is None else moves,
        np.zeros(shape) if exits is None else exits,
        np.ones(18) if entry_ages is None else entry_ages,
    )


def cohort_of(ages_years, categories):
    edges = band_days(CLS)
    ages = np.round(np.array(ages_years) * 365.25).astype(np.int64)
    band = np.searchsorted(edges, ages, side="right") - 1
    return Cohort(START, ages, band, np.array(categories, dtype=np.int64))


@pytest.mark.parametrize(("n", "p"), [(0, 0.3), (1, 0.5), (7, 0.2), (40, 0.01), (3000, 0.002), (9, 1.0)])
def test_the_binomial_sampler_has_the_binomial_mean_and_variance(n, p):
    draws = binomial(np.random.default_rng(1), np.full(200_000, n), np.full(200_000, p))
    assert draws.min() >= 0 and draws.max() <= n
    assert draws.mean() == pytest.approx(n * p, abs=4 * np.sqrt(n * p * (1 - p) / 200_000) + 1e-9)
    assert draws.var() == pytest.approx(n * p * (1 - p), rel=0.03, abs=1e-9)


@pytest.mark.parametrize("lam", [0.0, 0.004, 0.6, 5.0, 30.0])
def test_the_poisson_sampler_has_the_poisson_mean_and_variance(lam):
    draws = poisson(np.random.default_rng(2), np.full(200_000, lam))
    assert draws.mean() == pytest.approx(lam, abs=4 * np.sqrt(lam / 200_000) + 1e-9)
    assert draws.var() == pytest.approx(lam, rel=0.03, abs=1e-9)


def test_with_no_entries_moves_or_exits_children_only_age_and_none_is_lost_before_18():
    cohort = cohort_of([0.5, 0.99, 3.0, 4.99, 9.995, 12.0, 15.9], [0, 0, 1, 2, 3, 0, 1])
    projection = simulate(cohort, rates_of(), 12, draws=200, seed=3)
    # Ageing conserves children: every path keeps all seven every day.
    assert (projection.daily.sum(axis=2) == 7).all()
    # A year on: 1.5, 1.99 and 4 are in 1–5; 5.99 in 5–10; 10.995 and 13 in 10–16; 16.9 in 16–18.
    end = projection.snapshots[:, -1].sum(axis=2)  # (draws, bands)
    assert end[:, 0].max() == 0
    assert projection.snapshots[:, 0].sum(axis=2)[0].tolist() == [2, 2, 1, 2, 0]
    assert projection.expected.stock[-1].sum(axis=1) == pytest.approx([0, 3, 1, 2, 1], abs=0.05)
    assert end.mean(axis=0) == pytest.approx([0, 3, 1, 2, 1], abs=0.3)


def test_with_zero_rates_the_stock_only_ages_out_at_18():
    ages = [16.2, 16.7, 17.1, 17.3, 17.6, 17.9]  # 17.1 reaches 18 in 0.9 years; 16.2 does not within a year
    cohort = cohort_of(ages, [0] * 6)
    projection = simulate(cohort, rates_of(), 12, draws=500, seed=4)
    daily = projection.daily.sum(axis=2)
    assert (np.diff(daily, axis=1) <= 0).all()  # never a child more
    still_under_18 = sum(1 for a in ages if a + (projection.days[-1] - START) / 365.25 < 18)
    assert still_under_18 == 2
    assert projection.expected.stock[-1].sum() == pytest.approx(still_under_18, abs=0.05)
    assert daily[:, -1].mean() == pytest.approx(still_under_18, abs=0.3)


@pytest.mark.parametrize("seed", range(6))
def test_the_stock_is_never_negative_and_paths_differ_by_seed(seed):
    rng = np.random.default_rng(seed)
    truth = council_truth(scale=float(rng.uniform(0.05, 0.3)))
    history = simulate_history(truth, CLS, add_months(START, -36), START + 1, seed=seed)
    rates = estimate_rates(history, CLS, add_months(START, -12), START)
    projection = simulate(cohort_on(history, CLS, START), rates, 6, draws=100, seed=seed)
    assert projection.daily.min() >= 0 and projection.snapshots.min() >= 0
    again = simulate(cohort_on(history, CLS, START), rates, 6, draws=100, seed=seed)
    assert np.array_equal(again.snapshots, projection.snapshots)
    other = simulate(cohort_on(history, CLS, START), rates, 6, draws=100, seed=seed + 100)
    assert not np.array_equal(other.snapshots, projection.snapshots)


def test_moves_between_placements_do_not_make_the_total_more_uncertain():
    moves = np.zeros((5, 4, 4))
    moves[:, 0, 1] = moves[:, 1, 0] = 20.0  # over 1,000 child-days: one move in 50 days, both ways
    cohort = cohort_of([11.0] * 40 + [12.0] * 40, [0] * 40 + [1] * 40)
    projection = simulate(cohort, rates_of(moves=moves), 6, draws=400, seed=5)
    per_category, everyone = by_category(projection), total(projection)
    low, high = per_category.intervals[95]
    assert (high[-1, :2] - low[-1, :2] >= 10).all()  # fostering and residential each swing widely
    t_low, t_high = everyone.intervals[95]
    assert t_low[-1] == t_high[-1] == 80  # but all 80 are still in care in every path


def test_uncertain_rates_widen_the_intervals():
    truth = council_truth(scale=0.25)
    history = simulate_history(truth, CLS, add_months(START, -36), START + 1, seed=11)
    rates = estimate_rates(history, CLS, add_months(START, -12), START)
    cohort = cohort_on(history, CLS, START)
    with_rates = total(simulate(cohort, rates, 12, draws=600, seed=1))
    process_only = total(simulate(cohort, rates, 12, draws=600, seed=1, parameter_uncertainty=False))

    def width(summary):
        low, high = summary.intervals[95]
        return high[-1] - low[-1]

    assert width(with_rates) > 1.15 * width(process_only)
    assert with_rates.mean[-1] == pytest.approx(process_only.mean[-1], rel=0.05)


def test_the_simulated_mean_follows_the_expected_path():
    truth = council_truth(scale=0.5)
    history = simulate_history(truth, CLS, add_months(START, -36), START + 1, seed=12)
    rates = estimate_rates(history, CLS, add_months(START, -12), START)
    projection = simulate(cohort_on(history, CLS, START), rates, 12, draws=800, seed=2, parameter_uncertainty=False)
    expected = np.array([projection.expected_at(int(d)).sum() for d in projection.month_ends])
    assert total(projection).mean == pytest.approx(expected, rel=0.02)


def test_the_95_percent_interval_covers_synthetic_truth_in_most_histories():
    found = coverage(
        council_truth(scale=0.4), CLS, histories=8, start=START, burn_in_months=36, months=12, draws=300, seed=7
    )
    assert found.histories == 8
    assert found.total >= 6 / 8
    assert found.by_category.mean() >= 0.75


def test_a_child_entering_on_the_start_day_is_in_the_starting_stock():
    episodes = episodes_from_lists([D(2015, 1, 1)], [(0, D(2025, 4, 1), None, "U4", "C2")])
    assert cohort_on(episodes, CLS, START).stock(5, 4).sum() == 1


def test_expected_path_adds_entries_at_their_rate():
    entries = np.zeros((5, 4))
    entries[2, 0] = 73.0  # 73 entries to 5–10 fostering over 365 days: 0.2 a day
    expected = expected_path(cohort_of([], []), rates_of(entries=entries), 100)
    assert expected.stock[100].sum() == pytest.approx(20.0, rel=0.01)


def test_a_nation_of_80000_in_care_projects_24_months_with_1000_draws():
    rng = np.random.default_rng(0)
    n = 80_000
    band = rng.choice(5, size=n, p=[0.05, 0.15, 0.2, 0.38, 0.22])
    category = rng.choice(4, size=n, p=[0.7, 0.12, 0.08, 0.1])
    edges = band_days(CLS)
    cohort = Cohort(START, rng.integers(edges[band], edges[band + 1]), band, category)
    truth = council_truth(scale=200)
    exposure = np.zeros((5, 4))
    np.add.at(exposure, (band, category), 365.0)
    rates = rates_of(truth.entry * 365, truth.move * exposure[:, :, None], truth.exit * exposure, exposure)
    projection = simulate(cohort, rates, 24, draws=1000, seed=1)
    assert projection.snapshots.shape == (1000, 25, 5, 4)
    assert projection.daily.nbytes < 20_000_000
    expected = projection.expected.stock[-1].sum()
    assert total(projection).mean[-1] == pytest.approx(expected, rel=0.005)


def test_intervals_of_counts_are_whole_children_holding_at_least_their_level_of_paths():
    paths = np.random.default_rng(3).poisson(6.0, size=(1000, 3)).astype(float)
    summary = summarise(paths)
    for level, (low, high) in summary.intervals.items():
        assert (low == np.floor(low)).all() and (high == np.floor(high)).all()
        inside = ((paths >= low) & (paths <= high)).mean(axis=0)
        assert (inside >= level / 100).all()


def test_departing_children_go_where_the_rates_send_them_in_the_expected_shares():
    moves, exits = np.zeros((5, 4, 4)), np.zeros((5, 4))
    moves[:, 0, 1], moves[:, 0, 2], exits[:, 0] = 2.0, 1.0, 5.0  # per 1,000 child-days
    # Some cross into the next band (9.9 → 10–16) and some reach 18 within the six months.
    cohort = cohort_of([8.0] * 120 + [9.9] * 60 + [17.9] * 20, [0] * 200)
    projection = simulate(cohort, rates_of(moves=moves, exits=exits), 6, draws=800, seed=4, parameter_uncertainty=False)
    end = projection.snapshots[:, -1].mean(axis=0)  # (bands, categories), the paths' mean
    expected = projection.expected_at(int(projection.month_ends[-1]))
    assert end.sum(axis=0) == pytest.approx(expected.sum(axis=0), rel=0.03, abs=0.3)
    assert end[2:4].sum() == pytest.approx(expected[2:4].sum(), rel=0.03)  # 5–10 and 10–16: the ageing
    assert end[4].sum() == pytest.approx(0.0, abs=0.01)  # nobody was 16–18 but those who left at 18
    assert end[:, 3].sum() == 0  # no rate sends anyone to "other"
