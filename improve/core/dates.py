"""UK plan dates: ``dd/mm/yyyy``, ``TBD`` or not given."""

from __future__ import annotations

import datetime as dt

TBD = "TBD"


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
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(s, fmt).date(), False  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise PlanDateError(f"'{s}' is not a date: use dd/mm/yyyy (for example 18/04/2019) or TBD")
