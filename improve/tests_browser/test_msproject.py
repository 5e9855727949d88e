"""Importing the plan from an MS Project file: upload, the preview of what maps to what, confirm."""

import pytest
from playwright.sync_api import expect

from improve.interchange.msproject.tests.conftest import interop, needs_java
from improve.programmes.models import Dependency

pytestmark = [pytest.mark.browser, needs_java]


def test_a_pmo_officer_imports_an_mpp_file_after_checking_the_preview(web, scenario):
    page = web.page
    web.sign_in(scenario.editor)
    web.visit(scenario.path("workbook/"))
    web.submit(page.get_by_role("link", name="Import the plan from an MS Project file"), "MS Project page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import from MS Project")
    web.screenshot("msproject-upload")

    web.submit(page.get_by_role("button", name="Check the file"), "no file chosen")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select an MS Project file to upload")

    page.get_by_label("Upload an MS Project file").set_input_files(str(interop("password-protected-mpp9.mpp")))
    web.submit(page.get_by_role("button", name="Check the file"), "password-protected file")
    expect(page.locator(".govuk-error-summary")).to_contain_text("protected by a password")

    page.get_by_label("Upload an MS Project file").set_input_files(str(interop("mpp14relations.mpp")))
    page.get_by_label("Strand for the other lines").select_option(label="1 – Practice Improvement")
    web.submit(page.get_by_role("button", name="Check the file"), "preview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the plan before you import it")
    expect(page.get_by_role("row", name="task 3 'Task 3'")).to_contain_text("deliverable 3 at level 1 in strand 1")
    web.screenshot("msproject-preview")

    web.submit(page.get_by_role("button", name="Confirm and import"), "imported")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("mpp14relations.mpp was imported")
    assert Dependency.objects.filter(successor__programme__slug=scenario.slug, type="SF").count() == 1


def test_a_board_member_downloads_the_plan_as_ms_project_xml(web, scenario, tmp_path):
    from improve.interchange.msproject.reader import read_in_process

    page = web.page
    web.sign_in(scenario.board_member)
    web.visit(scenario.path("workbook/"))
    expect(page.get_by_role("heading", name="The plan for MS Project")).to_be_visible()
    web.screenshot("msproject-download")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the plan").click()
    download = waiting.value
    assert download.suggested_filename == f"{scenario.slug}-plan.xml"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert any(t.kept.get("kind") for t in read_in_process(path).tasks)
