"""The writes every room's services are built from: create, update, archive, restore, delete.

Each helper validates (``full_clean()``), saves, stamps who and when, and records the audit event
in the same transaction. :func:`model_update` takes an explicit allow-list of fields, so a service
decides what a caller may change; anything else is a programming error, not a silent ``setattr``.

Optimistic locking, one scheme for every versioned model on every database: the writer names
the version it loaded; :func:`version_claim` moves it on with a conditional ``UPDATE ... WHERE
version = expected``. The database decides who saved first; the loser gets :class:`EditConflict`
with the other person's changes, for the three-way merge in :mod:`improve.core.merge`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from improve.core import audit
from improve.core.audit import Actor
from improve.core.models import ArchivableModel, AuditEvent, TimeStampedModel, VersionedModel

M = TypeVar("M", bound=models.Model)


class EditConflict(Exception):  # noqa: N818 - it is a conflict, not an error of the caller
    """Someone else saved the object after the editor loaded it."""

    def __init__(self, obj: Any, events: list[AuditEvent]) -> None:
        super().__init__("changed by someone else")
        self.current = obj
        self.events = events


def changes_since(obj: models.Model, expected_version: int) -> list[AuditEvent]:
    """The updates recorded since ``expected_version`` (newest first)."""
    version = int(getattr(obj, "version", expected_version + 1))
    return list(audit.history_for(obj).filter(action=AuditEvent.Action.UPDATE)[: max(version - expected_version, 1)])


def version_claim(instance: VersionedModel, expected_version: int) -> None:
    """Move ``instance``'s version on from ``expected_version``, or raise :class:`EditConflict`."""
    model = type(instance)
    claimed = model._base_manager.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if not claimed:
        latest = model._base_manager.get(pk=instance.pk)
        raise EditConflict(latest, changes_since(latest, expected_version))
    instance.version = expected_version + 1


def _stamp(instance: models.Model, actor: Actor, *, creating: bool) -> None:
    if isinstance(instance, TimeStampedModel):
        if creating:
            instance.created_by_id = actor.user_id
        instance.modified_by_id = actor.user_id


def _value(instance: models.Model, name: str) -> Any:
    """The stored value of field ``name`` (a related object by its key)."""
    field = instance._meta.get_field(name)
    if field.is_relation and not field.many_to_many:
        return getattr(instance, field.attname)  # type: ignore[union-attr]
    return getattr(instance, name)


def _value_of(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _check_allowed(model: type[models.Model], fields: Collection[str], data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(fields)
    if unknown:
        raise TypeError(f"{model.__name__}: fields not allowed here: {', '.join(sorted(unknown))}")


@transaction.atomic
def model_create(
    *,
    actor: Actor,
    instance: M,
    fields: Collection[str],
    data: Mapping[str, Any],
    check: Callable[[M], None] | None = None,
) -> M:
    """Fill the unsaved ``instance`` with ``data`` (only ``fields``), validate, save, audit."""
    _check_allowed(type(instance), fields, data)
    for name, value in data.items():
        setattr(instance, name, value)
    instance.full_clean()
    if check is not None:
        check(instance)
    _stamp(instance, actor, creating=True)
    instance.save()
    audit.record(
        actor=actor, obj=instance, action=AuditEvent.Action.CREATE, before=None, after=audit.audit_values(instance)
    )
    return instance


@transaction.atomic
def model_update(
    *,
    actor: Actor,
    instance: M,
    fields: Collection[str],
    data: Mapping[str, Any],
    expected_version: int | None = None,
    check: Callable[[M], None] | None = None,
) -> tuple[M, bool]:
    """Change ``instance`` with ``data`` (only ``fields``); return it and whether anything changed.

    ``instance`` should be freshly loaded. For a versioned model, ``expected_version`` is the
    version the editor loaded: if someone saved since, :class:`EditConflict` is raised and
    nothing is written. ``check`` runs after ``full_clean()`` for rules across rows.
    """
    _check_allowed(type(instance), fields, data)
    if isinstance(instance, VersionedModel) and expected_version is not None and instance.version != expected_version:
        raise EditConflict(instance, changes_since(instance, expected_version))
    before = audit.audit_values(instance)
    changed = False
    for name, value in data.items():
        changed = changed or _value(instance, name) != _value_of(value)
        setattr(instance, name, value)
    instance.full_clean()
    if check is not None:
        check(instance)
    if not changed:
        return instance, False
    after = audit.audit_values(instance)
    if isinstance(instance, VersionedModel):
        version_claim(instance, instance.version if expected_version is None else expected_version)
    _stamp(instance, actor, creating=False)
    instance.save()
    audit.record(actor=actor, obj=instance, action=AuditEvent.Action.UPDATE, before=before, after=after)
    return instance, True


def _archive_flip(actor: Actor, instance: ArchivableModel, *, archive: bool, reason: str) -> ArchivableModel:
    if instance.archived == archive:
        return instance
    before = audit.audit_values(instance)
    if archive:
        instance.archived_at = timezone.now()
        instance.archived_by_id = actor.user_id
        instance.archive_reason = reason[:300]
    else:
        instance.archived_at = None
        instance.archived_by_id = None
        instance.archive_reason = ""
    update = ["archived_at", "archived_by", "archive_reason", "modified_at", "modified_by"]
    if isinstance(instance, VersionedModel):
        version_claim(instance, instance.version)
    _stamp(instance, actor, creating=False)
    instance.save(update_fields=update)
    after = audit.audit_values(instance)
    if archive and reason:
        after["reason"] = instance.archive_reason
    action = AuditEvent.Action.ARCHIVE if archive else AuditEvent.Action.RESTORE
    audit.record(actor=actor, obj=instance, action=action, before=before, after=after)
    return instance


@transaction.atomic
def model_archive(*, actor: Actor, instance: ArchivableModel, reason: str = "") -> ArchivableModel:
    """Hide ``instance`` from every list; it stays in the database and its history."""
    return _archive_flip(actor, instance, archive=True, reason=reason)


@transaction.atomic
def model_restore(*, actor: Actor, instance: ArchivableModel) -> ArchivableModel:
    return _archive_flip(actor, instance, archive=False, reason="")


@transaction.atomic
def model_delete(*, actor: Actor, instance: models.Model) -> None:
    """Delete a row that is only a link (a dependency, a membership); its history stays."""
    audit.record(
        actor=actor, obj=instance, action=AuditEvent.Action.DELETE, before=audit.audit_values(instance), after=None
    )
    instance.delete()
