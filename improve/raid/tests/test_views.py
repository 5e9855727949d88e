"""The RAID pages: registers, heat map, forms, escalation, and who may change what."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.programmes.models import Owner, Role
from improve.raid import services
from improve.raid.models import Action, Issue, Risk
from improve.raid.tests.conftest import ACTOR


def url(name, programme, *args):
    return reverse(f"raid:{name}", args=[programme.slug, *args])


def _post_risk(client, programme, risk, **changes):
    data = {
        "reference": risk.reference,
        "title": risk.title,
        "category": risk.category,
        "owner": str(risk.owner_id or ""),
        "inherent_likelihood": "H",
        "inherent_impact": "4",
        "residual_likelihood": "3",
        "residual_impact": "4",
        "status": "open",
        "strands": [str(s.pk) for s in risk.strands.all()],
        "plan_items": "17",
        "version": risk.version,
        **changes,
    }
    return client.post(url("risk-edit", programme, risk.reference), data)


def test_the_risk_register_sorts_by_score_and_filters(programme, pmo, risk):
    _low = services.risk_create(
        actor=ACTOR,
        programme=programme,
        data={
            "reference": "R2",
            "title": "Low risk",
            "inherent_likelihood": 1,
            "inherent_impact": 2,
            "residual_likelihood": 1,
            "residual_impact": 2,
            "category": "financial",
        },
    )
    page = pmo.get(url("risks", programme)).content.decode()
    assert page.index("Demand could rise") < page.index("Low risk")
    assert "12 Amber" in page and "2 Green" in page and "Review overdue" in page
    only = pmo.get(url("risks", programme) + "?category=financial").content.decode()
    assert "Low risk" in only and "Demand could rise" not in only
    by_strand = pmo.get(url("risks", programme) + "?strand=1").content.decode()
    assert "Demand could rise" in by_strand and "Low risk" not in by_strand


def test_the_heat_map_counts_cells_links_them_and_says_it_in_words(programme, pmo, risk):
    page = pmo.get(url("heat-map", programme)).content.decode()
    assert "1 open risk: 0 green, 1 amber, 0 red" in page
    assert "1 at likelihood 3 and impact 4 (score 12)" in page
    assert "?status=open&amp;likelihood=3&amp;impact=4" in page
    before = pmo.get(url("heat-map", programme) + "?basis=inherent").content.decode()
    assert "1 at likelihood 4 and impact 4 (score 16)" in before and "basis=inherent" in before
    filtered = pmo.get(url("risks", programme) + "?status=open&likelihood=3&impact=4").content.decode()
    assert "Demand could rise" in filtered


def test_register_and_heat_map_queries_stay_flat_as_risks_grow(programme, pmo, risk):
    pages = {
        "risks": url("risks", programme),
        "risks filtered": url("risks", programme) + "?status=open&above_appetite=on&category=demand",
        "issues": url("issues", programme),
        "heat-map": url("heat-map", programme),
        "assumptions": url("assumptions", programme),
        "overview": reverse("programmes:overview", args=[programme.slug]),
    }

    def count(name):
        with CaptureQueriesContext(connection) as ctx:
            assert pmo.get(pages[name]).status_code == 200
        return len(ctx)

    services.appetite_set(actor=ACTOR, programme=programme, category="demand", max_score=4)

    services.issue_create(actor=ACTOR, programme=programme, data={"reference": "I1", "title": "x"})
    services.log_entry_create(
        actor=ACTOR, programme=programme, kind="assumption", data={"reference": "1", "title": "x"}
    )
    few = {name: count(name) for name in pages}
    owner = Owner.objects.get(programme=programme, name="Sean Girty")
    for n in range(2, 30):
        made = services.risk_create(
            actor=ACTOR,
            programme=programme,
            data={
                "reference": f"R{n}",
                "title": f"Risk {n}",
                "category": "demand",
                "owner": owner,
                "inherent_likelihood": 1 + n % 5,
                "inherent_impact": 3,
                "residual_likelihood": 2,
                "residual_impact": 1 + n % 5,
            },
            strands=[programme.strands.get(code=str(1 + n % 2))],
        )
        services.issue_create(
            actor=ACTOR,
            programme=programme,
            data={"reference": f"I{n}", "title": "x", "owner": owner},
            strands=list(made.strands.all()),
        )
        services.action_create(
            actor=ACTOR, parent=made, data={"title": "Act", "owner": owner, "due_on": dt.date(2019, 5, 1)}
        )
        services.log_entry_create(
            actor=ACTOR, programme=programme, kind="assumption", data={"reference": str(n), "title": "x"}
        )
    many = {name: count(name) for name in few}
    assert many == few
    above = Risk.objects.filter(programme=programme, category="demand", residual_score__gt=4).count()
    assert 1 < above < 29
    page = pmo.get(pages["risks filtered"]).content.decode()
    assert f"<strong>{above}</strong> risks match the filters" in page
    assert page.count("Above appetite</strong>") == above  # each listed and flagged


def test_a_risk_is_changed_with_l_m_h_and_a_stale_form_is_merged(programme, pmo, risk):
    response = _post_risk(pmo, programme, risk, title="Demand could rise sharply")
    assert response.status_code == 302
    saved = Risk.objects.get(pk=risk.pk)
    assert (saved.title, saved.inherent_likelihood, saved.version) == ("Demand could rise sharply", 4, 2)
    stale = _post_risk(pmo, programme, risk, title="Something else", version=1)
    assert stale.status_code == 200 and "Someone else changed this risk" in stale.content.decode()
    assert Risk.objects.get(pk=risk.pk).title == "Demand could rise sharply"


def test_a_level_off_the_scale_is_refused_on_the_form(programme, pmo, risk):
    page = _post_risk(pmo, programme, risk, residual_impact="7").content.decode()
    assert "Impact now: 7 is outside the scale: enter a whole number from 1 to 5, or L, M or H" in page


def test_escalating_a_risk_opens_an_issue_and_closes_the_risk(programme, pmo, risk):
    response = pmo.post(url("risk-escalate", programme, "R1"), {"on": "01/06/2019"})
    assert response.status_code == 302 and response["Location"] == url("issue", programme, "I1")
    assert Risk.objects.get(pk=risk.pk).status == "became_issue"
    page = pmo.get(url("issue", programme, "I1")).content.decode()
    assert "Raised from" in page and "Risk R1: Demand could rise" in page


def test_an_action_is_added_and_marked_done(programme, pmo, risk):
    pmo.post(
        url("risk-action-create", programme, "R1"),
        {"title": "Implement the hub", "status": "open", "due_on": "30/06/2019"},
    )
    action = Action.objects.get(reference="R1-2")
    pmo.post(url("action-complete", programme, action.reference), {"on": "15/06/2019"})
    action.refresh_from_db()
    assert (action.status, action.done_on) == ("done", dt.date(2019, 6, 15))


def test_the_overview_lists_overdue_actions_and_reviews_at_the_status_date(programme, pmo, risk):
    programme.status_date = dt.date(2019, 6, 1)
    programme.save()
    page = pmo.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    assert "Overdue actions: 1" in page and "Risks overdue for review: 1" in page
    assert "R1-1</a>: Monitor via Vital Signs — due 15/05/2019" in page
    programme.status_date = dt.date(2019, 4, 1)
    programme.save()
    page = pmo.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    assert "Overdue actions: 0" in page and "Risks overdue for review: 0" in page


# --- who may change what ----------------------------------------------------------------------


def test_a_workstream_lead_changes_only_risks_of_their_strands(programme, member, risk):
    lead = member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="2")])
    assert lead.get(url("risk-edit", programme, "R1")).status_code == 403
    assert lead.post(url("risk-escalate", programme, "R1"), {"on": "01/06/2019"}).status_code == 403
    services.risk_update(actor=ACTOR, risk=risk, data={}, strands=[programme.strands.get(code="2")])
    assert lead.get(url("risk-edit", programme, "R1")).status_code == 200


def test_a_workstream_lead_adds_risks_only_to_strands_they_lead(programme, member):
    lead = member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="2")])
    data = {
        "reference": "R5",
        "title": "x",
        "category": "delivery",
        "inherent_likelihood": "2",
        "inherent_impact": "2",
        "residual_likelihood": "2",
        "residual_impact": "2",
        "status": "open",
    }
    page = lead.post(url("risk-create", programme), {**data, "strands": [str(programme.strands.get(code="1").pk)]})
    assert "Choose at least one strand you lead" in page.content.decode() and not Risk.objects.exists()
    lead.post(url("risk-create", programme), {**data, "strands": [str(programme.strands.get(code="2").pk)]})
    assert Risk.objects.get().reference == "R5"


def test_the_member_who_owns_a_risk_changes_it_and_its_actions_and_nobody_else_does(programme, member, risk):
    viewer = member(Role.VIEWER)
    board = member(Role.BOARD_MEMBER)
    assert viewer.get(url("risk-edit", programme, "R1")).status_code == 403
    assert viewer.get(url("action-edit", programme, "R1-1")).status_code == 403
    Owner.objects.filter(pk=risk.owner_id).update(user=viewer.user)
    assert viewer.get(url("risk-edit", programme, "R1")).status_code == 200
    assert _post_risk(viewer, programme, Risk.objects.get(pk=risk.pk), title="Owned").status_code == 302
    assert viewer.get(url("action-edit", programme, "R1-1")).status_code == 200
    assert board.get(url("risk-edit", programme, "R1")).status_code == 403
    # Owning is not keeping: archiving and escalating stay with the keepers and the strand's leads.
    assert viewer.post(url("risk-archive", programme, "R1")).status_code == 403


def test_every_member_reads_the_log(programme, member, risk):
    board = member(Role.BOARD_MEMBER)
    for name, args in (("risks", ()), ("risk", ("R1",)), ("heat-map", ()), ("issues", ()), ("dependencies", ())):
        assert board.get(url(name, programme, *args)).status_code == 200
    page = board.get(url("risks", programme)).content.decode()
    assert "Add a risk" not in page and "Change<span" not in page


def test_archive_from_the_register_and_restore(programme, pmo, risk):
    assert pmo.get(url("risk-archive", programme, "R1")).status_code == 200
    pmo.post(url("risk-archive", programme, "R1"), {"reason": "duplicate"})
    assert not Risk.objects.exists()
    assert "Demand could rise" in pmo.get(url("risks", programme) + "?archived=on").content.decode()
    pmo.post(url("risk-archive", programme, "R1"), {"archive": "0"})
    assert Risk.objects.exists()


def test_the_simpler_logs_are_kept_by_the_keepers(programme, pmo, member):
    pmo.post(
        url("dependencies-create", programme),
        {"reference": "1", "title": "Partners fund the TOM", "partner": "Health", "status": "open", "plan_items": "17"},
    )
    page = pmo.get(url("dependencies", programme)).content.decode()
    assert "Partners fund the TOM" in page and "Health" in page and ">17<" in page
    lead = member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="1")])
    assert lead.get(url("dependencies-create", programme)).status_code == 403
    assert Issue.objects.count() == 0


def test_a_reference_that_is_a_page_word_still_names_its_own_page(programme, pmo):
    """The room's pages (add, heat map, appetite) never sit where a reference could: a risk, an
    issue or an assumption called "new" or "heat-map" has its page, and so do they."""
    words = ("new", "heat-map", "appetite", "new-risk", "edit")
    for word in words:
        services.risk_create(
            actor=ACTOR,
            programme=programme,
            data={
                "reference": word,
                "title": f"Risk {word}",
                "inherent_likelihood": 2,
                "inherent_impact": 2,
                "residual_likelihood": 2,
                "residual_impact": 2,
            },
        )
        services.issue_create(actor=ACTOR, programme=programme, data={"reference": word, "title": f"Issue {word}"})
        services.log_entry_create(
            actor=ACTOR, programme=programme, kind="assumption", data={"reference": word, "title": f"Assumed {word}"}
        )
    for word in words:
        assert f"Risk {word}" in pmo.get(url("risk", programme, word)).content.decode()
        assert f"Issue {word}" in pmo.get(url("issue", programme, word)).content.decode()
        assert "Assumed" in pmo.get(url("assumptions-edit", programme, word)).content.decode()
    assert "Add a risk" in pmo.get(url("risk-create", programme)).content.decode()
    assert "Add an issue" in pmo.get(url("issue-create", programme)).content.decode()
    assert "Add an assumption" in pmo.get(url("assumptions-create", programme)).content.decode()
    assert "Heat map of the risks" in pmo.get(url("heat-map", programme)).content.decode()
    assert "Risk appetite" in pmo.get(url("appetite", programme)).content.decode()
