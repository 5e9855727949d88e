"""Every model the RAID room registers is written only through its services, and every write
(create, change, close, escalate, archive, restore) is found in the one audit trail."""

import datetime as dt

import pytest

from improve.core.audit import Actor, history_for
from improve.programmes.models import Owner, PlanItem
from improve.programmes.tests.factories import UserFactory
from improve.raid import services
from improve.raid.models import Action, Issue, LogEntry, Risk, RiskAppetite
from improve.raid.room import ROOM

pytestmark = pytest.mark.django_db


def _recipes(actor, programme):
    """For each model: make it, change it, archive it — through the services only."""
    owner = Owner.objects.get(programme=programme, name="Sean Girty")
    strand = programme.strands.get(code="1")
    line = PlanItem.objects.get(programme=programme, uid="17")
    scores = {"inherent_likelihood": 4, "inherent_impact": 4, "residual_likelihood": 3, "residual_impact": 4}

    def risk_steps():
        risk = services.risk_create(
            actor=actor, programme=programme, data={"reference": "R1", "title": "Demand rises", **scores}
        )
        services.risk_update(actor=actor, risk=risk, data={"owner": owner}, expected_version=1)
        services.risk_update(actor=actor, risk=risk, data={}, strands=[strand], plan_items=[line])  # links only
        services.risk_close(actor=actor, risk=risk, closed_on=dt.date(2019, 6, 1))
        services.risk_reopen(actor=actor, risk=risk)
        services.raid_archive(actor=actor, instance=Risk.objects.get(pk=risk.pk), reason="duplicate")
        services.raid_restore(actor=actor, instance=Risk.all_objects.get(pk=risk.pk))
        services.risk_escalate_to_issue(actor=actor, risk=risk, raised_on=dt.date(2019, 7, 1), reference="I9")
        return risk, ["create", "update", "update", "update", "update", "archive", "restore", "update"]

    def appetite_steps():
        services.appetite_set(actor=actor, programme=programme, category="demand", max_score=12)
        services.appetite_set(actor=actor, programme=programme, category="demand", max_score=9)
        services.appetite_set(actor=actor, programme=programme, category="demand", max_score=None)
        return RiskAppetite.all_objects.get(programme=programme, category="demand"), ["create", "update", "archive"]

    def issue_steps():
        issue = services.issue_create(
            actor=actor, programme=programme, data={"reference": "I1", "title": "Caseloads high"}, strands=[strand]
        )
        services.issue_update(actor=actor, issue=issue, data={"priority": "high"}, expected_version=1)
        services.issue_update(actor=actor, issue=issue, data={}, plan_items=[line])
        services.raid_archive(actor=actor, instance=Issue.objects.get(pk=issue.pk))
        return issue, ["create", "update", "update", "archive"]

    def action_steps():
        issue = Issue.objects.get(programme=programme, reference="I9")
        action = services.action_create(actor=actor, parent=issue, data={"title": "Recruit", "owner": owner})
        services.action_update(actor=actor, action=action, data={"due_on": dt.date(2019, 8, 1)})
        services.action_move(actor=actor, action=action, risk=Risk.objects.get(reference="R1"), issue=None)
        services.action_complete(actor=actor, action=action, done_on=dt.date(2019, 8, 2))
        services.raid_archive(actor=actor, instance=action)
        return action, ["create", "update", "update", "update", "archive"]

    def log_steps():
        entry = services.log_entry_create(
            actor=actor,
            programme=programme,
            kind="dependency",
            data={"reference": "D1", "title": "Health data", "partner": "CCG"},
            plan_items=[line],
        )
        services.log_entry_update(actor=actor, entry=entry, data={"status": "met"})
        services.log_entry_update(actor=actor, entry=entry, data={}, plan_items=[])
        services.raid_archive(actor=actor, instance=entry)
        return entry, ["create", "update", "update", "archive"]

    return {
        Risk: risk_steps,
        RiskAppetite: appetite_steps,
        Issue: issue_steps,
        Action: action_steps,
        LogEntry: log_steps,
    }


def test_every_registered_model_has_its_writes_in_the_trail(programme):
    actor = Actor(user=UserFactory(email="pmo@example.org"), via="web")
    recipes = _recipes(actor, programme)
    assert set(recipes) == set(ROOM.audited_models), "a registered model has no recipe here: add one"
    for model, steps in recipes.items():
        obj, expected = steps()
        events = list(reversed(history_for(obj)))
        assert [e.action for e in events] == expected, model.__name__
        for event in events:
            assert event.actor_id == actor.user.pk and event.via == "web"
            assert event.programme_id == programme.pk
            if event.action == "update":
                assert event.before != event.after, (model.__name__, event.before)


def test_links_and_scores_are_in_the_events_that_changed_them(programme):
    actor = Actor(user=UserFactory(), via="web")
    strand = programme.strands.get(code="1")
    risk = services.risk_create(
        actor=actor,
        programme=programme,
        data={
            "reference": "R1",
            "title": "Demand rises",
            "inherent_likelihood": 4,
            "inherent_impact": 4,
            "residual_likelihood": 3,
            "residual_impact": 4,
        },
        strands=[strand],
    )
    services.risk_update(actor=actor, risk=risk, data={"residual_likelihood": 2}, strands=[])
    created, changed = reversed(history_for(risk))
    assert created.after["strands"] and created.after["residual"].startswith("12 (Amber)")
    assert changed.before["strands"] and not changed.after["strands"]
    assert changed.after["residual"].startswith("8 (Amber)")
