"""What the projected placements cost: per calendar month and per financial year, with intervals.

A weekly unit cost per placement category ``[£ per week]`` (Decimal, as a person types it) is
turned into a cost per child-day (÷ 7) and multiplied by each simulated path's child-days in
each category (floats, inside the simulation only); each month's and year's spend ``[£]`` over
the paths gives a mean and 50 / 80 / 95 % intervals, rounded to pence as Decimals at the edge.
Only projected days count (the day after the start to the end of the horizon), so a first or
last month or year may be part of one; its ``days`` say so.

Default unit costs (replace them with the programme's own; they are illustrative national
figures, not any council's prices):

- fostering £820 a week — the average weekly price of an independent fostering agency placement
  found by the Competition and Markets Authority's children's social care market study, interim
  report, 22/10/2021 (in-house fostering costs councils less, so a council's blend is lower);
- residential £3,830 a week — the average weekly price of a children's home placement with the
  largest private providers, same report;
- supported £621 a week — one council's average weekly cost of an independent supported
  accommodation placement for 16–17 year olds (Lincolnshire County Council, freedom of
  information answer, November 2023): no national figure was found;
- other £820 a week — an assumption (priced as fostering): the category mixes placements with
  parents and for adoption (cheap) with secure children's homes (dear).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from improve.modelling.demand.episodes import Floats, date_of
from improve.modelling.demand.projection import LEVELS, Interval, Projection, summarise
from improve.modelling.fiscal import label, start_year_of

PENNY = Decimal("0.01")
#: Default weekly unit cost of a placement by category ``[£ per week]`` (sources in the module note).
WEEKLY_UNIT_COSTS: Mapping[str, Decimal] = {
    "fostering": Decimal("820.00"),
    "residential": Decimal("3830.00"),
    "supported": Decimal("621.00"),
    "other": Decimal("820.00"),
}
DAYS_PER_WEEK = 7


def pence(value: float) -> Decimal:
    """A float amount ``[£]`` as Decimal pounds rounded half up to the penny."""
    return Decimal(repr(float(value))).quantize(PENNY, rounding=ROUND_HALF_UP) + 0


@dataclass(frozen=True)
class MoneyInterval:
    """The mean ``[£]`` and central intervals ``{level: (low, high)}`` ``[£]`` of an amount, to the penny."""

    mean: Decimal
    intervals: dict[int, tuple[Decimal, Decimal]]


@dataclass(frozen=True)
class Spend:
    """Simulated spend ``[£]`` per path: ``monthly[d, m, k]`` for calendar ``months`` (``(year, month)``)
    and ``yearly[d, y, k]`` for financial ``years`` (``"2025/26"``); ``*_days`` the projected days in each."""

    categories: tuple[str, ...]
    months: tuple[tuple[int, int], ...]
    month_days: tuple[int, ...]
    monthly: Floats
    years: tuple[str, ...]
    year_days: tuple[int, ...]
    yearly: Floats

    def month(self, index: int) -> tuple[dict[str, MoneyInterval], MoneyInterval]:
        """Month ``index``: spend by category, and the total (from each path's total)."""
        return _summaries(self.categories, self.monthly[:, index : index + 1])[0]

    def year(self, index: int) -> tuple[dict[str, MoneyInterval], MoneyInterval]:
        """Financial year ``index``: spend by category, and the total."""
        return _summaries(self.categories, self.yearly[:, index : index + 1])[0]

    def by_month(self) -> list[tuple[dict[str, MoneyInterval], MoneyInterval]]:
        """Every month's :meth:`month`, worked out together (quicker than one by one)."""
        return _summaries(self.categories, self.monthly)

    def by_year(self) -> list[tuple[dict[str, MoneyInterval], MoneyInterval]]:
        """Every financial year's :meth:`year`, worked out together."""
        return _summaries(self.categories, self.yearly)


def daily_costs(categories: tuple[str, ...], unit_costs: Mapping[str, Decimal]) -> Floats:
    """Cost of one child-day in each category ``[£ per day]`` from weekly costs ``[£ per week]``."""
    missing = [name for name in categories if name not in unit_costs]
    if missing:
        raise ValueError(f"No weekly unit cost for {', '.join(missing)}: give one for each of {', '.join(categories)}")
    for name in categories:
        if unit_costs[name] < 0:
            raise ValueError(f"The weekly unit cost of {name} is negative ({unit_costs[name]}): give £0 or more")
    return np.array([float(unit_costs[name]) / DAYS_PER_WEEK for name in categories])


def spend(projection: Projection, unit_costs: Mapping[str, Decimal] = WEEKLY_UNIT_COSTS) -> Spend:
    """Spend per path by calendar month and financial year for the projected days ``[£]``."""
    categories = projection.classification.names
    per_day = daily_costs(categories, unit_costs)
    dates = [date_of(int(d)) for d in projection.days]
    month_keys = [(d.year, d.month) for d in dates]
    starts = [i for i, key in enumerate(month_keys) if i == 0 or key != month_keys[i - 1]]
    child_days = np.add.reduceat(projection.daily.astype(np.float64), starts, axis=1)  # (draws, months, k)
    monthly = child_days * per_day
    months = tuple(month_keys[i] for i in starts)
    month_days = tuple(np.diff([*starts, len(dates)]).tolist())
    year_of = [label(start_year_of(date_of(int(projection.days[i])))) for i in starts]
    year_starts = [i for i, key in enumerate(year_of) if i == 0 or key != year_of[i - 1]]
    yearly = np.add.reduceat(monthly, year_starts, axis=1)
    year_days = tuple(
        int(sum(month_days[a:b])) for a, b in zip(year_starts, [*year_starts[1:], len(months)], strict=True)
    )
    return Spend(categories, months, month_days, monthly, tuple(year_of[i] for i in year_starts), year_days, yearly)


def money(samples: Floats, levels: tuple[int, ...] = LEVELS) -> MoneyInterval:
    """Mean and intervals over the paths (axis 0) of an amount ``[£]``, rounded to pence."""
    return _money_at(summarise(samples, levels), ())


def _money_at(summary: Interval, at: tuple[int, ...]) -> MoneyInterval:
    """The :class:`MoneyInterval` at index ``at`` of a summary of many amounts."""
    return MoneyInterval(
        pence(float(summary.mean[at])),
        {level: (pence(float(low[at])), pence(float(high[at]))) for level, (low, high) in summary.intervals.items()},
    )


def _summaries(categories: tuple[str, ...], values: Floats) -> list[tuple[dict[str, MoneyInterval], MoneyInterval]]:
    """For each period of ``values[d, period, k]``: spend by category, and the total from each path's total."""
    each, whole = summarise(values), summarise(values.sum(axis=2))
    return [
        ({name: _money_at(each, (i, k)) for k, name in enumerate(categories)}, _money_at(whole, (i,)))
        for i in range(values.shape[1])
    ]
