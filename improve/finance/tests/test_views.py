"""The money pages: what each role sees and may change, and bad input reported on the form."""

from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.urls import reverse

from improve.finance import selectors
from improve.finance.models import BudgetLine, LineAmount
from improve.finance.tests.world import small_budget
from improve.programmes.models import Role


@pytest.fixture
def budget(programme):
    return small_budget(programme)


def url(name, programme, *args):
    return reverse(f"finance:{name}", args=[programme.slug, *args])


def test_the_summary_is_a_cabinet_report_in_thousands(programme, budget, member):
    page = member(Role.BOARD_MEMBER).get(url("summary", programme) + "?year=2019-20").content.decode()
    assert "Programme budget, 2019/20 (£000)" in page
    for figure in ("953", "143", "1,096", "1,095"):
        assert f">{figure}</td>" in page, figure
    # £1,000 more is planned than the £1.095m available: the additional funding required shows it.
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric io-nowrap">'
    assert f"Additional funding required</th>\n      {cell}1</td>" in page
    assert "Add a budget line" not in page  # a board member reads


def test_negatives_are_in_brackets(programme, budget, member):
    from improve.finance import services
    from improve.finance.services import AmountEntry
    from improve.finance.tests.world import SYSTEM

    services.amounts_set(
        actor=SYSTEM, line=budget["line"], year=budget["y1"], entries=[AmountEntry(0, D("953000"), D("900000"))]
    )
    page = member(Role.VIEWER).get(url("summary", programme) + "?year=2019-20").content.decode()
    assert ">(53)</td>" in page  # variation: £53k under plan


def test_the_line_page_shows_exact_pounds_and_its_months(programme, budget, member):
    page = member(Role.VIEWER).get(url("line", programme, "1")).content.decode()
    assert "£953,000.00" in page and "March 2020" in page
    assert "Capital funding" not in page  # no allocation yet


def test_the_finance_lead_enters_amounts_in_the_line_s_unit(programme, budget, member):
    lead = member(Role.FINANCE_LEAD)
    response = lead.post(url("amounts", programme, "1", "2020-21"), {"p1_planned": "12.5", "p2_planned": "(1)"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Projected spend" not in page
    assert "May 2020: Planned spend cannot be negative ((£1,000.00)): enter 0 or more" in page
    assert not LineAmount.objects.filter(line=budget["line"], year=budget["y2"]).exists()
    response = lead.post(url("amounts", programme, "1", "2020-21"), {"p1_planned": "12.5", "p2_actual": "abc"})
    assert "Actual, May 2020: &#x27;abc&#x27; is not an amount of money: write e.g. 1234.56 or (1,234)" in (
        response.content.decode()
    )
    response = lead.post(url("amounts", programme, "1", "2020-21"), {"p1_planned": "12.5", "p2_planned": "£1k"})
    assert response.status_code == 302
    amounts = {a.period: a.planned for a in LineAmount.objects.filter(line=budget["line"], year=budget["y2"])}
    assert amounts == {1: D("12500.00"), 2: D("1000.00")}  # typed in £000; £1k is £1k whatever the unit


def test_a_line_is_added_with_its_estimate_in_the_unit_typed(programme, budget, member):
    manager = member(Role.PROGRAMME_MANAGER)
    data = {
        "code": "hr",
        "name": "HR project support",
        "group": str(budget["group"].pk),
        "spend_type": "revenue",
        "duration": "one_off",
        "unit": "£m",
        "original_estimate": "0.075",
        "order": "3",
    }
    assert manager.post(url("line-create", programme), data).status_code == 302
    line = BudgetLine.objects.get(code="hr")
    assert line.original_estimate == D("75000.00") and line.unit == "£m"
    response = manager.post(url("line-create", programme), {**data, "code": "x", "original_estimate": "lots"})
    assert "Original full estimate: &#x27;lots&#x27; is not an amount of money" in response.content.decode()


def test_only_the_finance_lead_closes_periods(programme, budget, member):
    manager = member(Role.PROGRAMME_MANAGER)
    assert manager.post(url("period-close", programme, "2019-20", 1)).status_code == 403
    lead = member(Role.FINANCE_LEAD)
    page = lead.get(url("periods", programme)).content.decode()
    assert "Close April 2019" in page and "Close May 2019" not in page
    assert lead.post(url("period-close", programme, "2019-20", 1)).status_code == 302
    assert selectors.period_in(programme, "2019/20", 1).closed


def test_funding_sources_page_flags_rule_breaches(programme, budget, member):
    from improve.finance import services
    from improve.finance.tests.world import SYSTEM

    services.allocation_set(
        actor=SYSTEM, line=budget["line"], source=budget["source"], year=budget["y1"], amount=D("900000")
    )
    analyst = member(Role.ANALYST)
    page = analyst.get(url("sources", programme)).content.decode()
    assert "1 rule breach" in page
    page = analyst.get(url("line", programme, "1")).content.decode()
    assert "Capital funding may not fund revenue spend, and Programme team is revenue" in page


def test_an_unknown_year_or_line_is_not_found(programme, budget, member):
    lead = member(Role.FINANCE_LEAD)
    assert lead.get(url("amounts", programme, "1", "2030-31")).status_code == 404
    assert lead.get(url("amounts", programme, "1", "nonsense")).status_code == 404
    assert lead.get(url("line", programme, "nope")).status_code == 404
    assert lead.post(url("period-close", programme, "x", 1)).status_code == 404
