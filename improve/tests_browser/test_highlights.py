"""Highlight reports and the dashboard in the browser, on Barking & Dagenham's demo progress for 2019/20.

A workstream lead opens the reports, finds November's returned report, changes it and resubmits it;
the PMO officer accepts it; a board member reads the dashboard. axe-core checks every page.
"""

import re

import pytest
from playwright.sync_api import expect

from improve.programmes.models import Programme, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory
from improve.reporting.models import HighlightReport, ReportState

pytestmark = pytest.mark.browser


def test_a_lead_resubmits_a_returned_report_the_pmo_accepts_and_a_board_member_reads_the_dashboard(
    open_browsing, scenario
):
    programme = Programme.objects.get(slug=scenario.slug)
    lead = UserFactory(email="lead@example.org", full_name="Lena Ward")
    MembershipFactory(user=lead, programme=programme, role=Role.WORKSTREAM_LEAD).strands.set(
        [programme.strands.get(code="2")]
    )
    web = open_browsing("lead")
    page = web.page
    web.sign_in("lead@example.org")
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports"), "reports")
    web.visit(scenario.path("reports/highlights/?year=2019"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Highlight reports 2019/20")
    web.screenshot("highlights-list")
    returned = re.compile(r"^Returned\W+Service Improvement, November 2019")
    web.submit(page.get_by_role("link", name=returned), "returned report")
    expect(page.locator("main")).to_contain_text("Returned because")
    web.screenshot("highlights-detail")
    web.submit(page.get_by_role("link", name="Edit the report"), "edit form")
    page.get_by_role("group", name="Cost").get_by_label("Amber").check()
    page.get_by_label("Achievements this period").fill(
        "Take-up of the scheme: 14 social workers in the first month, £21,000 against the budget line."
    )
    web.screenshot("highlights-form")
    web.submit(page.get_by_role("button", name="Save"), "saved")
    web.submit(page.get_by_role("button", name="Resubmit to the PMO"), "resubmitted")
    expect(page.locator("main")).to_contain_text("Resubmitted")

    pmo = open_browsing("pmo")
    pmo.sign_in(scenario.editor)
    pmo.visit(scenario.path("reports/highlights/2/2019-11/"))
    pmo.submit(pmo.page.get_by_role("link", name="Accept or return"), "review form")
    pmo.submit(pmo.page.get_by_role("button", name="Save the decision"), "no decision")
    expect(pmo.page.locator(".govuk-error-summary")).to_contain_text("Choose whether to accept the report or return it")
    pmo.page.get_by_label("Accept").check()
    pmo.submit(pmo.page.get_by_role("button", name="Save the decision"), "accepted")
    expect(pmo.page.locator("main")).to_contain_text("Accepted")
    report = HighlightReport.objects.get(programme=programme, strand__code="2", period__year=2019, period__month=11)
    assert report.state == ReportState.ACCEPTED and report.cost_rag == "amber"
    pmo.visit(scenario.path("reports/highlights/2/2019-11/history/"))

    board = open_browsing("board")
    board.sign_in(scenario.board_member)
    board.visit(scenario.path("reports/dashboard/"))
    expect(board.page.get_by_role("heading", level=1)).to_have_text("Programme & PMO dashboard")
    expect(
        board.page.get_by_role("table", name="Overall RAG from each month's highlight report (drafts not shown)")
    ).to_be_visible()
    board.screenshot("dashboard")
    board.visit(scenario.path("reports/dashboard/?month=2019-10"))
    expect(board.page.locator("main")).to_contain_text("As at 31/10/2019")
    board.screenshot("dashboard-october-2019")
