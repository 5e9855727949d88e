"""An approved change request's cost reaches the money: on its strand's line, audited as its approver's."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - the amounts read better

from django.urls import reverse

from improve.core.audit import Actor, history_for
from improve.finance import selectors
from improve.finance.models import ChangeCost
from improve.finance.tests.world import small_budget
from improve.governance import services as governance
from improve.governance.tests.factories import b_and_d_chain
from improve.programmes.models import Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory


def approve(programme, *, cost, strand=None, on=dt.date(2019, 7, 10)):
    pm = UserFactory(email="pm@example.org")
    MembershipFactory(user=pm, programme=programme, role=Role.PROGRAMME_MANAGER)
    change = governance.change_raise(
        actor=Actor(pm), programme=programme, title="Extra trainer", impact_cost=cost, strand=strand
    )
    governance.change_decide(actor=Actor(pm), change=change, approve=True, reason="Agreed", decided_on=on)
    return change, pm


def test_an_approved_cost_goes_on_its_strand_s_line_in_the_year_of_the_decision(programme, member):
    budget = small_budget(programme)
    b_and_d_chain(programme)
    before = selectors.budget_summary(programme).figures.programme.planned[2019]
    change, pm = approve(programme, cost=D("15000.50"), strand=programme.strands.get(code="1"))
    cost = ChangeCost.objects.get(programme=programme)
    assert (cost.reference, cost.line, cost.year.label, cost.amount) == (
        change.ref,
        budget["line"],
        "2019/20",
        D("15000.50"),
    )
    assert cost.approved_by == f"{pm} for Children's Improvement Board"
    event = history_for(cost).get()
    assert event.actor_id == pm.pk and event.after["amount"] == "15000.50"
    figures = selectors.budget_summary(programme).figures
    assert figures.programme.planned[2019] == before + D("15000.50")
    assert selectors.line_detail(budget["line"])[0].figures.planned == D("968000.50")
    page = member(Role.VIEWER).get(reverse("finance:summary", args=[programme.slug])).content.decode()
    assert "Costs of approved change requests" in page and "£15,000.50" in page


def test_a_cost_whose_line_cannot_be_told_is_kept_unplaced_and_shown(programme, member):
    small_budget(programme)
    b_and_d_chain(programme)
    approve(programme, cost=D("-2000"), on=dt.date(2023, 5, 1))
    cost = ChangeCost.objects.get(programme=programme)
    assert cost.line is None and cost.year is None
    assert cost.note == "Not placed on a line: the programme has no financial year 2023/24; the change names no strand"
    page = member(Role.VIEWER).get(reverse("finance:summary", args=[programme.slug])).content.decode()
    assert "Not on a line" in page and "(£2,000.00)" in page


def test_a_change_without_cost_records_no_money(programme):
    small_budget(programme)
    b_and_d_chain(programme)
    pm = UserFactory()
    MembershipFactory(user=pm, programme=programme, role=Role.PROGRAMME_MANAGER)
    change = governance.change_raise(actor=Actor(pm), programme=programme, title="Later", impact_days=5)
    governance.change_decide(actor=Actor(pm), change=change, approve=True, reason="ok")
    assert not ChangeCost.objects.exists()


def test_the_finance_lead_puts_an_unplaced_cost_on_a_line(programme, member):
    from improve.finance.tests.world import unplaced_change

    budget = small_budget(programme)
    cost = unplaced_change(programme)
    address = reverse("finance:change-place", args=[programme.slug, "CR-1"])
    assert member(Role.VIEWER).get(address).status_code == 403
    lead = member(Role.FINANCE_LEAD)
    assert "Put it on a line" in lead.get(reverse("finance:summary", args=[programme.slug])).content.decode()
    assert lead.post(address, {"line": "1", "year": "2019/20"}).status_code == 302
    cost.refresh_from_db()
    assert (cost.line, cost.year, cost.note) == (budget["line"], budget["y1"], "")
    assert selectors.budget_summary(programme).figures.programme.planned[2019] == D("1111000.00")
    assert [e.action for e in history_for(cost)] == ["update", "create"]
