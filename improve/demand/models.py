"""The demand room's data: SSDA903 returns as loaded, pseudonymised from the start.

What is kept, and why (data minimisation, docs/demand.md):

- :class:`Load`: one load of a return — its collection years, who loaded it and when, the files
  with their tables and row counts, the mode, what was loaded and rejected, and the problems
  found (the first :data:`KEPT_PROBLEMS` of them in full; all of them counted by kind).
- :class:`Child`: the keyed hash of CHILD (never CHILD itself), SEX and the date of birth. The
  date of birth is kept whole because a projection ages children day by day: the age bands change
  on birthdays and care ends at 18. Ethnicity, UPN, the mother's details are not kept.
- :class:`Episode`: the episode's dates and codes. The home and placement postcodes are not kept;
  URN (the Ofsted number of a setting, not of a person) is kept for placement costs.

The other tables (UASC, Reviews, Missing, OC2, OC3, AD1, PlacedAdoption, PrevPerm, SW_Episodes)
are recognised and their rows counted on the load; none of their rows is kept.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from improve.core.models import TimeStampedModel
from improve.demand import codes

#: Problems kept in full on a load (all are counted by kind).
KEPT_PROBLEMS = 1000


def _choices(listed: Any) -> list[tuple[str, str]]:
    return [(code, f"{code}: {meaning}") for code, meaning in listed.items()]


class Load(TimeStampedModel):
    """One load of an SSDA903 return into a programme (created_by / created_at: who loaded it, when)."""

    class Mode(models.TextChoices):
        STRICT = "strict", "Strict (any problem refuses the load)"
        LENIENT = "lenient", "Lenient (children with a problem are left out)"

    programme = models.ForeignKey(settings.IMPROVE_PROGRAMME_MODEL, on_delete=models.CASCADE, related_name="+")
    first_year = models.PositiveSmallIntegerField(help_text="first collection year, ending 31 March")
    last_year = models.PositiveSmallIntegerField(help_text="last collection year, ending 31 March")
    mode = models.CharField(max_length=10, choices=Mode.choices)
    source = models.CharField(max_length=200, help_text="the folder's name, or how synthetic data was made")
    synthetic = models.BooleanField(
        default=False, help_text="made up by the synthetic generator (a demo), not a council's return"
    )
    files = models.JSONField(default=list, blank=True, help_text="[{name, table, rows, year}]")
    children = models.PositiveIntegerField(default=0)
    episodes = models.PositiveIntegerField(default=0)
    children_rejected = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    other_rows = models.JSONField(default=dict, blank=True, help_text="{table: rows} of the tables counted, not kept")
    problem_count = models.PositiveIntegerField(default=0)
    problem_kinds = models.JSONField(default=dict, blank=True, help_text="{kind: count}")
    problems = models.JSONField(
        default=list, blank=True, help_text="the first problems: [{file, row, column, kind, message}]"
    )

    audit_fields = (
        "first_year",
        "last_year",
        "mode",
        "source",
        "synthetic",
        "children",
        "episodes",
        "children_rejected",
        "rows_rejected",
        "problem_count",
        ("problems by kind", "kinds_summary"),
        ("files", "file_summary"),
    )

    class Meta:
        ordering = ("-first_year", "-pk")

    def __str__(self) -> str:
        return f"SSDA903 {self.years}"

    @property
    def years(self) -> str:
        def label(year: int) -> str:
            return f"{year - 1}/{year % 100:02d}"

        return (
            label(self.first_year)
            if self.first_year == self.last_year
            else f"{label(self.first_year)} to {label(self.last_year)}"
        )

    def kinds_summary(self) -> str:
        return "; ".join(f"{kind}: {n}" for kind, n in sorted(self.problem_kinds.items()))

    def file_summary(self) -> str:
        return "; ".join(f"{f['name']} ({f['table'] or 'not recognised'}, {f['rows']} rows)" for f in self.files)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.last_year < self.first_year:
            raise ValidationError({"last_year": "The last year cannot be before the first"})


class Child(models.Model):
    """A child of a load, by pseudonym. Written in bulk with its load; the load's audit event counts it."""

    programme = models.ForeignKey(settings.IMPROVE_PROGRAMME_MODEL, on_delete=models.CASCADE, related_name="+")
    load = models.ForeignKey(Load, on_delete=models.CASCADE, related_name="child_rows")
    key = models.CharField(max_length=64, help_text="HMAC-SHA256 of CHILD with the installation's key")
    sex = models.PositiveSmallIntegerField(choices=[(1, "Male"), (2, "Female")])
    dob = models.DateField("date of birth")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["load", "key"], name="demand_child_key_unique")]
        indexes = [models.Index(fields=["programme", "key"])]

    def __str__(self) -> str:
        return self.key[:12]


class Episode(models.Model):
    """An episode of care (the Episodes table without its postcodes)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="episode_rows")
    decom = models.DateField("start (DECOM)")
    rne = models.CharField("reason for new episode (RNE)", max_length=1, choices=_choices(codes.RNE))
    ls = models.CharField("legal status (LS)", max_length=2, choices=_choices(codes.LS))
    cin = models.CharField("category of need (CIN)", max_length=2, choices=_choices(codes.CIN))
    place = models.CharField("placement (PLACE)", max_length=2, choices=_choices(codes.PLACE))
    place_provider = models.CharField(
        "provider (PLACE_PROVIDER)", max_length=3, blank=True, choices=_choices(codes.PLACE_PROVIDER)
    )
    dec = models.DateField("end (DEC)", null=True, blank=True)
    rec = models.CharField("reason episode ceased (REC)", max_length=3, blank=True, choices=_choices(codes.REC))
    reason_place_change = models.CharField(
        "reason for placement change", max_length=6, blank=True, choices=_choices(codes.REASON_PLACE_CHANGE)
    )
    urn = models.CharField("Ofsted URN of the setting", max_length=10, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "decom"], name="demand_episode_start_unique")]

    def __str__(self) -> str:
        return f"{self.child} from {self.decom:%d/%m/%Y}"


class UnitCost(TimeStampedModel):
    """A programme's weekly unit cost of a placement in one category ``[£ per week]``.

    A category without a row costs the model's default (``improve.modelling.demand.costs``).
    """

    programme = models.ForeignKey(settings.IMPROVE_PROGRAMME_MODEL, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=40)
    weekly = models.DecimalField("weekly unit cost (£)", max_digits=10, decimal_places=2)
    note = models.CharField(max_length=200, blank=True, help_text="where the figure comes from")

    audit_fields = ("category", "weekly", "note")

    class Meta:
        ordering = ("programme", "category")
        constraints = [models.UniqueConstraint(fields=["programme", "category"], name="demand_unit_cost_unique")]

    def __str__(self) -> str:
        return f"{self.category}: £{self.weekly:,} a week"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.weekly is not None and self.weekly < 0:
            raise ValidationError({"weekly": "The weekly unit cost cannot be negative: give £0 or more"})


class ProjectionRun(TimeStampedModel):
    """One stored projection: its parameters, who ran it and when, and its aggregate results.

    ``results`` holds only aggregate figures (children by category at month ends, spend per month
    and financial year, the backtest's errors) — never a child-level row; money as strings of
    Decimal pounds. Its shape is described in :mod:`improve.demand.projections`.
    """

    programme = models.ForeignKey(settings.IMPROVE_PROGRAMME_MODEL, on_delete=models.CASCADE, related_name="+")
    start = models.DateField("start of the projection")
    months = models.PositiveSmallIntegerField("months projected")
    reference_months = models.PositiveSmallIntegerField("months of the reference window", default=12)
    draws = models.PositiveIntegerField("simulated paths", default=1000)
    scenario = models.CharField(max_length=40, blank=True, help_text="the scenario compared with the baseline")
    seed = models.PositiveIntegerField(default=0)
    data_end = models.DateField("last day of the loaded data")
    unit_costs = models.JSONField(default=dict, help_text="{category: £ per week as a string}")
    seconds = models.FloatField(default=0, help_text="how long the run took [s]")
    results = models.JSONField(default=dict)
    synthetic = models.BooleanField(default=False, help_text="projected from synthetic data (a demo)")

    audit_fields = (
        "start",
        "months",
        "reference_months",
        "draws",
        "scenario",
        "seed",
        "data_end",
        "unit_costs",
        "synthetic",
    )

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        scenario = f" ({self.scenario})" if self.scenario else ""
        return f"Projection from {self.start:%d/%m/%Y}, {self.months} months{scenario}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if not 1 <= self.months <= 120:
            errors["months"] = "Project between 1 and 120 months ahead"
        if not 1 <= self.reference_months <= 60:
            errors["reference_months"] = "The reference window must be between 1 and 60 months"
        if not 10 <= self.draws <= 100_000:
            errors["draws"] = "Simulate between 10 and 100,000 paths"
        if errors:
            raise ValidationError(errors)
