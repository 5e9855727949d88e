"""The one audit trail: every service that writes calls :func:`audit_record`.

Values are stored as JSON-ready display values (dates as ``dd/mm/yyyy``, related objects by name),
so the history page shows what a person saw, even after the related object is renamed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from improve.accounts.models import AuditEvent, User


@dataclass(frozen=True)
class Actor:
    """Who is writing, and through which door (web, workbook import, command)."""

    user: User | None
    via: str = "web"

    @property
    def label(self) -> str:
        if self.user is None:
            return f"System ({self.via})"
        return str(self.user)


SYSTEM = Actor(user=None, via="command")


def to_json_value(value: Any) -> Any:
    """A value as it should be kept in the trail."""
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
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return str(value)


def snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: to_json_value(value) for key, value in values.items()}


def audit_event(
    *,
    actor: Actor,
    programme_id: int | None,
    obj: models.Model,
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> AuditEvent:
    """An unsaved event (for bulk writes); :func:`audit_record` saves one."""
    return AuditEvent(
        actor=actor.user,
        actor_label=actor.label,
        via=actor.via,
        programme_id=programme_id,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_label=str(obj)[:300],
        action=action,
        before=snapshot(before) if before is not None else None,
        after=snapshot(after) if after is not None else None,
    )


def audit_record(**kwargs: Any) -> AuditEvent:
    event = audit_event(**kwargs)
    event.save()
    return event


def audit_record_many(events: Iterable[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(list(events), batch_size=500)


def history_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def history_for_programme(programme_id: int) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(programme_id=programme_id)
