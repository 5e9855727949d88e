"""Savings plans in the browser: the register, a plan's year and its evidence, the auditor's report, the summary's
demo-data warning and spreadsheet link. axe runs on every page visited."""

import pytest
from playwright.sync_api import expect

from improve.finance.models import SavingsEvidence
from improve.finance.tests.world import PDF, unplaced_change
from improve.programmes.models import Programme

pytestmark = pytest.mark.browser


def test_deliver_a_saving_attach_its_evidence_and_read_the_report(web, scenario, tmp_path):
    page = web.page
    web.sign_in(scenario.other_editor)  # a programme manager changes money
    web.visit(scenario.path("money/"))
    expect(page.locator(".govuk-warning-text").first).to_contain_text("Demo data")
    expect(page.get_by_role("link", name="Download 2019/20 as a spreadsheet (.xlsx)")).to_be_visible()
    web.screenshot("money-summary-demo", width=1400)

    web.submit(page.get_by_role("link", name="Savings plans"), "savings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Savings plans")
    expect(page.get_by_role("row", name="existing Existing savings plans")).to_contain_text("£2,450,000.00")
    web.screenshot("money-savings")

    web.submit(page.get_by_role("link", name="Existing savings plans"), "plan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Existing savings plans")
    web.submit(page.get_by_role("link", name="Change 2019/20"), "year form")
    page.get_by_label("Delivered saving").fill("£300k")
    web.submit(page.get_by_role("button", name="Save"), "no evidence")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what shows the saving was delivered")
    page.get_by_label("Evidence of delivery").fill("Budget monitoring, period 3 (June 2019)")
    web.submit(page.get_by_role("button", name="Save"), "saved")
    expect(page.get_by_role("row", name="2019/20")).to_contain_text("£900,000.00")  # shortfall

    web.submit(page.get_by_role("link", name="Attach evidence"), "attach")
    bad = tmp_path / "not-a.pdf"
    bad.write_bytes(b"<html></html>")
    page.get_by_label("Document").set_input_files(str(bad))
    page.get_by_label("What it shows").fill("Monitoring")
    web.submit(page.get_by_role("button", name="Attach"), "refused")
    expect(page.locator(".govuk-error-summary")).to_contain_text("not-a.pdf is not a real PDF file")
    good = tmp_path / "period 3 monitoring.pdf"
    good.write_bytes(PDF)
    page.get_by_label("Document").set_input_files(str(good))
    page.get_by_label("Year it evidences").select_option("2019/20")
    page.get_by_label("What it shows").fill("Budget monitoring report, period 3")
    web.submit(page.get_by_role("button", name="Attach"), "attached")
    expect(page.get_by_role("link", name="period_3_monitoring.pdf").first).to_be_visible()
    assert SavingsEvidence.objects.get().name == "period_3_monitoring.pdf"
    web.screenshot("money-saving-plan")

    web.visit(scenario.path("money/savings/expected-and-delivered/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Expected and delivered savings")
    expect(page.get_by_role("table", name="All plans, by year (£)")).to_contain_text("£3,600,000.00")
    expect(page.get_by_text("Document: period_3_monitoring.pdf")).to_be_visible()
    web.screenshot("money-savings-report", width=1400)


def test_every_savings_form_is_accessible(web, scenario):
    page = web.page
    unplaced_change(Programme.objects.get(slug=scenario.slug))
    web.sign_in(scenario.other_editor)
    web.visit(scenario.path("money/"))
    web.submit(page.get_by_role("link", name="Put it on a line"), "place")
    expect(page.get_by_role("heading", level=1)).to_have_text("Put the cost of CR-1 on a budget line")
    page.get_by_label("Budget line").select_option(label="endorsed CSG endorsed programme budget")
    page.get_by_label("Financial year").select_option("2019/20")
    web.submit(page.get_by_role("button", name="Save"), "placed")
    expect(page.get_by_role("row", name="Programme total")).to_contain_text("1,111")
    for rest, heading in [
        ("money/savings/new/", "Add a savings plan"),
        ("money/savings/efficient-tom/edit/", "Change savings plan"),
        ("money/savings/efficient-tom/years/2021-22/", "Efficient TOM structure: savings in 2021/22"),
        ("money/savings/efficient-tom/evidence/new/", "Attach evidence to Efficient TOM structure"),
        ("money/savings/efficient-tom/archive/", "Archive Efficient TOM structure"),
    ]:
        web.visit(scenario.path(rest))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    web.visit(scenario.path("money/savings/efficient-tom/edit/"))
    page.get_by_label("Red", exact=True).check()
    web.submit(page.get_by_role("button", name="Save"), "no reason")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the RAG is set by hand")
    web.screenshot("money-saving-edit-error")
