"""The RAID room's rules, each in one place, and every write in the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from improve.core.audit import history_for
from improve.core.services import EditConflict
from improve.programmes.models import Owner
from improve.raid import scoring, services
from improve.raid.models import Action, Issue, Risk
from improve.raid.tests.conftest import ACTOR

pytestmark = pytest.mark.django_db

BASE = {"reference": "R9", "title": "Staff could leave", "inherent_likelihood": 3, "inherent_impact": 4}


def _risk(programme, **data):
    return services.risk_create(
        actor=ACTOR, programme=programme, data={**BASE, "residual_likelihood": 3, "residual_impact": 4, **data}
    )


@pytest.mark.parametrize(
    ("typed", "level"), [("1", 1), (5, 5), ("L", 2), ("m", 3), ("H", 4), ("high", 4), ("4 (High)", 4), ("", None)]
)
def test_a_level_is_typed_as_1_to_5_or_l_m_h(typed, level):
    assert scoring.parse_level(typed) == level


@pytest.mark.parametrize("typed", ["0", "6", "X", "VH", 2.5, True])
def test_a_level_off_the_scale_is_refused_saying_what_is_accepted(typed):
    with pytest.raises(scoring.LevelError, match=r"enter a whole number from 1 to 5, or L, M or H"):
        scoring.parse_level(typed)


def test_score_is_likelihood_times_impact_with_a_band():
    assert [scoring.band(scoring.score(x, y)) for x, y in ((2, 2), (1, 5), (3, 4), (3, 5), (5, 5))] == [
        "green",
        "amber",
        "amber",
        "red",
        "red",
    ]
    assert scoring.score_display(16) == "16 (Red)" and scoring.level_display(4) == "4 (High)"


def test_a_score_outside_the_scale_is_refused_naming_the_field(programme):
    with pytest.raises(ValidationError) as caught:
        _risk(programme, residual_likelihood=6)
    assert "residual_likelihood" in caught.value.message_dict
    assert "enter a whole number from 1 to 5, or L, M or H" in caught.value.message_dict["residual_likelihood"][0]
    assert not Risk.all_objects.exists()


def test_residual_may_be_worse_than_inherent_and_a_high_target_is_flagged_not_refused(programme):
    risk = _risk(programme, residual_likelihood=5, residual_impact=5, target_likelihood=4, target_impact=4)
    assert risk.residual == 25 > risk.inherent == 12
    assert risk.target_above_inherent
    assert Risk.objects.get(pk=risk.pk).residual_score == 25


def test_a_target_needs_both_halves(programme):
    with pytest.raises(ValidationError) as caught:
        _risk(programme, target_likelihood=2)
    assert caught.value.message_dict == {
        "target_impact": ["Give both the target likelihood and the target impact, or neither"]
    }


def test_a_review_date_out_of_range_is_refused(programme):
    with pytest.raises(ValidationError) as caught:
        _risk(programme, review_on=dt.date(2199, 1, 1))
    assert "Enter a date between 01/01/1990 and 31/12/2100" in caught.value.message_dict["review_on"]


def test_a_reference_is_used_once(programme, risk):
    with pytest.raises(ValidationError, match="Reference R1 is already used"):
        _risk(programme, reference="R1")


def test_appetite_flags_risks_above_it(programme, risk):
    services.appetite_set(actor=ACTOR, programme=programme, category="demand", max_score=9)
    from improve.raid import selectors

    assert [
        r.reference
        for r in selectors.filter_risks(
            selectors.risks(programme),
            selectors.RiskFilters(above_appetite=True),
            today=dt.date(2019, 6, 1),
            appetites=selectors.appetites(programme),
        )
    ] == ["R1"]
    services.appetite_set(actor=ACTOR, programme=programme, category="demand", max_score=12)
    assert not selectors.filter_risks(
        selectors.risks(programme),
        selectors.RiskFilters(above_appetite=True),
        today=dt.date(2019, 6, 1),
        appetites=selectors.appetites(programme),
    ).exists()


def test_an_edit_on_an_old_version_is_a_conflict(programme, risk):
    services.risk_update(actor=ACTOR, risk=risk, data={"title": "Demand could rise sharply"}, expected_version=1)
    with pytest.raises(EditConflict):
        services.risk_update(actor=ACTOR, risk=risk, data={"title": "Something else"}, expected_version=1)
    assert Risk.objects.get(pk=risk.pk).title == "Demand could rise sharply"


def test_changing_only_the_links_is_one_audited_change(programme, risk):
    services.risk_update(actor=ACTOR, risk=risk, data={}, strands=[programme.strands.get(code="2")], expected_version=1)
    event = history_for(risk).first()
    assert event.action == "update" and event.before["strands"] == ["Practice Improvement"]
    assert event.after["strands"] == ["Service Design"]
    assert Risk.objects.get(pk=risk.pk).version == 2


def test_a_risk_becomes_an_issue_in_one_step(programme, risk):
    issue = services.risk_escalate_to_issue(actor=ACTOR, risk=risk, raised_on=dt.date(2019, 6, 1))
    risk.refresh_from_db()
    assert risk.status == "became_issue" and risk.closed_on == dt.date(2019, 6, 1)
    assert issue.from_risk == risk and issue.reference == "I1" and issue.title == risk.title
    assert issue.owner == risk.owner and [s.code for s in issue.strands.all()] == ["1"]
    assert [i.uid for i in issue.plan_items.all()] == ["17"]
    assert [e.action for e in history_for(risk)] == ["update", "create"]
    assert history_for(risk).first().after["status"] == "Became an issue"
    assert history_for(issue).get().after["from_risk"] == "R1"
    with pytest.raises(ValidationError, match="only an open risk can become an issue"):
        services.risk_escalate_to_issue(actor=ACTOR, risk=risk, raised_on=dt.date(2019, 6, 2))
    assert Issue.objects.count() == 1


def test_an_action_is_done_on_a_date(programme, risk):
    action = Action.objects.get(risk=risk)
    with pytest.raises(ValidationError, match="Enter the date the action was done"):
        services.action_update(actor=ACTOR, action=action, data={"status": "done"})
    done = services.action_complete(actor=ACTOR, action=action, done_on=dt.date(2019, 5, 20))
    assert (done.status, done.done_on) == ("done", dt.date(2019, 5, 20))
    assert [e.action for e in history_for(action)] == ["update", "create"]


def test_an_action_belongs_to_one_risk_or_issue(programme, risk):
    action = Action(programme=programme, reference="X", title="x")
    with pytest.raises(ValidationError, match="An action belongs to one risk or one issue"):
        action.full_clean()


def test_an_issue_resolves_on_or_after_it_was_raised(programme):
    with pytest.raises(ValidationError, match="on or after the raised date"):
        services.issue_create(
            actor=ACTOR,
            programme=programme,
            data={
                "reference": "I1",
                "title": "x",
                "status": "resolved",
                "raised_on": dt.date(2019, 6, 1),
                "resolved_on": dt.date(2019, 5, 1),
            },
        )


def test_a_log_entry_keeps_to_its_kind_s_statuses(programme):
    with pytest.raises(
        ValidationError, match="'met' is not a status of assumptions: use one of open, confirmed, proved_wrong"
    ):
        services.log_entry_create(
            actor=ACTOR, programme=programme, kind="assumption", data={"reference": "1", "title": "x", "status": "met"}
        )
    entry = services.log_entry_create(
        actor=ACTOR,
        programme=programme,
        kind="dependency",
        data={"reference": "1", "title": "Partners fund the TOM", "partner": "Health"},
    )
    assert entry.status == "open"


def test_an_owner_from_another_programme_is_refused(programme, risk):
    from improve.programmes.tests.factories import ProgrammeFactory

    stranger = Owner.objects.create(programme=ProgrammeFactory(slug="other"), name="Stranger")
    with pytest.raises(ValidationError, match="Choose an owner of this programme"):
        services.risk_update(actor=ACTOR, risk=risk, data={"owner": stranger})


def test_archive_and_restore_are_audited(programme, risk):
    services.raid_archive(actor=ACTOR, instance=risk, reason="duplicate")
    assert not Risk.objects.exists() and Risk.all_objects.get().archived
    services.raid_restore(actor=ACTOR, instance=Risk.all_objects.get())
    assert [e.action for e in history_for(risk)][:2] == ["restore", "archive"]
