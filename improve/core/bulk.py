"""Inserting thousands of new rows of one model at once, for workbook imports.

Django's ``bulk_create`` prepares each value of each row through several layers (expression
checks, ``pre_save``, ``get_db_prep_save``, SQL for each placeholder): at 3,550 plan lines of 25
columns, plus their audit events, that was most of a new programme's import
(docs/decisions/0021-bulk-insert.md). :func:`insert_many` writes the same rows with the same SQL
(``INSERT … VALUES (…), (…) RETURNING id``, batched to the database's limits) and works out once
per column, not once per value, how a value reaches the database:

- plain text, whole-number and true/false columns take the attribute as it is (the rows have
  passed the model's rules or the import's column checks, so the value already has its type);
- a foreign key takes the related row's id, from the object assigned to it if that was saved
  after being assigned (as Django does);
- ``auto_now`` / ``auto_now_add`` timestamps take one "now" for the whole call;
- every other column goes through its field's own ``get_db_prep_save``, exactly as Django would.

It sends no signals (neither does ``bulk_create``) and sets each object's new id.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connections, models, router
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

#: fields whose Python value is what the database takes (exact types: subclasses such as a
#: money field in pence convert their values, so they take the general path)
_AS_IS: frozenset[type[models.Field[Any, Any]]] = frozenset(
    {
        models.CharField,
        models.TextField,
        models.SlugField,
        models.IntegerField,
        models.SmallIntegerField,
        models.BigIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.BooleanField,
    }
)
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.SmallAutoField)


def _reader(field: models.Field[Any, Any], connection: Any, now: Any) -> Callable[[models.Model], Any]:
    """How to get ``field``'s database value from an object (worked out once per column)."""
    attname = field.attname
    if type(field) in _AS_IS:
        return lambda obj: getattr(obj, attname)
    if isinstance(field, models.ForeignKey) and isinstance(field.target_field, _INTEGER_KEYS):
        name = field.name

        def related_id(obj: models.Model) -> Any:
            value = getattr(obj, attname)
            if value is None and field.is_cached(obj):
                related = getattr(obj, name)
                if related is not None:
                    if related.pk is None:
                        raise ValueError(f"{obj!r}: its {name} has not been saved yet")
                    value = related.pk
                    setattr(obj, attname, value)
            return value

        return related_id
    if isinstance(field, models.DateField) and (field.auto_now or field.auto_now_add):
        stamp = now if isinstance(field, models.DateTimeField) else timezone.localdate(now)
        prepared = field.get_db_prep_save(stamp, connection)

        def timestamp(obj: models.Model) -> Any:
            setattr(obj, attname, stamp)
            return prepared

        return timestamp
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def insert_many(objs: Sequence[M], *, returning: bool = True) -> Sequence[M]:
    """Insert the new objects ``objs`` (all of one model, none saved yet) and give each its id.

    ``returning=False`` skips reading the ids back (for rows nothing refers to, such as audit
    events). Raises ``ValueError`` for an object that already has an id.
    """
    if not objs:
        return objs
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    ops: Any = connection.ops  # the stubs lack the backends' RETURNING helpers
    pk = meta.pk
    assert pk is not None
    if any(type(obj) is not model or obj.pk is not None for obj in objs):
        raise ValueError(f"insert_many takes new {model.__name__} objects only")
    fields = [f for f in meta.concrete_fields if f is not pk]
    if any(getattr(f, "generated", False) or hasattr(f, "get_placeholder") for f in fields):
        # columns the database computes or that need SQL of their own: Django's way
        model._base_manager.using(alias).bulk_create(objs)
        return objs
    now = timezone.now()
    readers = [_reader(f, connection, now) for f in fields]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    returning_sql = ""
    if returning:
        returning_sql, _ = ops.return_insert_columns([pk])
    # table and column names come from the model, quoted; every value is a bound parameter
    head = f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    size = max(ops.bulk_batch_size(fields, objs), 1)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [read(obj) for obj in batch for read in readers]
            cursor.execute(f"{head}{', '.join([row_sql] * len(batch))} {returning_sql}", params)
            if returning:
                for obj, (new_id,) in zip(batch, ops.fetch_returned_insert_rows(cursor), strict=True):
                    setattr(obj, pk.attname, new_id)
            for obj in batch:
                obj._state.adding = False
                obj._state.db = alias
    return objs
