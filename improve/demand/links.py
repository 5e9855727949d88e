"""What the demand room offers other rooms through the registry (no room is imported).

- :func:`forecasts` (:attr:`improve.core.registry.Room.forecasts`): the newest stored projection's
  placement spend per financial year ``[£]`` — ``demand:placements`` for all placements and
  ``demand:placements:CATEGORY`` for each category — with 50 / 80 / 95 % intervals and where the
  figures come from. The keys stay the same from run to run, so a budget line that follows one
  (the money room's forecast link) always shows the newest projection.
- :func:`children_in_care` (:attr:`improve.core.registry.Room.children_in_care`): the same run's
  children in care by placement category at each month end, with intervals, for a caseload
  calculator (a future workforce room). Unsuppressed aggregates: whoever shows them to anyone
  but an analyst suppresses counts under 5 (docs/demand.md, "Links").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from improve.core.models import ProgrammeLike
from improve.core.registry import ChildrenInCare, ForecastSeries, ForecastYear
from improve.demand import presentation, selectors
from improve.demand.models import ProjectionRun
from improve.modelling import fiscal

PREFIX = "demand:placements"


def provenance(run: ProjectionRun) -> str:
    """Where a run's figures come from, in words."""
    who = f" by {run.created_by.get_full_name() or run.created_by.get_username()}" if run.created_by else ""
    made_up = "; SYNTHETIC data made up for a demo, not the council's return" if run.synthetic else ""
    return (
        f"Demand projection from {run.start:%d/%m/%Y} ({run.months} months, {run.draws:,} paths, rates from the "
        f"{run.reference_months} months before the start, returns loaded to {run.data_end:%d/%m/%Y}), "
        f"stored {timezone.localtime(run.created_at):%d/%m/%Y}{who}{made_up}"
    )


def _years(run: ProjectionRun, name: str) -> tuple[ForecastYear, ...]:
    return tuple(
        ForecastYear(
            start_year=fiscal.parse(year["label"]),
            mean=Decimal(year["mean"][name]),
            intervals={
                int(level): (Decimal(lo[name][0]), Decimal(lo[name][1])) for level, lo in year["intervals"].items()
            },
            days=int(year["days"]),
        )
        for year in run.results["spend_years"]
    )


def forecasts(programme: ProgrammeLike) -> Iterator[ForecastSeries]:
    """The newest run's placement spend per financial year, in all and by category."""
    run = selectors.latest_projection(programme)
    if run is None:
        return
    said = provenance(run)
    names = ["total", *run.results["categories"]]
    for name in names:
        yield ForecastSeries(
            key=PREFIX if name == "total" else f"{PREFIX}:{name}",
            title="Projected placement spend" + ("" if name == "total" else f": {presentation.label(name).lower()}"),
            years=_years(run, name),
            provenance=said,
            made_at=run.created_at,
            synthetic=run.synthetic,
        )


def children_in_care(programme: ProgrammeLike) -> ChildrenInCare | None:
    """The newest run's children in care by category at the start and each month end, with intervals."""
    run = selectors.latest_projection(programme)
    if run is None:
        return None
    months = run.results["months"]
    names = (*run.results["categories"], "total")
    levels = sorted(int(level) for level in months[0]["intervals"])
    return ChildrenInCare(
        categories=names,
        dates=tuple(dt.date.fromisoformat(m["date"]) for m in months),
        mean={name: tuple(float(m["mean"][name]) for m in months) for name in names},
        intervals={
            level: {
                name: tuple(
                    (float(m["intervals"][str(level)][name][0]), float(m["intervals"][str(level)][name][1]))
                    for m in months
                )
                for name in names
            }
            for level in levels
        },
        provenance=provenance(run),
        made_at=run.created_at,
        synthetic=run.synthetic,
    )
