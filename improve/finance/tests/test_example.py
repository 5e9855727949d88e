"""B&D's programme resources (PID 4.1) as the example loads them, and the totals the product computes."""

from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.urls import reverse

from improve.finance import selectors
from improve.interchange.tests.conftest import load
from improve.modelling.figures import check_total
from improve.modelling.money import read_printed
from improve.programmes.models import Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def test_b_and_d_s_programme_resources_add_up_as_printed(bd):
    summary = selectors.budget_summary(bd)
    figures = summary.figures
    assert summary.years == [2019, 2020, 2021] and summary.current_year == 2019  # status date 01/06/2019
    assert figures.base.planned == {2019: D("953000.00")}  # £953k endorsed
    assert figures.contingency.planned == {2019: D("143000.00")}  # £143k contingency
    assert figures.programme.planned == {2019: D("1096000.00")}  # the parts as printed add up to £1.096m
    assert figures.available == {2019: D("1095000.00"), 2020: D("0.00"), 2021: D("0.00")}  # £1.095m released
    # The printed parts exceed the printed total by £1,000, which the summary shows as funding still to find ...
    assert figures.additional_required[2019] == D("1000.00")
    # ... and which the rounding of £953k, £143k and £1.095m explains (the figure check's allowance: £1,500).
    printed = {p.code: p.text for p in selectors.printed_for(bd)}
    check = check_total(
        read_printed(printed["resources-total"]),
        [read_printed(printed["resources-endorsed"]), read_printed(printed["resources-contingency"])],
    )
    assert check.agrees and check.difference == D("-1000") and check.allowance == D("1500")
    assert {line.code: line.original_estimate for line in selectors.lines_for(bd)} == {
        "endorsed": D("953000.00"),
        "contingency": D("143000.00"),
    }


def test_b_and_d_s_money_page_in_thousands(bd):
    user = UserFactory(email="sro@example.org")
    MembershipFactory(user=user, programme=bd, role=Role.SRO)
    from django.test import Client

    client = Client()
    client.force_login(user)
    page = client.get(reverse("finance:summary", args=[bd.slug])).content.decode()
    assert "Programme budget, 2019/20 (£000)" in page
    for figure in ("953", "143", "1,096", "1,095"):
        assert f">{figure}</td>" in page, figure
    # A row's rules: the endorsed budget is capital, funded from capital funding: within the rules.
    line_page = client.get(reverse("finance:line", args=[bd.slug, "endorsed"])).content.decode()
    assert "Within its rules" in line_page and "£953,000.00" in line_page


def test_the_yearly_totals_kept_are_what_b_and_d_s_amounts_say(bd):
    """Every line's total per year is kept as amounts are written (B&D: the endorsed £953k line and the
    £143k contingency, in 2019/20); working them out again changes nothing."""
    from improve.finance import services
    from improve.finance.models import LineYearTotal

    def kept():
        return sorted(
            LineYearTotal.objects.filter(programme=bd).values_list(
                "line_id", "year_id", "planned", "projected", "actual"
            )
        )

    before = kept()
    assert len(before) == len([r for r in selectors.amount_sums(bd) if r[2:] != (None, None, None)]) == 2
    assert services.year_totals_rebuild(programme=bd) == len(before)
    assert kept() == before
