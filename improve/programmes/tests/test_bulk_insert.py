"""core.bulk.insert_many (the import's fast insert) writes exactly what saving each object would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.forms.models import model_to_dict

from improve.core.audit import Actor, audit_values
from improve.core.audit import event as audit_event
from improve.core.bulk import insert_many
from improve.core.models import AuditEvent
from improve.programmes.models import Owner, PlanItem

pytestmark = pytest.mark.django_db

STAMPS = {"id", "uid", "created_at", "modified_at"}


def line(programme, uid: str, **extra) -> PlanItem:
    return PlanItem(
        programme=programme,
        strand=programme.strands.get(code="1"),
        uid=uid,
        title="Recruit to the new structure — “phase 1”",
        kind="gate",
        gate_type="board",
        status="in_progress",
        rag="amber",
        percent_complete=40,
        start_date=dt.date(2019, 4, 1),
        end_date=dt.date(2020, 3, 31),
        end_tbd=False,
        owner=Owner.objects.get(programme=programme, name="Sean Girty"),
        order=7,
        notes="Line one\nline two",
        **extra,
    )


def test_inserted_lines_read_back_the_same_as_saved_ones(programme) -> None:
    saved = line(programme, "a")
    saved.save()
    inserted = line(programme, "b")
    insert_many([inserted])

    assert inserted.pk is not None and not inserted._state.adding
    again = PlanItem.objects.get(pk=inserted.pk)
    ours = {k: v for k, v in model_to_dict(again).items() if k not in STAMPS}
    theirs = {k: v for k, v in model_to_dict(PlanItem.objects.get(pk=saved.pk)).items() if k not in STAMPS}
    assert ours == theirs
    assert again.created_at is not None and again.created_at == inserted.created_at


def test_each_object_gets_its_own_id_across_batches(programme) -> None:
    lines = [line(programme, f"n{i}") for i in range(1200)]  # more than one batch on SQLite
    insert_many(lines)
    assert len({x.pk for x in lines}) == 1200
    stored = dict(PlanItem.objects.filter(programme=programme, uid__startswith="n").values_list("pk", "uid"))
    assert all(stored[x.pk] == x.uid for x in lines)


def test_a_parent_saved_after_it_was_assigned_gives_its_id(programme) -> None:
    parent = line(programme, "p")
    child = line(programme, "c", parent=parent)
    insert_many([parent])
    insert_many([child])
    assert PlanItem.objects.get(pk=child.pk).parent_id == parent.pk


def test_an_unsaved_parent_is_refused_and_nothing_is_written(programme) -> None:
    child = line(programme, "c", parent=line(programme, "p"))
    with pytest.raises(ValueError, match="parent"):
        insert_many([child])
    assert not PlanItem.objects.filter(programme=programme, uid="c").exists()


def test_an_object_already_saved_is_refused(programme) -> None:
    saved = line(programme, "a")
    saved.save()
    with pytest.raises(ValueError, match="new PlanItem objects only"):
        insert_many([saved])


def test_audit_events_keep_their_values_exactly(programme) -> None:
    item = line(programme, "a")
    item.save()
    events = [
        audit_event(actor=Actor(user=None, via="workbook import"), obj=item, action="create", before=None, after=v)
        for v in (audit_values(item), {"notes": "£1.095m — “quoted”", "n": 3, "list": ["x", None]})
    ]
    insert_many(events, returning=False)
    stored = list(AuditEvent.objects.filter(object_id=str(item.pk)).order_by("id"))
    assert [e.after for e in stored] == [e.after for e in events]
    assert {e.via for e in stored} == {"workbook import"} and all(e.at is not None for e in stored)
