"""Risks named in a paper without scores, in the browser: Cambridgeshire's two risks on the register,
beside the heat map and on a risk's page, written "Not yet scored" (axe checks every page)."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from improve.programmes.models import Programme, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.browser


def test_risks_not_yet_scored_on_the_register_heat_map_and_page(web, transactional_db):
    call_command("load_example", "cambridgeshire-2016", stdout=io.StringIO())
    programme = Programme.objects.get(slug="cambridgeshire-2016")
    user = UserFactory(email="board@example.org", full_name="Bernard Lowe")
    MembershipFactory(user=user, programme=programme, role=Role.BOARD_MEMBER)
    page = web.page
    web.sign_in("board@example.org")
    web.visit(f"/programmes/{programme.slug}/raid/risks/")
    rows = page.locator("#risks-results tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Not yet scored")
    web.screenshot("raid-risks-not-scored")

    web.submit(page.get_by_role("link", name="Heat map of the risks"), "heat map")
    expect(page.locator("#heat-map-not-scored")).to_contain_text("2 open risks not yet scored")
    web.screenshot("raid-heat-map-not-scored")
    web.submit(page.get_by_role("link", name="R2"), "a risk not yet scored")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The risks associated with changing and developing services"
    )
    expect(page.locator("#not-scored")).to_contain_text("not yet scored")
    web.screenshot("raid-risk-not-scored")
