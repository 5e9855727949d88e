"""How well the model would have done: fit before a past date, project, compare with what happened.

The origin is ``horizon_months`` before the data ends; the rates are measured over the
``reference_months`` before the origin, the children in care at the origin are projected
``horizon_months`` ahead, and each month end is compared with the children actually in care
then. Errors are reported by category and for the total: mean absolute error ``[children]``,
mean absolute percentage error ``[%]`` (over the month ends with anyone in that category), and
the share of month ends inside each interval (the coverage, ideally near its level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from improve.modelling.demand.episodes import Classification, Counts, Episodes, Floats, add_months
from improve.modelling.demand.population import cohort_on, daily_stock, estimate_rates
from improve.modelling.demand.projection import DRAWS, Interval, Projection, simulate, summarise


@dataclass(frozen=True)
class Error:
    """One series' errors over the horizon's month ends (the origin itself left out)."""

    name: str
    mae: float  # [children]
    mape: float | None  # [%]; None when nobody was in this category at any month end
    coverage: dict[int, float]  # level [%] → share of month ends inside that interval


@dataclass(frozen=True)
class Backtest:
    """Actual and projected children at each month end from the origin, and the errors."""

    origin: int  # [day]
    month_ends: Counts  # [day]
    actual: Floats  # (months + 1, categories) [children]
    projected: Interval  # by category, (months + 1, categories)
    actual_total: Floats  # (months + 1,)
    projected_total: Interval
    errors: tuple[Error, ...]  # each category, then "total"
    projection: Projection


def errors_of(name: str, actual: Floats, projected: Interval) -> Error:
    """MAE, MAPE and coverage of ``projected`` against ``actual`` over month ends 1 … (not the origin)."""
    got, mean = actual[1:], projected.mean[1:]
    miss = np.abs(mean - got)
    seen = got > 0
    return Error(
        name,
        float(miss.mean()),
        float((miss[seen] / got[seen]).mean() * 100) if seen.any() else None,
        {
            level: float(((got >= low[1:]) & (got <= high[1:])).mean())
            for level, (low, high) in projected.intervals.items()
        },
    )


def backtest(
    episodes: Episodes,
    classification: Classification,
    data_end: int,
    *,
    reference_months: int = 12,
    horizon_months: int = 12,
    draws: int = DRAWS,
    seed: int = 0,
) -> Backtest:
    """Fit on the window ending ``horizon_months`` before ``data_end`` ``[day]``, project, compare."""
    origin = add_months(data_end, -horizon_months)
    rates = estimate_rates(episodes, classification, add_months(origin, -reference_months), origin)
    projection = simulate(cohort_on(episodes, classification, origin), rates, horizon_months, draws=draws, seed=seed)
    ends = projection.month_ends
    stock = daily_stock(episodes, classification, int(ends[0]), int(ends[-1]))[ends - ends[0]]  # (m + 1, b, k)
    actual = stock.sum(axis=1).astype(np.float64)
    projected = summarise(projection.snapshots.sum(axis=2))
    projected_total = summarise(projection.snapshots.sum(axis=(2, 3)))
    actual_total = actual.sum(axis=1)
    found = [
        errors_of(name, actual[:, k], Interval(projected.mean[:, k], _column(projected, k)))
        for k, name in enumerate(classification.names)
    ]
    found.append(errors_of("total", actual_total, projected_total))
    return Backtest(origin, ends, actual, projected, actual_total, projected_total, tuple(found), projection)


def _column(interval: Interval, k: int) -> dict[int, tuple[Floats, Floats]]:
    return {level: (low[:, k], high[:, k]) for level, (low, high) in interval.intervals.items()}
