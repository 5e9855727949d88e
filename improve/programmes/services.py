"""Writes to the plan. Every function is atomic, validates, and records the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from improve.accounts.audit import Actor, audit_record, history_for
from improve.accounts.models import AuditEvent
from improve.programmes.graph import find_cycle
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

M = TypeVar("M", Strand, Stage, Owner, Project)


class EditConflict(Exception):  # noqa: N818 - it is a conflict, not an error of the caller
    """Someone else saved the object after the editor loaded it."""

    def __init__(self, obj: Any, events: list[AuditEvent]) -> None:
        super().__init__("changed by someone else")
        self.current = obj
        self.events = events


def _changes_since(obj: Any, expected_version: int) -> list[AuditEvent]:
    return list(history_for(obj).filter(action=AuditEvent.Action.UPDATE)[: max(obj.version - expected_version, 1)])


def _apply(obj: Any, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(obj, name, value)


@transaction.atomic
def programme_update(*, actor: Actor, programme: Programme, expected_version: int, **fields: Any) -> Programme:
    current = Programme.objects.select_for_update().get(pk=programme.pk)
    if current.version != expected_version:
        raise EditConflict(current, _changes_since(current, expected_version))
    before = current.audit_values()
    _apply(current, fields)
    current.version += 1
    current.full_clean()
    current.save()
    audit_record(
        actor=actor, programme_id=current.pk, obj=current, action="update", before=before, after=current.audit_values()
    )
    return current


def _definition_save(model: type[M], *, actor: Actor, programme: Programme, obj: M | None, fields: dict[str, Any]) -> M:
    """Create or change one part of the programme's definition (strand, stage, owner, project)."""
    creating = obj is None
    target = obj if obj is not None else model(programme=programme)
    before = None if creating else model.objects.get(pk=target.pk).audit_values()  # type: ignore[attr-defined]
    _apply(target, fields)
    target.full_clean()
    target.save()
    audit_record(
        actor=actor,
        programme_id=programme.pk,
        obj=target,
        action="create" if creating else "update",
        before=before,
        after=target.audit_values(),  # type: ignore[attr-defined]
    )
    return target


@transaction.atomic
def strand_save(*, actor: Actor, programme: Programme, strand: Strand | None = None, **fields: Any) -> Strand:
    return _definition_save(Strand, actor=actor, programme=programme, obj=strand, fields=fields)


@transaction.atomic
def stage_save(*, actor: Actor, programme: Programme, stage: Stage | None = None, **fields: Any) -> Stage:
    return _definition_save(Stage, actor=actor, programme=programme, obj=stage, fields=fields)


@transaction.atomic
def owner_save(*, actor: Actor, programme: Programme, owner: Owner | None = None, **fields: Any) -> Owner:
    return _definition_save(Owner, actor=actor, programme=programme, obj=owner, fields=fields)


@transaction.atomic
def project_save(*, actor: Actor, programme: Programme, project: Project | None = None, **fields: Any) -> Project:
    return _definition_save(Project, actor=actor, programme=programme, obj=project, fields=fields)


def _check_parent(item: PlanItem) -> None:
    """The parent chain must not come back to the item."""
    seen = {item.pk}
    parent = item.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError({"parent": "This would put the item under itself"})
        if parent.programme_id != item.programme_id:
            raise ValidationError({"parent": "The parent must be in the same programme"})
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def plan_item_create(*, actor: Actor, programme: Programme, **fields: Any) -> PlanItem:
    item = PlanItem(programme=programme, **fields)
    if not item.order:
        last = PlanItem.objects.filter(programme=programme).order_by("-order").values_list("order", flat=True).first()
        item.order = (last or 0) + 10
    item.full_clean()
    item.save()
    audit_record(
        actor=actor, programme_id=programme.pk, obj=item, action="create", before=None, after=item.audit_values()
    )
    return item


@transaction.atomic
def plan_item_update(*, actor: Actor, item: PlanItem, expected_version: int, **fields: Any) -> PlanItem:
    """Change a plan item. Raises :class:`EditConflict` if it changed since ``expected_version``."""
    # Conditional update on the version: the database decides who saved first, on any backend.
    current = PlanItem.objects.select_related("strand", "owner", "project", "parent").get(pk=item.pk)
    if current.version != expected_version:
        raise EditConflict(current, _changes_since(current, expected_version))
    before = current.audit_values()
    _apply(current, fields)
    current.full_clean()
    if "parent" in fields:
        _check_parent(current)
    claimed = PlanItem.objects.filter(pk=current.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        latest = PlanItem.objects.get(pk=item.pk)
        raise EditConflict(latest, _changes_since(latest, expected_version))
    current.version = expected_version + 1
    current.save()
    audit_record(
        actor=actor,
        programme_id=current.programme_id,
        obj=current,
        action="update",
        before=before,
        after=current.audit_values(),
    )
    return current


@transaction.atomic
def plan_item_archive(*, actor: Actor, item: PlanItem, archived: bool = True) -> PlanItem:
    before = item.audit_values()
    item.archived = archived
    item.version += 1
    item.save(update_fields=["archived", "version", "updated_at"])
    audit_record(
        actor=actor,
        programme_id=item.programme_id,
        obj=item,
        action="archive" if archived else "restore",
        before=before,
        after=item.audit_values(),
    )
    return item


def check_no_loop(edges: list[tuple[int, int]], labels: dict[int, str]) -> None:
    cycle = find_cycle(edges)
    if cycle:
        path = " → ".join(labels.get(n, str(n)) for n in cycle)  # type: ignore[call-overload]
        raise ValidationError({"predecessor": f"This would make a dependency loop: {path}"})


@transaction.atomic
def dependency_create(
    *,
    actor: Actor,
    programme: Programme,
    predecessor: PlanItem,
    successor: PlanItem,
    type: str = "FS",
    lag_days: int = 0,
) -> Dependency:  # noqa: A002
    if predecessor.pk == successor.pk:
        raise ValidationError({"predecessor": "An item cannot depend on itself"})
    if predecessor.programme_id != programme.pk or successor.programme_id != programme.pk:
        raise ValidationError({"predecessor": "Both items must be in this programme"})
    edges = list(Dependency.objects.filter(programme=programme).values_list("predecessor_id", "successor_id"))
    edges.append((predecessor.pk, successor.pk))
    labels = dict(PlanItem.objects.filter(programme=programme).values_list("pk", "uid"))
    check_no_loop(edges, labels)
    dep = Dependency(programme=programme, predecessor=predecessor, successor=successor, type=type, lag_days=lag_days)
    dep.full_clean()
    dep.save()
    audit_record(
        actor=actor, programme_id=programme.pk, obj=dep, action="create", before=None, after=dep.audit_values()
    )
    return dep


@transaction.atomic
def dependency_delete(*, actor: Actor, dependency: Dependency) -> None:
    before = dependency.audit_values()
    audit_record(
        actor=actor, programme_id=dependency.programme_id, obj=dependency, action="delete", before=before, after=None
    )
    dependency.delete()


@transaction.atomic
def baseline_create(
    *, actor: Actor, programme: Programme, name: str, note: str = "", taken_on: dt.date | None = None
) -> Baseline:
    """Freeze the dates of every current (not archived) plan item."""
    baseline = Baseline(
        programme=programme, name=name, note=note, taken_on=taken_on or timezone.localdate(), created_by=actor.user
    )
    baseline.full_clean()
    baseline.save()
    rows = PlanItem.objects.filter(programme=programme, archived=False).values_list(
        "uid", "title", "start_date", "start_tbd", "end_date", "end_tbd"
    )
    BaselineItem.objects.bulk_create(
        [
            BaselineItem(
                baseline=baseline, uid=uid, title=title, start_date=s, start_tbd=stbd, end_date=e, end_tbd=etbd
            )
            for uid, title, s, stbd, e, etbd in rows
        ],
        batch_size=500,
    )
    after = {**baseline.audit_values(), "items": len(rows)}
    audit_record(actor=actor, programme_id=programme.pk, obj=baseline, action="create", before=None, after=after)
    return baseline
