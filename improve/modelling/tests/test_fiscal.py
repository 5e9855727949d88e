import datetime as dt

import pytest

from improve.modelling import fiscal


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2019, 4, 1), "2019/20"),  # B&D's PID: 2019/20 starts on 1 April 2019
        (dt.date(2020, 3, 31), "2019/20"),
        (dt.date(2020, 4, 1), "2020/21"),
        (dt.date(2021, 12, 31), "2021/22"),
        (dt.date(1999, 6, 1), "1999/00"),
    ],
)
def test_financial_year_of_a_day(day, expected):
    assert fiscal.financial_year(day) == expected


@pytest.mark.parametrize(
    ("text", "start"), [("2019/20", 2019), ("2019-20", 2019), ("2019/2020", 2019), ("19/20", 2019)]
)
def test_a_year_is_read_as_written(text, start):
    assert fiscal.parse(text) == start
    assert fiscal.label(start) == "2019/20"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2019/21", "'2019/21' is not a financial year: the second year must follow the first, as in 2019/20"),
        ("2019", "'2019' is not a financial year: write it as 2019/20"),
        ("next year", "'next year' is not a financial year: write it as 2019/20"),
        ("2109/10", "'2109/10' is outside 1990/91–2100/01"),
    ],
)
def test_a_year_that_is_not_one_is_refused_with_what_would_do(text, message):
    with pytest.raises(fiscal.FinancialYearError) as exc:
        fiscal.parse(text)
    assert str(exc.value) == message


def test_year_bounds_and_periods():
    assert fiscal.bounds(2019) == (dt.date(2019, 4, 1), dt.date(2020, 3, 31))
    assert fiscal.period_of(dt.date(2019, 4, 30)) == 1
    assert fiscal.period_of(dt.date(2020, 3, 1)) == 12
    assert fiscal.period_month(2019, 9) == (2019, 12)
    assert fiscal.period_month(2019, 10) == (2020, 1)
    assert fiscal.period_bounds(2019, 11) == (dt.date(2020, 2, 1), dt.date(2020, 2, 29))  # a leap year
    assert fiscal.period_bounds(2019, 9) == (dt.date(2019, 12, 1), dt.date(2019, 12, 31))
    assert fiscal.period_label(2019, 3) == "June 2019"
    assert fiscal.period_label(2019, 12) == "March 2020"
    with pytest.raises(ValueError, match="not 13"):
        fiscal.period_month(2019, 13)
