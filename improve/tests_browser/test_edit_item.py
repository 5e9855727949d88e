"""Changing a plan line through its form: success, validation errors, a concurrent edit, read-only roles."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from improve.core.models import AuditEvent
from improve.programmes.models import PlanItem

pytestmark = pytest.mark.browser


def _item(scenario):
    return PlanItem.objects.get(programme__slug=scenario.slug, uid=scenario.edit_uid)


def _events(item):
    return AuditEvent.objects.filter(object_type="programmes.planitem", object_id=str(item.pk))


def _summary_row(page, key):
    return (
        page.locator(".govuk-summary-list__row")
        .filter(has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^{re.escape(key)}$")))
        .locator(".govuk-summary-list__value")
    )


def _open_edit_form(web, scenario):
    page = web.page
    web.visit(scenario.path(f"plan/{scenario.edit_uid}/"))
    web.submit(page.get_by_role("link", name="Change this line"), "edit form")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Change plan line {scenario.edit_uid}")


def test_change_the_end_date_and_status_and_see_it_in_the_history(web, scenario):
    page = web.page
    before = _item(scenario)
    old_end, old_status = before.end_display, before.get_status_display()
    new_end = (before.end_date + dt.timedelta(days=196)).strftime("%d/%m/%Y")
    web.sign_in(scenario.editor)

    # From the plan to the line, as a person would.
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Plan"), "plan")
    web.submit(page.locator("#plan-results").get_by_role("link", name=before.title, exact=True), "item page")
    expect(page.get_by_role("heading", level=1)).to_have_text(before.title)
    expect(_summary_row(page, "End")).to_contain_text(old_end)
    web.screenshot("item")

    web.submit(page.get_by_role("link", name="Change this line"), "edit form")
    expect(page.get_by_label("End date")).to_have_value(old_end)
    expect(page.get_by_label("Status")).to_have_value(before.status)
    page.get_by_label("End date").fill(new_end)
    page.get_by_label("Status").select_option(label="On hold")
    web.submit(page.get_by_role("button", name="Save"), "saved")

    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(f"Plan line {scenario.edit_uid} saved")
    assert page.url.endswith(scenario.path(f"plan/{scenario.edit_uid}/"))
    expect(_summary_row(page, "End")).to_contain_text(new_end)
    expect(_summary_row(page, "Status")).to_have_text("On hold")

    after = _item(scenario)
    assert after.end_date.strftime("%d/%m/%Y") == new_end
    assert after.status == "on_hold" and after.version == before.version + 1
    assert after.start_date == before.start_date and after.title == before.title

    web.submit(page.get_by_role("link", name=f"Full history of {scenario.edit_uid}"), "history")
    expect(page.get_by_role("heading", level=1)).to_have_text(str(after))
    newest = page.locator("main tbody tr").first
    expect(newest).to_contain_text(scenario.names[scenario.editor])
    expect(newest).to_contain_text(f"end: {old_end} → {new_end}")
    expect(newest).to_contain_text(f"status: {old_status} → On hold")
    # Only what changed is listed.
    expect(newest.locator("li")).to_have_count(2)


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("01/01/2018", "The end date must be the same as or after the start date"),
        ("31/02/2019", "End date must be a real date, like 18/04/2019, or TBD"),
    ],
    ids=["end-before-start", "no-such-date"],
)
def test_a_bad_end_date_shows_the_error_summary_and_saves_nothing(web, scenario, end, message):
    page = web.page
    before = _item(scenario)
    events_before = _events(before).count()
    web.sign_in(scenario.editor)
    _open_edit_form(web, scenario)

    page.get_by_label("End date").fill(end)
    page.get_by_label("Status").select_option(label="Complete")  # would also need 100%: a second error
    web.submit(page.get_by_role("button", name="Save"), f"error: {end}")

    assert page.url.endswith(scenario.path(f"plan/{scenario.edit_uid}/edit/"))
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link", name=message)
    expect(link).to_have_attribute("href", "#id_end")
    if end != "31/02/2019":
        # A date that is no date is refused by the form; the other rules (the model's) are then
        # checked once the date can be read. A real but wrong date gets every rule's message.
        expect(summary.get_by_role("link", name="A complete item must be 100% complete")).to_have_attribute(
            "href", "#id_percent_complete"
        )

    # The message is also next to the field, the field keeps what was typed, and is described by it.
    field = page.get_by_label("End date")
    expect(field).to_have_value(end)
    expect(field).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    expect(page.locator("#id_end-error")).to_contain_text(message)
    assert "id_end-error" in (field.get_attribute("aria-describedby") or "").split()
    if end == "31/02/2019":
        web.screenshot("edit-errors")

    # The summary's link takes the person to the field.
    link.click()
    expect(field).to_be_focused()

    after = _item(scenario)
    assert (after.end_date, after.status, after.version) == (before.end_date, before.status, before.version)
    assert _events(after).count() == events_before


def test_a_concurrent_edit_shows_the_other_change_and_saves_nothing(open_browsing, scenario):
    first, second = open_browsing("first editor"), open_browsing("second editor")
    first.sign_in(scenario.editor)
    second.sign_in(scenario.other_editor)
    before = _item(scenario)

    # Both open the form on the same version.
    _open_edit_form(first, scenario)
    _open_edit_form(second, scenario)

    first_end = (before.end_date + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    first.page.get_by_label("End date").fill(first_end)
    first.submit(first.page.get_by_role("button", name="Save"), "first saves")
    expect(first.page.locator(".govuk-notification-banner--success")).to_be_visible()

    second.page.get_by_label("Status").select_option(label="On hold")
    second.page.get_by_label("Team or department").fill("Quality Assurance")
    second.submit(second.page.get_by_role("button", name="Save"), "conflict")

    page = second.page
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Someone else changed this line while you were editing it")
    conflict = page.locator("#conflict")
    expect(conflict.get_by_role("heading")).to_have_text("The other change")
    second.screenshot("edit-conflict")
    expect(conflict).to_contain_text(scenario.names[scenario.editor])
    expect(conflict).to_contain_text(f"end: {before.end_display} → {first_end}")
    # The form keeps the second person's values; nothing of theirs was saved.
    expect(page.get_by_label("Status")).to_have_value("on_hold")
    expect(page.get_by_label("Team or department")).to_have_value("Quality Assurance")
    saved = _item(scenario)
    assert saved.end_date.strftime("%d/%m/%Y") == first_end
    assert (saved.status, saved.team, saved.version) == (before.status, before.team, before.version + 1)

    # Saving again, having seen the other change, is accepted.
    second.submit(page.get_by_role("button", name="Save"), "second saves after seeing the conflict")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Plan line {scenario.edit_uid} saved")
    final = _item(scenario)
    assert (final.status, final.team, final.version) == ("on_hold", "Quality Assurance", before.version + 2)


def test_a_board_member_can_read_but_not_change_the_plan(web, scenario):
    page = web.page
    web.sign_in(scenario.board_member)
    expect(page.locator(".io-header__user")).to_contain_text("Board member")
    expect(page.get_by_role("link", name="Change programme details")).to_have_count(0)

    web.visit(scenario.path("plan/"))
    expect(page.get_by_role("link", name="Add a plan line")).to_have_count(0)

    web.visit(scenario.path(f"plan/{scenario.edit_uid}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(_item(scenario).title)
    expect(page.get_by_role("link", name="Change this line")).to_have_count(0)
    expect(page.get_by_role("button", name="Archive this line")).to_have_count(0)
    expect(page.get_by_role("link", name="Add a dependency")).to_have_count(0)

    web.visit(scenario.path(f"plan/{scenario.edit_uid}/edit/"), status=403)
    web.visit(scenario.path("plan/new/"), status=403)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    web.visit(scenario.path("plan/no-such-line/"), status=404)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    before = _item(scenario)
    # A forged POST with a valid CSRF token is refused too.
    token = next(c["value"] for c in web.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        web.url(scenario.path(f"plan/{scenario.edit_uid}/archive/")),
        headers={"X-CSRFToken": token, "Referer": web.url(scenario.path())},
    )
    assert response.status == 403
    assert _item(scenario).archived is False and _item(scenario).version == before.version
