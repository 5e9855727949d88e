"""The workbook pages in a real browser, each checked with axe-core.

Uses the browser fixtures of this package: Debian's Chromium through Playwright, axe-core after
every navigation and form submission.
"""

import pytest
from playwright.sync_api import expect

from improve.interchange import selectors, services
from improve.interchange.tests.test_workbook import CSV_ZIP, bad_deflate
from improve.interchange.workbook import xlsx_bytes

pytestmark = pytest.mark.browser


def test_upload_preview_confirm_and_problems(web, scenario, tmp_path):
    page = web.page
    web.sign_in(scenario.editor)
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Workbook"), "workbook")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme workbook")

    web.submit(page.get_by_role("button", name="Check the workbook"), "no file")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a workbook to upload")

    sheets = services.workbook_export(programme=selectors.programme_by_slug(scenario.slug))
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

    # Hundreds of problems: the first 200 are listed and the rest counted.
    sheets["plan_items"] += [{**first, "uid": f"x{n}", "owner": "Nobody Here"} for n in range(300)]
    (tmp_path / "many.xlsx").write_bytes(xlsx_bytes(sheets))
    page.get_by_label("Upload a workbook").set_input_files(str(tmp_path / "many.xlsx"))
    web.submit(page.get_by_role("button", name="Check the workbook"), "many problems")
    expect(page.locator(".govuk-error-summary")).to_contain_text("The workbook has 301 problems")
    expect(page.get_by_role("table", name="Problems in many.xlsx").locator("tbody tr")).to_have_count(200)
    expect(page.get_by_text("… and 101 more problems, not listed here")).to_be_visible()

    # A damaged .zip of CSV files is a form error, not a server error.
    (tmp_path / "damaged.zip").write_bytes(bad_deflate(CSV_ZIP, "book/owners.csv"))
    page.get_by_label("Upload a workbook").set_input_files(str(tmp_path / "damaged.zip"))
    web.submit(page.get_by_role("button", name="Check the workbook"), "damaged zip")
    expect(page.locator(".govuk-error-summary")).to_contain_text("book/owners.csv in the .zip file is damaged")
    assert web.problems() == []
