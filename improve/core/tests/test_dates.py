"""Plan dates as people type them: dd/mm/yyyy, ISO, TBD; anything else refused with a message."""

import datetime as dt

import pytest

from improve.core.dates import PlanDateError, parse_plan_date


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("18/04/2019", (dt.date(2019, 4, 18), False)),
        (" 1/4/2019 ", (dt.date(2019, 4, 1), False)),
        ("2019-04-18", (dt.date(2019, 4, 18), False)),
        ("2019-04-18 00:00:00", (dt.date(2019, 4, 18), False)),
        ("tbd", (None, True)),
        ("", (None, False)),
        (dt.datetime(2019, 4, 18, 9, 30), (dt.date(2019, 4, 18), False)),
    ],
)
def test_a_date_as_typed_is_read(typed, expected):
    assert parse_plan_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/2019", "18/04/19", "18-04-2019", "00/01/2019", "next week"])
def test_anything_else_is_refused_saying_what_to_type(typed):
    with pytest.raises(PlanDateError, match=r"is not a date: use dd/mm/yyyy \(for example 18/04/2019\) or TBD"):
        parse_plan_date(typed)
