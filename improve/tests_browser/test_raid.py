"""The RAID log in the browser, on Barking and Dagenham's real risks and issues: the risk register
(sorted by score, filtered by HTMX), a risk's page with its actions, the risk form (add, a score
refused with its message, L / M / H accepted, change), raising an issue from a risk, the heat map
(now and before mitigation), the issue register, a simple log, the appetite and the overview panel.
axe-core checks every page (see conftest.py)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from improve.programmes.models import Programme
from improve.raid.models import Action, Issue, LogEntry, LogKind, Risk, RiskStatus

pytestmark = pytest.mark.browser


def _count(page, name):
    return page.locator(f"#{name}-count").inner_text().strip()


def _refs(page, name):
    return [t.strip() for t in page.locator(f"#{name}-results tbody tr td:first-child").all_inner_texts()]


def _programme(scenario):
    return Programme.objects.get(slug=scenario.slug)


def test_risk_register_sorts_filters_and_opens_a_risk_and_the_heat_map(web, scenario):
    page = web.page
    programme = _programme(scenario)
    risks = list(Risk.objects.filter(programme=programme))
    assert len(risks) >= 5
    web.sign_in(scenario.board_member)  # every member reads the RAID log
    web.submit(page.get_by_role("link", name="RAID", exact=True), "risk register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Risks")
    assert _count(page, "risks") == f"{len(risks)} risks"
    expect(page.get_by_role("link", name="Add a risk")).to_have_count(0)  # a board member reads only
    web.screenshot("raid-risks")

    # highest score now first, then by reference
    expected = [r.reference for r in sorted(risks, key=lambda r: (-r.residual, r.reference))]
    assert _refs(page, "risks") == expected
    top = next(r for r in risks if r.reference == expected[0])
    expect(page.locator("#risks-results tbody tr").first).to_contain_text(f"{top.residual} Red")

    workforce = [r for r in risks if r.category == "workforce"]
    web.htmx(lambda: page.get_by_label("Category").select_option(label="Workforce"), "filter by category")
    assert _count(page, "risks") == f"{len(workforce)} risk{'s' if len(workforce) != 1 else ''} match" + (
        "es the filters" if len(workforce) == 1 else " the filters"
    )
    assert _refs(page, "risks") == sorted(r.reference for r in workforce)
    assert "category=workforce" in page.url

    web.submit(page.get_by_role("link", name="Clear filters"), "filters cleared")
    web.submit(page.get_by_role("link", name=top.title), "a risk's page")
    expect(page.get_by_role("heading", level=1)).to_have_text(top.title)
    main = page.locator("main")
    expect(main).to_contain_text(f"Risk {top.reference}")
    expect(main).to_contain_text(
        f"{top.residual} Red likelihood {top.residual_likelihood} ("
    )  # the number and its word, never colour alone
    actions = list(Action.objects.filter(risk=top).order_by("due_on", "reference"))
    assert actions, "the example's risk has its mitigating actions"
    rows = page.get_by_role("table", name=f"Actions on {top}").locator("tbody tr")
    expect(rows).to_have_count(len(actions))
    expect(rows.first).to_contain_text(actions[0].title[:40])
    expect(page.get_by_role("link", name=f"Change risk {top.reference}")).to_have_count(0)
    web.screenshot("raid-risk")

    web.submit(page.get_by_role("link", name="Back to the risks"), "back to the register")
    web.submit(page.get_by_role("link", name="Heat map of the risks"), "heat map")
    expect(page.get_by_role("heading", level=1)).to_have_text("Heat map of the risks")
    open_risks = [r for r in risks if r.status == RiskStatus.OPEN]
    expect(page.locator("#heat-map-summary")).to_contain_text(f"{len(open_risks)} open risks")
    cell = page.get_by_role("link", name=f"at likelihood {top.residual_likelihood}, impact {top.residual_impact}")
    here = [
        r
        for r in open_risks
        if (r.residual_likelihood, r.residual_impact) == (top.residual_likelihood, top.residual_impact)
    ]
    expect(cell).to_contain_text(f"{len(here)} risk")
    web.screenshot("raid-heat-map")

    web.submit(page.get_by_role("link", name="Before mitigation (inherent)"), "heat map before mitigation")
    expect(page.get_by_role("table")).to_contain_text("before mitigation")
    assert "basis=inherent" in page.url
    sample = open_risks[0]
    inherent_here = [
        r
        for r in open_risks
        if (r.inherent_likelihood, r.inherent_impact) == (sample.inherent_likelihood, sample.inherent_impact)
    ]
    link = page.get_by_role("link", name=f"at likelihood {sample.inherent_likelihood}, impact {sample.inherent_impact}")
    web.submit(link, "the register filtered to one cell")
    assert _count(page, "risks") == (
        f"{len(inherent_here)} risk{'s' if len(inherent_here) != 1 else ''} "
        f"match{'es' if len(inherent_here) == 1 else ''} the filters"
    )
    assert sorted(_refs(page, "risks")) == sorted(r.reference for r in inherent_here)


def test_add_refuse_change_and_escalate_a_risk(web, scenario):
    page = web.page
    programme = _programme(scenario)
    web.sign_in(scenario.editor)
    web.visit(scenario.path("raid/risks/"))
    web.submit(page.get_by_role("link", name="Add a risk"), "risk form")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a risk")
    reference = page.get_by_label("Reference").input_value()
    assert reference and not Risk.all_objects.filter(programme=programme, reference=reference).exists()
    page.get_by_label("Risk", exact=True).fill("Agency social workers could not be replaced")
    page.get_by_label("Category").select_option(label="Workforce")
    page.get_by_label("Likelihood before mitigation").fill("H")
    page.get_by_label("Impact before mitigation").fill("6")  # not on the scale
    page.get_by_label("Likelihood now").fill("M")
    page.get_by_label("Impact now").fill("m")
    web.submit(page.get_by_role("button", name="Save"), "a score refused")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Impact before mitigation: 6 is outside the scale: enter a whole number from 1 to 5, or L, M or H"
    )
    expect(page.locator("#id_inherent_impact")).to_have_value("6")  # the typed value kept
    assert not Risk.all_objects.filter(programme=programme, reference=reference).exists()
    web.screenshot("raid-risk-form-error")

    page.get_by_label("Impact before mitigation").fill("4")
    web.submit(page.get_by_role("button", name="Save"), "risk added")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Risk {reference} added")
    risk = Risk.objects.get(programme=programme, reference=reference)
    assert (risk.inherent_likelihood, risk.inherent_impact, risk.residual_likelihood, risk.residual_impact) == (
        4,
        4,
        3,
        3,
    )  # H = 4 (High), M = 3 (Medium)
    main = page.locator("main")
    expect(main).to_contain_text("16 Red likelihood 4 (High) × impact 4 (High)")
    expect(main).to_contain_text("9 Amber likelihood 3 (Medium) × impact 3 (Medium)")

    web.submit(page.get_by_role("link", name="Add an action"), "action form")
    page.get_by_label("Action").fill("Offer agency staff permanent contracts")
    page.get_by_label("Due date").fill("31/07/2019")
    web.submit(page.get_by_role("button", name="Save"), "action added")
    action = Action.objects.get(risk=risk)
    assert action.due_on == dt.date(2019, 7, 31)
    expect(page.get_by_role("table", name=f"Actions on {risk}")).to_contain_text("31/07/2019")

    web.submit(page.get_by_role("link", name=f"Change risk {reference}"), "risk edit form")
    expect(page.get_by_label("Likelihood now")).to_have_value("3")
    page.get_by_label("Likelihood now").fill("5")
    web.submit(page.get_by_role("button", name="Save"), "risk changed")
    expect(main).to_contain_text("15 Red likelihood 5 (Very high) × impact 3 (Medium)")
    risk.refresh_from_db()
    assert (risk.residual_score, risk.version) == (15, 2)

    web.submit(page.get_by_role("link", name="It has happened: raise an issue"), "escalation page")
    expect(page.get_by_label("Date")).to_have_value("01/06/2019")  # the programme's status date
    web.submit(page.get_by_role("button", name="Raise the issue"), "issue raised")
    issue = Issue.objects.get(programme=programme, from_risk=risk)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"Issue {issue.reference} raised from risk {reference}"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(risk.title)
    expect(main).to_contain_text(f"Issue {issue.reference}")
    risk.refresh_from_db()
    assert (risk.status, risk.closed_on) == (RiskStatus.BECAME_ISSUE, dt.date(2019, 6, 1))
    web.submit(page.get_by_role("link", name=str(risk)), "back to the risk")
    expect(main).to_contain_text("Became an issue on 01/06/2019")
    expect(page.get_by_role("link", name="It has happened: raise an issue")).to_have_count(0)

    web.visit(scenario.path("raid/issues/"))
    issues = Issue.objects.filter(programme=programme)
    assert _count(page, "issues") == f"{issues.count()} issues"
    high = issues.filter(priority="high")
    web.htmx(lambda: page.get_by_label("Priority").select_option(label="High"), "issues filtered by priority")
    assert sorted(_refs(page, "issues")) == sorted(i.reference for i in high)
    assert issue.reference in _refs(page, "issues")
    web.screenshot("raid-issues")


def test_a_simple_log_the_appetite_and_the_overview_panel(web, scenario):
    page = web.page
    programme = _programme(scenario)
    web.sign_in(scenario.editor)
    assumptions = LogEntry.objects.filter(programme=programme, kind=LogKind.ASSUMPTION)
    web.visit(scenario.path("raid/assumptions/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Assumptions")
    assert _count(page, "assumptions") == f"{assumptions.count()} assumptions"
    web.submit(page.get_by_role("link", name="Add an assumption"), "assumption form")
    page.get_by_label("Reference").fill("A-new")
    page.get_by_label("Summary").fill("Agency rates stay at the 2019 framework's level")
    page.get_by_label("Review date").fill("01/09/2019")
    web.submit(page.get_by_role("button", name="Save"), "assumption added")
    assert _count(page, "assumptions") == f"{assumptions.count()} assumptions"
    entry = assumptions.get(reference="A-new")
    assert entry.review_on == dt.date(2019, 9, 1)
    search = page.get_by_label("Search")
    search.fill("agency rates")
    web.htmx(lambda: search.press("Enter"), "assumptions searched")
    assert _refs(page, "assumptions") == ["A-new"]
    web.screenshot("raid-assumptions")

    # the appetite: the demand risks above 9 are flagged and filtered (the workforce risk R4 became an issue)
    web.visit(scenario.path("raid/risks/"))
    web.submit(page.get_by_role("link", name="Risk appetite per category"), "appetite form")
    page.get_by_label("Demand").fill("30")
    web.submit(page.get_by_role("button", name="Save"), "appetite refused")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Demand: enter a score from 1 to 25")
    page.get_by_label("Demand").fill("9")
    web.submit(page.get_by_role("button", name="Save"), "appetite saved")
    expect(page.get_by_role("heading", level=1)).to_have_text("Risks")
    above = [
        r.reference
        for r in Risk.objects.filter(programme=programme, category="demand", status=RiskStatus.OPEN)
        if r.residual > 9
    ]
    assert above, "the example has a demand risk above 9"
    web.htmx(lambda: page.get_by_label("Above appetite only").check(), "above appetite only")
    assert sorted(_refs(page, "risks")) == sorted(above)
    expect(page.locator("#risks-results")).to_contain_text("Above appetite")

    # the overview's panel, judged at the status date
    web.visit(scenario.path())
    panel = page.locator("section, div").filter(has=page.get_by_role("heading", name="Risks, issues and actions")).last
    open_risks = Risk.objects.filter(programme=programme, status=RiskStatus.OPEN).count()
    expect(panel).to_contain_text(f"As at {programme.as_at:%d/%m/%Y}: {open_risks} open risks")
    late = [
        a
        for a in Action.objects.filter(programme=programme).select_related("risk", "issue")
        if a.is_overdue(programme.as_at)
    ]
    expect(panel).to_contain_text(f"Overdue actions: {len(late)}")
    web.screenshot("raid-overview-panel")
    web.submit(panel.get_by_role("link", name=f"{open_risks} open risks"), "open risks from the overview")
    assert _count(page, "risks") == f"{open_risks} risks match the filters"
