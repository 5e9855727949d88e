"""Reads of the demand room: the loads, the data-quality report, and the episodes as arrays.

:func:`episode_table` is the seam to the projection model (:mod:`improve.modelling`): one row per
episode, as plain columns a model turns into NumPy arrays without touching Django.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from improve.core.models import ProgrammeLike
from improve.demand.models import Child, Episode, Load, ProjectionRun, UnitCost
from improve.demand.reader import KINDS

#: Counts below this are not shown to anyone but analysts (as the DfE's published statistics do).
SMALL = 5


def loads(programme: ProgrammeLike) -> QuerySet[Load]:
    return Load.objects.filter(programme=programme).select_related("created_by").order_by("-last_year", "-pk")


def suppress(count: int, *, child_level: bool) -> str:
    """A count as shown: under :data:`SMALL` (not zero) it reads "fewer than 5", unless rows may be seen."""
    if child_level or count == 0 or count >= SMALL:
        return f"{count:,}"
    return f"fewer than {SMALL}"


@dataclass
class QualityReport:
    loads: list[Load]
    #: (kind label, count) over every load, largest first
    kinds: list[tuple[str, int]] = field(default_factory=list)
    children: int = 0
    episodes: int = 0


def quality_report(programme: ProgrammeLike) -> QualityReport:
    found = list(loads(programme))
    kinds: Counter[str] = Counter()
    for load in found:
        kinds.update(load.problem_kinds)
    return QualityReport(
        loads=found,
        kinds=[(KINDS.get(kind, kind), n) for kind, n in kinds.most_common()],
        children=sum(load.children for load in found),
        episodes=sum(load.episodes for load in found),
    )


def load_of(programme: ProgrammeLike, pk: int) -> Load | None:
    return Load.objects.filter(programme=programme, pk=pk).first()


def children_page(programme: ProgrammeLike, *, offset: int, limit: int) -> list[Child]:
    """Child-level rows (analysts only): children with their episodes, by pseudonym."""
    return list(
        Child.objects.filter(programme=programme)
        .select_related("load")
        .prefetch_related("episode_rows")
        .order_by("key", "-load__last_year")[offset : offset + limit]
    )


@dataclass(frozen=True)
class EpisodeTable:
    """Every episode of a programme's loaded returns, as columns (the projection model's input).

    Children: ``child_key`` [pseudonym], ``child_sex`` [1 male, 2 female], ``child_dob``.
    Episodes: ``child`` [index into the children's columns], ``start``, ``end`` (None: open),
    ``legal_status`` (LS), ``placement`` (PLACE), ``reason_ended`` (REC), in order of child, start.
    An episode in two loads (an open episode in one year's return and closed in the next's) is
    taken from the later load.
    """

    child_key: list[str]
    child_sex: list[int]
    child_dob: list[dt.date]
    child: list[int]
    start: list[dt.date]
    end: list[dt.date | None]
    legal_status: list[str]
    placement: list[str]
    reason_ended: list[str]


def episode_table(programme: ProgrammeLike) -> EpisodeTable:
    children: dict[str, tuple[int, dt.date, int]] = {}  # key -> (sex, dob, last year)
    for key, sex, dob, year in Child.objects.filter(programme=programme).values_list(
        "key", "sex", "dob", "load__last_year"
    ):
        if key not in children or children[key][2] < year:
            children[key] = (sex, dob, year)
    keys = sorted(children)
    index = {key: i for i, key in enumerate(keys)}
    latest: dict[tuple[str, dt.date], tuple[int, dt.date | None, str, str, str]] = {}
    rows = Episode.objects.filter(child__programme=programme).values_list(
        "child__key", "child__load__last_year", "decom", "dec", "ls", "place", "rec"
    )
    for key, year, decom, dec, ls, place, rec in rows.iterator(chunk_size=20000):
        kept = latest.get((key, decom))
        if kept is None or kept[0] < year:
            latest[key, decom] = (year, dec, ls, place, rec)
    order = sorted(latest, key=lambda k: (index[k[0]], k[1]))
    return EpisodeTable(
        child_key=keys,
        child_sex=[children[k][0] for k in keys],
        child_dob=[children[k][1] for k in keys],
        child=[index[k[0]] for k in order],
        start=[k[1] for k in order],
        end=[latest[k][1] for k in order],
        legal_status=[latest[k][2] for k in order],
        placement=[latest[k][3] for k in order],
        reason_ended=[latest[k][4] for k in order],
    )


def data_range(programme: ProgrammeLike) -> tuple[dt.date, dt.date] | None:
    """The first and last day the programme's loaded returns cover (1 April … 31 March), or None."""
    years = Load.objects.filter(programme=programme).values_list("first_year", "last_year")
    found = list(years)
    if not found:
        return None
    return dt.date(min(f for f, _l in found) - 1, 4, 1), dt.date(max(last for _f, last in found), 3, 31)


def synthetic(programme: ProgrammeLike) -> bool:
    """Whether any of the programme's loaded returns is synthetic (made up for a demo)."""
    return Load.objects.filter(programme=programme, synthetic=True).exists()


def default_unit_costs() -> dict[str, Decimal]:
    """The model's documented default weekly unit costs ``[£ per week]`` by category."""
    from improve.modelling.demand.costs import WEEKLY_UNIT_COSTS

    return dict(WEEKLY_UNIT_COSTS)


def unit_cost_rows(programme: ProgrammeLike) -> dict[str, UnitCost]:
    return {row.category: row for row in UnitCost.objects.filter(programme=programme)}


def unit_costs(programme: ProgrammeLike) -> dict[str, Decimal]:
    """The programme's weekly unit costs ``[£ per week]``: its own where set, the defaults elsewhere."""
    costs = default_unit_costs()
    costs.update({category: row.weekly for category, row in unit_cost_rows(programme).items()})
    return costs


def projection_runs(programme: ProgrammeLike) -> QuerySet[ProjectionRun]:
    """Stored runs, newest first, without their results (a list needs only the parameters)."""
    return (
        ProjectionRun.objects.filter(programme=programme)
        .select_related("created_by")
        .defer("results")
        .order_by("-created_at", "-pk")
    )


def synthetic_runs(programme: ProgrammeLike) -> list[ProjectionRun]:
    """The stored runs projected from synthetic data (an example's; replaced when it is reloaded)."""
    return list(ProjectionRun.objects.filter(programme=programme, synthetic=True).defer("results"))


def stored_backtest(programme: ProgrammeLike, *, reference_months: int, seed: int) -> dict[str, Any] | None:
    """A stored run's backtest that a new run with this window and seed would compute again, or None.

    The backtest depends only on the loaded data, the reference window's length and the seed (not
    on the start or the horizon): a run stored after the newest load with the same window and
    seed holds it already.
    """
    newest_load = Load.objects.filter(programme=programme).order_by("-created_at").values_list("created_at", flat=True)
    loaded = newest_load.first()
    if loaded is None:
        return None
    found = (
        ProjectionRun.objects.filter(
            programme=programme,
            reference_months=reference_months,
            seed=seed,
            created_at__gt=loaded,
            results__backtest__isnull=False,
        )
        .order_by("-created_at", "-pk")
        .values_list("results", flat=True)
        .first()
    )
    backtest = found.get("backtest") if found else None
    return backtest if isinstance(backtest, dict) else None


def projection_run_of(programme: ProgrammeLike, pk: int) -> ProjectionRun | None:
    return ProjectionRun.objects.filter(programme=programme, pk=pk).select_related("created_by").first()


def latest_projection(programme: ProgrammeLike, *, as_at: dt.datetime | None = None) -> ProjectionRun | None:
    """The newest stored run (made by ``as_at`` when given)."""
    runs = ProjectionRun.objects.filter(programme=programme)
    if as_at is not None:
        runs = runs.filter(created_at__lte=as_at)
    return runs.select_related("created_by").order_by("-created_at", "-pk").first()


def pack_projection(programme: ProgrammeLike, as_at: dt.date) -> ProjectionRun | None:
    """The projection a board pack as at ``as_at`` shows: the newest stored run starting on or before it."""
    return (
        ProjectionRun.objects.filter(programme=programme, start__lte=as_at)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def projections_made(programme: ProgrammeLike, after: dt.date, until: dt.date) -> list[ProjectionRun]:
    """Runs stored on a day after ``after`` up to ``until`` (for a pack's "what changed"), oldest first."""
    return list(
        ProjectionRun.objects.filter(
            programme=programme, created_at__date__gt=after, created_at__date__lte=until
        ).order_by("created_at", "pk")
    )
