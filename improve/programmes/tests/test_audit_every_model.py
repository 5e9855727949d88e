"""Every model the programme room registers is written only through its services, and every write
(create, change, archive or remove) is found in the one audit trail."""

import datetime as dt

import pytest

from improve.core.audit import Actor, history_for
from improve.programmes import services
from improve.programmes.models import (
    Baseline,
    Dependency,
    Membership,
    Owner,
    PlanItem,
    Programme,
    Project,
    Stage,
    Strand,
)
from improve.programmes.room import ROOM
from improve.programmes.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _programme(actor):
    return services.programme_create(
        actor=actor,
        data={"slug": "audit-every-model", "council": "Test Council", "name": "Audit", "strand_term": "strand"},
    )


def _recipes(actor):
    """For each model: make one, change it, archive or remove it — through the services only."""
    programme = _programme(actor)
    strand = services.strand_save(actor=actor, programme=programme, data={"code": "1", "name": "One", "order": 1})
    owner = services.owner_save(actor=actor, programme=programme, data={"name": "Sean", "kind": "person"})
    line = {"strand": strand, "title": "A line", "status": "not_started"}
    first = services.plan_item_create(actor=actor, programme=programme, data={**line, "uid": "1"})
    second = services.plan_item_create(actor=actor, programme=programme, data={**line, "uid": "2"})

    def programme_steps():
        p = Programme.objects.get(pk=programme.pk)
        services.programme_update(actor=actor, programme=p, expected_version=p.version, data={"name": "Audited"})
        return p, ["create", "update"]

    def owner_steps():
        services.owner_save(actor=actor, programme=programme, owner=owner, data={"title": "Head of Service"})
        services.part_archive(actor=actor, instance=owner, reason="left")
        return owner, ["create", "update", "archive"]

    def strand_steps():
        other = services.strand_save(actor=actor, programme=programme, data={"code": "2", "name": "Two", "order": 2})
        services.strand_save(actor=actor, programme=programme, strand=other, data={"name": "Two, renamed"})
        services.part_archive(actor=actor, instance=other)
        return other, ["create", "update", "archive"]

    def stage_steps():
        stage = services.stage_save(actor=actor, programme=programme, data={"code": "s1", "name": "Define", "order": 1})
        services.stage_save(actor=actor, programme=programme, stage=stage, data={"end_date": dt.date(2019, 6, 30)})
        services.part_archive(actor=actor, instance=stage)
        return stage, ["create", "update", "archive"]

    def project_steps():
        project = services.project_save(
            actor=actor, programme=programme, data={"code": "tom", "strand": strand, "name": "TOM"}
        )
        services.project_save(actor=actor, programme=programme, project=project, data={"name": "TOM 2"})
        services.part_archive(actor=actor, instance=project)
        return project, ["create", "update", "archive"]

    def item_steps():
        services.plan_item_update(actor=actor, item=first, expected_version=1, data={"title": "Changed"})
        services.part_archive(actor=actor, instance=PlanItem.objects.get(pk=first.pk), reason="done elsewhere")
        return first, ["create", "update", "archive"]

    def dependency_steps():
        dep = services.dependency_create(actor=actor, programme=programme, predecessor=second, successor=first)
        pk = dep.pk
        services.dependency_delete(actor=actor, dependency=dep)
        dep.pk = pk  # its history outlives it
        return dep, ["create", "delete"]

    def baseline_steps():
        baseline = services.baseline_create(actor=actor, programme=programme, name="Agreed")
        services.part_archive(actor=actor, instance=baseline)
        return baseline, ["create", "archive"]

    def membership_steps():
        membership, _ = services.member_add(
            actor=actor, programme=programme, email="new@example.org", full_name="New Person", role="viewer"
        )
        services.membership_grant(actor=actor, user=membership.user, programme=programme, role="analyst")
        pk = membership.pk
        services.member_remove(actor=actor, membership=membership)
        membership.pk = pk
        return membership, ["create", "update", "delete"]

    return {
        Programme: programme_steps,
        Owner: owner_steps,
        Strand: strand_steps,
        Stage: stage_steps,
        Project: project_steps,
        PlanItem: item_steps,
        Dependency: dependency_steps,
        Baseline: baseline_steps,
        Membership: membership_steps,
    }


def test_every_registered_model_has_its_writes_in_the_trail():
    actor = Actor(user=UserFactory(email="pmo@example.org"), via="web")
    recipes = _recipes(actor)
    assert set(recipes) == set(ROOM.audited_models), "a registered model has no recipe here: add one"
    for model, steps in recipes.items():
        obj, expected = steps()
        actions = [e.action for e in reversed(history_for(obj))]
        assert actions == expected, (model.__name__, actions)
        for event in history_for(obj):
            assert event.actor_label == "Test pmo@example.org" or event.actor_id == actor.user.pk
            assert event.via == "web" and event.programme_id == (obj.pk if model is Programme else obj.programme_id)
