"""Savings expected by a date and the RAG of delivery: exact, month by month."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from improve.modelling import savings


@pytest.mark.parametrize(
    ("day", "months"),
    [
        (dt.date(2019, 3, 31), 0),
        (dt.date(2019, 4, 1), 0),
        (dt.date(2019, 4, 29), 0),
        (dt.date(2019, 4, 30), 1),
        (dt.date(2019, 9, 30), 6),
        (dt.date(2019, 10, 1), 6),
        (dt.date(2020, 3, 30), 11),
        (dt.date(2020, 3, 31), 12),
        (dt.date(2024, 1, 1), 12),
    ],
)
def test_months_ended_counts_whole_months_of_the_financial_year(day, months):
    assert savings.months_ended(2019, day) == months


def test_expected_by_a_date_is_ended_years_in_full_and_the_current_year_by_twelfths():
    planned = {2019: D("1200000.00"), 2020: D("1250000.00"), 2021: None}
    assert savings.expected_by(planned, dt.date(2019, 3, 1)) == D("0.00")
    assert savings.expected_by(planned, dt.date(2019, 9, 30)) == D("600000.00")
    assert savings.expected_by(planned, dt.date(2020, 6, 30)) == D("1200000.00") + D("312500.00")
    assert savings.expected_by({2019: D("100.00")}, dt.date(2019, 4, 30)) == D("8.33")  # 8.333… to the penny


@pytest.mark.parametrize(
    ("expected", "delivered", "rag"),
    [
        (D("0"), D("0"), ""),
        (D("0"), D("5"), ""),
        (D("100"), D("100"), "green"),
        (D("100"), D("150"), "green"),
        (D("100"), D("75"), "amber"),
        (D("100"), D("74.99"), "red"),
        (D("100"), D("0"), "red"),
    ],
)
def test_rag_of_delivered_against_expected(expected, delivered, rag):
    assert savings.rag(expected, delivered) == rag


def test_shortfall_is_planned_less_delivered():
    assert savings.shortfall(D("1200000.00"), D("900000.00")) == D("300000.00")
    assert savings.shortfall(D("10.00"), None) == D("10.00")
    assert savings.shortfall(None, D("1")) is None
    assert savings.shortfall(D("1"), D("3")) == D("-2")
