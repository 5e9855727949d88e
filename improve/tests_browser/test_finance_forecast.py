"""A budget line that follows the demand room's projection, in the browser: the line's forecast table,
and the forecast pressure on the money summary (the B&D example's synthetic projection). axe runs on
every page visited."""

from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from playwright.sync_api import expect

from improve.core.audit import SYSTEM
from improve.finance import selectors, services
from improve.finance.models import FinancialYear
from improve.finance.services import AmountEntry
from improve.modelling.money import cabinet
from improve.programmes.models import Programme

pytestmark = pytest.mark.browser

#: what the placements line plans each year [£] (made up for the test: about the example's projection)
PLANNED = {2019: D("23000000.00"), 2020: D("23500000.00"), 2021: D("24000000.00")}


def test_a_line_follows_the_projection_and_the_summary_shows_its_pressure(web, scenario):
    programme = Programme.objects.get(slug=scenario.slug)
    group = services.group_save(
        actor=SYSTEM, programme=programme, data={"code": "placements", "name": "Children's placements", "order": 2}
    )
    line = services.line_save(
        actor=SYSTEM,
        programme=programme,
        data={
            "code": "placements",
            "name": "Placements for children in care",
            "group": group,
            "spend_type": "revenue",
            "duration": "permanent",
            "unit": "£m",
        },
    )
    for year in FinancialYear.objects.filter(programme=programme):
        services.amounts_set(
            actor=SYSTEM, line=line, year=year, entries=[AmountEntry(0, planned=PLANNED[year.start_year])]
        )
    series = selectors.forecast_series(programme)["demand:placements"]
    assert series.synthetic  # the example's projection is made from a synthetic return

    page = web.page
    web.sign_in(scenario.other_editor)  # a programme manager changes the money
    web.visit(scenario.path("money/lines/placements/"))
    web.submit(page.get_by_role("link", name="Follow a forecast"), "form")
    page.get_by_label(f"Projected placement spend ({series.provenance})").check()
    web.submit(page.get_by_role("button", name="Save"), "linked")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The line follows the forecast")
    expect(page.get_by_text("This forecast comes from synthetic data")).to_be_visible()
    forecast = page.get_by_role("table", name="The line's plan and the forecast by financial year, in £")
    first = series.years[0]
    expect(forecast.get_by_role("row", name="2019/20")).to_contain_text(f"£{first.mean:,}")
    web.screenshot("money-line-forecast", width=1200)

    web.visit(scenario.path("money/"))
    budget = page.get_by_role("table", name="Programme budget, 2019/20 (£000)")
    expect(budget.get_by_role("row", name="Programme total")).to_contain_text(cabinet(D("1096000") + PLANNED[2019]))
    expect(page.get_by_role("heading", name="Forecast pressure")).to_be_visible()
    expect(page.get_by_text("Demo data: a forecast below comes from synthetic data")).to_be_visible()
    pressure = page.get_by_role("table", name="Plan and forecast by financial year (£000)")
    expect(pressure.get_by_role("row", name="Forecast (mean)")).to_contain_text(cabinet(first.mean))
    expect(pressure.get_by_role("row", name="Forecast − planned")).to_contain_text(cabinet(first.mean - PLANNED[2019]))
    expect(page.get_by_text(series.provenance)).to_be_visible()
    web.screenshot("money-summary-forecast", width=1400)
