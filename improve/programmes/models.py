"""The programme plan: programme, strands, stages, projects, plan items, dependencies, baselines.

A plan date has three states, as in councils' plans: a date, ``TBD`` (to be decided), or not
given. Each is stored as a nullable date plus a ``*_tbd`` flag.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from improve.programmes.dates import format_plan_date
from improve.programmes.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date


class StrandTerm(models.TextChoices):
    STRAND = "strand", "Strand"
    THEME = "theme", "Theme"
    WORKSTREAM = "workstream", "Workstream"


class Programme(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    council = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    strand_term = models.CharField(max_length=16, choices=StrandTerm.choices, default=StrandTerm.STRAND)
    start_date = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    end_date = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    background = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    outcomes = models.TextField("outcomes / critical success factors", blank=True)
    principles = models.TextField(blank=True)
    lessons_learned = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council", "name"]

    def __str__(self) -> str:
        return f"{self.council}: {self.name}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be the same as or after the start date"})

    @property
    def strand_word(self) -> str:
        return self.get_strand_term_display()

    @property
    def strand_word_plural(self) -> str:
        return f"{self.strand_word}s"

    def audit_values(self) -> dict[str, Any]:
        return {
            "council": self.council,
            "name": self.name,
            "strand_term": self.strand_term,
            "start": self.start_date,
            "end": self.end_date,
            "background": self.background,
            "objectives": self.objectives,
            "outcomes": self.outcomes,
            "principles": self.principles,
            "lessons_learned": self.lessons_learned,
            "notes": self.notes,
        }


class Owner(models.Model):
    """A person, board or team that can own plan items, lead strands or own stages."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        BOARD = "board", "Board"
        TEAM = "team", "Team"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="owners")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PERSON)
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="owner_name_unique")]

    def __str__(self) -> str:
        return self.name

    def audit_values(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "title": self.title}


class Strand(models.Model):
    """A strand, theme or workstream (the programme names which word it uses)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="strands")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    aim = models.TextField(blank=True)
    lead = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="strand_code_unique")]

    def __str__(self) -> str:
        return self.name

    def audit_values(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "aim": self.aim, "lead": self.lead, "order": self.order}


class PlanDatesMixin(models.Model):
    start_date = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    start_tbd = models.BooleanField(default=False)
    end_date = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    end_tbd = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def clean_dates(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.start_tbd and self.start_date:
            errors["start_date"] = "Enter a start date or TBD, not both"
        if self.end_tbd and self.end_date:
            errors["end_date"] = "Enter an end date or TBD, not both"
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be the same as or after the start date"
        return errors

    @property
    def start_display(self) -> str:
        return format_plan_date(self.start_date, self.start_tbd)

    @property
    def end_display(self) -> str:
        return format_plan_date(self.end_date, self.end_tbd)


class Stage(PlanDatesMixin):
    """A stage or phase of the programme with its date range."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="stage_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if errors := self.clean_dates():
            raise ValidationError(errors)

    def audit_values(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "owner": self.owner,
            "start": self.start_display,
            "end": self.end_display,
            "description": self.description,
            "order": self.order,
        }


class Project(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="projects")
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    lead = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["strand__order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="project_code_unique")]

    def __str__(self) -> str:
        return self.name

    def audit_values(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "strand": self.strand,
            "name": self.name,
            "lead": self.lead,
            "description": self.description,
        }


class ItemKind(models.TextChoices):
    DELIVERABLE = "deliverable", "Deliverable"
    MILESTONE = "milestone", "Milestone"
    GATE = "gate", "Governance gate"


class GateType(models.TextChoices):
    ENDORSEMENT = "endorsement", "Endorsement"
    CONSULTATION = "consultation", "Consultation"
    DECISION = "decision", "Go / no-go decision"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    ON_HOLD = "on_hold", "On hold"
    CANCELLED = "cancelled", "Cancelled"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


CLOSED_STATUSES = frozenset({Status.COMPLETE, Status.CANCELLED})


class PlanItem(PlanDatesMixin):
    """A line of the plan: a deliverable, a milestone or a governance gate."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    uid = models.CharField("unique ID", max_length=KEY_MAX_LENGTH, validators=[validate_key])
    level = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(9)])
    kind = models.CharField(max_length=16, choices=ItemKind.choices, default=ItemKind.DELIVERABLE)
    gate_type = models.CharField(max_length=16, choices=GateType.choices, blank=True)
    title = models.CharField(max_length=500)
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="items")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    owner_tbd = models.BooleanField(default=False)
    team = models.CharField("team or department", max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG", max_length=8, choices=Rag.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    order = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "uid"], name="item_uid_unique")]
        indexes = [models.Index(fields=["programme", "archived", "order"])]

    def __str__(self) -> str:
        return f"{self.uid} {self.title}"

    def clean(self) -> None:
        errors = self.clean_dates()
        if self.kind == ItemKind.GATE and not self.gate_type:
            errors["gate_type"] = "Select the type of governance gate"
        if self.kind != ItemKind.GATE and self.gate_type:
            errors["gate_type"] = "Only governance gates have a gate type"
        if self.owner_tbd and self.owner_id:
            errors["owner"] = "Select an owner or TBD, not both"
        if self.status == Status.COMPLETE and self.percent_complete != 100:
            errors["percent_complete"] = "A complete item must be 100% complete"
        if self.project is not None and self.strand_id and self.project.strand_id != self.strand_id:
            errors["project"] = "The project belongs to a different strand"
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = "An item cannot sit under itself"
        if errors:
            raise ValidationError(errors)

    def is_overdue(self, today: dt.date) -> bool:
        return bool(self.end_date and self.end_date < today and self.status not in CLOSED_STATUSES)

    @property
    def owner_display(self) -> str:
        if self.owner_tbd:
            return "TBD"
        return self.owner.name if self.owner else ""

    def audit_values(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "level": self.level,
            "kind": self.get_kind_display(),
            "gate_type": self.get_gate_type_display() if self.gate_type else "",
            "title": self.title,
            "strand": self.strand.name if self.strand_id else "",
            "project": self.project.name if self.project is not None else "",
            "parent": self.parent.uid if self.parent is not None else "",
            "owner": self.owner_display,
            "team": self.team,
            "start": self.start_display,
            "end": self.end_display,
            "status": self.get_status_display(),
            "rag": self.get_rag_display() if self.rag else "",
            "percent_complete": self.percent_complete,
            "notes": self.notes,
            "archived": self.archived,
        }


class DependencyType(models.TextChoices):
    FS = "FS", "Finish to start"
    SS = "SS", "Start to start"
    FF = "FF", "Finish to finish"
    SF = "SF", "Start to finish"


class Dependency(models.Model):
    """The successor's start or finish is tied to the predecessor's, with a lag in days."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=DependencyType.choices, default=DependencyType.FS)
    lag_days = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor.uid} → {self.successor.uid} ({self.type}{self.lag_days:+d}d)"

    def audit_values(self) -> dict[str, Any]:
        return {
            "predecessor": self.predecessor.uid,
            "successor": self.successor.uid,
            "type": self.type,
            "lag_days": self.lag_days,
        }


class Baseline(models.Model):
    """A frozen copy of the plan's dates."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=120)
    taken_on = models.DateField(validators=[validate_plan_date])
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-taken_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="baseline_name_unique")]

    def __str__(self) -> str:
        return self.name

    def audit_values(self) -> dict[str, Any]:
        return {"name": self.name, "taken_on": self.taken_on, "note": self.note}


class BaselineItem(PlanDatesMixin):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items")
    uid = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "uid"], name="baseline_item_unique")]

    def __str__(self) -> str:
        return f"{self.baseline}: {self.uid}"
