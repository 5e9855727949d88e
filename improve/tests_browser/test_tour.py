"""Every other page of a programme, as a PMO officer and a programme manager use them, checked with axe-core.

The other browser tests cover sign-in, the plan, editing a line, the workbook and members; this one
walks through the rest — owners, projects, strands, stages, dependencies, baselines, history and the
error pages — including each form's error state.
"""

import pytest
from playwright.sync_api import expect

from improve.programmes.models import Baseline, Dependency, Owner

pytestmark = pytest.mark.browser


def test_the_rest_of_the_programme(web, scenario):
    page = web.page
    web.sign_in(scenario.other_editor)  # a programme manager: may change everything

    # Owners and projects: add an owner, with a duplicate first.
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Owners"), "owners")
    web.submit(page.get_by_role("link", name="Add an owner"), "owner form")
    page.get_by_label("Name", exact=True).fill("Sean Girty")
    web.submit(page.get_by_role("button", name="Save"), "duplicate owner")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Sean Girty is already an owner")
    assert not Owner.objects.filter(programme__slug=scenario.slug, name="Priya Shah").exists()
    page.get_by_label("Name", exact=True).fill("Priya Shah")
    web.submit(page.get_by_role("button", name="Save"), "owner saved")
    assert Owner.objects.filter(programme__slug=scenario.slug, name="Priya Shah").exists()
    web.submit(page.get_by_role("link", name="Projects, which group plan lines"), "projects")
    web.submit(page.get_by_role("link", name="Add a project"), "project form")
    page.get_by_label("Code").fill("tom")
    page.get_by_label("Name", exact=True).fill("Target Operating Model")
    web.submit(page.get_by_role("button", name="Save"), "project saved")
    expect(page.get_by_role("table", name="Projects")).to_contain_text("Target Operating Model")

    # The programme's definition, a strand and a stage (with a bad date first).
    web.visit(scenario.path())
    web.submit(page.get_by_role("link", name="Change programme details"), "programme form")
    page.get_by_label("End date").fill("31/13/2021")
    web.submit(page.get_by_role("button", name="Save"), "bad programme date")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a real date")
    web.visit(scenario.path("strands/new/"))
    web.submit(page.get_by_role("button", name="Save"), "empty strand")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    web.visit(scenario.path())
    web.submit(page.get_by_role("link", name="Change Practice Improvement"), "strand form")
    page.get_by_label("Code").fill("1/2")
    web.submit(page.get_by_role("button", name="Save"), "strand code with a slash")
    expect(page.locator(".govuk-error-summary")).to_contain_text("'1/2' cannot be used as a code or ID")
    web.visit(scenario.path())
    web.submit(page.get_by_role("link", name="Closing the Programme"), "stage form")
    page.get_by_label("End date").fill("01/01/2020")
    web.submit(page.get_by_role("button", name="Save"), "stage ends before it starts")
    expect(page.locator(".govuk-error-summary")).to_contain_text("end date must be the same as or after")

    # Dependencies: 16 -> 17 exists in the example; 17 -> 16 would close a loop.
    web.visit(scenario.path("plan/16/dependencies/add/"))
    page.get_by_label("Depends on (unique ID)").fill("17")
    web.submit(page.get_by_role("button", name="Add dependency"), "dependency loop")
    expect(page.locator(".govuk-error-summary")).to_contain_text("dependency loop")
    assert not Dependency.objects.filter(predecessor__uid="17", successor__uid="16").exists()

    # Baselines: take one, see it, and the programme's history.
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Baselines"), "baselines")
    page.get_by_label("Baseline name").fill("Agreed at the Children's Improvement Board")
    web.submit(page.get_by_role("button", name="Take baseline"), "baseline taken")
    expect(page.get_by_role("heading", level=1)).to_have_text("Agreed at the Children's Improvement Board")
    assert Baseline.objects.filter(programme__slug=scenario.slug).count() == 12  # the example's 11 and ours
    web.submit(page.get_by_role("navigation", name="Menu").get_by_role("link", name="History"), "history")
    expect(page.locator("main")).to_contain_text("Priya Shah")
    web.visit(scenario.path("plan/25/history/"))

    # Error pages.
    web.visit(scenario.path("plan/no-such-line/"), status=404)
    web.visit("/programmes/no-such-programme/", status=404)
