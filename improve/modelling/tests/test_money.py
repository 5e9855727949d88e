from decimal import Decimal

import pytest

from improve.modelling import money
from improve.modelling.money import AmountError, parse_amount


@pytest.mark.parametrize(
    ("text", "unit", "pounds"),
    [
        ("£953k", "£", "953000.00"),  # B&D programme resources, as printed
        ("£143k", "£", "143000.00"),
        ("£1.095m", "£", "1095000.00"),
        ("-£1.12m", "£", "-1120000.00"),  # B&D Appendix B: Transformation Savings
        ("+£922k", "£", "922000.00"),  # B&D Appendix B: Projected Growth
        ("£18,041,082", "£", "18041082.00"),  # B&D Appendix C: total true cost
        ("0.75", "£m", "750000.00"),  # Havering: £0.75m typed in £m
        ("953", "£000", "953000.00"),
        ("(1,234)", "£", "-1234.00"),
        ("(£1,234.56)", "£", "-1234.56"),
        ("−5", "£", "-5.00"),
        ("1234.5", "£", "1234.50"),
        ("0", "£", "0.00"),
        ("-0", "£", "0.00"),
        (Decimal("12.34"), "£", "12.34"),
        (120, "£000", "120000.00"),
        (0.1, "£", "0.10"),  # a spreadsheet's number cell, read as it shows, never as a float
    ],
)
def test_amounts_are_read_exactly(text, unit, pounds):
    value = parse_amount(text, unit)
    assert value == Decimal(pounds) and str(value) == pounds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "'abc' is not an amount of money: write e.g. 1234.56 or (1,234)"),
        ("12,34", "'12,34' is not an amount of money: write e.g. 1234.56 or (1,234)"),
        ("1.2.3", "'1.2.3' is not an amount of money: write e.g. 1234.56 or (1,234)"),
        ("£", "'£' is not an amount of money: write e.g. 1234.56 or (1,234)"),
        ("1.005", "'1.005' is more precise than a penny: write e.g. 1234.56 or (1,234)"),
        ("9" * 40, "'999999999999999999999999999…' is too large to be an amount of money"),
        (True, "'True' is not an amount of money: write e.g. 1234.56 or (1,234)"),
        (float("nan"), "'NaN' is not an amount of money: write e.g. 1234.56 or (1,234)"),
    ],
)
def test_what_is_not_money_is_refused_with_what_would_do(text, message):
    with pytest.raises(AmountError) as exc:
        parse_amount(text)
    assert str(exc.value) == message


def test_printed_figures_keep_the_step_they_were_rounded_to():
    assert money.read_printed("£1.095m") == money.Printed(Decimal("1095000.000"), Decimal("1000"))
    assert money.read_printed("£953k").step == Decimal(1000)
    assert money.read_printed("£32.9m").step == Decimal(100000)
    assert money.read_printed("£1,034,282").step == Decimal(1)
    assert money.read_printed("1.5", "£000").step == Decimal(100)


def test_units_convert_exactly_both_ways():
    assert money.in_unit(Decimal("953000.00"), "£000") == Decimal(953)
    assert money.in_unit(Decimal("750000.00"), "£m") == Decimal("0.75")
    assert money.from_unit(Decimal("0.75"), "£m") == Decimal(750000)
    assert money.in_unit(Decimal("0.00"), "£m") == 0


def test_cabinet_report_layout_is_thousands_with_negatives_in_brackets():
    assert money.cabinet(Decimal("953000.00")) == "953"
    assert money.cabinet(Decimal("-1234567.00")) == "(1,235)"
    assert money.cabinet(Decimal("1500.00")) == "2"  # half up
    assert money.cabinet(Decimal("-500.00")) == "(1)"
    assert money.cabinet(Decimal("0")) == "0"
    assert money.cabinet(None) == ""
    assert money.cabinet(Decimal("1095000"), "£m", 3) == "1.095"
    assert money.pounds(Decimal("-5")) == "(£5.00)"
    assert money.pounds(Decimal("953000")) == "£953,000.00"
    assert money.plain(Decimal("-5")) == "-5.00"
