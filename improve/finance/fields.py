"""Money in the database: a whole number of pence, read and written as an exact Decimal of pounds.

A ``DecimalField`` is exact on PostgreSQL, but SQLite (the default database) keeps a decimal column
as a floating-point number where it can, and sums it in floating point. Whole pence in a 64-bit
integer column are exact on both, and so is their ``SUM`` — the budget's totals are summed in the
database (docs/decisions/0015-money-storage.md). Code never sees the pence: the field gives and
takes :class:`~decimal.Decimal` pounds, and refuses an amount finer than a penny.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models

#: The largest amount [£]: 18 digits of pounds, well inside a 64-bit count of pence.
LIMIT = Decimal("999999999999999999.99")


def pounds_of(pence: int | None) -> Decimal | None:
    """Whole ``pence`` as exact pounds ``[£]`` (a sum read straight from the database); None stays None."""
    return None if pence is None else Decimal(int(pence)).scaleb(-2)


if TYPE_CHECKING:  # Field is generic only in the type stubs
    _Field = models.Field[Decimal | None, Decimal]
else:
    _Field = models.Field


class PenceField(_Field):
    """An amount of money ``[£]``, stored as whole pence (a 64-bit integer column); ``None`` is "not entered"."""

    description = "An amount of money in pounds, stored as whole pence"

    def get_internal_type(self) -> str:
        return "BigIntegerField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Decimal | None:
        return pounds_of(value)

    def to_python(self, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, float):
            raise ValidationError("An amount of money must be exact: give it as a Decimal, not a float")
        try:
            amount = Decimal(value) if not isinstance(value, Decimal) else value
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise ValidationError(f"'{value}' is not an amount of money") from exc
        if not amount.is_finite() or abs(amount) > LIMIT:
            raise ValidationError(f"'{value}' is not an amount of money this product can hold")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(f"{amount} is more precise than a penny")
        return amount.quantize(Decimal("0.01"))

    def get_prep_value(self, value: Any) -> int | None:
        amount = self.to_python(value)
        return None if amount is None else int(amount.scaleb(2))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        return value if prepared else self.get_prep_value(value)
