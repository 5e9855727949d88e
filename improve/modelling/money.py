"""Amounts of money as people write them, read exactly; units; cabinet-report formatting.

Pure (no Django). Every amount is a :class:`~decimal.Decimal` in pounds ``[£]``; nothing here
ever makes a float. A unit (``£``, ``£000``, ``£m``) is how a person typed or printed a figure:
``953`` in ``£000`` is £953,000.00.

Reading (:func:`parse_amount`) accepts what councils' spreadsheets and papers hold:
``1234.56``, ``1,234``, ``£953k``, ``£1.095m``, ``-£1.12m``, ``(1,234)`` (brackets: negative),
``−5`` (a typographic minus). A bare number is in the unit the caller names. An amount finer
than a penny is refused rather than rounded: rounding is done only where a function says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
POUNDS, THOUSANDS, MILLIONS = "£", "£000", "£m"
#: Each unit's size [£].
UNITS: dict[str, Decimal] = {POUNDS: Decimal(1), THOUSANDS: Decimal(1000), MILLIONS: Decimal(1_000_000)}
_SUFFIX = {"k": Decimal(1000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
#: More digits than any budget holds (£10^15): refused before any arithmetic.
MAX_DIGITS = 18
_NUMBER_RE = re.compile(r"^(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d+))?$")
HINT = "write e.g. 1234.56 or (1,234)"


class AmountError(ValueError):
    """Text that is not an amount of money; the message quotes it and says what would be accepted."""


@dataclass(frozen=True)
class Printed:
    """A figure as printed: its value ``[£]`` and the rounding step it was printed to ``[£]``.

    ``£1.095m`` → value 1,095,000, step 1,000 (the last printed digit is thousands).
    """

    value: Decimal
    step: Decimal


def _shown(text: str) -> str:
    return text if len(text) <= 30 else f"{text[:27]}…"


def read_printed(raw: object, unit: str = POUNDS) -> Printed:
    """Read ``raw`` exactly: the amount ``[£]`` and the step its last digit stands for ``[£]``.

    A number (int or Decimal) is taken as it is, in ``unit``. Text may carry £, thousands commas,
    a ``k`` / ``m`` / ``bn`` suffix (which overrides ``unit``), a sign or brackets.
    """
    if unit not in UNITS:
        raise AmountError(f"'{unit}' is not a unit: use one of {', '.join(UNITS)}")
    if isinstance(raw, bool):
        raise AmountError(f"'{raw}' is not an amount of money: {HINT}")
    if isinstance(raw, int):
        raw = Decimal(raw)
    elif isinstance(raw, float):
        # A number cell from a spreadsheet: its shortest decimal form, the figure the sheet shows.
        raw = Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise AmountError(f"'{raw}' is not an amount of money: {HINT}")
        exponent = raw.as_tuple().exponent
        assert isinstance(exponent, int)
        if raw.adjusted() >= MAX_DIGITS:
            raise AmountError(f"'{raw}' is too large to be an amount of money")
        return Printed(raw * UNITS[unit], Decimal(1).scaleb(min(exponent, 0)) * UNITS[unit])
    text = str(raw).strip()
    original = text
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text[:1] in "-−–":
        negative, text = not negative, text[1:].strip()
    elif text[:1] == "+":
        text = text[1:].strip()
    if text.startswith("£"):
        text = text[1:].strip()
    if text[:1] in "-−–" and not negative:  # £-5
        negative, text = True, text[1:].strip()
    scale = UNITS[unit]
    lowered = text.lower()
    for suffix, size in _SUFFIX.items():
        if lowered.endswith(suffix) and lowered[: -len(suffix)].rstrip()[-1:].isdigit():
            text, scale = text[: -len(suffix)].rstrip(), size
            break
    text = text.replace(" ", "")
    match = _NUMBER_RE.match(text)
    if not text or not match or (match.group("int") is None and match.group("frac") is None):
        raise AmountError(f"'{_shown(original)}' is not an amount of money: {HINT}")
    digits = (match.group("int") or "0").replace(",", "")
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise AmountError(f"'{_shown(original)}' is too large to be an amount of money")
    frac = match.group("frac") or ""
    try:
        number = Decimal(f"{digits}.{frac}" if frac else digits)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise AmountError(f"'{_shown(original)}' is not an amount of money: {HINT}") from exc
    step = Decimal(1).scaleb(-len(frac)) * scale
    value = number * scale
    return Printed(-value if negative else value, step)


def parse_amount(raw: object, unit: str = POUNDS) -> Decimal:
    """An amount ``[£]`` read exactly from ``raw`` (see :func:`read_printed`); finer than a penny is refused."""
    value = read_printed(raw, unit).value
    if value != value.quantize(PENNY):
        raise AmountError(f"'{_shown(str(raw).strip())}' is more precise than a penny: {HINT}")
    return value.quantize(PENNY) + 0  # + 0: -0.00 becomes 0.00


def in_unit(pounds: Decimal, unit: str) -> Decimal:
    """``pounds`` ``[£]`` expressed in ``unit`` (exact: the units are powers of ten)."""
    return (pounds / UNITS[unit]).normalize() if pounds else Decimal(0)


def from_unit(value: Decimal, unit: str) -> Decimal:
    """``value`` in ``unit`` as pounds ``[£]``, exact."""
    return value * UNITS[unit]


def round_half_up(pounds: Decimal, step: Decimal = PENNY) -> Decimal:
    """``pounds`` ``[£]`` rounded to a multiple of ``step`` ``[£]``, halves away from zero."""
    return (pounds / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


_QUANTA = {0: Decimal(1), 1: Decimal("0.1"), 2: Decimal("0.01"), 3: Decimal("0.001")}


def cabinet(pounds: Decimal | None, unit: str = THOUSANDS, places: int = 0) -> str:
    """A figure as a cabinet report prints it: in ``unit``, thousands commas, negatives in brackets.

    ``-1234567`` in £000 → ``(1,235)``; zero → ``0``; ``None`` (nothing entered) → ``""``.
    Rounded half up, for display only.
    """
    if pounds is None:
        return ""
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    shown = (pounds / UNITS[unit]).quantize(quantum, rounding=ROUND_HALF_UP)
    # Whole units (the summary's thousands of cells) format fastest as an int.
    text = f"{abs(int(shown)):,}" if places == 0 else f"{abs(shown):,.{places}f}"
    return f"({text})" if shown < 0 else text


def pounds(value: Decimal | None) -> str:
    """An exact amount: ``£953,000.00``, negatives in brackets ``(£5.00)``; ``None`` → ``""``."""
    if value is None:
        return ""
    text = f"£{abs(value):,.2f}"
    return f"({text})" if value < 0 else text


def plain(value: Decimal | None) -> str:
    """An amount as the workbook writes it: ``953000.00``, ``-5.00``; ``None`` → ``""``."""
    return "" if value is None else f"{value:.2f}"
