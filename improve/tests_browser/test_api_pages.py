"""The read API's pages in a real browser, each checked with axe-core: API tokens and the docs."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_make_use_and_revoke_a_token_then_read_the_docs(web, scenario):
    page = web.page
    web.sign_in(scenario.board_member)
    web.visit("/api/tokens/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    web.submit(page.get_by_role("button", name="Make a token"), "no name")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the token")
    page.get_by_label("Name of the token").fill("Power BI dashboard")
    web.submit(page.get_by_role("button", name="Make a token"), "made")
    secret = page.locator("#new-token").inner_text()
    assert secret.startswith("io_")
    web.screenshot("api-token-made")

    response = page.request.get(
        web.url(f"/api/programmes/{scenario.slug}/plan_items/"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status == 200 and response.json()["count"] == 74

    web.visit("/api/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)  # shown once
    web.submit(page.get_by_role("button", name="Revoke the token Power BI dashboard"), "revoked")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been revoked")
    expect(page.get_by_role("table")).to_contain_text("Revoked")
    denied = page.request.get(
        web.url(f"/api/programmes/{scenario.slug}/plan_items/"), headers={"Authorization": f"Bearer {secret}"}
    )
    assert denied.status == 401

    web.submit(page.get_by_role("link", name="How to use the API"), "docs")
    expect(page.get_by_role("heading", level=1)).to_have_text("The read API")
    expect(page.locator("#register-plan_items")).to_be_visible()
    web.screenshot("api-docs", width=1100)
    web.check("docs")
