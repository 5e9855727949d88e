"""Cadences as the papers write them, read into rules that give the meeting calendar."""

import datetime as dt

import pytest

from improve.governance import cadence
from improve.governance.cadence import CadenceError, parse

YEAR = (dt.date(2019, 4, 1), dt.date(2020, 3, 31))


def held(text, anchor=None, span=YEAR):
    return [m.date for m in parse(text, anchor).dates(*span)]


def test_monthly_on_the_third_thursday_as_b_and_d_prints_it():
    dates = held("Monthly (3 rd Thursday)")
    assert len(dates) == 12
    assert dates[:3] == [dt.date(2019, 4, 18), dt.date(2019, 5, 16), dt.date(2019, 6, 20)]
    assert all(d.weekday() == 3 and 15 <= d.day <= 21 for d in dates)


def test_before_the_first_thursday_is_the_working_day_before_and_skips_new_year_s_day_backwards():
    dates = held("Monthly (before 1 st Thursday)")
    assert dates[0] == dt.date(2019, 4, 3)  # 1st Thursday of April 2019 is the 4th
    assert dt.date(2019, 7, 31) in dates  # 1st Thursday of August is the 1st
    # January 2020: 1st Thursday is 2 January; the day before is New Year's Day, so the last working day of 2019.
    assert dt.date(2019, 12, 31) in dates and dt.date(2020, 1, 1) not in dates


def test_working_days_before_counts_working_days():
    assert held("monthly, 2 working days before the 2nd Thursday")[0] == dt.date(2019, 4, 9)


def test_a_meeting_on_a_bank_holiday_moves_to_the_next_working_day_and_says_why():
    meetings = parse("first Monday of the month").dates(*YEAR)
    may = next(m for m in meetings if m.nominal.month == 5)
    assert may.nominal == dt.date(2019, 5, 6) and may.date == dt.date(2019, 5, 7)
    assert may.moved_for == "May Day"
    assert [m.date for m in meetings if m.nominal.month == 8] == [dt.date(2019, 8, 5)]


def test_weekly_fortnightly_and_every_six_weeks():
    assert len(held("weekly (Tuesday)")) == 53
    assert held("fortnightly from 03/04/2019")[:3] == [dt.date(2019, 4, 3), dt.date(2019, 4, 17), dt.date(2019, 5, 1)]
    six = held("every 6 weeks from 02/04/2019")
    assert len(six) == 9 and all((b - a).days == 42 for a, b in zip(six, six[1:], strict=False))


def test_quarterly_takes_the_same_week_and_day_as_the_first_meeting():
    assert held("quarterly from 11/04/2019") == [
        dt.date(2019, 4, 11),
        dt.date(2019, 7, 11),
        dt.date(2019, 10, 10),
        dt.date(2020, 1, 9),
    ]
    assert held("quarterly", anchor=dt.date(2019, 4, 11)) == held("quarterly from 11/04/2019")


def test_the_first_meeting_can_come_from_the_board_rather_than_the_text():
    assert held("every 6 weeks", anchor=dt.date(2019, 4, 2))[0] == dt.date(2019, 4, 2)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("sometimes", "is not a cadence this office can read: use one like 'weekly (Tuesday)'"),
        ("", "Enter how often the board meets"),
        ("weekly", "say which day"),
        ("monthly (Thursday)", "say which Thursday of the month"),
        ("every 6 weeks", "say when the first meeting is"),
        ("quarterly", "when the first meeting is"),
        ("weekly (Tuesday) from 03/04/2019", "is a Wednesday, not a Tuesday"),
        ("fortnightly from 31/02/2019", "is not a real date"),
    ],
)
def test_an_unreadable_cadence_says_what_is_understood(text, says):
    with pytest.raises(CadenceError, match=r".*") as raised:
        parse(text)
    assert says in str(raised.value)


def test_working_day_helpers():
    bank = cadence.bank_holidays(2019, 2020)
    assert bank[dt.date(2019, 12, 25)] == "Christmas Day"
    assert cadence.next_working_day(dt.date(2019, 12, 25), bank) == dt.date(2019, 12, 27)
    assert cadence.working_days_before(dt.date(2019, 12, 27), 1, bank) == dt.date(2019, 12, 24)
    assert cadence.working_days_before(dt.date(2019, 12, 27), 0, bank) == dt.date(2019, 12, 27)


def test_calendar_for_several_boards_is_in_date_order():
    found = cadence.calendar([("a", parse("weekly (Friday)")), ("b", parse("monthly (1st Monday)"))], *YEAR)
    dates = [m.date for _, m in found]
    assert dates == sorted(dates) and {b for b, _ in found} == {"a", "b"}
