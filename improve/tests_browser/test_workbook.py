"""The workbook pages in a real browser, each checked with axe-core.

Uses the browser fixtures of this package: Debian's Chromium through Playwright, axe-core after
every navigation and form submission.
"""

import pytest
from playwright.sync_api import expect

from improve.interchange import selectors, services
from improve.interchange.workbook import xlsx_bytes

pytestmark = pytest.mark.browser


def test_upload_preview_confirm_and_problems(web, scenario, tmp_path):
    page = web.page
    web.sign_in(scenario.editor)
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Workbook"), "workbook")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme workbook")

    web.submit(page.get_by_role("button", name="Check the workbook"), "no file")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a workbook to upload")

    sheets = services.workbook_export(programme=selectors.programme_state(scenario.slug).programme)
    first = sheets["plan_items"][0]
    first["title"] += " (changed)"
    (tmp_path / "changed.xlsx").write_bytes(xlsx_bytes(sheets))
    page.get_by_label("Upload a workbook").set_input_files(str(tmp_path / "changed.xlsx"))
    web.submit(page.get_by_role("button", name="Check the workbook"), "preview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the changes before you import them")
    expect(page.get_by_role("table", name="Changed (1)")).to_contain_text(first["title"])
    web.submit(page.get_by_role("button", name="Confirm and import"), "imported")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("changed.xlsx was imported")

    web.visit(scenario.path("workbook/"))
    first["owner"] = "Nobody Here"
    (tmp_path / "wrong.xlsx").write_bytes(xlsx_bytes(sheets))
    page.get_by_label("Upload a workbook").set_input_files(str(tmp_path / "wrong.xlsx"))
    web.submit(page.get_by_role("button", name="Check the workbook"), "problems")
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct the workbook")
    expect(page.get_by_role("table", name="Problems in wrong.xlsx")).to_contain_text(
        "'Nobody Here' is not in the owners sheet"
    )
    assert web.problems() == []
