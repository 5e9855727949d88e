"""The derived budget figures, computed exactly over :class:`~decimal.Decimal` amounts ``[£]``.

Pure (no Django). Nothing here is ever stored: variation, latest estimate, subtotals, totals and
the additional funding required are worked out from the planned, projected and actual amounts
each time they are shown.

Definitions (one financial year ``y``, known by the calendar year it starts in):

- a line's **planned** figure for ``y`` is its budget for the year; **projected** is the forecast
  of the whole year's spend (out-turn: actual to date plus the forecast of the months left);
  **actual** is what has been spent;
- **variation** = projected − planned (positive: an overspend) ``[£]``;
- **latest estimate** of a one-off line, as at year ``c`` = actual of each year before ``c`` +
  projected for ``c`` (planned where no projection is entered) + planned of each year after ``c``;
- a year's figure is its yearly amount if one is entered, else the sum of its monthly amounts,
  else nothing (``None``): nothing entered is not zero, and is shown blank;
- **additional funding required** for ``y`` = requirement − available funding, where that is more
  than zero, else zero.

Exactness, not speed, decides the representation: amounts stay Decimal and are summed under a
context of 60 significant digits, far beyond any budget (amounts are limited to 18 digits of
pounds), so no sum is ever rounded. Pure-Python sums of Decimals over 1,000 lines × 5 years ×
12 months take a few tens of milliseconds (``bench/finance.py``), so NumPy (integer pence in int64)
was not needed; see docs/decisions/0015-money-storage.md.
"""

from __future__ import annotations

import decimal
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)
ZERO = Decimal("0.00")
#: Significant digits for sums: exact for any amount this product holds.
PRECISION = 60


#: The arithmetic context of every sum here: wide enough that nothing is rounded, and any rounding
#: would raise (``Inexact`` is trapped).
EXACT = decimal.Context(
    prec=PRECISION, rounding=decimal.ROUND_HALF_UP, traps=[decimal.Inexact, decimal.InvalidOperation]
)


def exact() -> decimal.Context:
    return EXACT


def total(values: Iterable[Decimal | None]) -> Decimal:
    """The sum of the amounts entered ``[£]`` (``None`` counts as nothing)."""
    with decimal.localcontext(exact()):
        return sum((v for v in values if v is not None), ZERO)


def entered_total(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of the amounts entered ``[£]``, or ``None`` if none was entered."""
    found = [v for v in values if v is not None]
    return total(found) if found else None


def year_figure(yearly: Decimal | None, monthly: Iterable[Decimal | None] = ()) -> Decimal | None:
    """A year's figure ``[£]``: the yearly amount if entered, else the sum of the monthly ones."""
    return yearly if yearly is not None else entered_total(monthly)


def variation(planned: Decimal | None, projected: Decimal | None) -> Decimal | None:
    """Projected − planned ``[£]`` (positive: more spend than planned); ``None`` without a projection."""
    if projected is None:
        return None
    # The context's own method: as exact as a ``localcontext`` block, without entering one per
    # call (the summary asks for a thousand lines' variation; entering the block was most of it).
    return EXACT.subtract(projected, planned or ZERO)


class YearFigures(NamedTuple):
    """One line's figures for one year ``[£]``; ``None`` where nothing is entered.

    A named tuple: the summary makes one per line and year (5,000 at 1,000 lines), and a tuple is
    made several times faster than a frozen dataclass.
    """

    planned: Decimal | None = None
    projected: Decimal | None = None
    actual: Decimal | None = None

    @property
    def variation(self) -> Decimal | None:
        return variation(self.planned, self.projected)

    @property
    def forecast(self) -> Decimal | None:
        """The year's best estimate ``[£]``: projected if entered, else planned."""
        return self.projected if self.projected is not None else self.planned


def latest_estimate(years: Mapping[int, YearFigures], current_year: int) -> Decimal:
    """The latest estimate of a one-off line's full cost ``[£]`` as at ``current_year``.

    Actuals of the years before it, the forecast of the current year, the plans of later years.
    """
    with decimal.localcontext(EXACT):
        return _latest_estimate(years, current_year)


def _latest_estimate(years: Mapping[int, YearFigures], current_year: int) -> Decimal:
    out = ZERO
    for year, f in years.items():
        if year < current_year:
            part = f.actual
        elif year == current_year:
            part = f.projected if f.projected is not None else f.planned
        else:
            part = f.planned
        if part is not None:
            out += part
    return out


def subtotals(rows: Iterable[tuple[K, Decimal | None]]) -> dict[K, Decimal]:
    """The sum of the amounts ``[£]`` of each key, in the order keys are first met."""
    out: dict[K, Decimal] = {}
    with decimal.localcontext(exact()):
        for key, value in rows:
            out[key] = out.get(key, ZERO) + (value if value is not None else ZERO)
    return out


def additional_funding_required(requirement: Decimal, available: Decimal) -> Decimal:
    """Requirement − available ``[£]`` where positive, else zero: what must still be found."""
    with decimal.localcontext(exact()):
        gap = requirement - available
    return gap if gap > 0 else ZERO


# --- a whole programme's budget --------------------------------------------------------------------


@dataclass(frozen=True)
class LineInput:
    """A budget line as the calculation needs it; ``years`` maps each year to its figures ``[£]``."""

    key: Hashable
    group: Hashable
    one_off: bool
    contingency: bool
    years: Mapping[int, YearFigures]


@dataclass
class Totals:
    """Planned, projected, actual and variation ``[£]`` by year, and over all years."""

    planned: dict[int, Decimal] = field(default_factory=dict)
    projected: dict[int, Decimal] = field(default_factory=dict)
    actual: dict[int, Decimal] = field(default_factory=dict)
    variation: dict[int, Decimal] = field(default_factory=dict)

    def add(self, years: Sequence[int], figures: Mapping[int, YearFigures]) -> None:
        """Add one line's figures; call under :func:`exact` (as :func:`compute` does)."""
        planned, projected, actual, variation = self.planned, self.projected, self.actual, self.variation
        for y in years:
            f = figures.get(y)
            if f is None:
                continue
            if f.planned is not None:
                planned[y] = planned.get(y, ZERO) + f.planned
            if f.projected is not None:
                projected[y] = projected.get(y, ZERO) + f.projected
                variation[y] = variation.get(y, ZERO) + (f.projected - (f.planned or ZERO))
            if f.actual is not None:
                actual[y] = actual.get(y, ZERO) + f.actual

    def merge(self, other: Totals) -> None:
        """Add another set of totals into this one; call under :func:`exact`."""
        for measure in ("planned", "projected", "actual", "variation"):
            mine: dict[int, Decimal] = getattr(self, measure)
            for y, value in getattr(other, measure).items():
                mine[y] = mine.get(y, ZERO) + value

    def over_years(self, measure: str) -> Decimal:
        values: dict[int, Decimal] = getattr(self, measure)
        return total(values.values())


@dataclass
class BudgetFigures:
    """Every derived figure of a programme's budget ``[£]``."""

    years: list[int]
    current_year: int
    latest_estimate: dict[Hashable, Decimal]
    groups: dict[Hashable, Totals]
    #: lines that are not contingency
    base: Totals
    contingency: Totals
    programme: Totals
    available: dict[int, Decimal]
    requirement: dict[int, Decimal]
    additional_required: dict[int, Decimal]

    @property
    def available_total(self) -> Decimal:
        return total(self.available.values())

    @property
    def requirement_total(self) -> Decimal:
        return total(self.requirement.values())

    @property
    def additional_required_total(self) -> Decimal:
        return total(self.additional_required.values())


def compute(
    lines: Iterable[LineInput],
    years: Sequence[int],
    current_year: int,
    available: Mapping[int, Decimal] | None = None,
) -> BudgetFigures:
    """All derived figures of a budget: line latest estimates, group, contingency and programme totals,
    and per year the requirement (planned spend of every line), available funding and the additional
    funding required ``[£]``.
    """
    # Each line is added once, into the totals of its group and side (contingency or not); the
    # group, side and programme totals are then merged from those few buckets (a thousand lines
    # were added three times each before: most of this function's time).
    buckets: dict[tuple[Hashable, bool], Totals] = {}
    estimates: dict[Hashable, Decimal] = {}
    with decimal.localcontext(EXACT):
        for line in lines:
            bucket = buckets.get((line.group, line.contingency))
            if bucket is None:
                bucket = buckets[(line.group, line.contingency)] = Totals()
            bucket.add(years, line.years)
            if line.one_off:
                estimates[line.key] = _latest_estimate(line.years, current_year)
        groups: dict[Hashable, Totals] = {}
        base, contingency, programme = Totals(), Totals(), Totals()
        for (group, is_contingency), bucket in buckets.items():
            groups.setdefault(group, Totals()).merge(bucket)
            (contingency if is_contingency else base).merge(bucket)
            programme.merge(bucket)
    funding = {y: (available or {}).get(y, ZERO) for y in years}
    requirement = {y: programme.planned.get(y, ZERO) for y in years}
    return BudgetFigures(
        years=list(years),
        current_year=current_year,
        latest_estimate=estimates,
        groups=groups,
        base=base,
        contingency=contingency,
        programme=programme,
        available=funding,
        requirement=requirement,
        additional_required={y: additional_funding_required(requirement[y], funding[y]) for y in years},
    )
