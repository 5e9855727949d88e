"""Managing who has access: members list, adding a person (with a mistake first), the one-time password."""

import pytest
from playwright.sync_api import expect

from improve.programmes.models import Membership

pytestmark = pytest.mark.browser


def test_a_programme_manager_adds_a_workstream_lead(web, scenario):
    page = web.page
    web.sign_in(scenario.other_editor)
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Members"), "members")
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")
    web.submit(page.get_by_role("link", name="Add a member"), "add form")

    page.get_by_label("E-mail address").fill("mark.fowler@example.org")
    page.get_by_label("Full name").fill("Mark Fowler")
    page.get_by_label("Workstream lead").check()
    web.submit(page.get_by_role("button", name="Save"), "no strand chosen")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the strands this workstream lead leads")
    assert not Membership.objects.filter(user__email="mark.fowler@example.org").exists()

    page.get_by_label("Practice Improvement").check()
    web.submit(page.get_by_role("button", name="Save"), "added")
    expect(page.locator(".govuk-panel__title")).to_have_text("Mark Fowler added")
    expect(page.locator("code")).not_to_be_empty()

    web.submit(page.get_by_role("link", name="Back to members"), "members again")
    expect(page.get_by_role("row", name="Mark Fowler")).to_contain_text("Practice Improvement")


def test_a_board_member_sees_members_but_cannot_change_them(web, scenario):
    page = web.page
    web.sign_in(scenario.board_member)
    web.visit(scenario.path("members/"))
    expect(page.get_by_role("link", name="Add a member")).to_have_count(0)
    web.visit(scenario.path("members/new/"), status=403)
