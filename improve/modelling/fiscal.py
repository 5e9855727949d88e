"""UK financial years and their periods (pure; no Django).

A financial year runs 1 April – 31 March and is written ``2019/20``; it is known in code by the
calendar year it starts in (``2019``). Its months are periods 1 (April) to 12 (March).
"""

from __future__ import annotations

import datetime as dt
import re

#: The first month of a financial year.
FIRST_MONTH = 4
PERIODS = range(1, 13)
MONTH_NAMES = (
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "January",
    "February",
    "March",
)
#: Years a programme may plan in (a guard against typing 2109/10 or 1919/20).
EARLIEST, LATEST = 1990, 2100

_LABEL_RE = re.compile(r"^\s*(?:FY\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$", re.IGNORECASE)
_SHORT_RE = re.compile(r"^\s*(\d{2})\s*/\s*(\d{2})\s*$")


class FinancialYearError(ValueError):
    """Text that is not a financial year; the message says what would be accepted."""


def start_year_of(day: dt.date) -> int:
    """The calendar year in which the financial year holding ``day`` starts."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def label(start_year: int) -> str:
    """``2019`` → ``"2019/20"``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def financial_year(day: dt.date) -> str:
    """The financial year holding ``day``: 31/03/2020 → ``"2019/20"``, 01/04/2020 → ``"2020/21"``."""
    return label(start_year_of(day))


def parse(text: str) -> int:
    """``"2019/20"`` (or ``2019-20``, ``2019/2020``, ``19/20``) → ``2019``; else :class:`FinancialYearError`."""
    value = str(text)
    if match := _LABEL_RE.match(value):
        start, end = int(match.group(1)), int(match.group(2))
        expected_end = start + 1 if len(match.group(2)) == 4 else (start + 1) % 100
    elif match := _SHORT_RE.match(value):
        start, end = 2000 + int(match.group(1)), int(match.group(2))
        expected_end = (start + 1) % 100
    else:
        raise FinancialYearError(f"'{value.strip()}' is not a financial year: write it as 2019/20")
    if end != expected_end:
        raise FinancialYearError(
            f"'{value.strip()}' is not a financial year: the second year must follow the first, as in {label(start)}"
        )
    if not EARLIEST <= start <= LATEST:
        raise FinancialYearError(f"'{value.strip()}' is outside {label(EARLIEST)}–{label(LATEST)}")
    return start


def bounds(start_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the financial year: ``2019`` → (01/04/2019, 31/03/2020)."""
    return dt.date(start_year, FIRST_MONTH, 1), dt.date(start_year + 1, FIRST_MONTH - 1, 31)


def period_of(day: dt.date) -> int:
    """The period (1 = April … 12 = March) holding ``day``."""
    return (day.month - FIRST_MONTH) % 12 + 1


def period_month(start_year: int, period: int) -> tuple[int, int]:
    """The calendar (year, month) of ``period`` of the year starting in ``start_year``."""
    if period not in PERIODS:
        raise ValueError(f"A period is 1 (April) to 12 (March), not {period}")
    month = (FIRST_MONTH - 1 + period - 1) % 12 + 1
    return (start_year if month >= FIRST_MONTH else start_year + 1), month


def period_bounds(start_year: int, period: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a period."""
    year, month = period_month(start_year, period)
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def period_label(start_year: int, period: int) -> str:
    """``(2019, 3)`` → ``"June 2019"``."""
    year, _month = period_month(start_year, period)
    return f"{MONTH_NAMES[period - 1]} {year}"
