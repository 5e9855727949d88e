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
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from improve.core import services as core
from improve.core.audit import Actor
from improve.core.bulk import insert_many
from improve.demand.models import KEPT_PROBLEMS, Child, Episode, Load
from improve.demand.pseudonym import pseudonymiser
from improve.demand.reader import Problem, Return, read_return
from improve.programmes.models import Programme


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
    programme: Programme,
    folder: Path,
    strict: bool,
    source: str = "",
    today: dt.date | None = None,
) -> LoadResult:
    """Read, check and load the return in ``folder`` into ``programme``.

    Strict: any problem refuses the whole load and nothing is written. Lenient: the children
    without problems are loaded with all their episodes, a child with any problem is left out
    whole, and every problem is kept on the load. A return with no Header or Episodes, or with no
    child left to load, is refused in either mode.
    """
    read = read_return(folder, pseudonymise=pseudonymiser(), today=today or timezone.localdate())
    return demand_load_read(actor=actor, programme=programme, read=read, strict=strict, source=source or folder.name)


@transaction.atomic
def demand_load_read(*, actor: Actor, programme: Programme, read: Return, strict: bool, source: str) -> LoadResult:
    """Load a return already read (see :func:`demand_load`)."""
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
