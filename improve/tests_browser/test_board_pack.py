"""The board pack in the browser, on Barking & Dagenham's Children's Improvement Board.

A PMO officer opens the Reports tab, asks for a month that is not one, opens October 2019's draft,
chooses the pack's sections, and issues the pack; a board member reads the issued pack. axe-core
checks every page (the conftest's hook).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from improve.core.audit import SYSTEM
from improve.governance.models import Board
from improve.reporting import services
from improve.reporting.models import BoardPack

pytestmark = pytest.mark.browser


def test_open_choose_issue_and_read_a_board_pack(web, scenario):
    page = web.page
    web.sign_in(scenario.editor)
    web.submit(
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Board packs", exact=True), "board packs"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Board packs")
    page.get_by_label("Board").select_option(label="Children's Improvement Board")
    page.get_by_label("Month").fill("October 2019")
    web.submit(page.get_by_role("button", name="Open the pack"), "bad month")
    expect(page.locator(".govuk-error-summary")).to_contain_text("write it as YYYY-MM")
    page.get_by_label("Month").fill("2019-10")
    web.submit(page.get_by_role("button", name="Open the pack"), "draft pack")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children's Improvement Board: October 2019")
    expect(page.locator("main")).to_contain_text("Draft: built from the data as it is now")
    expect(page.get_by_role("heading", level=2, name="Summary")).to_be_visible()
    web.screenshot("board-pack-draft")

    web.submit(page.get_by_role("link", name="Choose the sections of Children's Improvement Board's pack"), "sections")
    page.get_by_role("checkbox", name="Decisions log").uncheck()
    page.get_by_label("Place of Summary").fill("x")
    web.submit(page.get_by_role("button", name="Save the sections"), "bad place")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the place of 'Summary'")
    page.get_by_label("Place of Summary").fill("1")
    web.submit(page.get_by_role("button", name="Save the sections"), "sections saved")
    web.screenshot("board-pack-sections")

    web.visit(scenario.path("reports/packs/cib/2019-10/"))
    expect(page.get_by_role("heading", level=2, name="Decisions log")).to_have_count(0)
    expect(page.get_by_role("heading", level=2, name="Money")).to_be_visible()
    web.submit(page.get_by_role("button", name="Issue this pack"), "issued", timeout=60_000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("issued. It will not change")
    assert BoardPack.objects.filter(board__code="cib", status="issued").count() == 1
    web.screenshot("board-pack-issued-by-pmo")


def test_a_board_member_reads_the_issued_pack(open_browsing, scenario):
    board = Board.objects.get(programme__slug=scenario.slug, code="cib")
    services.pack_issue(actor=SYSTEM, programme=board.programme, board=board, month=dt.date(2019, 10, 1))
    web = open_browsing("board member")
    page = web.page
    web.sign_in(scenario.board_member)
    web.visit(scenario.path("reports/"))
    expect(page.get_by_role("table", name="Issued packs, newest first")).to_contain_text(
        "Children's Improvement Board: October 2019"
    )
    expect(page.get_by_role("link", name="Choose sections")).to_have_count(0)
    web.screenshot("board-pack-list")
    web.submit(page.get_by_role("link", name="Children's Improvement Board: October 2019", exact=True), "issued pack")
    expect(page.locator("main")).not_to_contain_text("Draft: built from the data")
    expect(page.get_by_role("button", name="Issue this pack")).to_have_count(0)
    web.screenshot("board-pack-issued")
