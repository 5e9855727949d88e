"""Reads for the workbook: one programme's whole plan in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from improve.accounts.models import User
from improve.core.dates import TBD
from improve.programmes.models import (
    Baseline,
    BaselineItem,
    Dependency,
    Owner,
    PlanItem,
    Programme,
    Project,
    Stage,
    Strand,
)


@dataclass
class ProgrammeState:
    """Everything a workbook holds for one programme, with related objects linked in memory."""

    programme: Programme | None
    owners: list[Owner] = field(default_factory=list)
    strands: list[Strand] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)  # archived ones too
    dependencies: list[Dependency] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)
    baseline_items: list[BaselineItem] = field(default_factory=list)


def _link(objs: Iterable[models.Model], name: str, targets: dict[Any, Any]) -> None:
    """Fill the cache of foreign key ``name`` from ``targets`` (by id), so no query follows."""
    objs = list(objs)
    if not objs:
        return
    fk = objs[0]._meta.get_field(name)
    attname = fk.attname  # type: ignore[union-attr]
    for obj in objs:
        fk.set_cached_value(obj, targets.get(getattr(obj, attname)))  # type: ignore[union-attr]


def programme_state(slug: str, *, lock: bool = False, big_sheets: bool = True) -> ProgrammeState:
    """The programme ``slug`` and all its rows (nine queries), or an empty state if it is new.

    With ``lock=True`` the programme row is locked for the rest of the transaction
    (PostgreSQL), so two imports of the same programme do not interleave. ``big_sheets=False``
    leaves out the plan items and dependencies (the export reads those as plain values).
    """
    qs = Programme.objects.filter(slug=slug)
    if lock:
        qs = qs.select_for_update()
    programme = qs.first()
    if programme is None:
        return ProgrammeState(programme=None)
    owners = list(Owner.all_objects.filter(programme=programme).order_by("pk"))
    strands = list(Strand.all_objects.filter(programme=programme).order_by("order", "code", "pk"))
    stages = list(Stage.all_objects.filter(programme=programme).order_by("order", "code", "pk"))
    projects = list(Project.all_objects.filter(programme=programme).order_by("pk"))
    items = list(PlanItem.all_objects.filter(programme=programme).order_by("order", "pk")) if big_sheets else []
    dependencies = list(Dependency.objects.filter(programme=programme).order_by("pk")) if big_sheets else []
    baselines = list(Baseline.all_objects.filter(programme=programme).order_by("pk"))
    baseline_items = list(BaselineItem.objects.filter(baseline__programme=programme).order_by("pk"))

    owner_by_id = {o.pk: o for o in owners}
    strand_by_id = {s.pk: s for s in strands}
    project_by_id = {p.pk: p for p in projects}
    item_by_id = {i.pk: i for i in items}
    baseline_by_id = {b.pk: b for b in baselines}
    for group in (owners, strands, stages, projects, items, dependencies, baselines):
        _link(group, "programme", {programme.pk: programme})
    _link(strands, "lead", owner_by_id)
    _link(stages, "owner", owner_by_id)
    _link(projects, "strand", strand_by_id)
    _link(projects, "lead", owner_by_id)
    _link(items, "strand", strand_by_id)
    _link(items, "project", project_by_id)
    _link(items, "parent", item_by_id)
    _link(items, "owner", owner_by_id)
    _link(dependencies, "predecessor", item_by_id)
    _link(dependencies, "successor", item_by_id)
    _link(baseline_items, "baseline", baseline_by_id)
    return ProgrammeState(programme, owners, strands, stages, projects, items, dependencies, baselines, baseline_items)


def programme_exists(slug: str) -> bool:
    return Programme.objects.filter(slug=slug).exists()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def export_plan_rows(programme: Programme) -> list[dict[str, Any]]:
    """The current plan items as canonical workbook rows, read as plain values in one query.

    The export of a large plan spends most of its time building model instances; this reads the
    same columns as :func:`improve.interchange.services._item_row` without them (the round-trip
    tests hold the two to the same output).
    """
    fields = (
        "uid",
        "level",
        "kind",
        "gate_type",
        "title",
        "strand__code",
        "project__code",
        "parent__uid",
        "owner__name",
        "owner_tbd",
        "team",
        "start_date",
        "start_tbd",
        "end_date",
        "end_tbd",
        "status",
        "rag",
        "percent_complete",
        "order",
        "notes",
    )
    rows = []
    for (
        uid,
        level,
        kind,
        gate_type,
        title,
        strand,
        project,
        parent,
        owner,
        owner_tbd,
        team,
        start,
        start_tbd,
        end,
        end_tbd,
        status,
        rag,
        percent,
        order,
        notes,
    ) in PlanItem.objects.filter(programme=programme).order_by("order", "pk").values_list(*fields):
        rows.append(
            {
                "uid": uid,
                "level": level,
                "kind": kind,
                "gate_type": gate_type,
                "title": title,
                "strand": strand or "",
                "project": project or "",
                "parent": parent or "",
                "owner": TBD if owner_tbd else (owner or ""),
                "team": team,
                "start": TBD if start_tbd else start,
                "end": TBD if end_tbd else end,
                "status": status,
                "rag": rag,
                "percent_complete": percent,
                "order": order,
                "notes": notes,
            }
        )
    return rows


def export_dependency_rows(programme: Programme) -> list[dict[str, Any]]:
    """Dependencies as canonical workbook rows, in one query of plain values."""
    return [
        {"predecessor": pred, "successor": succ, "type": kind, "lag_days": lag}
        for pred, succ, kind, lag in Dependency.objects.filter(programme=programme)
        .order_by("pk")
        .values_list("predecessor__uid", "successor__uid", "type", "lag_days")
    ]
