"""The service budget trajectory and the figure check in the browser, with axe on every page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def row(page, table, header):
    return page.get_by_role("table", name=table).locator(
        "tr", has=page.get_by_role("rowheader", name=header, exact=True)
    )


def test_read_the_trajectory_and_the_figure_check_and_correct_a_figure(web, scenario):
    page = web.page
    web.sign_in(scenario.other_editor)  # a programme manager changes money
    web.visit(scenario.path("money/"))
    web.submit(page.get_by_role("link", name="Service budget trajectory"), "trajectory")
    expect(page.get_by_role("heading", level=1)).to_have_text("Service budget trajectory")
    expect(row(page, "2021/22", "21/22 Budget")).to_contain_text("Disagrees")
    expect(row(page, "2021/22", "21/22 Budget")).to_contain_text("£35.9m")
    web.screenshot("money-trajectory", width=1400)

    web.submit(page.get_by_role("link", name="Check every printed figure"), "figure check")
    expect(page.get_by_role("heading", level=1)).to_have_text("Figure check")
    expect(page.get_by_text("21/22 Budget £34.4m: with £35.9m both disagreements go", exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Disagreements").get_by_role("row")).to_have_count(6)  # heading + 5
    web.screenshot("money-figure-check", width=1400)

    web.visit(scenario.path("money/trajectory/"))
    web.submit(page.get_by_role("link", name="Change 21/22 Budget, 2021/22"), "edit")
    page.get_by_label("Figure as printed").fill("£35.9m")
    web.submit(page.get_by_role("button", name="Save"), "saved")
    expect(row(page, "2021/22", "21/22 Budget")).to_contain_text("Agrees")
    web.visit(scenario.path("money/trajectory/new/"))
    web.submit(page.get_by_role("button", name="Save"), "empty form")
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def test_archive_a_trajectory_row_and_restore_it(web, scenario):
    page = web.page
    web.sign_in(scenario.other_editor)
    web.visit(scenario.path("money/trajectory/"))
    web.submit(page.get_by_role("link", name="Archive 21/22 Budget, 2021/22"), "archive")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archive 21/22 Budget £34.4m")
    page.get_by_label("Why is it being archived? (optional)").fill("Entered from the wrong draft")
    web.screenshot("money-trajectory-archive", width=1000)
    web.submit(page.get_by_role("button", name="Archive"), "archived")
    expect(page.get_by_text("21/22 Budget £34.4m archived")).to_be_visible()
    expect(page.get_by_role("rowheader", name="21/22 Budget", exact=True)).to_have_count(0)
    web.visit(scenario.path("money/trajectory/2021-22/5/archive/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Restore 21/22 Budget £34.4m")
    web.screenshot("money-trajectory-restore", width=1000)
    web.submit(page.get_by_role("button", name="Restore"), "restored")
    expect(row(page, "2021/22", "21/22 Budget")).to_contain_text("Disagrees")
