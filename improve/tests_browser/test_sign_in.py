"""Signing in through the real form, and the programme overview it leads to."""

import pytest
from playwright.sync_api import expect

from improve.programmes.models import PlanItem

pytestmark = pytest.mark.browser


def test_wrong_password_shows_the_error_summary_then_signing_in_opens_the_programme(web, scenario):
    page = web.page
    web.visit("/accounts/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Improvement Office")

    page.get_by_label("E-mail address").fill(scenario.editor)
    page.get_by_label("Password").fill("wrong horse battery")
    web.submit(page.get_by_role("button", name="Sign in"), "wrong password")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("link")).to_have_text(
        "Enter a correct e-mail address and password. The password is case-sensitive."
    )
    assert "/accounts/sign-in/" in page.url
    # The e-mail address is kept; the password is not.
    expect(page.get_by_label("E-mail address")).to_have_value(scenario.editor)
    expect(page.get_by_label("Password")).to_have_value("")

    page.get_by_label("Password").fill("correct horse battery")
    web.submit(page.get_by_role("button", name="Sign in"), "after signing in")

    # One programme: straight to its overview.
    assert page.url.endswith(scenario.path())
    expect(page.get_by_role("heading", level=1)).to_have_text(scenario.programme_name)
    expect(page.locator(".io-header__user")).to_contain_text(scenario.names[scenario.editor])
    total = PlanItem.objects.filter(programme__slug=scenario.slug).count()
    expect(page.locator("main")).to_contain_text(f"{total} plan lines in")
    web.screenshot("overview")

    # Sign out and the programme is closed again.
    web.submit(page.get_by_role("button", name="Sign out"), "after signing out")
    assert "/accounts/sign-in/" in page.url
    web.visit(scenario.path())  # redirected to the sign-in page
    assert "/accounts/sign-in/" in page.url
