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
