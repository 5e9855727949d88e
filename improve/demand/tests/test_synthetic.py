"""The synthetic return: valid for the loader, calibrated to England, the same for a seed."""

import datetime as dt
import filecmp

import pytest

from improve.demand import synthetic
from improve.demand.pseudonym import pseudonymiser
from improve.demand.reader import read_return
from improve.modelling.demand.episodes import Classification, Episodes, date_of, day
from improve.modelling.demand.population import daily_stock


def test_the_generated_return_passes_every_check(tmp_path):
    data = synthetic.synthesise(children_0_17=30_000, years=5, seed=3)
    written = synthetic.write_return(data, tmp_path / "out")
    result = read_return(tmp_path / "out", pseudonymise=pseudonymiser("k"), today=dt.date(2026, 11, 28))
    assert result.problems == []
    assert sorted(result.years) == [2020, 2021, 2022, 2023, 2024] and sorted(written) == sorted(result.years)
    assert result.other_rows["UASC"] > 0 and result.other_rows["Missing"] > 0
    assert len(result.children) == len({int(c) for c in data.child})


def test_the_same_seed_writes_the_same_files(tmp_path):
    for name in ("a", "b"):
        synthetic.write_return(synthetic.synthesise(children_0_17=20_000, years=3, seed=11), tmp_path / name)
    other = synthetic.synthesise(children_0_17=20_000, years=3, seed=12)
    synthetic.write_return(other, tmp_path / "c")
    for year in ("2021-22", "2022-23", "2023-24"):
        for table in ("header.csv", "episodes.csv", "uasc.csv", "missing.csv"):
            assert filecmp.cmp(tmp_path / "a" / year / table, tmp_path / "b" / year / table, shallow=False)
    assert not filecmp.cmp(tmp_path / "a" / "2023-24" / "episodes.csv", tmp_path / "c" / "2023-24" / "episodes.csv")


def test_rates_starts_and_ends_match_england():
    """A million children: the stock at 31 March within 5 % of 70 per 10,000; starts and ends a year
    within 5 % of England's 33,050 and 33,620 per 83,630 looked after (the generator is in a steady
    state, so its ends come out near its starts: 1.7 % under England's)."""
    data = synthetic.synthesise(children_0_17=1_000_000, years=5, seed=5)
    for year in range(2020, 2025):
        per_10000 = data.in_care(day(dt.date(year, 3, 31))) / 100
        assert per_10000 == pytest.approx(70, rel=0.05), year
        starts, ends = data.starts_and_ends(year)
        assert starts == pytest.approx(7_000 * synthetic.STARTS_PER_STOCK, rel=0.05), year
        assert ends == pytest.approx(7_000 * synthetic.ENDS_PER_STOCK, rel=0.05), year


def test_mostly_foster_care_and_mostly_care_orders():
    data = synthetic.synthesise(children_0_17=1_000_000, years=1, seed=2)
    when = day(dt.date(2024, 3, 31))
    on = (data.start <= when) & (data.end > when)
    foster = sum(str(p).startswith("U") for p in data.place[on]) / on.sum()
    orders = sum(str(ls) in ("C1", "C2", "E1") for ls in data.ls[on]) / on.sum()
    assert 0.65 < foster < 0.8 and orders > 0.6


def test_a_council_is_about_70_per_10000_too():
    """60,000 children (about 420 looked after): within 15 % each year, as random as a council is."""
    data = synthetic.synthesise(children_0_17=60_000, years=10, seed=1)
    for year in range(2015, 2025):
        assert data.in_care(day(dt.date(year, 3, 31))) / 6 == pytest.approx(70, rel=0.15)


def test_nonsense_is_refused():
    with pytest.raises(ValueError, match="at least 1"):
        synthetic.synthesise(children_0_17=0, years=1, seed=1)


def test_the_generator_counts_days_as_the_model_does():
    """Its arrays feed the model as they are: the model's stock on 31 March is the generator's."""
    data = synthetic.synthesise(children_0_17=60_000, years=3, seed=4, last_year=2019)
    assert date_of(data.until) == dt.date(2019, 3, 31)
    assert dt.date(1990, 1, 1) < date_of(int(data.start.min())) < dt.date(2016, 4, 1)
    episodes = Episodes(
        child=data.child, start=data.start, end=data.end, place=data.place, legal_status=data.ls, dob=data.dob
    )
    for year in (2017, 2018, 2019):
        when = day(dt.date(year, 3, 31))
        assert daily_stock(episodes, Classification(), when, when).sum() == data.in_care(when), year
