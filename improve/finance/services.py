"""Writes to the programme's money. Each is atomic, validates, and is audited (through core).

Rules live once: on a model's ``clean()`` or in :mod:`improve.finance.rules`, which the services
here and the workbook import both call. Who may call what is decided on the pages (the
permission table): ``edit_finance`` for money, ``close_periods`` for closing a period.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict, cast

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.text import get_valid_filename

from improve.core import audit
from improve.core.audit import Actor
from improve.core.models import ArchivableModel, AuditEvent
from improve.core.registry import ApprovedChange
from improve.core.services import (
    model_archive,
    model_create,
    model_delete,
    model_restore,
    model_update,
    version_claim,
)
from improve.finance import rules
from improve.finance.fields import pounds_of
from improve.finance.models import (
    WHOLE_YEAR,
    Adjustment,
    Allocation,
    BudgetGroup,
    BudgetLine,
    ChangeCost,
    ContingencyDrawdown,
    DemoData,
    FinancialYear,
    ForecastLink,
    FundingSource,
    LineAmount,
    LineYearTotal,
    Measure,
    Period,
    PrintedFigure,
    SavingsAmount,
    SavingsEvidence,
    SavingsPlan,
    SourceAmount,
    TrajectoryFigure,
)
from improve.modelling import fiscal
from improve.modelling.budget import ZERO, total
from improve.programmes.models import Owner, Programme, Strand

MEASURES: tuple[str, ...] = ("planned", "projected", "actual")


# --- years and periods ----------------------------------------------------------------------------


@transaction.atomic
def year_add(*, actor: Actor, programme: Programme, start_year: int) -> FinancialYear:
    """Add a financial year with its 12 periods (or restore it if it was archived).

    The periods are part of the year: one audit event records the year; each period's own event
    is its closing.
    """
    found = FinancialYear.all_objects.filter(programme=programme, start_year=start_year).first()
    if found is not None:
        if found.archived:
            model_restore(actor=actor, instance=found)
        return found
    year = model_create(
        actor=actor, instance=FinancialYear(programme=programme), fields={"start_year"}, data={"start_year": start_year}
    )
    periods = [Period(programme=programme, year=year, number=n, created_by_id=actor.user_id) for n in fiscal.PERIODS]
    for period in periods:
        period.full_clean(exclude=["year", "programme"])
    Period.objects.bulk_create(periods)
    return year


@transaction.atomic
def period_close(*, actor: Actor, period: Period) -> Period:
    """Close a period: its actuals change from now on only through a recorded adjustment."""
    current = Period.objects.select_for_update().select_related("year").get(pk=period.pk)
    if current.closed:
        raise ValidationError(f"{current.label} is already closed")
    earlier = Period.objects.filter(programme_id=current.programme_id, closed_at__isnull=True).filter(
        year__start_year__lt=current.year.start_year
    ) | Period.objects.filter(year=current.year, number__lt=current.number, closed_at__isnull=True)
    if earlier.exists():
        first = earlier.select_related("year").order_by("year__start_year", "number").first()
        assert first is not None
        raise ValidationError(f"Close {first.label} first: periods are closed in order")
    model_update(
        actor=actor,
        instance=current,
        fields={"closed_at", "closed_by"},
        data={"closed_at": timezone.now(), "closed_by": actor.user},
    )
    return current


def year_closed(year: FinancialYear) -> bool:
    """A year is closed when its last period (March) is closed."""
    return Period.objects.filter(year=year, number=12, closed_at__isnull=False).exists()


def is_closed(year: FinancialYear, period: int) -> bool:
    """Whether the actual of ``period`` (0: the yearly actual) of ``year`` is closed."""
    if period == WHOLE_YEAR:
        return year_closed(year)
    return Period.objects.filter(year=year, number=period, closed_at__isnull=False).exists()


def target_label(year: FinancialYear, period: int) -> str:
    return f"{year.label} (whole year)" if period == WHOLE_YEAR else fiscal.period_label(year.start_year, period)


# --- groups and lines -----------------------------------------------------------------------------


class GroupData(TypedDict, total=False):
    code: str
    name: str
    order: int


GROUP_FIELDS = frozenset(GroupData.__annotations__)


@transaction.atomic
def group_save(
    *,
    actor: Actor,
    programme: Programme,
    group: BudgetGroup | None = None,
    data: GroupData,
    expected_version: int | None = None,
) -> BudgetGroup:
    if group is None:
        return model_create(actor=actor, instance=BudgetGroup(programme=programme), fields=GROUP_FIELDS, data=data)
    current = BudgetGroup.all_objects.get(pk=group.pk)
    return model_update(
        actor=actor, instance=current, fields=GROUP_FIELDS, data=data, expected_version=expected_version
    )[0]


class LineData(TypedDict, total=False):
    code: str
    name: str
    group: BudgetGroup
    spend_type: str
    duration: str
    contingency: bool
    carries_savings: bool
    owner: Owner | None
    strand: Strand | None
    original_estimate: Decimal | None
    unit: str
    order: int
    notes: str


LINE_FIELDS = frozenset(LineData.__annotations__)


@transaction.atomic
def line_save(
    *,
    actor: Actor,
    programme: Programme,
    line: BudgetLine | None = None,
    data: LineData,
    expected_version: int | None = None,
) -> BudgetLine:
    """Add (``line`` None) or change a budget line."""
    if line is None:
        return model_create(actor=actor, instance=BudgetLine(programme=programme), fields=LINE_FIELDS, data=data)
    current = BudgetLine.all_objects.get(pk=line.pk)
    return model_update(
        actor=actor, instance=current, fields=LINE_FIELDS, data=data, expected_version=expected_version
    )[0]


Archivable = (
    BudgetGroup | BudgetLine | FundingSource | FinancialYear | ContingencyDrawdown | SavingsPlan | TrajectoryFigure
)


@transaction.atomic
def finance_archive(*, actor: Actor, instance: Archivable, reason: str = "") -> ArchivableModel:
    """Archive a group, line, source, year or draw-down: hidden from every list, kept in history."""
    if isinstance(instance, BudgetGroup) and BudgetLine.objects.filter(group=instance).exists():
        raise ValidationError(f"{instance.name} still has current lines: move them to another group or archive them")
    return model_archive(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def finance_restore(*, actor: Actor, instance: Archivable) -> ArchivableModel:
    """Restore an archived row; a draw-down only if its contingency line still has the money left, a
    trajectory figure only if no current row took its place (its order, or a kind a year prints once)."""
    if isinstance(instance, TrajectoryFigure):
        instance.clean()
    if isinstance(instance, ContingencyDrawdown):
        locked = BudgetLine.all_objects.select_for_update().get(pk=instance.from_line_id)
        left = contingency_left(locked, instance.year)
        if message := rules.drawdown_too_large(locked.name, instance.year.label, left, instance.amount):
            raise ValidationError({"amount": message})
    return model_restore(actor=actor, instance=instance)


# --- amounts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmountEntry:
    """The amounts of one line for one year (``period`` 0) or month ``[£]``; ``None``: not entered."""

    period: int
    planned: Decimal | None = None
    projected: Decimal | None = None
    actual: Decimal | None = None

    def value(self, measure: str) -> Decimal | None:
        value: Decimal | None = getattr(self, measure)
        return value


def _check_year(programme: Programme, year: FinancialYear) -> None:
    if year.programme_id != programme.pk or year.archived:
        years = [y.label for y in FinancialYear.objects.filter(programme=programme)]
        raise ValidationError({"year": rules.year_outside(year.label, years) or "Choose a year of the programme"})


@transaction.atomic
def amounts_set(*, actor: Actor, line: BudgetLine, year: FinancialYear, entries: Sequence[AmountEntry]) -> int:
    """Set a line's amounts for a year: the whole year (period 0) and/or months; return how many rows changed.

    Refused, with nothing saved: a year outside the programme; a measure entered both for the
    whole year and by month; an actual changed in a closed period (record an adjustment). An
    entry with nothing in it removes that row.
    """
    _check_year(line.programme, year)
    # One writer of a line's amounts at a time, so the year's total kept below is never stale.
    BudgetLine.all_objects.select_for_update().filter(pk=line.pk).first()
    existing = {a.period: a for a in LineAmount.objects.select_for_update().filter(line=line, year=year)}
    closed = set(Period.objects.filter(year=year, closed_at__isnull=False).values_list("number", flat=True))
    if 12 in closed:
        closed.add(WHOLE_YEAR)
    final: dict[int, dict[str, Decimal | None]] = {p: {m: getattr(a, m) for m in MEASURES} for p, a in existing.items()}
    errors: list[str] = []
    for entry in entries:
        for measure in ("planned", "projected"):
            if message := rules.negative(f"{Measure(measure).label} spend", entry.value(measure)):
                errors.append(f"{target_label(year, entry.period)}: {message}")
        if entry.period not in (WHOLE_YEAR, *fiscal.PERIODS):
            raise ValidationError(
                {"period": f"A period is 1 (April) to 12 (March) or 0 for the whole year, not {entry.period}"}
            )
        before = final.get(entry.period, dict.fromkeys(MEASURES))
        if entry.period in closed and entry.actual != before[Measure.ACTUAL]:
            errors.append(rules.closed_actual(target_label(year, entry.period)))
        final[entry.period] = {m: entry.value(m) for m in MEASURES}
    for measure in MEASURES:
        yearly = final.get(WHOLE_YEAR, {}).get(measure) is not None
        monthly = any(v.get(measure) is not None for p, v in final.items() if p != WHOLE_YEAR)
        if yearly and monthly:
            earlier_yearly = existing.get(WHOLE_YEAR) is not None and getattr(existing[WHOLE_YEAR], measure) is not None
            errors.append(rules.both_ways(str(Measure(measure).label).lower(), year.label, earlier_yearly))
    if errors:
        raise ValidationError(errors)
    changed = 0
    for entry in entries:
        row = existing.get(entry.period)
        values = {m: entry.value(m) for m in MEASURES}
        empty = all(v is None for v in values.values())
        if row is None:
            if empty:
                continue
            model_create(
                actor=actor,
                instance=LineAmount(programme_id=line.programme_id, line=line, year=year, period=entry.period),
                fields=set(MEASURES),
                data=values,
            )
            changed += 1
        elif empty:
            model_delete(actor=actor, instance=row)
            changed += 1
        else:
            changed += model_update(actor=actor, instance=row, fields=set(MEASURES), data=values)[1]
    if changed:
        _year_total_keep(line, year)
    return changed


def _year_total_keep(line: BudgetLine, year: FinancialYear) -> None:
    """Work out again the line's total for the year (:class:`LineYearTotal`) from its amounts."""
    from improve.finance import selectors

    sums = selectors.amount_sums(line.programme, line=line, year=year)
    if not sums or all(v is None for v in sums[0][2:]):
        LineYearTotal.objects.filter(line=line, year=year).delete()
        return
    _line, _year, planned, projected, actual = sums[0]
    LineYearTotal.objects.update_or_create(
        line=line,
        year=year,
        defaults={
            "programme_id": line.programme_id,
            "planned": pounds_of(planned),
            "projected": pounds_of(projected),
            "actual": pounds_of(actual),
        },
    )


@transaction.atomic
def year_totals_rebuild(*, programme: Programme) -> int:
    """Work out every line's yearly totals of ``programme`` again from its amounts; return how many.

    :func:`amounts_set` keeps them as it writes; this is for amounts written another way (a bulk
    load of a benchmark) and for checking that what is kept is what the amounts say.
    """
    from improve.finance import selectors

    LineYearTotal.objects.filter(programme=programme).delete()
    rows = [
        LineYearTotal(
            programme=programme,
            line_id=line_id,
            year_id=year_id,
            planned=pounds_of(planned),
            projected=pounds_of(projected),
            actual=pounds_of(actual),
        )
        for line_id, year_id, planned, projected, actual in selectors.amount_sums(programme)
        if (planned, projected, actual) != (None, None, None)
    ]
    LineYearTotal.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _next_number(model: type[Adjustment] | type[ContingencyDrawdown], programme_id: int) -> int:
    """The next number of a programme's adjustments or draw-downs (1, 2, …)."""
    last = model.objects.filter(programme_id=programme_id).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _check_number(model: type[Adjustment] | type[ContingencyDrawdown], programme_id: int, number: int) -> None:
    if model is ContingencyDrawdown:  # an archived draw-down keeps its number
        taken = ContingencyDrawdown.all_objects.filter(programme_id=programme_id, number=number).exists()
    else:
        taken = Adjustment.objects.filter(programme_id=programme_id, number=number).exists()
    if number < 1 or taken:
        raise ValidationError({"number": f"Number {number} is taken: leave it out to number it next"})


def open_period_message(year: FinancialYear, period: int) -> str:
    return f"{target_label(year, period)} is open: change its actual directly, no adjustment is needed"


@transaction.atomic
def adjustment_record(
    *,
    actor: Actor,
    line: BudgetLine,
    year: FinancialYear,
    period: int,
    amount: Decimal,
    reason: str,
    number: int | None = None,
) -> Adjustment:
    """Record a change to the actual of a closed period (or of a closed year's yearly actual).

    It is numbered next in the programme unless ``number`` is given (a workbook's row).
    """
    _check_year(line.programme, year)
    if not is_closed(year, period):
        raise ValidationError({"period": open_period_message(year, period)})
    if number is None:
        number = _next_number(Adjustment, line.programme_id)
    else:
        _check_number(Adjustment, line.programme_id, number)
    return model_create(
        actor=actor,
        instance=Adjustment(programme_id=line.programme_id, line=line, year=year, period=period, number=number),
        fields={"amount", "reason"},
        data={"amount": amount, "reason": reason.strip()},
    )


def contingency_left(line: BudgetLine, year: FinancialYear) -> Decimal:
    """A contingency line's planned money for a year less what has been drawn down from it ``[£]``."""
    # (The type stubs take a money column for its integer storage: its values are Decimal pounds.)
    planned = total(
        cast(
            list[Decimal | None],
            list(LineAmount.objects.filter(line=line, year=year).values_list("planned", flat=True)),
        )
    )
    out = ContingencyDrawdown.objects.filter(from_line=line, year=year).aggregate(s=Sum("amount"))["s"] or ZERO
    back = ContingencyDrawdown.objects.filter(to_line=line, year=year).aggregate(s=Sum("amount"))["s"] or ZERO
    return planned - out + back


@transaction.atomic
def drawdown_record(
    *,
    actor: Actor,
    from_line: BudgetLine,
    to_line: BudgetLine,
    year: FinancialYear,
    amount: Decimal,
    reason: str,
    approver: Owner,
    approved_on: dt.date,
    number: int | None = None,
) -> ContingencyDrawdown:
    """Move planned money from a contingency line to another line for a year, with reason and approver.

    It is numbered next in the programme unless ``number`` is given (a workbook's row).
    """
    programme = from_line.programme
    _check_year(programme, year)
    errors: dict[str, str] = {}
    if not from_line.contingency:
        errors["from_line"] = rules.drawdown_not_contingency(from_line.name)
    if to_line.pk == from_line.pk:
        errors["to_line"] = rules.DRAWDOWN_SAME_LINE
    elif to_line.programme_id != from_line.programme_id:
        errors["to_line"] = "Choose a line of this programme"
    if approver.programme_id != from_line.programme_id:
        errors["approver"] = "Choose an approver of this programme"
    if message := rules.drawdown_reason_missing(reason):
        errors["reason"] = message
    if message := rules.negative("A draw-down", amount):
        errors["amount"] = message
    if errors:
        raise ValidationError(errors)
    locked = BudgetLine.objects.select_for_update().get(pk=from_line.pk)
    if message := rules.drawdown_too_large(locked.name, year.label, contingency_left(locked, year), amount):
        raise ValidationError({"amount": message})
    if number is None:
        number = _next_number(ContingencyDrawdown, from_line.programme_id)
    else:
        _check_number(ContingencyDrawdown, from_line.programme_id, number)
    return model_create(
        actor=actor,
        instance=ContingencyDrawdown(programme_id=from_line.programme_id, number=number),
        fields={"from_line", "to_line", "year", "amount", "reason", "approver", "approved_on"},
        data={
            "from_line": from_line,
            "to_line": to_line,
            "year": year,
            "amount": amount,
            "reason": reason.strip(),
            "approver": approver,
            "approved_on": approved_on,
        },
    )


# --- funding ----------------------------------------------------------------------------------------


class SourceData(TypedDict, total=False):
    code: str
    name: str
    kind: str
    funds_revenue: bool
    funds_capital: bool
    funds_one_off: bool
    funds_permanent: bool
    must_carry_savings: bool
    valid_from: dt.date | None
    valid_until: dt.date | None
    notes: str


SOURCE_FIELDS = frozenset(SourceData.__annotations__)


@transaction.atomic
def source_save(
    *,
    actor: Actor,
    programme: Programme,
    source: FundingSource | None = None,
    data: SourceData,
    expected_version: int | None = None,
) -> FundingSource:
    if source is None:
        return model_create(actor=actor, instance=FundingSource(programme=programme), fields=SOURCE_FIELDS, data=data)
    current = FundingSource.all_objects.get(pk=source.pk)
    return model_update(
        actor=actor, instance=current, fields=SOURCE_FIELDS, data=data, expected_version=expected_version
    )[0]


def allocated(source: FundingSource, year: FinancialYear, *, leaving_out: Allocation | None = None) -> Decimal:
    qs = Allocation.objects.filter(source=source, year=year)
    if leaving_out is not None:
        qs = qs.exclude(pk=leaving_out.pk)
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


@transaction.atomic
def source_amount_set(
    *, actor: Actor, source: FundingSource, year: FinancialYear, amount: Decimal | None
) -> SourceAmount | None:
    """Set (or, with ``None``, remove) what a source provides in a year; never below what is allocated."""
    _check_year(source.programme, year)
    if message := rules.negative("A source's amount", amount):
        raise ValidationError({"amount": message})
    FundingSource.objects.select_for_update().get(pk=source.pk)
    already = allocated(source, year)
    if already and (amount is None or already > amount):
        raise ValidationError(
            {
                "amount": f"{source.name} already has {already:,.2f} allocated in {year.label}: "
                f"enter at least £{already:,.2f}, or reduce its allocations first"
            }
        )
    row = SourceAmount.objects.filter(source=source, year=year).first()
    if amount is None:
        if row is not None:
            model_delete(actor=actor, instance=row)
        return None
    if row is None:
        return model_create(
            actor=actor,
            instance=SourceAmount(programme_id=source.programme_id, source=source, year=year),
            fields={"amount"},
            data={"amount": amount},
        )
    return model_update(actor=actor, instance=row, fields={"amount"}, data={"amount": amount})[0]


@transaction.atomic
def allocation_set(
    *, actor: Actor, line: BudgetLine, source: FundingSource, year: FinancialYear, amount: Decimal | None
) -> Allocation | None:
    """Fund part of a line's spend in a year from a source (``None`` or 0: no longer).

    Refused over the source's amount for the year; a breach of the source's rules is allowed and
    flagged (:func:`improve.finance.selectors.allocation_breaches`).
    """
    _check_year(line.programme, year)
    if source.programme_id != line.programme_id:
        raise ValidationError({"source": "Choose a funding source of this programme"})
    if message := rules.negative("An allocation", amount):
        raise ValidationError({"amount": message})
    FundingSource.objects.select_for_update().get(pk=source.pk)
    row = Allocation.objects.filter(line=line, source=source, year=year).first()
    if not amount:
        if row is not None:
            model_delete(actor=actor, instance=row)
        return None
    available = cast(
        Decimal | None, SourceAmount.objects.filter(source=source, year=year).values_list("amount", flat=True).first()
    )
    if message := rules.over_source(
        source.name, year.label, available, allocated(source, year, leaving_out=row) + amount
    ):
        raise ValidationError({"amount": message})
    if row is None:
        return model_create(
            actor=actor,
            instance=Allocation(programme_id=line.programme_id, line=line, source=source, year=year),
            fields={"amount"},
            data={"amount": amount},
        )
    return model_update(actor=actor, instance=row, fields={"amount"}, data={"amount": amount})[0]


# --- figures as printed -------------------------------------------------------------------------------


class PrintedData(TypedDict, total=False):
    code: str
    subject: str
    group: BudgetGroup | None
    line: BudgetLine | None
    funding_source: FundingSource | None
    year: FinancialYear | None
    measure: str
    text: str
    source: str


PRINTED_FIELDS = frozenset(PrintedData.__annotations__)


@transaction.atomic
def printed_save(
    *, actor: Actor, programme: Programme, figure: PrintedFigure | None = None, data: PrintedData
) -> PrintedFigure:
    """Keep a figure exactly as printed in a paper, for the figure check."""
    if figure is None:
        return model_create(actor=actor, instance=PrintedFigure(programme=programme), fields=PRINTED_FIELDS, data=data)
    return model_update(
        actor=actor, instance=PrintedFigure.objects.get(pk=figure.pk), fields=PRINTED_FIELDS, data=data
    )[0]


@transaction.atomic
def printed_delete(*, actor: Actor, figure: PrintedFigure) -> None:
    model_delete(actor=actor, instance=figure)


# --- the service budget trajectory (as printed) ------------------------------------------------------


class TrajectoryData(TypedDict, total=False):
    year: FinancialYear
    order: int
    kind: str
    label: str
    text: str
    source: str


TRAJECTORY_FIELDS = frozenset(TrajectoryData.__annotations__)


@transaction.atomic
def trajectory_figure_save(
    *,
    actor: Actor,
    programme: Programme,
    figure: TrajectoryFigure | None = None,
    data: TrajectoryData,
    expected_version: int | None = None,
) -> TrajectoryFigure:
    """Keep one cell of the service budget trajectory exactly as printed (blank allowed for a movement)."""
    data = {**data, "text": data.get("text", "").strip()} if "text" in data else data
    if figure is None:
        return model_create(
            actor=actor, instance=TrajectoryFigure(programme=programme), fields=TRAJECTORY_FIELDS, data=data
        )
    return model_update(
        actor=actor,
        instance=TrajectoryFigure.objects.get(pk=figure.pk),
        fields=TRAJECTORY_FIELDS,
        data=data,
        expected_version=expected_version,
    )[0]


@transaction.atomic
def trajectory_figure_delete(*, actor: Actor, figure: TrajectoryFigure) -> None:
    model_delete(actor=actor, instance=figure)


# --- approved changes ----------------------------------------------------------------------------------


def change_line(programme_id: int, strand_code: str) -> BudgetLine | None:
    """The budget line an approved change's cost falls to: the one current line (not contingency) of its strand."""
    if not strand_code:
        return None
    found = list(BudgetLine.objects.filter(programme_id=programme_id, strand__code=strand_code, contingency=False)[:2])
    return found[0] if len(found) == 1 else None


@transaction.atomic
def change_cost_record(change: ApprovedChange) -> ChangeCost | None:
    """Record the cost of an approved change request in the money (the room's change handler).

    A change without cost changes no money. Otherwise the cost goes on the line of the change's
    strand (:func:`change_line`) in the financial year of the decision, adding to that line's
    planned figure; if either cannot be told, it is kept unplaced, with a note saying why, for
    the finance lead to place (:func:`change_cost_place`). Audited as made by the approver.
    """
    if not change.cost:
        return None
    actor = change.actor if change.actor is not None else Actor(user=None)
    start = fiscal.start_year_of(change.decided_on)
    year = FinancialYear.objects.filter(programme_id=change.programme_id, start_year=start).first()
    line = change_line(change.programme_id, change.strand_code)
    notes = []
    if year is None:
        notes.append(f"the programme has no financial year {fiscal.label(start)}")
    if line is None:
        notes.append(
            f"strand {change.strand_code} has no single budget line"
            if change.strand_code
            else "the change names no strand"
        )
    return model_create(
        actor=actor,
        instance=ChangeCost(programme_id=change.programme_id),
        fields={"reference", "title", "line", "year", "amount", "approved_by", "approved_on", "note"},
        data={
            "reference": change.reference,
            "title": change.title[:300],
            "line": line,
            "year": year,
            "amount": change.cost,
            "approved_by": change.approved_by or actor.label,
            "approved_on": change.decided_on,
            "note": ("Not placed on a line: " + "; ".join(notes)) if notes else "",
        },
    )


@transaction.atomic
def change_cost_place(*, actor: Actor, cost: ChangeCost, line: BudgetLine, year: FinancialYear) -> ChangeCost:
    """Put an approved change's cost on a budget line and year (the finance lead, when the handler could not)."""
    _check_year(line.programme, year)
    if line.programme_id != cost.programme_id:
        raise ValidationError({"line": "Choose a line of this programme"})
    return model_update(
        actor=actor,
        instance=ChangeCost.objects.get(pk=cost.pk),
        fields={"line", "year", "note"},
        data={"line": line, "year": year, "note": ""},
    )[0]


class ChangeCostData(TypedDict):
    reference: str
    title: str
    line: BudgetLine | None
    year: FinancialYear | None
    amount: Decimal
    approved_by: str
    approved_on: dt.date
    note: str


@transaction.atomic
def change_cost_carry(*, actor: Actor, programme: Programme, data: ChangeCostData) -> ChangeCost:
    """Carry an approved change's cost in from a workbook (as an export of the programme wrote it)."""
    for name in ("line", "year"):
        other = data[name]
        if other is not None and other.programme_id != programme.pk:
            raise ValidationError({name: f"Choose a {name} of this programme"})
    return model_create(
        actor=actor,
        instance=ChangeCost(programme_id=programme.pk),
        fields={"reference", "title", "line", "year", "amount", "approved_by", "approved_on", "note"},
        data=dict(data),
    )


# --- demo data ------------------------------------------------------------------------------------------


@transaction.atomic
def demo_mark(*, actor: Actor, year: FinancialYear, measure: str, note: str) -> DemoData:
    """Mark one measure of a year's amounts as demo data: the pages then say so wherever it shows."""
    found = DemoData.objects.filter(year=year, measure=measure).first()
    if found is not None:
        return model_update(actor=actor, instance=found, fields={"note"}, data={"note": note.strip()})[0]
    return model_create(
        actor=actor,
        instance=DemoData(programme_id=year.programme_id, year=year),
        fields={"measure", "note"},
        data={"measure": measure, "note": note.strip()},
    )


@transaction.atomic
def demo_unmark(*, actor: Actor, demo: DemoData) -> None:
    model_delete(actor=actor, instance=demo)


# --- savings plans --------------------------------------------------------------------------------------


class SavingsData(TypedDict, total=False):
    code: str
    name: str
    owner: Owner | None
    description: str
    rag_override: str
    rag_reason: str


SAVINGS_FIELDS = frozenset(SavingsData.__annotations__)


def _check_links(programme: Programme, lines: Sequence[BudgetLine], strands: Sequence[Strand]) -> None:
    if any(x.programme_id != programme.pk for x in lines):
        raise ValidationError({"lines": "Choose only budget lines of this programme"})
    if any(x.programme_id != programme.pk for x in strands):
        raise ValidationError({"strands": "Choose only strands of this programme"})


def _links_after(plan: SavingsPlan, event_action: str) -> None:
    """Show the links in the plan's latest event (one audit event per write, links included)."""
    event = audit.history_for(plan).filter(action=event_action).first()
    if event is not None:
        event.after = audit.snapshot(audit.audit_values(plan))
        event.save(update_fields=["after"])


@transaction.atomic
def savings_plan_save(
    *,
    actor: Actor,
    programme: Programme,
    plan: SavingsPlan | None = None,
    data: SavingsData,
    lines: Iterable[BudgetLine] | None = None,
    strands: Iterable[Strand] | None = None,
    expected_version: int | None = None,
) -> SavingsPlan:
    """Add (``plan`` None) or change a savings plan and its links to budget lines and strands.

    ``lines`` / ``strands`` of None leave the links as they are. One audit event per write.
    """
    line_list = list(lines) if lines is not None else None
    strand_list = list(strands) if strands is not None else None
    _check_links(programme, line_list or [], strand_list or [])
    if plan is None:
        saved = model_create(actor=actor, instance=SavingsPlan(programme=programme), fields=SAVINGS_FIELDS, data=data)
        if line_list or strand_list:
            saved.lines.set(line_list or [])
            saved.strands.set(strand_list or [])
            _links_after(saved, AuditEvent.Action.CREATE)
        return saved
    current = SavingsPlan.all_objects.get(pk=plan.pk)
    before = audit.audit_values(current)
    saved, changed = model_update(
        actor=actor, instance=current, fields=SAVINGS_FIELDS, data=data, expected_version=expected_version
    )
    if line_list is None and strand_list is None:
        return saved
    if line_list is not None:
        saved.lines.set(line_list)
    if strand_list is not None:
        saved.strands.set(strand_list)
    after = audit.audit_values(saved)
    if after == before:
        return saved
    if changed:
        _links_after(saved, AuditEvent.Action.UPDATE)
        return saved
    version_claim(saved, saved.version if expected_version is None else expected_version)
    audit.record(actor=actor, obj=saved, action=AuditEvent.Action.UPDATE, before=before, after=after)
    return saved


@transaction.atomic
def savings_amount_set(
    *,
    actor: Actor,
    plan: SavingsPlan,
    year: FinancialYear,
    planned: Decimal | None,
    delivered: Decimal | None,
    evidence: str = "",
) -> SavingsAmount | None:
    """Set a plan's planned and delivered saving for a year (all empty: remove the year's row)."""
    _check_year(plan.programme, year)
    row = SavingsAmount.objects.filter(plan=plan, year=year).first()
    data = {"planned": planned, "delivered": delivered, "evidence": evidence.strip()}
    if planned is None and delivered is None and not data["evidence"]:
        if row is not None:
            model_delete(actor=actor, instance=row)
        return None
    if row is None:
        return model_create(
            actor=actor,
            instance=SavingsAmount(programme_id=plan.programme_id, plan=plan, year=year),
            fields=set(data),
            data=data,
        )
    return model_update(actor=actor, instance=row, fields=set(data), data=data)[0]


#: What an evidence file may be: its extension, the type it is served as, and how its first bytes begin.
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".csv": ("text/csv", ()),
    ".txt": ("text/plain", ()),
}
#: The largest evidence file [bytes]: 10 MB.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def evidence_problem(name: str, size: int, head: bytes) -> str | None:
    """What is wrong with an evidence file (its name, size and first bytes), or None."""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    kinds = ", ".join(sorted(k.lstrip(".").upper() for k in EVIDENCE_TYPES if k != ".jpeg"))
    if extension not in EVIDENCE_TYPES:
        return f"{name} is not a kind of file kept as evidence: attach one of {kinds}"
    if size == 0:
        return f"{name} is empty: attach the document itself"
    if size > EVIDENCE_MAX_BYTES:
        return f"{name} is {size / 1024 / 1024:.1f} MB: attach a file of 10 MB or less"
    _type, starts = EVIDENCE_TYPES[extension]
    if starts and not any(head.startswith(s) for s in starts):
        return f"{name} is not a real {extension.lstrip('.').upper()} file: attach the document as saved by its program"
    if not starts:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
                return f"{name} is not plain text: attach a PDF, Word or Excel file instead"
    return None


@transaction.atomic
def savings_evidence_add(
    *, actor: Actor, plan: SavingsPlan, year: FinancialYear | None, upload: UploadedFile[Any], description: str
) -> SavingsEvidence:
    """Keep a document that shows a saving was delivered (checked for its type and size first)."""
    if year is not None:
        _check_year(plan.programme, year)
    name = get_valid_filename(upload.name or "evidence")[:200]
    head = upload.read(2048)
    upload.seek(0)
    if problem := evidence_problem(name, upload.size or 0, head):
        raise ValidationError({"file": problem})
    if not description.strip():
        raise ValidationError({"description": "Say what the document shows"})
    extension = "." + name.rsplit(".", 1)[-1].lower()
    evidence = SavingsEvidence(
        programme_id=plan.programme_id,
        plan=plan,
        year=year,
        name=name,
        content_type=EVIDENCE_TYPES[extension][0],
        size=upload.size or 0,
        description=description.strip(),
    )
    # Stored under a name of our own (the person's file name is kept to download it by).
    evidence.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
    try:
        return model_create(
            actor=actor, instance=evidence, fields={"description"}, data={"description": evidence.description}
        )
    except Exception:
        evidence.file.delete(save=False)
        raise


# --- forecasts another room offers (a budget line following one) ------------------------------------------


@transaction.atomic
def forecast_link_set(*, actor: Actor, line: BudgetLine, series: str, waiting: bool = False) -> ForecastLink:
    """Make ``line`` follow the forecast ``series`` (a key offered through the registry); audited.

    A line follows one forecast at most: linking it again changes which. ``waiting`` (the workbook
    import) also accepts a key while no room offers any forecast for the programme yet
    (:func:`improve.finance.rules.forecast_refused`).
    """
    from improve.core.registry import registry

    link = ForecastLink.objects.select_for_update().filter(line=line).first()
    offered = {key: s.title for key, s in registry.forecast_series(line.programme).items()}
    if message := rules.forecast_refused(series, offered, current=link.series if link else "", waiting=waiting):
        raise ValidationError({"series": message})
    if link is None:
        return model_create(
            actor=actor,
            instance=ForecastLink(programme=line.programme, line=line),
            fields={"series"},
            data={"series": series},
        )
    link, _changed = model_update(actor=actor, instance=link, fields={"series"}, data={"series": series})
    return link


@transaction.atomic
def forecast_link_remove(*, actor: Actor, line: BudgetLine) -> None:
    """Stop ``line`` following a forecast (audited); nothing happens if it follows none."""
    link = ForecastLink.objects.select_for_update().filter(line=line).first()
    if link is not None:
        model_delete(actor=actor, instance=link)
