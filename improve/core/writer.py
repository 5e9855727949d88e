"""Writing an import's rows in bulk, for every room's workbook part.

A room's part works out which rows are new, changed and gone (:class:`~improve.core.workbook.Plan`);
:class:`RowWriter` writes each kind in a few queries whatever the number of rows (the rows have
passed the models' rules when the workbook was checked), keeps the bookkeeping columns (created /
modified at and by, the version of an editable row, archived at / by / reason) as the services
would, and makes one audit event per row, saved with every other part's after the last write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.db import models
from django.utils import timezone

from improve.core.audit import Actor, audit_values
from improve.core.audit import event as audit_event
from improve.core.bulk import insert_many
from improve.core.models import ArchivableModel, AuditEvent, TimeStampedModel, VersionedModel

M = TypeVar("M", bound=models.Model)

ARCHIVE_FIELDS = ("archived_at", "archived_by", "archive_reason")
STAMP_FIELDS = ("modified_at", "modified_by")
#: rows a bulk update writes at a time
UPDATE_BATCH = 500
#: why an import archives a row
NOT_IN_WORKBOOK = "not in the workbook"


class RowWriter:
    """One room's writes of one import: create, update, archive and delete rows in bulk, audited.

    ``events`` collects the audit events (unsaved) for the import to save together.
    """

    def __init__(self, actor: Actor, programme: Any) -> None:
        self.actor = actor
        self.programme = programme
        self.now = timezone.now()
        self.events: list[AuditEvent] = []

    def event(self, obj: models.Model, action: str, before: Any, after: Any) -> None:
        self.events.append(
            audit_event(
                actor=self.actor, programme_id=self.programme.pk, obj=obj, action=action, before=before, after=after
            )
        )

    def create_rows(self, objs: Sequence[models.Model], *, then: Callable[[], None] | None = None) -> None:
        """Insert new rows (filled, unsaved); ``then`` runs before the events are made (e.g. to
        write links their audit values show)."""
        if not objs:
            return
        self.insert(objs)
        if then is not None:
            then()
        for obj in objs:
            self.event(obj, AuditEvent.Action.CREATE, None, audit_values(obj))

    def insert(self, objs: Sequence[models.Model]) -> None:
        """Insert new rows as created by this actor, without their events (see :meth:`create_rows`)."""
        for obj in objs:
            if isinstance(obj, TimeStampedModel):
                obj.created_by_id = obj.modified_by_id = self.actor.user_id
        insert_many(objs)

    def update_rows(
        self,
        model: type[M],
        rows: Sequence[tuple[M, Any]],
        *,
        fill: Callable[[M, Any], None],
        fields: Iterable[str],
        then: Callable[[], None] | None = None,
    ) -> None:
        """Change existing rows: ``fill(obj, row)`` sets each one's values, ``fields`` are the model
        fields that may have changed. An archived row that is back is restored. ``then`` runs after
        the update and before the events are made."""
        if not rows:
            return
        written = set(fields)
        befores = []
        for obj, row in rows:
            befores.append(audit_values(obj))
            if isinstance(obj, ArchivableModel) and obj.archived:
                obj.archived_at, obj.archived_by_id, obj.archive_reason = None, None, ""
                written.update(ARCHIVE_FIELDS)
            fill(obj, row)
            self._touch(obj, written)
        model._base_manager.bulk_update([obj for obj, _row in rows], sorted(written), batch_size=UPDATE_BATCH)
        if then is not None:
            then()
        for (obj, _row), before in zip(rows, befores, strict=True):
            restored = before.get("archived") and not getattr(obj, "archived", False)
            action = AuditEvent.Action.RESTORE if restored else AuditEvent.Action.UPDATE
            self.event(obj, action, before, audit_values(obj))

    def archive_rows(self, model: type[M], gone: Sequence[M], *, reason: str = NOT_IN_WORKBOOK) -> None:
        """Archive rows (of an archivable model) that the workbook no longer has."""
        if not gone:
            return
        written = set(ARCHIVE_FIELDS)
        for obj in gone:
            before = audit_values(obj)
            obj.archived_at, obj.archived_by_id, obj.archive_reason = self.now, self.actor.user_id, reason  # type: ignore[attr-defined]
            self._touch(obj, written)
            self.event(obj, AuditEvent.Action.ARCHIVE, before, {**audit_values(obj), "reason": reason})
        model._base_manager.bulk_update(gone, sorted(written), batch_size=UPDATE_BATCH)

    def delete_rows(self, model: type[M], gone: Sequence[M]) -> None:
        """Delete rows (of a model that does not archive) that the workbook no longer has."""
        if not gone:
            return
        for obj in gone:
            self.event(obj, AuditEvent.Action.DELETE, audit_values(obj), None)
        model._base_manager.filter(pk__in=[obj.pk for obj in gone]).delete()

    def _touch(self, obj: models.Model, written: set[str]) -> None:
        """Stamp a changed row as modified now by this actor, one version on."""
        if isinstance(obj, TimeStampedModel):
            obj.modified_at, obj.modified_by_id = self.now, self.actor.user_id
            written.update(STAMP_FIELDS)
        if isinstance(obj, VersionedModel):
            obj.version += 1
            written.add("version")
