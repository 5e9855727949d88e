"""The money rules, each written once, as plain functions over values (no database).

Services call them and raise; the workbook import calls them and reports the cell; pages call
them to flag. Each returns the message to show, or ``None`` / an empty list when all is well.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from improve.modelling import fiscal
from improve.modelling.money import pounds


@dataclass(frozen=True)
class SourceRules:
    """What a funding source may pay for."""

    name: str
    funds_revenue: bool = True
    funds_capital: bool = True
    funds_one_off: bool = True
    funds_permanent: bool = True
    must_carry_savings: bool = False
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class SpendFacts:
    """What a budget line's spend is, as far as a source's rules ask."""

    name: str
    revenue: bool
    one_off: bool
    carries_savings: bool


def breaches(rules: SourceRules, spend: SpendFacts, start_year: int) -> list[str]:
    """Each rule of ``rules`` that funding ``spend`` in the year starting ``start_year`` breaks.

    A breach is flagged, not refused: councils do fund against a rule, with a decision to do so,
    and the board must see it.
    """
    found: list[str] = []
    kind = "revenue" if spend.revenue else "capital"
    if (spend.revenue and not rules.funds_revenue) or (not spend.revenue and not rules.funds_capital):
        found.append(f"{rules.name} may not fund {kind} spend, and {spend.name} is {kind}")
    duration = "one-off" if spend.one_off else "permanent"
    if (spend.one_off and not rules.funds_one_off) or (not spend.one_off and not rules.funds_permanent):
        found.append(f"{rules.name} may not fund {duration} spend, and {spend.name} is {duration}")
    if rules.must_carry_savings and not spend.carries_savings:
        found.append(f"{rules.name} may fund only spend that carries savings, and {spend.name} carries none")
    first, last = fiscal.bounds(start_year)
    year = fiscal.label(start_year)
    if rules.valid_from and rules.valid_from > first:
        found.append(
            f"{rules.name} may fund spend only from {rules.valid_from:%d/%m/%Y}, but {year} starts {first:%d/%m/%Y}"
        )
    if rules.valid_until and rules.valid_until < last:
        found.append(
            f"{rules.name} may fund spend only until {rules.valid_until:%d/%m/%Y}, but {year} runs to {last:%d/%m/%Y}"
        )
    return found


def over_source(source: str, year: str, available: Decimal | None, allocated: Decimal) -> str | None:
    """Allocations from a source in a year must not add up to more than it provides that year."""
    if available is None:
        return f"{source} has no amount for {year}: enter its amount for {year} first"
    if allocated > available:
        return (
            f"{source} provides {pounds(available)} in {year} and this would allocate {pounds(allocated)} of it: "
            f"allocate at most {pounds(available)} in all"
        )
    return None


def negative(what: str, value: Decimal | None) -> str | None:
    """Spend that cannot be negative (an allocation, a source's amount, a draw-down)."""
    if value is not None and value < 0:
        return f"{what} cannot be negative ({pounds(value)}): enter 0 or more"
    return None


def year_outside(label: str, years: list[str]) -> str | None:
    """A year must be one of the programme's financial years."""
    if label in years:
        return None
    if not years:
        return f"{label} is not a year of the programme: the programme has no financial years yet; add {label} first"
    return f"{label} is not a year of the programme: use one of {', '.join(years)}, or add {label} first"


def closed_actual(period_label: str) -> str:
    return f"{period_label} is closed: its actual changes only through a recorded adjustment"


def both_ways(measure: str, year: str, yearly: bool) -> str:
    done, other = ("for the whole year", "by month") if yearly else ("by month", "for the whole year")
    return (
        f"{measure.capitalize()} for {year} is already entered {done}: enter it {done} or {other}, not both "
        f"(clear the {done} figures first)"
    )


def drawdown_too_large(line: str, year: str, remaining: Decimal, amount: Decimal) -> str | None:
    if amount > remaining:
        return (
            f"{line} has {pounds(remaining)} of contingency left in {year}: draw down at most {pounds(remaining)} "
            f"(not {pounds(amount)})"
        )
    return None


def adjustment_zero(amount: Decimal | None) -> str | None:
    if amount is not None and amount == 0:
        return "An adjustment of £0.00 changes nothing: enter the change to the actual"
    return None


def adjustment_reason_missing(reason: str) -> str | None:
    return None if reason.strip() else "Say why the actual of a closed period changes"


def drawdown_reason_missing(reason: str) -> str | None:
    return None if reason.strip() else "Say why the contingency is drawn down"


def drawdown_not_contingency(line: str) -> str:
    return f"{line} is not a contingency line: draw down from a contingency line"


DRAWDOWN_SAME_LINE = "Choose another line to receive the money"


def record_changed(what: str, number: int) -> str:
    """An adjustment or draw-down is a record: it is never edited, only added (or a draw-down withdrawn)."""
    return (
        f"{what} {number} is already recorded with other values: a record is not changed; "
        f"put it back as it was and add a new {what.lower()} with a new number"
    )


def saving_negative(measure: str, value: Decimal | None) -> str | None:
    """A saving is written as a positive amount, however a paper prints it."""
    if value is not None and value < 0:
        return (
            f"A {measure} saving is written as a positive amount (a saving of £1.2m is 1,200,000), "
            f"not {pounds(value)}: enter 0 or more"
        )
    return None


def delivered_without_evidence(delivered: Decimal | None, evidence: str) -> str | None:
    if delivered and not evidence.strip():
        return "Say what shows the saving was delivered (attach the document too, if you have it)"
    return None


def rag_override_problem(rag: str, reason: str) -> tuple[str, str] | None:
    """(field, message) when a hand-set RAG lacks its reason, or a reason lacks its RAG."""
    if rag and not reason.strip():
        return "rag_reason", "Say why the RAG is set by hand (or leave the RAG to be worked out from delivery)"
    if reason.strip() and not rag:
        return "rag_override", "Choose the RAG the reason is for, or clear the reason"
    return None


def forecast_refused(key: str, offered: dict[str, str], *, current: str = "", waiting: bool = False) -> str | None:
    """Why a budget line may not follow the forecast ``key`` (None: it may).

    ``offered`` maps each key the rooms offer for the programme now to its title. A key offered may
    be followed, and so may the one the line follows already (a forecast no longer offered is kept,
    and named as such on the line's page). ``waiting`` (a workbook import) accepts any key while no
    room offers a forecast for the programme at all: the data a forecast is made from may be
    loaded after the workbook (an example's demand data is), and the line shows it once it is.
    """
    if key in offered or key == current or (waiting and not offered):
        return None
    choices = ", ".join(f"'{k}' ({title})" for k, title in offered.items()) or "none is offered yet"
    return f"No forecast '{key}' is offered for this programme: choose {choices}"
