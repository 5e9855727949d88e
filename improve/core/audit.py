"""The one audit trail. Every write of every room is recorded through this module.

A model declares what its history shows with ``audit_fields``; :func:`audit_values` turns an
instance into JSON-ready display values (dates as ``dd/mm/yyyy``, choices by their label,
related objects by name), so the history shows what a person saw, even after the related
object is renamed or gone. Services write through :mod:`improve.core.services`, which calls
:func:`record` (or :func:`record_many` for bulk writes, with events built by :func:`event`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from improve.core.bulk import insert_many
from improve.core.models import ArchivableModel, AuditEvent, AuditField

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Via:
    """The doors a write comes through."""

    WEB = "web"
    WORKBOOK = "workbook import"
    COMMAND = "command"


@dataclass(frozen=True)
class Actor:
    """Who is writing, and through which door (web, workbook import, command)."""

    user: AbstractBaseUser | None
    via: str = Via.WEB

    @property
    def label(self) -> str:
        if self.user is None:
            return f"System ({self.via})"
        return str(self.user)

    @property
    def user_id(self) -> Any:
        return self.user.pk if self.user is not None else None

    def through(self, via: str) -> Actor:
        return Actor(user=self.user, via=via)


SYSTEM = Actor(user=None, via=Via.COMMAND)


def to_json_value(value: Any) -> Any:
    """A value as it is kept in the trail."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json_value(v) for v in value]
    return str(value)


def snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: to_json_value(value) for key, value in values.items()}


def _reader(model: type[models.Model], name: str) -> Callable[[models.Model], Any]:
    """How to read ``name`` (a field, or an attribute or property) of a ``model`` row for its history."""
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:  # not a field: an attribute or property

        def attribute(obj: models.Model) -> Any:
            value = getattr(obj, name)
            return value() if callable(value) else value

        return attribute
    field = cast(models.Field, found)  # type: ignore[type-arg]
    attname = field.attname
    if getattr(field, "choices", None) and not field.is_relation:
        display = f"get_{name}_display"
        return lambda obj: "" if getattr(obj, attname) in (None, "") else getattr(obj, display)()
    if field.many_to_many:
        return lambda obj: [] if obj.pk is None else sorted(str(o) for o in getattr(obj, name).all())
    if field.is_relation:
        return lambda obj: "" if getattr(obj, attname) is None else str(getattr(obj, name))
    return lambda obj: getattr(obj, attname)


@functools.cache
def _readers(
    model: type[models.Model], spec: tuple[AuditField, ...]
) -> tuple[tuple[str, Callable[[models.Model], Any]], ...]:
    """(label, reader) of each entry of a model's ``audit_fields``, worked out once per model (an
    import audits thousands of rows; finding each field by name for each row was a tenth of it)."""
    return tuple(
        (entry[0], _reader(model, entry[1])) if isinstance(entry, tuple) else (entry, _reader(model, entry))
        for entry in spec
    )


def audit_values(obj: models.Model) -> dict[str, Any]:
    """The values of ``obj`` that its history shows, as JSON-ready display values."""
    spec = getattr(obj, "audit_fields", None)
    if not spec:
        raise TypeError(f"{type(obj).__name__} declares no audit_fields")
    out: dict[str, Any] = {label: to_json_value(read(obj)) for label, read in _readers(type(obj), tuple(spec))}
    if isinstance(obj, ArchivableModel):
        out["archived"] = obj.archived
    return out


def _programme_id(obj: models.Model) -> int | None:
    find = getattr(obj, "audit_programme_id", None)
    return find() if callable(find) else None


def event(
    *,
    actor: Actor,
    obj: models.Model,
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    programme_id: int | None = None,
) -> AuditEvent:
    """An unsaved event (for bulk writes); :func:`record` saves one."""
    return AuditEvent(
        actor_id=actor.user_id,
        actor_label=actor.label[:200],
        via=actor.via,
        programme_id=programme_id if programme_id is not None else _programme_id(obj),
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        action=action,
        before=snapshot(before) if before is not None else None,
        after=snapshot(after) if after is not None else None,
    )


def record(**kwargs: Any) -> AuditEvent:
    """Save one event (see :func:`event` for the arguments)."""
    saved = event(**kwargs)
    saved.save()
    return saved


def record_many(events: Iterable[AuditEvent]) -> None:
    insert_many(list(events), returning=False)


def history_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def change_count(programme_id: int) -> int:
    """How many writes to the programme ``programme_id`` its audit trail holds.

    Every write is audited in its own transaction and no event is ever removed, so the count grows
    with each change as it is committed (a change committed late, after a later one, still adds to
    it; the largest event id would not move). One count on an index. What is worked out from a
    programme's data can be kept under it: any write makes a new key.
    """
    return AuditEvent.objects.filter(programme_id=programme_id).count()


def history_for_programme(programme_id: int) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(programme_id=programme_id)
