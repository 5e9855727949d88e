"""Money in the database: exact Decimal pounds in, exact Decimal pounds out, and summed exactly."""

from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from improve.finance.fields import PenceField
from improve.finance.models import LineAmount
from improve.finance.services import AmountEntry, amounts_set
from improve.finance.tests.world import SYSTEM, small_budget


def test_small_and_large_amounts_sum_exactly_in_the_database(programme):
    b = small_budget(programme)
    amounts_set(
        actor=SYSTEM, line=b["line"], year=b["y2"], entries=[AmountEntry(p, planned=D("0.10")) for p in range(1, 13)]
    )
    amounts_set(
        actor=SYSTEM,
        line=b["contingency"],
        year=b["y2"],
        entries=[AmountEntry(p, planned=D("999999999999.99")) for p in range(1, 13)],
    )
    total = LineAmount.objects.filter(year=b["y2"]).aggregate(s=Sum("planned"))["s"]
    assert total == D("12000000000001.08") and isinstance(total, D)  # a float sum would be off by pennies
    row = LineAmount.objects.get(line=b["line"], year=b["y2"], period=1)
    assert row.planned == D("0.10") and str(row.planned) == "0.10"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0.1, "An amount of money must be exact: give it as a Decimal, not a float"),
        (D("0.001"), "0.001 is more precise than a penny"),
        ("abc", "'abc' is not an amount of money"),
        (D("1e30"), "'1E+30' is not an amount of money this product can hold"),
    ],
)
def test_what_is_not_exact_money_is_refused(value, message):
    with pytest.raises(ValidationError) as exc:
        PenceField().to_python(value)
    assert exc.value.messages == [message]


def test_pence_are_what_the_column_holds():
    field = PenceField()
    assert field.get_prep_value(D("953000.00")) == 95300000
    assert field.get_prep_value(D("-0.01")) == -1
    assert field.from_db_value(95300000, None, None) == D("953000.00")
