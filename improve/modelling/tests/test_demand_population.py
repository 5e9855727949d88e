"""Daily stock and rates, worked by hand on a few children with known dates."""

import datetime as dt

import numpy as np
import pytest

from improve.modelling.demand.episodes import (
    OPEN,
    Classification,
    Episodes,
    add_months,
    birthdays,
    date_of,
    day,
    episodes_from_lists,
)
from improve.modelling.demand.population import cohort_on, daily_stock, estimate_rates

D = dt.date
FOSTERING, RESIDENTIAL, SUPPORTED, OTHER = 0, 1, 2, 3
BAND_0_1, BAND_1_5, BAND_5_10, BAND_10_16, BAND_16_18 = range(5)
CLS = Classification()


@pytest.fixture
def four():
    """A: 12, fostered then moved to a children's home. B: 2, fostered for six months (and a short
    break, excluded). C: 17, fostered until her 18th birthday. D: turns 5 while in care."""
    return episodes_from_lists(
        [D(2010, 2, 15), D(2020, 6, 1), D(2005, 6, 20), D(2018, 3, 10)],
        [
            (0, D(2023, 1, 10), D(2023, 7, 1), "U1", "C2"),
            (0, D(2023, 7, 1), None, "K2", "C2"),
            (1, D(2023, 3, 1), D(2023, 9, 1), "U4", "V2"),
            (1, D(2023, 5, 1), D(2023, 6, 1), "U4", "V3"),
            (2, D(2022, 1, 1), D(2023, 6, 20), "U4", "C2"),
            (3, D(2023, 2, 1), None, "U5", "C1"),
        ],
    )


def stock_on(episodes, date):
    return daily_stock(episodes, CLS, day(date), day(date))[0]


def test_daily_stock_counts_each_child_in_its_band_and_placement_on_the_days_it_is_in_care(four):
    first = D(2023, 1, 1)
    stock = daily_stock(four, CLS, day(first), day(D(2023, 12, 31)))
    assert stock.shape == (365, 5, 4)
    total = stock.sum(axis=(1, 2))
    on = {d: total[day(d) - day(first)] for d in (D(2023, 1, 9), D(2023, 1, 10), D(2023, 3, 1), D(2023, 6, 19))}
    assert on == {D(2023, 1, 9): 1, D(2023, 1, 10): 2, D(2023, 3, 1): 4, D(2023, 6, 19): 4}
    # C leaves on her 18th birthday; B's short break is not a second placement.
    assert stock_on(four, D(2023, 6, 20)).sum() == 3
    assert stock_on(four, D(2023, 5, 15))[BAND_1_5, FOSTERING] == 1
    # A moves to the children's home on 01/07; B's last day is 31/08.
    assert stock_on(four, D(2023, 6, 30))[BAND_10_16].tolist() == [1, 0, 0, 0]
    assert stock_on(four, D(2023, 7, 1))[BAND_10_16].tolist() == [0, 1, 0, 0]
    assert stock_on(four, D(2023, 8, 31))[BAND_1_5, FOSTERING] == 1
    assert stock_on(four, D(2023, 9, 1))[BAND_1_5, FOSTERING] == 0
    # D is 4 on 09/03 and 5 on 10/03.
    assert stock_on(four, D(2023, 3, 9))[BAND_1_5, FOSTERING] == 2
    assert stock_on(four, D(2023, 3, 10))[BAND_5_10, FOSTERING] == 1
    assert int(stock.min()) >= 0


def test_rates_count_entries_moves_exits_and_exposure_as_worked_by_hand(four):
    rates = estimate_rates(four, CLS, day(D(2023, 1, 1)), day(D(2024, 1, 1)))
    assert rates.days == 365
    entries = np.zeros((5, 4))
    entries[BAND_10_16, FOSTERING] = 1  # A on 10/01
    entries[BAND_1_5, FOSTERING] = 2  # B on 01/03, D on 01/02 (aged 4)
    assert rates.entries.tolist() == entries.tolist()
    assert rates.entry_rate[BAND_1_5, FOSTERING] == pytest.approx(2 / 365)
    exposure = np.zeros((5, 4))
    exposure[BAND_10_16, FOSTERING] = 172  # A: 10/01 → 01/07
    exposure[BAND_10_16, RESIDENTIAL] = 184  # A: 01/07 → 01/01
    exposure[BAND_1_5, FOSTERING] = 184 + 37  # B: 01/03 → 01/09; D: 01/02 → 10/03
    exposure[BAND_5_10, FOSTERING] = 297  # D: 10/03 → 01/01
    exposure[BAND_16_18, FOSTERING] = 170  # C: 01/01 → 20/06
    assert rates.exposure.tolist() == exposure.tolist()
    assert np.argwhere(rates.moves).tolist() == [[BAND_10_16, FOSTERING, RESIDENTIAL]]
    assert rates.move_rate[BAND_10_16, FOSTERING, RESIDENTIAL] == pytest.approx(1 / 172)
    # B's ending is an exit; C's at 18 is ageing out, which the projection applies by birthday.
    assert np.argwhere(rates.exits).tolist() == [[BAND_1_5, FOSTERING]]
    assert rates.exit_rate[BAND_1_5, FOSTERING] == pytest.approx(1 / 221)
    assert rates.entry_ages[[4, 2, 12]].tolist() == [1, 1, 1]
    assert rates.entry_ages.sum() == 3


def test_a_change_of_legal_status_in_the_same_placement_category_is_no_event():
    episodes = episodes_from_lists(
        [D(2015, 1, 1)],
        [(0, D(2023, 1, 1), D(2023, 4, 1), "U4", "V2"), (0, D(2023, 4, 1), None, "U6", "C2")],
    )
    rates = estimate_rates(episodes, CLS, day(D(2023, 1, 1)), day(D(2024, 1, 1)))
    assert rates.entries.sum() == 1 and rates.moves.sum() == 0 and rates.exits.sum() == 0
    assert rates.exposure.sum() == 365


def test_short_break_statuses_are_left_out_and_the_list_is_configurable():
    episodes = episodes_from_lists([D(2015, 1, 1)], [(0, D(2023, 1, 1), D(2023, 1, 3), "U4", "V4")])
    assert stock_on(episodes, D(2023, 1, 1)).sum() == 0
    everyone = Classification(excluded_legal_statuses=frozenset())
    assert daily_stock(episodes, everyone, day(D(2023, 1, 1)), day(D(2023, 1, 1))).sum() == 1


def test_categories_and_bands_are_configurable():
    cls = Classification(band_edges=(0, 10, 18), categories=(("family", ("U1", "U2", "U3")),))
    assert cls.names == ("family", "other") and cls.bands == ("0–10", "10–18")
    assert cls.category_of(np.array(["U1", "U4", "K2", "U3"])).tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="PLACE code U1 is in two categories"):
        Classification(categories=(("a", ("U1",)), ("b", ("U1",))))
    with pytest.raises(ValueError, match="must start at 0 and rise"):
        Classification(band_edges=(0, 5, 5, 18))


def test_birthdays_fall_on_1_march_for_a_child_born_on_29_february():
    leap = np.array([day(D(2008, 2, 29))])
    assert [date_of(d) for d in birthdays(leap, [0, 1, 4, 18])[0]] == [
        D(2008, 2, 29),
        D(2009, 3, 1),
        D(2012, 2, 29),
        D(2026, 3, 1),
    ]


def test_months_are_added_as_calendar_months():
    assert date_of(add_months(day(D(2024, 1, 31)), 1)) == D(2024, 2, 29)
    assert date_of(add_months(day(D(2024, 3, 31)), -1)) == D(2024, 2, 29)
    assert date_of(add_months(day(D(2024, 11, 15)), 14)) == D(2026, 1, 15)


def test_the_cohort_on_a_day_has_each_child_at_its_age(four):
    cohort = cohort_on(four, CLS, day(D(2023, 7, 1)))
    assert sorted(cohort.age_days.tolist()) == sorted(
        [(D(2023, 7, 1) - born).days for born in (D(2010, 2, 15), D(2020, 6, 1), D(2018, 3, 10))]
    )
    assert cohort.stock(5, 4).sum() == 3


def test_bad_input_is_refused_with_what_is_wrong():
    with pytest.raises(ValueError, match="episode 0 ends before it starts"):
        episodes_from_lists([D(2015, 1, 1)], [(0, D(2023, 1, 2), D(2023, 1, 1), "U4", "C2")])
    with pytest.raises(ValueError, match="'child' must index 'dob'"):
        episodes_from_lists([D(2015, 1, 1)], [(1, D(2023, 1, 1), None, "U4", "C2")])
    with pytest.raises(ValueError, match="'end' has 0 values"):
        Episodes(np.zeros(1, int), np.zeros(1, int), np.zeros(0, int), np.array(["U4"]), np.array(["C2"]), np.zeros(1))
    assert day(D(2100, 1, 1)) < OPEN
