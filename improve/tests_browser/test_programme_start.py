"""A programme office administrator starts a programme from the web, and opens it."""

import pytest
from playwright.sync_api import expect

from improve.programmes.models import Membership, Programme, Role
from improve.programmes.tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_an_administrator_starts_a_programme_and_opens_it(web, scenario):
    page = web.page
    UserFactory(email="office@example.org", full_name="Olu Office", is_programme_admin=True)
    web.sign_in("office@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your programmes")
    web.submit(page.get_by_role("button", name="Start a programme"), "start form")
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a programme")

    page.get_by_label("Short name").fill(scenario.slug)  # taken: the example programme's
    page.get_by_label("Council").fill("Havering")
    page.get_by_label("Programme name").fill("Children's Services Improvement")
    page.get_by_label("Theme").check()
    page.get_by_label("Start date").fill("01/04/2024")
    page.get_by_label("End date").fill("31/03/2026")
    page.get_by_label("SRO's e-mail address").fill("sam.rowe@havering.example")
    page.get_by_label("SRO's full name").fill("Sam Rowe")
    page.get_by_label("Programme manager's e-mail address (optional)").fill(scenario.other_editor)
    page.get_by_label("Programme manager's full name (optional)").fill("Sam Okafor")
    page.get_by_label("Add me to the programme as a PMO officer").check()
    web.submit(page.get_by_role("button", name="Start the programme"), "slug taken")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(f"Short name '{scenario.slug}' is already another programme's")
    web.screenshot("programme-start-error")
    assert not Programme.objects.filter(council="Havering").exists()

    page.get_by_label("Short name").fill("havering-2024")
    web.submit(page.get_by_role("button", name="Start the programme"), "started")
    expect(page.locator(".govuk-panel__title")).to_have_text("Children's Services Improvement started")
    expect(page.locator(".io-temporary-password")).to_have_count(1)  # only the SRO is new
    web.screenshot("programme-started")
    assert set(Membership.objects.filter(programme__slug="havering-2024").values_list("user__email", "role")) == {
        ("sam.rowe@havering.example", Role.SRO),
        (scenario.other_editor, Role.PROGRAMME_MANAGER),
        ("office@example.org", Role.PMO_OFFICER),
    }

    web.submit(page.get_by_role("link", name="Open Children's Services Improvement"), "the new programme")
    assert page.url.endswith("/programmes/havering-2024/")
    expect(page.get_by_role("region", name="Programme navigation")).to_contain_text("Havering")


def test_the_start_page_as_it_first_appears(web, scenario):
    UserFactory(email="office@example.org", full_name="Olu Office", is_programme_admin=True)
    web.sign_in("office@example.org")
    web.visit("/programmes/new/")
    web.screenshot("programme-start")
    web.visit("/programmes/administrators/")
    expect(web.page.get_by_role("row", name="Olu Office")).to_contain_text("You")
    web.screenshot("programme-administrators")


def test_a_member_cannot_start_a_programme(web, scenario):
    web.sign_in(scenario.editor)
    expect(web.page.get_by_role("link", name="Start a programme")).to_have_count(0)
    web.visit("/programmes/new/", status=403)
