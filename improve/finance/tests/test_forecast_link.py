"""A budget line that follows another room's forecast of money (through the registry, not an import)."""

import datetime as dt
import io
from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from improve.core.models import AuditEvent
from improve.finance import selectors, services
from improve.finance.models import BudgetLine, ForecastLink
from improve.finance.tests.world import SYSTEM, small_budget
from improve.programmes.models import Programme, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def budget(programme):
    return small_budget(programme)


def url(name, programme, *args):
    return reverse(f"finance:{name}", args=[programme.slug, *args])


def test_the_finance_lead_links_a_line_and_its_page_shows_the_forecast_beside_the_plan(
    programme, budget, member, stub_room
):
    lead = member(Role.FINANCE_LEAD)
    form = lead.get(url("forecast-link", programme, "1")).content.decode()
    assert "Projected placement spend (Stub projection from 31/03/2019)" in form
    response = lead.post(url("forecast-link", programme, "1"), {"series": "stub:placements"})
    assert response.status_code == 302
    link = ForecastLink.objects.get(line=budget["line"])
    assert link.series == "stub:placements"
    assert AuditEvent.objects.filter(object_type="finance.forecastlink", action="create").count() == 1
    page = member(Role.VIEWER).get(url("line", programme, "1")).content.decode()
    assert (
        "This line follows <strong>Projected placement spend</strong> from the Stub room: "
        "Stub projection from 31/03/2019." in page
    )
    assert "£1,200,000.00" in page and "£1,199,000.00 to £1,201,000.00" in page
    assert "£247,000.00" in page  # forecast − planned in 2019/20: £1.2m − £953k
    # the plan itself is untouched
    figures = {e.year.start_year: e.figures.planned for e in selectors.line_detail(budget["line"])}
    assert figures[2019] == D("953000.00")


def test_a_new_forecast_changes_what_the_line_shows(programme, budget, member, stub_room):
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    before = selectors.line_forecast(budget["line"], selectors.line_detail(budget["line"]))
    assert [r.forecast for r in before.rows] == [D("1200000.00"), D("1300000.00")]
    stub_room[2020] = D("1500000.00")  # a new projection is stored
    after = selectors.line_forecast(budget["line"], selectors.line_detail(budget["line"]))
    assert [r.forecast for r in after.rows] == [D("1200000.00"), D("1500000.00")]
    assert after.rows[1].difference is None  # nothing planned in 2020/21 ("not entered" is not £0)


def test_unlinking_stops_the_forecast_and_is_audited(programme, budget, member, stub_room):
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    response = member(Role.FINANCE_LEAD).post(url("forecast-link", programme, "1"), {"series": "none"})
    assert response.status_code == 302
    assert not ForecastLink.objects.exists()
    assert AuditEvent.objects.filter(object_type="finance.forecastlink", action="delete").count() == 1
    assert "Forecast (mean)" not in member(Role.VIEWER).get(url("line", programme, "1")).content.decode()


def test_a_forecast_no_room_offers_is_refused_and_a_vanished_one_is_said(programme, budget, stub_room):
    with pytest.raises(ValidationError, match="No forecast 'stub:other' is offered for this programme: choose"):
        services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:other")
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    stub_room.clear()  # the room no longer offers it (its projection was removed)
    found = selectors.line_forecast(budget["line"], selectors.line_detail(budget["line"]))
    assert found.series is None and found.rows[0].forecast is None


@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.VIEWER, Role.ANALYST])
def test_only_those_who_change_the_money_link_a_line(programme, budget, member, stub_room, role):
    response = member(role).post(url("forecast-link", programme, "1"), {"series": "stub:placements"})
    assert response.status_code == 403
    assert not ForecastLink.objects.exists()


@pytest.mark.django_db
def test_a_line_follows_the_demand_room_s_projection_and_a_new_run_changes_it(client):
    """End to end through the registry: the demo's projection, then a new one run by the command."""
    call_command("load_example", "barking-dagenham-2019", stdout=io.StringIO())
    programme = Programme.objects.get(slug="barking-dagenham-2019")
    line = BudgetLine.objects.get(programme=programme, code="endorsed")
    services.forecast_link_set(actor=SYSTEM, line=line, series="demand:placements")
    first = selectors.line_forecast(line, selectors.line_detail(line))
    assert first.series.synthetic and [r.year for r in first.rows] == ["2019/20", "2020/21", "2021/22"]
    viewer = UserFactory()
    MembershipFactory(user=viewer, programme=programme, role=Role.VIEWER)
    client.force_login(viewer)
    page = client.get(url("line", programme, "endorsed")).content.decode()
    assert "synthetic data made up for a demonstration" in page
    call_command(
        "demand", "project", "--programme", programme.slug, "--start", "31/03/2019", "--months", "12",
        "--draws", "100", stdout=io.StringIO(),
    )  # fmt: skip
    second = selectors.line_forecast(line, selectors.line_detail(line))
    assert [r.forecast is not None for r in second.rows] == [True, False, False]  # 12 months: 2019/20 only
    assert second.rows[0].forecast != first.rows[0].forecast
    assert dt.date.today().strftime("%d/%m/%Y") in second.series.provenance
