"""Writes of the demand room: loading an SSDA903 return, and removing one.

A load is one transaction and one audit event: the :class:`~improve.demand.models.Load` row is
created through :func:`improve.core.services.model_create` (its audit values are the years, mode,
files, counts of children, episodes and rejected rows, and problems by kind); the children and
episodes go in with :func:`improve.core.bulk.insert_many`, one statement per batch, and have no
audit event each (a council's return holds about 10⁵ episodes; the load's event says how many).
A load whose years overlap an earlier load's replaces it: the earlier load's event ``delete``
carries its counts, and its children and episodes go with it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from improve.core import services as core
from improve.core.audit import Actor
from improve.core.bulk import insert_many
from improve.core.models import ProgrammeLike
from improve.demand.models import KEPT_PROBLEMS, Child, Episode, Load, ProjectionRun, UnitCost
from improve.demand.pseudonym import pseudonymiser
from improve.demand.reader import Problem, Return, read_return


@dataclass
class LoadResult:
    """What a load did: the saved :class:`Load` (None when refused), the return read, what it replaced."""

    load: Load | None
    read: Return
    replaced: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.load is None

    @property
    def problems(self) -> list[Problem]:
        return self.read.problems


def demand_load(
    *,
    actor: Actor,
    programme: ProgrammeLike,
    folder: Path,
    strict: bool,
    source: str = "",
    today: dt.date | None = None,
    synthetic: bool = False,
) -> LoadResult:
    """Read, check and load the return in ``folder`` into ``programme``.

    Strict: any problem refuses the whole load and nothing is written. Lenient: the children
    without problems are loaded with all their episodes, a child with any problem is left out
    whole, and every problem is kept on the load. A return with no Header or Episodes, or with no
    child left to load, is refused in either mode.
    """
    read = read_return(folder, pseudonymise=pseudonymiser(), today=today or timezone.localdate())
    return demand_load_read(
        actor=actor, programme=programme, read=read, strict=strict, source=source or folder.name, synthetic=synthetic
    )


@transaction.atomic
def demand_load_read(
    *, actor: Actor, programme: ProgrammeLike, read: Return, strict: bool, source: str, synthetic: bool = False
) -> LoadResult:
    """Load a return already read (see :func:`demand_load`); ``synthetic``: made up, for a demo."""
    clean = list(read.clean())
    if (strict and read.problems) or not clean or not read.years - {0}:
        return LoadResult(None, read)
    years = sorted(read.years - {0})
    replaced = []
    for old in Load.objects.filter(programme=programme, first_year__lte=years[-1], last_year__gte=years[0]):
        replaced.append(str(old))
        demand_load_remove(actor=actor, load=old)
    load = core.model_create(
        actor=actor,
        instance=Load(programme=programme),
        fields=set(_LOAD_FIELDS),
        data={
            "first_year": years[0],
            "last_year": years[-1],
            "mode": Load.Mode.STRICT if strict else Load.Mode.LENIENT,
            "source": source[:200],
            "synthetic": synthetic,
            "files": [{"name": f.name, "table": f.table, "rows": f.rows, "year": f.year} for f in read.files],
            "children": len(clean),
            "episodes": sum(len(episodes) for _child, episodes in clean),
            "children_rejected": len(read.rejected),
            "rows_rejected": read.rows_rejected,
            "other_rows": dict(sorted(read.other_rows.items())),
            "problem_count": len(read.problems),
            "problem_kinds": dict(sorted(read.counts().items())),
            "problems": [p.as_dict() for p in read.problems[:KEPT_PROBLEMS]],
        },
    )
    children = [Child(programme=programme, load=load, key=c.key, sex=c.sex, dob=c.dob) for c, _e in clean]
    insert_many(children)
    rows = [
        Episode(
            child_id=child.pk,
            decom=e.decom,
            rne=e.rne,
            ls=e.ls,
            cin=e.cin,
            place=e.place,
            place_provider=e.place_provider,
            dec=e.dec,
            rec=e.rec,
            reason_place_change=e.reason_place_change,
            urn=e.urn[:10],
        )
        for child, (_c, episodes) in zip(children, clean, strict=True)
        for e in episodes
    ]
    insert_many(rows, returning=False)
    return LoadResult(load, read, replaced)


_LOAD_FIELDS = (
    "first_year",
    "last_year",
    "mode",
    "source",
    "synthetic",
    "files",
    "children",
    "episodes",
    "children_rejected",
    "rows_rejected",
    "other_rows",
    "problem_count",
    "problem_kinds",
    "problems",
)


@transaction.atomic
def demand_load_remove(*, actor: Actor, load: Load) -> None:
    """Remove a load with its children and episodes; its audit event keeps its counts."""
    Episode.objects.filter(child__load=load).delete()
    Child.objects.filter(load=load).delete()
    core.model_delete(actor=actor, instance=load)


@transaction.atomic
def unit_cost_set(
    *, actor: Actor, programme: ProgrammeLike, category: str, weekly: Decimal, note: str = ""
) -> UnitCost:
    """Set the programme's weekly unit cost of ``category`` ``[£ per week]`` (created or changed, audited)."""
    from improve.demand import selectors

    known = tuple(selectors.default_unit_costs())
    if category not in known:
        raise ValidationError({"category": f"No placement category '{category}': use one of {', '.join(known)}"})
    row = UnitCost.objects.select_for_update().filter(programme=programme, category=category).first()
    data = {"weekly": weekly, "note": note}
    if row is None:
        return core.model_create(
            actor=actor,
            instance=UnitCost(programme=programme),
            fields={"category", "weekly", "note"},
            data={"category": category, **data},
        )
    row, _changed = core.model_update(actor=actor, instance=row, fields={"weekly", "note"}, data=data)
    return row


def projection_run(
    *,
    actor: Actor,
    programme: ProgrammeLike,
    start: dt.date,
    months: int,
    reference_months: int = 12,
    draws: int = 1000,
    scenario: str = "",
    seed: int = 0,
    progress: Callable[[float, str], None] | None = None,
    parallel: bool = False,
) -> ProjectionRun:
    """Project the programme's children in care from ``start`` and store the run (audited).

    The rates come from the ``reference_months`` before ``start``; the cost from the programme's
    weekly unit costs. Raises ValidationError naming the field when the parameters, the data or
    the scenario cannot support the run; nothing is stored then. The model runs before the
    transaction opens, so a long run holds no lock. ``parallel``: see :func:`projections.compute`
    (the command asks for it; a web request does not).
    """
    from improve.demand import projections, selectors

    instance = ProjectionRun(
        programme=programme, start=start, months=months, reference_months=reference_months, draws=draws, seed=seed
    )
    instance.data_end = start  # checked below; clean() needs a value
    instance.clean()
    if scenario and scenario not in projections.SCENARIOS:
        raise ValidationError(
            {"scenario": f"No scenario '{scenario}': use one of {', '.join(projections.SCENARIOS)} (or none)"}
        )
    covered = selectors.data_range(programme)
    if covered is None:
        raise ValidationError({"start": "No SSDA903 return is loaded for this programme: load one first"})
    costs = selectors.unit_costs(programme)
    began = time.perf_counter()
    try:
        results = projections.compute(
            selectors.episode_table(programme),
            start=start,
            months=months,
            reference_months=reference_months,
            draws=draws,
            seed=seed,
            data_start=covered[0],
            data_end=covered[1],
            unit_costs=costs,
            scenario=projections.SCENARIOS[scenario] if scenario else None,
            progress=progress,
            backtest=selectors.stored_backtest(programme, reference_months=reference_months, seed=seed),
            parallel=parallel,
        )
    except projections.ProjectionError as exc:
        raise ValidationError({"start": str(exc)}) from exc
    return _projection_store(
        actor=actor,
        instance=instance,
        data={
            "scenario": scenario,
            "data_end": covered[1],
            "unit_costs": {k: str(v) for k, v in costs.items()},
            "seconds": round(time.perf_counter() - began, 2),
            "results": results,
            "synthetic": selectors.synthetic(programme),
        },
    )


@transaction.atomic
def _projection_store(*, actor: Actor, instance: ProjectionRun, data: dict[str, object]) -> ProjectionRun:
    return core.model_create(
        actor=actor,
        instance=instance,
        fields={"start", "months", "reference_months", "draws", "seed", *data},
        data={
            "start": instance.start,
            "months": instance.months,
            "reference_months": instance.reference_months,
            "draws": instance.draws,
            "seed": instance.seed,
            **data,
        },
    )


@transaction.atomic
def projection_run_remove(*, actor: Actor, run: ProjectionRun) -> None:
    core.model_delete(actor=actor, instance=run)
