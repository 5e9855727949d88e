"""What a code or ID and a plan date may be: each rule once, for the models, the forms and the workbook.

A plan line's unique ID and a strand's, stage's or project's code go into page addresses
(``/plan/<uid>/``), so they are kept to what an address carries as it is: letters, digits, ``.``,
``-`` and ``_``, not only dots (``.`` and ``..`` mean "this folder" and "the folder above"), at most
:data:`KEY_MAX_LENGTH` characters. Every ID and code in the example plans (``1``, ``17``, ``101``,
``eval``) fits, and so do outline numbers such as ``1.2``.

A date of a programme lies between :data:`EARLIEST_DATE` and :data:`LATEST_DATE`: wide enough for
any programme's history and future, narrow enough that a slip of the keyboard (``31/12/9999``,
``01/01/0001``) is caught rather than drawn across two thousand years.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

KEY_MAX_LENGTH = 40
KEY_RE = re.compile(rf"(?!\.+\Z)[A-Za-z0-9._-]{{1,{KEY_MAX_LENGTH}}}\Z")
KEY_RULE = f"use only letters, digits, '.', '-' and '_' (not only dots), at most {KEY_MAX_LENGTH} characters"

EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_RANGE_MESSAGE = f"Enter a date between {EARLIEST_DATE:%d/%m/%Y} and {LATEST_DATE:%d/%m/%Y}"


def is_url_key(value: object) -> bool:
    """Whether ``value`` is a code or ID that a page address can carry (see :func:`validate_key`)."""
    return isinstance(value, str) and KEY_RE.match(value) is not None


def validate_key(value: str) -> None:
    """Refuse a code or unique ID that a page address cannot carry."""
    if not is_url_key(value):
        raise ValidationError(
            f"'{value}' cannot be used as a code or ID: {KEY_RULE}, for example 25, 1.2 or practice",
            code="invalid_key",
        )


def validate_plan_date(value: dt.date) -> None:
    """Refuse a date outside the years a programme can span."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")
