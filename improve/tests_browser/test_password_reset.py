"""A forgotten password: the lockout after too many wrong ones, then a reset by e-mailed link."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new passphrase 2019"  # noqa: S105 - a test password


def test_locked_out_after_five_wrong_passwords_then_reset_by_e_mail_and_sign_in(web, scenario, mailoutbox):
    page = web.page
    web.visit("/accounts/sign-in/")
    for n in range(5):
        page.get_by_label("E-mail address").fill(scenario.editor)
        page.get_by_label("Password").fill(f"wrong horse battery {n}")
        web.submit(page.get_by_role("button", name="Sign in"), f"wrong password {n + 1}")

    # The fifth wrong password locks the address from here, and says so on the sign-in page.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("You have entered a wrong password too many times")
    expect(summary).to_contain_text("Try again in 30 minutes, or reset your password.")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(page.get_by_label("E-mail address")).to_have_value(scenario.editor)
    web.screenshot("sign-in-locked-out")

    # Even the right password does not get in now.
    page.get_by_label("Password").fill("correct horse battery")
    web.submit(page.get_by_role("button", name="Sign in"), "right password while locked out")
    expect(summary).to_contain_text("You have entered a wrong password too many times")
    assert "/accounts/sign-in/" in page.url

    web.submit(summary.get_by_role("link"), "reset form")  # the summary leads to the reset page
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_label("E-mail address").fill("not an address")
    web.submit(page.get_by_role("button", name="Send the link"), "malformed address")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an e-mail address in the correct format, like name@example.org"
    )
    page.get_by_label("E-mail address").fill(scenario.editor.upper())
    web.submit(page.get_by_role("button", name="Send the link"), "link sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    assert len(mailoutbox) == 1 and mailoutbox[0].to == [scenario.editor]
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/", mailoutbox[0].body).group(0)
    web.visit(link)  # redirected to the form at a URL without the token
    assert page.url.endswith("/set-password/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill("something else entirely")
    web.submit(page.get_by_role("button", name="Save new password"), "passwords differ")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm new password must match New password")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    web.submit(page.get_by_role("button", name="Save new password"), "password reset")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been reset")

    # The reset lifted the lock: sign in with the new password.
    web.submit(page.get_by_role("link", name="Sign in"), "sign-in page")
    page.get_by_label("E-mail address").fill(scenario.editor)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    web.submit(page.get_by_role("button", name="Sign in"), "signed in")
    assert page.url.endswith(scenario.path())

    # The link was for one use only.
    web.visit(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired or has already been used")
