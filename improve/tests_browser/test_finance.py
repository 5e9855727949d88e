"""The money room in the browser: the summary, a line's months, entering amounts, funding, closing a period."""

import pytest
from playwright.sync_api import expect

from improve.finance.models import LineAmount
from improve.programmes.models import Programme, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_enter_a_month_read_the_summary_and_close_a_period(web, scenario):
    page = web.page
    web.sign_in(scenario.other_editor)  # a programme manager changes money
    web.submit(page.get_by_role("link", name="Money", exact=True), "money")
    expect(page.get_by_role("heading", level=1)).to_have_text("Money")
    table = page.get_by_role("table", name="Programme budget, 2019/20 (£000)")
    expect(table.get_by_role("row", name="Programme total")).to_contain_text("1,096")
    expect(page.get_by_role("row", name="Additional funding required")).to_contain_text("1")
    web.screenshot("money-summary", width=1400)

    web.submit(page.get_by_role("link", name="CSG endorsed programme budget"), "line")
    expect(page.get_by_role("heading", level=1)).to_have_text("CSG endorsed programme budget")
    web.submit(page.get_by_role("link", name="Enter amounts for 2019/20"), "amounts")
    page.get_by_label("Actual, April 2019").fill("abc")
    web.submit(page.get_by_role("button", name="Save"), "bad amount")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Actual, April 2019: 'abc' is not an amount of money: write e.g. 1234.56 or (1,234)"
    )
    page.get_by_label("Actual, April 2019").fill("61.5")  # in £000, the line's unit
    web.submit(page.get_by_role("button", name="Save"), "saved")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 row changed")
    expect(page.get_by_role("row", name="April 2019")).to_contain_text("£61,500.00")
    assert LineAmount.objects.get(line__code="endorsed", period=1).actual == 61500
    web.screenshot("money-line")

    web.visit(scenario.path("money/funding/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding sources")
    web.screenshot("money-funding")

    programme = Programme.objects.get(slug=scenario.slug)
    lead = UserFactory(email="finance@example.org", full_name="Florence Lead")
    MembershipFactory(user=lead, programme=programme, role=Role.FINANCE_LEAD)
    web.context.clear_cookies()
    web.sign_in("finance@example.org")
    web.visit(scenario.path("money/periods/"))
    web.submit(page.get_by_role("button", name="Close April 2019"), "closed")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("April 2019 closed")
    expect(page.get_by_role("button", name="Close May 2019")).to_be_visible()
    web.screenshot("money-periods")


def test_every_money_form_and_list_is_accessible(web, scenario):
    """Each page of the money room, opened by a programme manager, passes axe (checked on every visit)."""
    page = web.page
    web.sign_in(scenario.other_editor)
    for rest, heading in [
        ("money/lines/", "Budget lines"),
        ("money/lines/new/", "Add a budget line"),
        ("money/lines/endorsed/edit/", "Change budget line"),
        ("money/lines/endorsed/adjust/2019-20/", "Adjust an actual of CSG endorsed programme budget, 2019/20"),
        ("money/lines/endorsed/allocate/", "Fund CSG endorsed programme budget from a source"),
        ("money/lines/endorsed/archive/", "Archive CSG endorsed programme budget"),
        ("money/groups/", "Budget groups"),
        ("money/groups/new/", "Add a budget group"),
        ("money/drawdowns/new/", "Draw down contingency"),
        ("money/funding/capital/", "Capital funding released by the PID"),
        ("money/funding/capital/edit/", "Change funding source"),
        ("money/funding/capital/amounts/", "What Capital funding released by the PID provides each year"),
        ("money/funding/new/", "Add a funding source"),
        ("money/periods/", "Financial years and periods"),
        ("money/periods/add-year/", "Add a financial year"),
    ]:
        web.visit(scenario.path(rest))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    web.visit(scenario.path("money/drawdowns/new/"))
    page.get_by_label("To line").select_option(label="CSG endorsed programme budget")
    page.get_by_label("Amount (£)").fill("£200k")
    page.get_by_label("Reason").fill("Systems trainer")
    page.get_by_label("Approved by").select_option(label="CSG")
    page.get_by_label("Approved on").fill("01/09/2019")
    web.submit(page.get_by_role("button", name="Save"), "too much")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Contingency has £143,000.00 of contingency left in 2019/20: draw down at most £143,000.00"
    )
    page.get_by_label("Amount (£)").fill("£43k")
    web.submit(page.get_by_role("button", name="Save"), "drawn down")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("£43,000.00 drawn down")
    expect(page.get_by_role("row", name="Contingency").first).to_contain_text("100")
    web.screenshot("money-drawdown")
