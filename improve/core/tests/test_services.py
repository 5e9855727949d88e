"""The ground floor's write helpers, tried on a plan line (any audited, versioned, archivable model)."""

import pytest
from django.core.exceptions import ValidationError

from improve.core.audit import Actor, audit_values, history_for
from improve.core.services import EditConflict, model_archive, model_restore, model_update
from improve.programmes.models import PlanItem

ACTOR = Actor(user=None, via="command")


@pytest.fixture
def line(programme):
    return PlanItem.objects.get(programme=programme, uid="1")


def test_model_update_takes_only_the_fields_allowed(line):
    with pytest.raises(TypeError, match="fields not allowed here: programme"):
        model_update(actor=ACTOR, instance=line, fields={"title"}, data={"title": "x", "programme": None})
    line.refresh_from_db()
    assert line.title == "TOM2 Design Pack Completed" and not history_for(line).exists()


def test_model_update_validates_saves_audits_and_moves_the_version_on(line):
    saved, changed = model_update(
        actor=ACTOR, instance=line, fields={"title"}, data={"title": "Signed off"}, expected_version=1
    )
    assert changed and saved.version == 2 and PlanItem.objects.get(pk=line.pk).title == "Signed off"
    (event,) = history_for(line)
    assert event.before["title"] == "TOM2 Design Pack Completed" and event.after["title"] == "Signed off"
    assert event.actor_label == "System (command)" and event.via == "command"
    # Saving the same values again changes nothing and records nothing.
    _saved, changed = model_update(actor=ACTOR, instance=saved, fields={"title"}, data={"title": "Signed off"})
    assert not changed and history_for(line).count() == 1


def test_a_stale_version_is_refused_with_the_other_change(line):
    model_update(actor=ACTOR, instance=line, fields={"title"}, data={"title": "First"}, expected_version=1)
    stale = PlanItem.objects.get(pk=line.pk)
    stale.version = 1  # as loaded by the second editor before the first saved
    with pytest.raises(EditConflict) as exc:
        model_update(actor=ACTOR, instance=stale, fields={"title"}, data={"title": "Second"}, expected_version=1)
    assert exc.value.events[0].after["title"] == "First"
    assert PlanItem.objects.get(pk=line.pk).title == "First"


def test_an_invalid_change_saves_nothing(line):
    with pytest.raises(ValidationError):
        model_update(actor=ACTOR, instance=line, fields={"status", "percent_complete"}, data={"status": "complete"})
    assert PlanItem.objects.get(pk=line.pk).status != "complete" and not history_for(line).exists()


def test_archive_hides_the_row_and_restore_brings_it_back_both_audited(line):
    model_archive(actor=ACTOR, instance=line, reason="Merged into line 2")
    assert not PlanItem.objects.filter(pk=line.pk).exists()
    archived = PlanItem.all_objects.get(pk=line.pk)
    assert archived.archived and archived.archive_reason == "Merged into line 2"
    model_restore(actor=ACTOR, instance=archived)
    assert PlanItem.objects.filter(pk=line.pk).exists()
    assert [e.action for e in history_for(line)] == ["restore", "archive"]
    assert history_for(line).last().after["reason"] == "Merged into line 2"


def test_audit_values_show_what_a_person_saw(line):
    values = audit_values(line)
    assert values["kind"] == "Deliverable" and values["strand"] == "Practice Improvement"
    assert values["end"] == "18/04/2019" and values["owner"] == "Sean Girty" and values["archived"] is False
