"""The ground floor's models: a base every room's models stand on, and the one audit trail.

- :class:`TimeStampedModel`: created / modified at and by.
- :class:`ArchivableModel`: archived at / by / reason; the default manager hides archived rows,
  ``all_objects`` sees them; :func:`improve.core.services.model_archive` and ``model_restore``
  are the only ways in and out.
- :class:`VersionedModel`: a version number for optimistic locking, claimed by a conditional
  ``UPDATE`` (:func:`improve.core.services.version_claim`), the same on SQLite and PostgreSQL.
- :class:`AuditEvent`: one write — who, when, how, what, before and after. It refers to what it
  describes by label and number, not by foreign key, so the trail survives deletion and archiving.

A model says which fields its history shows with ``audit_fields`` (see :mod:`improve.core.audit`).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeAlias, TypeVar

from django.conf import settings
from django.db import models

M = TypeVar("M", bound=models.Model)

#: ``audit_fields`` entries: a field or attribute name, or ``(label, attribute)``.
AuditField = str | tuple[str, str]


class AuditedModel(models.Model):
    """A model whose writes are recorded in the audit trail."""

    audit_fields: ClassVar[tuple[AuditField, ...]] = ()

    class Meta:
        abstract = True

    def audit_programme_id(self) -> int | None:
        """The programme this row belongs to, for the programme's history (None: site level)."""
        value = getattr(self, "programme_id", None)
        return int(value) if value is not None else None


class TimeStampedModel(AuditedModel):
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        abstract = True


#: Who made or changed a row, and when: kept on every row, shown only in its history.
BOOKKEEPING = ("created_at", "modified_at", "created_by", "modified_by", "archived_by", "archive_reason")


def without_bookkeeping(qs: models.QuerySet[M], *related: str) -> models.QuerySet[M]:
    """``qs`` with the bookkeeping columns of its rows and of their ``related`` rows left unread.

    Pages and lists show none of them; on SQLite each timestamp read costs a conversion, which
    adds up over thousands of rows. A deferred column is still read if something asks for it.
    """

    def present(model: type[models.Model]) -> list[str]:
        names = {f.name for f in model._meta.get_fields()}
        return [name for name in BOOKKEEPING if name in names]

    deferred = present(qs.model)
    for name in related:
        target = qs.model._meta.get_field(name).related_model
        if isinstance(target, type):
            deferred += [f"{name}__{field}" for field in present(target)]
    return qs.defer(*deferred)


class ArchiveQuerySet(models.QuerySet[M]):
    def current(self) -> ArchiveQuerySet[M]:
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ArchiveQuerySet[M]:
        return self.filter(archived_at__isnull=False)


class CurrentManager(models.Manager[M]):
    """The default manager of an archivable model: archived rows are hidden."""

    def get_queryset(self) -> ArchiveQuerySet[M]:
        return ArchiveQuerySet(self.model, using=self._db).filter(archived_at__isnull=True)


class ArchivableModel(TimeStampedModel):
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    archive_reason = models.CharField(max_length=300, blank=True, editable=False)

    objects = CurrentManager()
    all_objects = ArchiveQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One write: who, when, how, what, and the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, help_text="who, kept if the user is removed")
    via = models.CharField(max_length=40, default="web", help_text="web, workbook import, command")
    programme_id = models.BigIntegerField(
        null=True, blank=True, help_text="the programme written to; a number, so the trail outlives it"
    )
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=300)
    action = models.CharField(max_length=16, choices=Action.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id"], name="core_audit_object"),
            models.Index(fields=["programme_id", "at"], name="core_audit_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_label}"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


#: A programme, in the signatures of rooms that may not import its model (``IMPROVE_PROGRAMME_MODEL``).
ProgrammeLike: TypeAlias = Any


def programme_model() -> type[models.Model]:
    """The programme model (``settings.IMPROVE_PROGRAMME_MODEL``), for rooms that may not import it."""
    from django.apps import apps

    return apps.get_model(settings.IMPROVE_PROGRAMME_MODEL, require_ready=False)
