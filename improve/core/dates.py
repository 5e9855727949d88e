"""UK plan dates: ``dd/mm/yyyy``, ``TBD`` or not given."""

from __future__ import annotations

import datetime as dt
import re

TBD = "TBD"
#: ``dd/mm/yyyy`` (one or two digits for day and month), as ``strptime("%d/%m/%Y")`` reads it
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def format_plan_date(value: dt.date | None, tbd: bool = False) -> str:
    if tbd:
        return TBD
    return value.strftime("%d/%m/%Y") if value else ""


class PlanDateError(ValueError):
    pass


def parse_plan_date(text: object) -> tuple[dt.date | None, bool]:
    """Parse a cell into ``(date, tbd)``. Accepts dates, ``dd/mm/yyyy``, ISO ``yyyy-mm-dd``, TBD.

    Raises :class:`PlanDateError` with a message fit for a person.
    """
    if text is None:
        return None, False
    if isinstance(text, dt.datetime):
        return text.date(), False
    if isinstance(text, dt.date):
        return text, False
    s = str(text).strip()
    if not s:
        return None, False
    if s.upper() == TBD:
        return None, True
    if uk := _UK_DATE.fullmatch(s):  # the common case, first, without strptime (imports read thousands)
        try:
            return dt.date(int(uk[3]), int(uk[2]), int(uk[1])), False
        except ValueError:
            pass  # not a day of the calendar: the message below says so
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(s, fmt).date(), False  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise PlanDateError(f"'{s}' is not a date: use dd/mm/yyyy (for example 18/04/2019) or TBD")
