"""The programme's money: years and periods, budget lines and their amounts, funding and allocations.

Storage (docs/decisions/0015-money-storage.md):

- every amount is pounds to the penny ``[£]``: a Decimal in code, whole pence in a 64-bit integer
  column (:class:`~improve.finance.fields.PenceField`), exact and summed exactly on SQLite and
  PostgreSQL alike; the unit a line's figures
  are typed in (£, £000, £m) is kept on the line, and forms show and read its amounts in it;
- a line's planned, projected and actual amounts are kept per year (``period`` 0) or per month
  (``period`` 1 = April … 12 = March) in :class:`LineAmount`; for each measure a year is entered
  one way or the other, never both, so a year's figure is its yearly amount or the sum of its
  months;
- totals, subtotals, variation, latest estimate and additional funding required are never stored:
  :mod:`improve.finance.selectors` sums in the database and :mod:`improve.modelling.budget`
  derives the rest; the only totals kept are figures *as printed* in a paper
  (:class:`PrintedFigure`), for the figure check to compare with what the product computes;
- a closed period's actual changes only through an :class:`Adjustment` (a recorded change with
  a reason); a contingency draw-down (:class:`ContingencyDrawdown`) moves planned money from a
  contingency line to another line without changing either line's entered amounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from improve.core.models import ArchivableModel, TimeStampedModel, VersionedModel
from improve.core.validators import KEY_MAX_LENGTH, validate_key
from improve.finance import rules
from improve.finance.fields import PenceField
from improve.modelling import fiscal, trajectory
from improve.modelling.money import MILLIONS, POUNDS, THOUSANDS, AmountError, Printed, read_printed

WHOLE_YEAR = 0


def money_field(verbose_name: str, *, null: bool = True, **extra: Any) -> Any:
    """An amount of money [£]: an exact Decimal in code, whole pence in the database (:mod:`.fields`)."""
    return PenceField(verbose_name, null=null, blank=null, **extra)


class SpendType(models.TextChoices):
    REVENUE = "revenue", "Revenue"
    CAPITAL = "capital", "Capital"


class Duration(models.TextChoices):
    ONE_OFF = "one_off", "One-off"
    PERMANENT = "permanent", "Permanent"


class Unit(models.TextChoices):
    POUNDS = POUNDS, "£"
    THOUSANDS = THOUSANDS, "£000"
    MILLIONS = MILLIONS, "£m"


class Measure(models.TextChoices):
    PLANNED = "planned", "Planned"
    PROJECTED = "projected", "Projected"
    ACTUAL = "actual", "Actual"


class FinancialYear(ArchivableModel):
    """A financial year (1 April – 31 March) the programme plans or spends in; it has 12 periods."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    start_year = models.PositiveSmallIntegerField(
        "year", validators=[MinValueValidator(fiscal.EARLIEST), MaxValueValidator(fiscal.LATEST)]
    )

    audit_fields = ("label",)

    class Meta:
        ordering = ["start_year"]
        constraints = [models.UniqueConstraint(fields=["programme", "start_year"], name="finance_year_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return fiscal.label(self.start_year)


class Period(TimeStampedModel):
    """A month of a financial year. Once closed, its actuals change only through an adjustment."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    audit_fields = ("label", ("closed", "closed"))

    class Meta:
        ordering = ["year__start_year", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="finance_period_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return fiscal.period_label(self.year.start_year, self.number)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class BudgetGroup(ArchivableModel, VersionedModel):
    """A group of budget lines (temporary investment, temporary capacity, permanent base budget...)."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)

    audit_fields = ("code", "name", "order")

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="finance_group_code_unique")]

    def __str__(self) -> str:
        return self.name


class BudgetLine(ArchivableModel, VersionedModel):
    """One line of the programme budget. Its amounts are in :class:`LineAmount`; its totals are derived."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(BudgetGroup, on_delete=models.RESTRICT, related_name="lines")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=300)
    spend_type = models.CharField("revenue or capital", max_length=8, choices=SpendType.choices)
    duration = models.CharField("one-off or permanent", max_length=10, choices=Duration.choices)
    contingency = models.BooleanField(default=False, help_text="Money held back, drawn down to other lines")
    carries_savings = models.BooleanField(
        "carries savings", default=False, help_text="Spend on this line is expected to deliver savings"
    )
    owner = models.ForeignKey("programmes.Owner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    strand = models.ForeignKey("programmes.Strand", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    original_estimate = money_field(
        "original full estimate", help_text="The full cost as first approved, kept for comparison [£]"
    )
    unit = models.CharField(
        max_length=4, choices=Unit.choices, default=Unit.POUNDS, help_text="The unit its amounts are typed in"
    )
    order = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    audit_fields = (
        "code",
        "name",
        "group",
        "spend_type",
        "duration",
        "contingency",
        "carries_savings",
        "owner",
        "strand",
        "original_estimate",
        "unit",
        "order",
        "notes",
    )

    class Meta:
        ordering = ["group__order", "group__code", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="finance_line_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def one_off(self) -> bool:
        return self.duration == Duration.ONE_OFF

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("group", "owner", "strand"):
            other = getattr(self, name, None) if getattr(self, f"{name}_id") else None
            if other is not None and other.programme_id != self.programme_id:
                errors[name] = f"Choose a {name} of this programme"
        if self.original_estimate is not None and self.original_estimate < 0:
            errors["original_estimate"] = "The original full estimate cannot be negative: enter 0 or more"
        if errors:
            raise ValidationError(errors)


class LineAmount(TimeStampedModel):
    """A line's planned, projected and actual amounts for a year (``period`` 0) or one month ``[£]``.

    ``None`` is "not entered", which is not zero. Planned and projected may be negative (a saving
    line); actual too (a refund). Whether a year is entered yearly or monthly is checked per
    measure by :func:`improve.finance.services.amounts_set`.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="amounts")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    period = models.PositiveSmallIntegerField(
        default=WHOLE_YEAR, validators=[MaxValueValidator(12)], help_text="0: the whole year; 1 (April) – 12 (March)"
    )
    planned = money_field("planned")
    projected = money_field("projected")
    actual = money_field("actual")

    audit_fields = (("line", "line"), ("year", "year"), ("period", "period_label"), "planned", "projected", "actual")

    class Meta:
        ordering = ["year__start_year", "period"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year", "period"], name="finance_amount_unique"),
        ]
        # The summary sums every amount of a programme by line and year: from this index alone.
        indexes = [
            models.Index(
                fields=["programme", "line", "year", "period", "planned", "projected", "actual"],
                name="finance_amount_sums",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line.code}, {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.period == WHOLE_YEAR:
            return f"{fiscal.label(self.year.start_year)} (whole year)"
        return fiscal.period_label(self.year.start_year, self.period)

    @property
    def empty(self) -> bool:
        return self.planned is None and self.projected is None and self.actual is None


class LineYearTotal(models.Model):
    """A line's amounts for one year ``[£]``: its yearly amount or, if none, the sum of its months.

    Kept by :func:`improve.finance.services.amounts_set` in the same transaction as the amounts
    (the only writer of :class:`LineAmount`), so the summary reads one row per line and year
    rather than summing every month. Derived, so not audited: the amounts are. A line-year with
    nothing entered has no row. ``improve.finance.services.year_totals_rebuild`` works every row
    out again from the amounts.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    planned = money_field("planned")
    projected = money_field("projected")
    actual = money_field("actual")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line", "year"], name="finance_year_total_unique")]
        # The summary reads every total of a programme: from this index alone.
        indexes = [
            models.Index(fields=["programme", "line", "year", "planned", "projected", "actual"], name="finance_totals")
        ]

    def __str__(self) -> str:
        return f"{self.line_id}, {self.year_id}"


class Adjustment(TimeStampedModel):
    """A recorded change to the actual of a closed period (or a closed year's yearly actual) ``[£]``."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, on_delete=models.RESTRICT, related_name="adjustments")
    year = models.ForeignKey(FinancialYear, on_delete=models.RESTRICT, related_name="+")
    period = models.PositiveSmallIntegerField(default=WHOLE_YEAR, validators=[MaxValueValidator(12)])
    amount = money_field("amount", null=False, help_text="Added to the actual; negative to take away [£]")
    reason = models.CharField(max_length=500)
    number = models.PositiveIntegerField(
        editable=False, help_text="Numbered 1, 2, … in the programme in the order recorded (the workbook's key)"
    )

    audit_fields = ("number", "line", "year", "period", "amount", "reason")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="finance_adjustment_number_unique")]

    def __str__(self) -> str:
        return f"Adjustment {self.number} to {self.line}"

    def clean(self) -> None:
        if message := rules.adjustment_zero(self.amount):
            raise ValidationError({"amount": message})
        if message := rules.adjustment_reason_missing(self.reason):
            raise ValidationError({"reason": message})


class ContingencyDrawdown(ArchivableModel):
    """Planned money moved from a contingency line to another line for a year, with a reason and approver."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    from_line = models.ForeignKey(BudgetLine, on_delete=models.RESTRICT, related_name="drawdowns_out")
    to_line = models.ForeignKey(BudgetLine, on_delete=models.RESTRICT, related_name="drawdowns_in")
    year = models.ForeignKey(FinancialYear, on_delete=models.RESTRICT, related_name="+")
    amount = money_field("amount", null=False, validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.CharField(max_length=500)
    approver = models.ForeignKey("programmes.Owner", on_delete=models.RESTRICT, related_name="+")
    approved_on = models.DateField("approved on")
    number = models.PositiveIntegerField(
        editable=False, help_text="Numbered 1, 2, … in the programme in the order recorded (the workbook's key)"
    )

    audit_fields = ("number", "from_line", "to_line", "year", "amount", "reason", "approver", "approved_on")

    class Meta:
        ordering = ["approved_on", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="finance_drawdown_number_unique")]

    def __str__(self) -> str:
        return f"Draw-down to {self.to_line}"


class SourceKind(models.TextChoices):
    GOVERNMENT_GRANT = "government_grant", "Government grant"
    COUNCIL_GROWTH = "council_growth", "Council growth funding"
    EARMARKED_RESERVE = "earmarked_reserve", "Earmarked reserve"
    UNEARMARKED_RESERVE = "unearmarked_reserve", "Unearmarked reserve"
    PARTNER = "partner_contribution", "Partner contribution"
    CAPITAL_RECEIPTS = "capital_receipts", "Flexible use of capital receipts"
    CORPORATE_BUDGET = "corporate_budget", "Corporate budget"
    CAPITAL_FUNDING = "capital_funding", "Capital funding"
    OTHER = "other", "Other"


class FundingSource(ArchivableModel, VersionedModel):
    """Where money comes from, how much per year (:class:`SourceAmount`), and its rules."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=24, choices=SourceKind.choices)
    funds_revenue = models.BooleanField("may fund revenue spend", default=True)
    funds_capital = models.BooleanField("may fund capital spend", default=True)
    funds_one_off = models.BooleanField("may fund one-off spend", default=True)
    funds_permanent = models.BooleanField("may fund permanent spend", default=True)
    must_carry_savings = models.BooleanField(
        "spend it funds must carry savings", default=False, help_text="e.g. flexible use of capital receipts"
    )
    valid_from = models.DateField("may fund spend from", null=True, blank=True)
    valid_until = models.DateField("may fund spend until", null=True, blank=True)
    notes = models.TextField(blank=True)

    audit_fields = (
        "code",
        "name",
        "kind",
        "funds_revenue",
        "funds_capital",
        "funds_one_off",
        "funds_permanent",
        "must_carry_savings",
        "valid_from",
        "valid_until",
        "notes",
    )

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="finance_source_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "The last date it may fund spend must be on or after the first"})
        if not (self.funds_revenue or self.funds_capital):
            raise ValidationError({"funds_revenue": "A source must be able to fund revenue or capital spend, or both"})
        if not (self.funds_one_off or self.funds_permanent):
            raise ValidationError(
                {"funds_one_off": "A source must be able to fund one-off or permanent spend, or both"}
            )


class SourceAmount(TimeStampedModel):
    """How much a funding source provides in one year ``[£]``."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="amounts")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    amount = money_field("amount", null=False)

    audit_fields = ("source", "year", "amount")

    class Meta:
        ordering = ["year__start_year"]
        constraints = [models.UniqueConstraint(fields=["source", "year"], name="finance_source_amount_unique")]

    def __str__(self) -> str:
        return f"{self.source_id} {self.year_id}"

    def clean(self) -> None:
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": "A source's amount cannot be negative: enter 0 or more"})


class Allocation(TimeStampedModel):
    """Part of a line's spend in a year paid for by a funding source ``[£]``.

    Over the source's amount for the year is refused; a breach of the source's rules (the kind of
    spend, its dates, savings) is allowed and flagged wherever the allocation is shown.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="allocations")
    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="allocations")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    amount = money_field("amount", null=False, validators=[MinValueValidator(Decimal("0.01"))])

    audit_fields = ("line", "source", "year", "amount")

    class Meta:
        ordering = ["year__start_year", "pk"]
        constraints = [models.UniqueConstraint(fields=["line", "source", "year"], name="finance_allocation_unique")]

    def __str__(self) -> str:
        return f"{self.line} from {self.source}"


class PrintedFigure(TimeStampedModel):
    """A total kept exactly *as printed* in a paper (``£1.095m``), for the figure check.

    It names what the product computes the same figure from: the programme, a group or a line,
    a measure, and a year (none: over all years; for a line's original estimate, none).
    """

    class Subject(models.TextChoices):
        PROGRAMME = "programme", "The programme"
        BASE = "base", "Lines other than contingency"
        CONTINGENCY = "contingency", "Contingency lines"
        GROUP = "group", "A group"
        LINE = "line", "A line"
        FUNDING = "funding", "Available funding"
        SOURCE = "source", "A funding source"

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    subject = models.CharField(max_length=12, choices=Subject.choices)
    group = models.ForeignKey(BudgetGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    funding_source = models.ForeignKey(FundingSource, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(FinancialYear, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=10, choices=Measure.choices, default=Measure.PLANNED)
    text = models.CharField("as printed", max_length=40)
    source = models.CharField("where it is printed", max_length=300, blank=True)

    audit_fields = ("code", "subject", "group", "line", "funding_source", "year", "measure", "text", "source")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="finance_printed_code_unique")]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        try:
            read_printed(self.text)
        except AmountError as exc:
            raise ValidationError({"text": str(exc)}) from exc
        if self.subject == self.Subject.GROUP and not self.group_id:
            raise ValidationError({"group": "Name the group this is the total of"})
        if self.subject == self.Subject.LINE and not self.line_id:
            raise ValidationError({"line": "Name the line this is the figure of"})
        if self.subject == self.Subject.SOURCE and not self.funding_source_id:
            raise ValidationError({"funding_source": "Name the funding source this is the amount of"})


class TrajectoryFigure(ArchivableModel, VersionedModel):
    """One printed cell of the service budget trajectory (B&D's Appendix B shape), kept as printed.

    ``kind`` says where it stands: the opening budget, a budget movement (signed), the resulting
    budget, last year's out-turn, a cost movement to out-turn, the out-turn, the projected
    variance, or a claim printed elsewhere about the variance (a pressure in the text). ``text``
    is as printed (``£32.9m``, ``-£1.12m``, ``+£922k``; blank: the paper left the cell empty);
    ``value`` and ``step`` are read from it (:func:`~improve.modelling.money.read_printed`) ``[£]``.
    What the product derives (budget, out-turn, variance) is never stored.
    """

    class Kind(models.TextChoices):
        OPENING = trajectory.OPENING, "Opening budget"
        BUDGET_MOVEMENT = trajectory.BUDGET_MOVEMENT, "Budget movement"
        BUDGET = trajectory.BUDGET, "Budget"
        PREVIOUS_OUTTURN = trajectory.PREVIOUS_OUTTURN, "Last year's out-turn"
        COST_MOVEMENT = trajectory.COST_MOVEMENT, "Cost movement"
        OUTTURN = trajectory.OUTTURN, "Out-turn"
        VARIANCE = trajectory.VARIANCE, "Projected variance"
        CLAIM = trajectory.CLAIM, "Variance claimed elsewhere"

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField("row", max_length=200, help_text="The row's name as printed, e.g. 18/19 Budget")
    text = models.CharField("as printed", max_length=40, blank=True, help_text="e.g. £32.9m, -£1.12m, +£922k")
    value = money_field("value", editable=False)
    step = money_field("rounding step", editable=False)
    source = models.CharField("where it is printed", max_length=300, blank=True)

    audit_fields = ("year", "order", "kind", "label", "text", "source")

    class Meta:
        ordering = ["year__start_year", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "order"],
                condition=models.Q(archived_at__isnull=True),
                name="finance_trajectory_order_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.text}".strip()

    @property
    def printed(self) -> Printed | None:
        return None if self.value is None or self.step is None else Printed(self.value, self.step)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.value = self.step = None
        if self.text.strip():
            try:
                printed = read_printed(self.text)
            except AmountError as exc:
                errors["text"] = str(exc)
            else:
                if printed.value != printed.value.quantize(Decimal("0.01")):
                    errors["text"] = f"'{self.text}' is more precise than a penny: write e.g. £32.9m or -£1.12m"
                else:
                    self.value, self.step = printed.value, max(printed.step, Decimal("0.01"))
        elif self.kind not in (self.Kind.BUDGET_MOVEMENT, self.Kind.COST_MOVEMENT):
            errors["text"] = "Enter the figure as printed, e.g. £32.9m; only a movement may be left blank"
        if self.year_id and self.year.programme_id != self.programme_id:
            errors["year"] = "Choose a year of this programme"
        if self.year_id and self.order is not None:
            taken = TrajectoryFigure.objects.filter(year_id=self.year_id, order=self.order).exclude(pk=self.pk).first()
            if taken is not None:
                errors["order"] = f"Row {self.order} of {self.year} is already '{taken.label}': choose another order"
        if self.kind in trajectory.SINGLE and self.year_id:
            other = TrajectoryFigure.objects.filter(year_id=self.year_id, kind=self.kind).exclude(pk=self.pk).first()
            if other is not None:
                errors["kind"] = (
                    f"{self.year} already has its {self.Kind(self.kind).label.lower()} ('{other.label}'): "
                    "a year prints it once; change that row instead"
                )
        if errors:
            raise ValidationError(errors)


class ChangeCost(TimeStampedModel):
    """The cost (or saving) of an approved change request, recorded in the money ``[£]``.

    Governance approves a change; the finance room's change handler
    (:func:`improve.finance.services.change_cost_record`) records its cost here, on the budget line
    it falls to (the one current line of the change's strand) in the financial year of the
    decision. The line's planned figure for that year includes it, as a draw-down's does. A change
    whose line cannot be told (no strand, or no single line of it) is kept with no line, and the
    money summary lists it until the finance lead places it.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    reference = models.CharField("change request", max_length=KEY_MAX_LENGTH)
    title = models.CharField(max_length=300)
    line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    year = models.ForeignKey(FinancialYear, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    amount = money_field("amount", null=False, help_text="Extra planned spend; negative: a saving [£]")
    approved_by = models.CharField("approved by", max_length=300)
    approved_on = models.DateField("approved on")
    note = models.CharField(max_length=500, blank=True)

    audit_fields = ("reference", "title", "line", "year", "amount", "approved_by", "approved_on", "note")

    class Meta:
        ordering = ["approved_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "reference"], name="finance_change_cost_unique"),
        ]

    def __str__(self) -> str:
        return f"Cost of change {self.reference}"

    @property
    def placed(self) -> bool:
        return self.line_id is not None and self.year_id is not None


class DemoData(TimeStampedModel):
    """A mark that one measure of one year's amounts is demo data (made up to show the pages).

    The money pages show a banner wherever such figures appear, so nobody takes them for the
    council's own.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    measure = models.CharField(max_length=10, choices=Measure.choices, default=Measure.ACTUAL)
    note = models.CharField(max_length=500)

    audit_fields = ("year", "measure", "note")

    class Meta:
        ordering = ["year__start_year", "measure"]
        constraints = [models.UniqueConstraint(fields=["year", "measure"], name="finance_demo_unique")]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} of {self.year} are demo data"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class SavingsPlan(ArchivableModel, VersionedModel):
    """A plan to save money: planned savings per year (:class:`SavingsAmount`), who owns it, what it
    is linked to, what has been delivered and the evidence (:class:`SavingsEvidence`).

    Its RAG is derived from delivered against expected as at the programme's status date
    (:func:`improve.modelling.savings.rag`) unless overridden, with a reason.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=300)
    owner = models.ForeignKey("programmes.Owner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(blank=True)
    lines = models.ManyToManyField(BudgetLine, blank=True, related_name="savings_plans", verbose_name="budget lines")
    strands = models.ManyToManyField("programmes.Strand", blank=True, related_name="+")
    rag_override = models.CharField("RAG set by hand", max_length=5, choices=Rag.choices, blank=True)
    rag_reason = models.CharField("why the RAG is set by hand", max_length=500, blank=True)

    audit_fields = ("code", "name", "owner", "description", "lines", "strands", "rag_override", "rag_reason")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="finance_savings_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.owner_id and self.owner is not None and self.owner.programme_id != self.programme_id:
            raise ValidationError({"owner": "Choose an owner of this programme"})
        if problem := rules.rag_override_problem(self.rag_override, self.rag_reason):
            raise ValidationError({problem[0]: problem[1]})


class SavingsAmount(TimeStampedModel):
    """A savings plan's planned and delivered saving for one year, with the evidence of delivery ``[£]``.

    Savings are written as positive amounts (a saving of £1.2m is 1,200,000.00), however a paper
    prints them (Appendix B prints them as budget reductions, −£1.2m).
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SavingsPlan, on_delete=models.CASCADE, related_name="amounts")
    year = models.ForeignKey(FinancialYear, on_delete=models.CASCADE, related_name="+")
    planned = money_field("planned saving")
    delivered = money_field("delivered saving")
    evidence = models.TextField("evidence of delivery", blank=True)

    audit_fields = ("plan", "year", "planned", "delivered", "evidence")

    class Meta:
        ordering = ["year__start_year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="finance_savings_amount_unique")]

    def __str__(self) -> str:
        return f"{self.plan}, {self.year}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in ("planned", "delivered"):
            if message := rules.saving_negative(name, getattr(self, name)):
                errors[name] = message
        if message := rules.delivered_without_evidence(self.delivered, self.evidence):
            errors["evidence"] = message
        if errors:
            raise ValidationError(errors)


def evidence_path(instance: SavingsEvidence, filename: str) -> str:
    """Where an evidence file is kept under MEDIA_ROOT: by programme and plan, never by its own name alone."""
    return f"finance/savings/{instance.programme_id}/{instance.plan_id}/{filename}"


class SavingsEvidence(TimeStampedModel):
    """A document showing a saving was delivered, kept in the file storage and shown only to members."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(SavingsPlan, on_delete=models.CASCADE, related_name="evidence_files")
    year = models.ForeignKey(FinancialYear, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    name = models.CharField("file name", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(help_text="[bytes]")
    description = models.CharField(max_length=500)

    audit_fields = ("plan", "year", "name", "size", "description")

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ForecastLink(TimeStampedModel):
    """A budget line that follows another room's forecast of money (see docs/finance.md, "Forecasts").

    ``series`` is the key of a :class:`improve.core.registry.ForecastSeries` (e.g.
    ``demand:placements``, the demand room's projected placement spend): the line's page shows
    that series' newest figure for each year next to the line's plan, with where it comes from.
    The link stores no figure: a new forecast changes what is shown.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    line = models.OneToOneField(BudgetLine, on_delete=models.CASCADE, related_name="forecast_link")
    series = models.CharField("forecast", max_length=100)

    audit_fields = ("line", "series")

    def __str__(self) -> str:
        return f"{self.line} follows {self.series}"

    def clean(self) -> None:
        if self.line_id and self.line.programme_id != self.programme_id:
            raise ValidationError({"line": "Choose a budget line of this programme"})
