"""The RAID log: risks (with their appetite per category), issues, actions on either, and the
simpler logs — assumptions, dependencies on others, constraints, exclusions, lessons learned.

Scores are worked out by :mod:`improve.raid.scoring`: likelihood × impact, each 1–5.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from improve.core.models import ArchivableModel, VersionedModel
from improve.core.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date
from improve.programmes.models import Owner, PlanItem, Programme, Strand
from improve.raid import scoring


def reference_taken(obj: models.Model, **scope: object) -> dict[str, str]:
    """The error of a reference already used in the programme (among ``scope``), keyed to the field."""
    reference = getattr(obj, "reference", "")
    programme_id = getattr(obj, "programme_id", None)
    if not reference or programme_id is None:
        return {}
    taken = type(obj).all_objects.filter(programme_id=programme_id, reference=reference, **scope)  # type: ignore[attr-defined]
    if obj.pk is not None:
        taken = taken.exclude(pk=obj.pk)
    return {"reference": f"Reference {reference} is already used: choose another"} if taken.exists() else {}


def validate_level(value: int) -> None:
    if value not in scoring.LEVELS:
        raise ValidationError(f"{value} is outside the scale: enter {scoring.ACCEPTED}", code="level")


def _level(verbose: str, *, required: bool = True) -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    return models.PositiveSmallIntegerField(verbose, null=not required, blank=not required, validators=[validate_level])


class Category(models.TextChoices):
    FINANCIAL = "financial", "Financial"
    WORKFORCE = "workforce", "Workforce"
    DEMAND = "demand", "Demand"
    QUALITY = "quality", "Quality and outcomes"
    REPUTATIONAL = "reputational", "Reputational"
    DELIVERY = "delivery", "Delivery"
    PARTNERSHIP = "partnership", "Partnership"
    OTHER = "other", "Other"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"
    BECAME_ISSUE = "became_issue", "Became an issue"


class Risk(ArchivableModel, VersionedModel):
    """Something that may happen: its cause, event and effect, scored before and after mitigation."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risks")
    reference = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = models.CharField(max_length=300)
    cause = models.TextField(blank=True)
    event = models.TextField(blank=True)
    effect = models.TextField(blank=True)
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.DELIVERY)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="risks")
    # All four may be empty: a risk named in a paper but not yet scored (see ``is_scored``).
    inherent_likelihood = _level("inherent likelihood", required=False)
    inherent_impact = _level("inherent impact", required=False)
    residual_likelihood = _level("residual likelihood", required=False)
    residual_impact = _level("residual impact", required=False)
    target_likelihood = _level("target likelihood", required=False)
    target_impact = _level("target impact", required=False)
    proximity = models.DateField("proximity", null=True, blank=True, validators=[validate_plan_date])
    review_on = models.DateField("review date", null=True, blank=True, validators=[validate_plan_date])
    status = models.CharField(max_length=16, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    closed_on = models.DateField("closed on", null=True, blank=True, validators=[validate_plan_date])
    strands = models.ManyToManyField(Strand, blank=True, related_name="risks")
    plan_items = models.ManyToManyField(PlanItem, blank=True, related_name="risks")
    notes = models.TextField(blank=True)
    # Worked out on save, so the register sorts and filters on them in the database; empty (NULL)
    # while the risk is not yet scored.
    inherent_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    residual_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False, db_index=True)

    audit_fields = (
        "reference",
        "title",
        "cause",
        "event",
        "effect",
        "category",
        "owner",
        ("inherent", "inherent_display"),
        ("residual", "residual_display"),
        ("target", "target_display"),
        "proximity",
        "review_on",
        "status",
        "closed_on",
        "strands",
        ("plan_items", "plan_item_uids"),
        "notes",
    )

    class Meta:
        # Not yet scored first (a board wants them scored), then the highest score now.
        ordering: ClassVar[list[Any]] = [models.F("residual_score").desc(nulls_first=True), "reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "reference"], name="raid_risk_reference_unique")
        ]

    def __str__(self) -> str:
        return f"Risk {self.reference}: {self.title}"

    def clean(self) -> None:
        errors: dict[str, str] = reference_taken(self)
        for basis, words in (("inherent", "before mitigation"), ("residual", "now"), ("target", "target")):
            likelihood, impact = getattr(self, f"{basis}_likelihood"), getattr(self, f"{basis}_impact")
            if (likelihood is None) != (impact is None):
                missing = f"{basis}_impact" if impact is None else f"{basis}_likelihood"
                if basis == "target":
                    errors[missing] = "Give both the target likelihood and the target impact, or neither"
                else:
                    errors[missing] = (
                        f"Give both the likelihood and the impact {words}, or neither (a risk not yet scored)"
                    )
        if self.residual is None and self.target is not None:
            errors["target_likelihood"] = "Score the risk now before setting a target: give its likelihood and impact"
        if self.status == RiskStatus.OPEN and self.closed_on:
            errors["closed_on"] = "An open risk has no closed date: clear it, or close the risk"
        if errors:
            raise ValidationError(errors)

    def set_scores(self) -> None:
        """Work out the stored scores from the levels (``save`` does; a bulk write calls it itself)."""
        self.inherent_score = scoring.score(self.inherent_likelihood, self.inherent_impact)
        self.residual_score = scoring.score(self.residual_likelihood, self.residual_impact)

    def save(self, *args: object, **kwargs: object) -> None:
        self.set_scores()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "inherent_score", "residual_score"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    # -- scores --

    @property
    def inherent(self) -> int | None:
        return scoring.score(self.inherent_likelihood, self.inherent_impact)

    @property
    def residual(self) -> int | None:
        return scoring.score(self.residual_likelihood, self.residual_impact)

    @property
    def target(self) -> int | None:
        return scoring.score(self.target_likelihood, self.target_impact)

    def _display(self, likelihood: int | None, impact: int | None) -> str:
        value = scoring.score(likelihood, impact)
        if value is None:
            return ""
        return (
            f"{scoring.score_display(value)}: likelihood {scoring.level_display(likelihood)}, "
            f"impact {scoring.level_display(impact)}"
        )

    @property
    def inherent_display(self) -> str:
        return self._display(self.inherent_likelihood, self.inherent_impact)

    @property
    def residual_display(self) -> str:
        return self._display(self.residual_likelihood, self.residual_impact)

    @property
    def target_display(self) -> str:
        return self._display(self.target_likelihood, self.target_impact)

    @property
    def band(self) -> str:
        return scoring.band(self.residual)

    @property
    def is_scored(self) -> bool:
        """Whether the risk has a score now; one named in a paper without scores has none yet."""
        return self.residual_likelihood is not None and self.residual_impact is not None

    @property
    def target_above_inherent(self) -> bool:
        """Flagged, not refused: a target worse than the risk before any mitigation is odd."""
        target, inherent = self.target, self.inherent
        return target is not None and inherent is not None and target > inherent

    def above(self, appetite: int | None) -> bool:
        """Whether the residual score is above ``appetite`` (the category's maximum acceptable score)."""
        residual = self.residual
        return appetite is not None and residual is not None and residual > appetite

    @property
    def is_open(self) -> bool:
        return self.status == RiskStatus.OPEN

    def review_overdue(self, today: dt.date) -> bool:
        return self.is_open and self.review_on is not None and self.review_on < today

    @property
    def plan_item_uids(self) -> list[str]:
        if self.pk is None:
            return []
        return sorted(i.uid for i in self.plan_items.all())


class RiskAppetite(ArchivableModel):
    """The highest residual score the programme accepts for one category; risks above it are flagged."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="risk_appetites")
    category = models.CharField(max_length=16, choices=Category.choices)
    max_score = models.PositiveSmallIntegerField(
        "maximum acceptable score",
        validators=[MinValueValidator(scoring.MIN_SCORE), MaxValueValidator(scoring.MAX_SCORE)],
    )

    audit_fields = ("category", "max_score")

    class Meta:
        ordering: ClassVar[list[str]] = ["category"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "category"], name="raid_appetite_category_unique")
        ]

    def __str__(self) -> str:
        return f"Appetite for {self.get_category_display().lower()} risks: {self.max_score}"


class Priority(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Escalation(models.TextChoices):
    WORKSTREAM = "workstream", "Workstream"
    PROGRAMME = "programme", "Programme"
    BOARD = "board", "Board"
    CORPORATE = "corporate", "Corporate"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Issue(ArchivableModel, VersionedModel):
    """Something that has happened and must be dealt with."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="issues")
    reference = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    impact = models.TextField(blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues")
    escalation = models.CharField(
        "escalation level", max_length=12, choices=Escalation.choices, default=Escalation.PROGRAMME
    )
    status = models.CharField(max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    raised_on = models.DateField("raised on", null=True, blank=True, validators=[validate_plan_date])
    resolved_on = models.DateField("resolved on", null=True, blank=True, validators=[validate_plan_date])
    from_risk = models.ForeignKey(
        Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="issues", verbose_name="from risk"
    )
    strands = models.ManyToManyField(Strand, blank=True, related_name="issues")
    plan_items = models.ManyToManyField(PlanItem, blank=True, related_name="issues")
    notes = models.TextField(blank=True)

    audit_fields = (
        "reference",
        "title",
        "description",
        "impact",
        "priority",
        "owner",
        "escalation",
        "status",
        "raised_on",
        "resolved_on",
        ("from_risk", "from_risk_reference"),
        "strands",
        ("plan_items", "plan_item_uids"),
        "notes",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "reference"], name="raid_issue_reference_unique")
        ]

    def __str__(self) -> str:
        return f"Issue {self.reference}: {self.title}"

    def clean(self) -> None:
        errors: dict[str, str] = reference_taken(self)
        if self.status == IssueStatus.OPEN and self.resolved_on:
            errors["resolved_on"] = "An open issue has no resolved date: clear it, or mark the issue resolved"
        if self.raised_on and self.resolved_on and self.resolved_on < self.raised_on:
            errors["resolved_on"] = f"The resolved date must be on or after the raised date ({self.raised_on:%d/%m/%Y})"
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status == IssueStatus.OPEN

    @property
    def from_risk_reference(self) -> str:
        return self.from_risk.reference if self.from_risk_id and self.from_risk else ""

    @property
    def plan_item_uids(self) -> list[str]:
        if self.pk is None:
            return []
        return sorted(i.uid for i in self.plan_items.all())


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_ACTIONS = frozenset({ActionStatus.DONE, ActionStatus.CANCELLED})


class Action(ArchivableModel):
    """A mitigating action on a risk, or an action on an issue: exactly one of the two."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="raid_actions")
    reference = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    issue = models.ForeignKey(Issue, null=True, blank=True, on_delete=models.CASCADE, related_name="actions")
    title = models.TextField("action")
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="raid_actions")
    due_on = models.DateField("due date", null=True, blank=True, validators=[validate_plan_date])
    status = models.CharField(max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_on = models.DateField("done on", null=True, blank=True, validators=[validate_plan_date])

    audit_fields = (
        "reference",
        ("risk", "risk_reference"),
        ("issue", "issue_reference"),
        "title",
        "owner",
        "due_on",
        "status",
        "done_on",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["due_on", "reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "reference"], name="raid_action_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(risk__isnull=True, issue__isnull=False)
                | models.Q(risk__isnull=False, issue__isnull=True),
                name="raid_action_one_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.reference}"

    def clean(self) -> None:
        errors: dict[str, str] = reference_taken(self)
        if (self.risk_id is None) == (self.issue_id is None):
            errors["risk"] = "An action belongs to one risk or one issue: choose one"
        if self.status == ActionStatus.DONE and not self.done_on:
            errors["done_on"] = "Enter the date the action was done"
        if self.status != ActionStatus.DONE and self.done_on:
            errors["done_on"] = "Only a done action has a done date: clear it, or mark the action done"
        if errors:
            raise ValidationError(errors)

    @property
    def parent(self) -> Risk | Issue | None:
        return self.risk if self.risk_id else self.issue

    @property
    def risk_reference(self) -> str:
        return self.risk.reference if self.risk_id and self.risk else ""

    @property
    def issue_reference(self) -> str:
        return self.issue.reference if self.issue_id and self.issue else ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.due_on is not None and self.due_on < today and self.status not in CLOSED_ACTIONS


# --- the simpler logs -----------------------------------------------------------------------------


class LogKind(models.TextChoices):
    ASSUMPTION = "assumption", "Assumption"
    DEPENDENCY = "dependency", "Dependency"
    CONSTRAINT = "constraint", "Constraint"
    EXCLUSION = "exclusion", "Exclusion"
    LESSON = "lesson", "Lesson learned"


@dataclass(frozen=True)
class LogSpec:
    """What one kind of log entry has: its words, its statuses, and which fields it uses."""

    kind: str
    title: str
    noun: str
    plural: str
    slug: str  # in page addresses
    sheet: str
    statuses: tuple[tuple[str, str], ...]
    partner: bool = False
    plan_items: bool = False
    review: bool = True
    intro: str = ""

    @property
    def status_values(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.statuses)

    def status_label(self, value: str) -> str:
        return dict(self.statuses).get(value, value)


LOGS: dict[str, LogSpec] = {
    spec.kind: spec
    for spec in (
        LogSpec(
            LogKind.ASSUMPTION,
            "Assumptions",
            "assumption",
            "assumptions",
            "assumptions",
            "assumptions",
            (("open", "Open"), ("confirmed", "Confirmed"), ("proved_wrong", "Proved wrong")),
            intro="What the programme takes to be true without proof: check each one at its review date.",
        ),
        LogSpec(
            LogKind.DEPENDENCY,
            "Dependencies on others",
            "dependency",
            "dependencies",
            "dependencies",
            "raid_dependencies",
            (("open", "Open"), ("at_risk", "At risk"), ("met", "Met"), ("not_met", "Not met")),
            partner=True,
            plan_items=True,
            intro="What the programme needs from partners or other programmes, and the plan lines that wait on it.",
        ),
        LogSpec(
            LogKind.CONSTRAINT,
            "Constraints and mandatories",
            "constraint",
            "constraints",
            "constraints",
            "constraints",
            (("active", "Active"), ("lifted", "Lifted")),
            review=False,
            intro="The limits the programme must work within, and what it must do.",
        ),
        LogSpec(
            LogKind.EXCLUSION,
            "Exclusions",
            "exclusion",
            "exclusions",
            "exclusions",
            "exclusions",
            (("active", "Active"), ("withdrawn", "Withdrawn")),
            review=False,
            intro="What the programme will not change.",
        ),
        LogSpec(
            LogKind.LESSON,
            "Lessons learned",
            "lesson",
            "lessons",
            "lessons",
            "lessons",
            (("open", "To act on"), ("applied", "Applied"), ("closed", "Closed")),
            review=False,
            intro="What earlier work taught, and whether the programme has acted on it.",
        ),
    )
}
LOG_BY_SLUG: dict[str, LogSpec] = {spec.slug: spec for spec in LOGS.values()}


class LogEntry(ArchivableModel):
    """An assumption, a dependency on others, a constraint, an exclusion or a lesson learned."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="raid_log")
    kind = models.CharField(max_length=12, choices=LogKind.choices)
    reference = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="raid_log")
    partner = models.CharField("partner or other programme", max_length=300, blank=True, help_text="Dependencies only")
    status = models.CharField(max_length=16)
    raised_on = models.DateField("raised on", null=True, blank=True, validators=[validate_plan_date])
    review_on = models.DateField("review date", null=True, blank=True, validators=[validate_plan_date])
    plan_items = models.ManyToManyField(PlanItem, blank=True, related_name="raid_log")

    audit_fields = (
        "kind",
        "reference",
        "title",
        "description",
        "owner",
        "partner",
        ("status", "status_display"),
        "raised_on",
        "review_on",
        ("plan_items", "plan_item_uids"),
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["kind", "reference"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["programme", "kind", "reference"], name="raid_log_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.spec.noun.capitalize()} {self.reference}: {self.title}"

    @property
    def spec(self) -> LogSpec:
        return LOGS[self.kind]

    @property
    def status_display(self) -> str:
        return self.spec.status_label(self.status) if self.kind in LOGS else self.status

    def clean(self) -> None:
        if self.kind not in LOGS:
            return
        spec = self.spec
        errors: dict[str, str] = reference_taken(self, kind=self.kind)
        if self.status not in spec.status_values:
            allowed = ", ".join(spec.status_values)
            errors["status"] = f"'{self.status}' is not a status of {spec.plural}: use one of {allowed}"
        if self.partner and not spec.partner:
            errors["partner"] = f"Only dependencies name a partner: clear it for {spec.plural}"
        if self.review_on and not spec.review:
            errors["review_on"] = f"{spec.plural.capitalize()} have no review date: clear it"
        if errors:
            raise ValidationError(errors)

    @property
    def plan_item_uids(self) -> list[str]:
        if self.pk is None:
            return []
        return sorted(i.uid for i in self.plan_items.all())
