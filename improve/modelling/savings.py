"""Savings plans: what should have been saved by a date, and the RAG of what was delivered ``[£]``.

Pure (no Django). A plan's saving for a financial year is expected to build up evenly over the
year's twelve months (a monthly profile is not kept): by a date, the saving expected is the whole
planned saving of every year that has ended, plus, for the year the date falls in, one twelfth of
its planned saving for each month that has ended. Delivered savings count whenever they were
recorded. The RAG compares the two:

- **green**: delivered is at least what was expected;
- **amber**: delivered is at least :data:`AMBER_SHARE` of what was expected;
- **red**: less than that;
- none (``""``): nothing was expected yet, so there is nothing to judge.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from decimal import Decimal

from improve.modelling import fiscal
from improve.modelling.budget import EXACT, ZERO

#: Delivered at least this share of what was expected: amber rather than red.
AMBER_SHARE = Decimal("0.75")
GREEN, AMBER, RED, NOT_DUE = "green", "amber", "red", ""
_MONTHS = Decimal(12)


def months_ended(start_year: int, day: dt.date) -> int:
    """How many of the financial year's months (0–12) have ended by the end of ``day``."""
    first, last = fiscal.bounds(start_year)
    if day < first:
        return 0
    if day >= last:
        return 12
    period = fiscal.period_of(day)
    _start, end = fiscal.period_bounds(start_year, period)
    return period if day >= end else period - 1


def expected_by(planned: Mapping[int, Decimal | None], day: dt.date) -> Decimal:
    """The saving expected by ``day`` ``[£]`` from the planned saving of each year (``{start year: £}``).

    Exact to the penny: a part-year's share is rounded half up to a penny (for display and RAG only).
    """
    out = ZERO
    for start_year, amount in planned.items():
        if amount is None:
            continue
        months = months_ended(start_year, day)
        if months == 12:
            out += amount
        elif months:
            with decimal.localcontext() as ctx:
                ctx.prec = 60
                share = (amount * months / _MONTHS).quantize(Decimal("0.01"), rounding=decimal.ROUND_HALF_UP)
            out += share
    return out


def rag(expected: Decimal, delivered: Decimal) -> str:
    """``green``, ``amber``, ``red`` or ``""`` (nothing expected yet) for delivered against expected ``[£]``."""
    if expected <= 0:
        return NOT_DUE
    if delivered >= expected:
        return GREEN
    with decimal.localcontext(EXACT):
        return AMBER if delivered >= expected * AMBER_SHARE else RED


def shortfall(planned: Decimal | None, delivered: Decimal | None) -> Decimal | None:
    """Planned − delivered ``[£]`` (negative: more delivered than planned); ``None`` if nothing is planned."""
    if planned is None:
        return None
    with decimal.localcontext(EXACT):
        return planned - (delivered or ZERO)
