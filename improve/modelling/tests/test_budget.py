"""The derived budget figures, with cases from the seed papers (B&D's PID, Havering's business case)."""

from decimal import Decimal as D  # noqa: N817 - the tables read better

import pytest

from improve.modelling import budget
from improve.modelling.budget import LineInput, YearFigures
from improve.modelling.figures import check_total
from improve.modelling.money import read_printed


def test_variation_is_projected_less_planned_and_blank_without_a_projection():
    assert budget.variation(D("953000.00"), D("1000000.00")) == D("47000.00")
    assert budget.variation(D("953000.00"), D("900000.50")) == D("-52999.50")
    assert budget.variation(D("953000.00"), None) is None
    assert budget.variation(None, D("10.00")) == D("10.00")


def test_a_year_is_its_yearly_amount_else_the_sum_of_its_months():
    assert budget.year_figure(D("750000.00"), [D("1.00")]) == D("750000.00")
    assert budget.year_figure(None, [D("62500.00")] * 12) == D("750000.00")  # Havering's £0.75m by month
    assert budget.year_figure(None, [None, None]) is None
    assert budget.year_figure(None, [D("0.00"), None]) == D("0.00")


def test_sums_are_exact_where_floats_are_not():
    assert budget.total([D("0.10")] * 10) == D("1.00")
    assert sum([0.1] * 10) != 1.0  # what a float would have done
    big = D("999999999999999999.99")
    assert budget.total([big, big, D("0.02")]) == D("2000000000000000000.00")


def test_latest_estimate_is_past_actuals_current_forecast_and_later_plans():
    years = {
        2019: YearFigures(planned=D("500000.00"), projected=D("480000.00"), actual=D("470000.00")),
        2020: YearFigures(planned=D("453000.00"), projected=D("460000.00"), actual=D("100000.00")),
        2021: YearFigures(planned=D("143000.00")),
    }
    # As at 2020/21: 2019/20 actual 470,000 + 2020/21 projected 460,000 + 2021/22 planned 143,000.
    assert budget.latest_estimate(years, 2020) == D("1073000.00")
    # As at 2019/20, nothing is past: its projection, then the plans.
    assert budget.latest_estimate(years, 2019) == D("1076000.00")
    # Without a projection for the current year its plan stands.
    assert budget.latest_estimate({2019: YearFigures(planned=D("953000.00"))}, 2019) == D("953000.00")


def test_additional_funding_required_is_the_shortfall_never_a_negative():
    # B&D: £953k + £143k of lines against £1.095m released: the exact printed figures leave £1k short.
    assert budget.additional_funding_required(D("1096000.00"), D("1095000.00")) == D("1000.00")
    assert budget.additional_funding_required(D("676000.00"), D("750000.00")) == D("0.00")


def test_subtotals_keep_the_order_keys_are_met():
    rows = [("capacity", D("80000.00")), ("investment", D("420000.00")), ("capacity", D("39000.00")), ("x", None)]
    assert list(budget.subtotals(rows).items()) == [
        ("capacity", D("119000.00")),
        ("investment", D("420000.00")),
        ("x", D("0.00")),
    ]


def test_a_programme_s_budget_b_and_d_programme_resources():
    lines = [
        LineInput("resources", "programme", True, False, {2019: YearFigures(planned=D("953000.00"))}),
        LineInput("contingency", "programme", True, True, {2019: YearFigures(planned=D("143000.00"))}),
    ]
    figures = budget.compute(lines, [2019], 2019, {2019: D("1095000.00")})
    assert figures.base.planned == {2019: D("953000.00")}
    assert figures.contingency.planned == {2019: D("143000.00")}
    assert figures.programme.planned == {2019: D("1096000.00")}
    assert figures.groups["programme"].over_years("planned") == D("1096000.00")
    assert figures.latest_estimate == {"resources": D("953000.00"), "contingency": D("143000.00")}
    assert figures.additional_required == {2019: D("1000.00")}
    assert figures.additional_required_total == D("1000.00")


def test_programme_totals_carry_variation_only_where_projected():
    lines = [
        LineInput(1, "a", False, False, {2019: YearFigures(D("100.00"), D("120.00"), D("60.00"))}),
        LineInput(2, "a", False, False, {2019: YearFigures(D("50.00"))}),
        LineInput(3, "b", True, False, {2020: YearFigures(D("10.00"), D("5.00"))}),
    ]
    figures = budget.compute(lines, [2019, 2020], 2019)
    assert figures.programme.planned == {2019: D("150.00"), 2020: D("10.00")}
    assert figures.programme.projected == {2019: D("120.00"), 2020: D("5.00")}
    assert figures.programme.variation == {2019: D("20.00"), 2020: D("-5.00")}
    assert figures.programme.actual == {2019: D("60.00")}
    assert figures.groups["b"].over_years("planned") == D("10.00")
    assert figures.latest_estimate == {3: D("10.00")}  # permanent lines have none
    assert figures.additional_required == {2019: D("150.00"), 2020: D("10.00")}


@pytest.mark.parametrize(
    ("total", "parts", "agrees"),
    [
        # B&D programme resources: £953k + £143k = £1.096m printed as £1.095m: rounding explains it.
        ("£1.095m", ["£953k", "£143k"], True),
        # B&D Appendix B, 2019/20 budget: 32.9 − 1.12 + 1 + 1.56 = 34.34, printed 34.4.
        ("£34.4m", ["£32.9m", "-£1.12m", "+£1m", "+£1.56m"], True),
        # 2019/20 out-turn: 38.0 + 1.9 − 1.2 + 0.922 = 39.622, printed 39.6.
        ("£39.6m", ["£38.0m", "+£1.9m", "-£1.2m", "+£922k"], True),
        # 2021/22 budget: the 2020/21 budget of £35.9m with no movement printed as £34.4m: a finding.
        ("£34.4m", ["£35.9m"], False),
        # 2021/22 projected variance: out-turn £38.4m − budget £34.4m = £4.0m, printed £2.4m: a finding.
        ("£2.4m", ["£38.4m", "-£34.4m"], False),
        # Havering: the roles priced add up to £676k against the £0.75m asked for: a finding.
        ("£0.75m", ["£15k", "£80k", "£39k", "£420k", "£51k", "£51k", "£15k", "£5k"], False),
        # B&D Appendix C, improvement structure cost: exact to the pound.
        (
            "£16,859,582",
            ["£3,137,400", "£6,719,800", "£213,200", "£3,273,700", "£1,034,282", "£2,481,200"],
            True,
        ),
    ],
)
def test_a_printed_total_is_checked_against_its_parts_allowing_for_rounding(total, parts, agrees):
    check = check_total(read_printed(total), [read_printed(p) for p in parts])
    assert check.agrees is agrees, (check.difference, check.allowance)


def test_the_rounding_allowance_grows_with_the_number_of_rounded_parts():
    check = check_total(read_printed("£1.095m"), [read_printed("£953k"), read_printed("£143k")])
    assert (check.difference, check.allowance) == (D("-1000"), D("1500"))
    one_more = check_total(read_printed("£1.095m"), [read_printed(p) for p in ("£953k", "£143k", "£0k")])
    assert one_more.allowance == D("2000")
