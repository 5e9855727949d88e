"""The governance room in the browser, on Barking & Dagenham's real programme controls.

A programme manager opens the calendar, a board, moves a meeting, raises a change request above the
improvement board's tolerance and approves it at the corporate group, records an endorsement that
completes a gate, and reads the registers, the reporting chain and the documents. A board member
reads the same pages and is told who decides. axe-core checks every page (the conftest's hook).
"""

import datetime as dt

import pytest
from playwright.sync_api import expect

from improve.governance.models import ChangeRequest, Decision, Meeting
from improve.programmes.models import PlanItem

pytestmark = pytest.mark.browser


def test_calendar_board_change_request_decision_registers_and_documents(web, scenario):
    page = web.page
    web.sign_in(scenario.other_editor)  # a programme manager: decides for every board
    gov = scenario.path("governance/")

    # The calendar: the example's 48 meetings of 2019/20, with the reports due each month.
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Governance"), "governance")
    web.visit(gov + "?year=2019")
    expect(page.get_by_role("heading", level=1)).to_have_text("Governance calendar 2019/20")
    expect(page.locator("main")).to_contain_text("48 meetings from 01/04/2019 to 31/03/2020")
    expect(page.get_by_role("table", name="Meetings in December 2019")).to_contain_text("Tue 31/12/2019")
    web.screenshot("governance-calendar")

    # A board page; move its July meeting by hand.
    july = page.get_by_role("table", name="Meetings in July 2019")
    web.submit(july.get_by_role("link", name="Children's Improvement Board"), "board page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Children's Improvement Board")
    web.submit(page.get_by_role("link", name="Move, cancel or change the meeting of 10/07/2019"), "meeting form")
    page.get_by_label("Date").fill("17/07/2019")
    web.submit(page.get_by_role("button", name="Save"), "move without a reason")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the meeting is moved")
    page.get_by_label("Why it is moved or cancelled").fill("Chair on leave")
    web.submit(page.get_by_role("button", name="Save"), "meeting moved")
    expect(page.locator("main")).to_contain_text("Moved from 10/07/2019: Chair on leave")
    moved = Meeting.objects.get(board__code="cib", board__programme__slug=scenario.slug, scheduled=dt.date(2019, 7, 10))
    assert moved.date == dt.date(2019, 7, 17)
    web.screenshot("governance-board")

    # A change request above the improvement board's £50,000: routed to the corporate group.
    web.visit(gov + "changes/")
    web.submit(page.get_by_role("link", name="Raise a change request"), "change form")
    page.get_by_label("What changes").fill("Use the contingency for agency social workers")
    page.get_by_label("Impact on cost (£)").fill("143000")
    page.get_by_label("Plan line 1 it moves").select_option(label="121 Decision to go live/not go live")
    page.get_by_label("Plan line 1: new end").fill("06/03/2020")
    page.get_by_label("Plan line 2 it moves").select_option(label="95 Endorsed by Children's Improvement Board")
    web.submit(page.get_by_role("button", name="Save"), "change with a line but no date")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter plan line 2's new start or end")
    page.get_by_label("Plan line 2: new end").fill("08/10/2019")
    web.submit(page.get_by_role("button", name="Save"), "change raised")
    expect(page.get_by_role("heading", level=1)).to_have_text("Use the contingency for agency social workers")
    expect(page.locator("main")).to_contain_text("escalated to Corporate Strategy Group")
    web.screenshot("governance-change")
    web.submit(page.get_by_role("link", name="Approve or reject this change"), "decide form")
    page.get_by_label("Approve").check()
    page.get_by_label("Reason").fill("Agreed at CSG")
    web.submit(page.get_by_role("button", name="Save the decision"), "change approved")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("approved")
    change = ChangeRequest.objects.get(programme__slug=scenario.slug, title__startswith="Use the contingency")
    assert change.state == "approved" and change.board.code == "csg"
    assert PlanItem.objects.get(programme__slug=scenario.slug, uid="121").end_date == dt.date(2020, 3, 6)

    # An endorsement at the board's September meeting completes gate 95 in the plan.
    web.visit(gov + "decisions/")
    web.submit(page.get_by_role("link", name="Record a decision"), "decision form")
    page.get_by_label("Meeting").select_option(label="Children's Improvement Board, 11/09/2019")
    page.get_by_label("Kind").select_option(label="Endorsement")
    page.get_by_label("What was decided").fill("Assessment and safeguarding service design endorsed")
    page.get_by_label("Governance gate").select_option(label="95 Endorsed by Children's Improvement Board")
    web.submit(page.get_by_role("button", name="Save"), "decision recorded")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("gate 95 is complete in the plan")
    expect(page.get_by_role("table", name="Decisions and endorsements")).to_contain_text("Assessment and safeguarding")
    assert PlanItem.objects.get(programme__slug=scenario.slug, uid="95").status == "complete"
    assert Decision.objects.filter(programme__slug=scenario.slug).count() == 8  # 4 printed, 3 demo, this one
    web.htmx(lambda: page.get_by_label("Board").select_option(label="Children's Leadership (Business Change) Meeting"))
    table = page.get_by_role("table", name="Decisions and endorsements")
    expect(table).to_contain_text("Operational endorsement (plan line 16)")
    expect(table).not_to_contain_text("Assessment and safeguarding")
    web.screenshot("governance-decisions")
    web.submit(page.get_by_role("link", name="Change D-001"), "decision correction form")
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct D-001")

    # The other registers and pages.
    web.visit(gov + "boards/")
    expect(page.get_by_role("table", name="Boards")).to_contain_text("Corporate Strategy Group")
    web.screenshot("governance-boards")
    web.submit(page.get_by_role("link", name="Archive Children's Leadership (Business Change) Meeting"), "archive")
    web.submit(page.get_by_role("button", name="Archive"), "refused: another board escalates to it")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Children's Improvement Programme Team Meeting escalate to Children's Leadership"
    )
    web.visit(gov + "boards/")
    web.submit(page.get_by_role("link", name="Reporting chain"), "chain")
    expect(page.locator("main")).to_contain_text("Draft Programme & PMO dashboard")
    web.visit(gov + "changes/")
    expect(page.get_by_role("table", name="Change requests")).to_contain_text("Approved")
    web.visit(gov + "documents/")
    web.submit(page.get_by_role("link", name="Children's Improvement Programme: Programme Initiation Document"), "PID")
    expect(page.get_by_role("table", name="Revision history")).to_contain_text("Amended in response to May CSG")
    web.screenshot("governance-document")
    web.submit(page.get_by_role("link", name="Add a version"), "version form")
    page.get_by_label("Version").fill("4")
    page.get_by_label("Date").fill("01/07/2019")
    page.get_by_label("Summary of changes").fill("Amended after CSG")
    web.submit(page.get_by_role("button", name="Save"), "version added")
    expect(page.get_by_role("table", name="Revision history")).to_contain_text("Amended after CSG")
    web.submit(page.get_by_role("link", name="Ask for a review or approval"), "sign-off form")


def test_a_board_member_reads_the_room_and_is_told_who_decides(open_browsing, scenario):
    web = open_browsing("board member")
    page = web.page
    web.sign_in(scenario.board_member)
    gov = scenario.path("governance/")
    web.visit(gov + "?year=2019")
    expect(page.get_by_role("button", name="Generate the year's meetings from the boards' cadences")).to_have_count(0)
    web.visit(gov + "boards/cib/?year=2019")
    expect(page.get_by_role("link", name="Move, cancel or change the meeting of 10/07/2019")).to_have_count(0)
    web.visit(gov + "decisions/")
    expect(page.get_by_role("link", name="Record a decision")).to_have_count(
        1
    )  # a board member may, for a board they chair
    web.submit(page.get_by_role("link", name="Record a decision"), "decision form")
    expect(page.locator(".govuk-inset-text")).to_contain_text("You do not chair a board")
    web.visit(gov + "changes/new/", status=403)


def test_a_board_member_subscribes_to_the_calendar_and_can_stop_it(open_browsing, scenario):
    web = open_browsing("board member subscribing")
    page = web.page
    web.sign_in(scenario.board_member)
    web.visit(scenario.path("governance/") + "?year=2019")
    web.submit(page.get_by_role("link", name="Subscribe in Outlook or another calendar"), "subscribe page")
    web.submit(page.get_by_role("button", name="Make my calendar address"), "the addresses, shown once")
    expect(page.get_by_role("heading", name="Your calendar address is ready")).to_be_visible()
    web.screenshot("governance-subscribe")
    address = page.get_by_role("row", name="Every board").locator("code").inner_text()
    feed = page.request.get(address)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in feed.text()
    web.visit(scenario.path("governance/subscribe/"))
    expect(page.locator("code")).to_have_count(0)
    web.submit(page.get_by_role("button", name="Stop my calendar address"), "after stopping it")
    expect(page.get_by_role("button", name="Make my calendar address")).to_be_visible()
    assert page.request.get(address).status == 404


def test_a_programme_manager_stops_a_board_member_s_calendar_address(open_browsing, scenario):
    member = open_browsing("board member subscribing")
    member.sign_in(scenario.board_member)
    member.visit(scenario.path("governance/subscribe/"))
    member.submit(member.page.get_by_role("button", name="Make my calendar address"), "the addresses")
    address = member.page.get_by_role("row", name="Every board").locator("code").inner_text()
    expect(member.page.get_by_role("link", name="Members' calendar addresses")).to_have_count(0)

    web = open_browsing("programme manager")
    page = web.page
    web.sign_in(scenario.other_editor)
    web.visit(scenario.path("governance/subscribe/"))
    web.submit(page.get_by_role("link", name="Members' calendar addresses"), "members' addresses")
    row = page.get_by_role("row", name=scenario.names[scenario.board_member])
    expect(row).to_contain_text("Board member")
    web.screenshot("governance-feed-addresses")
    web.submit(row.get_by_role("button", name="Stop"), "after stopping it")
    expect(page.get_by_role("alert")).to_contain_text("That calendar address no longer works")
    expect(page.get_by_text("No member has a live calendar address")).to_be_visible()
    assert page.request.get(address).status == 404
