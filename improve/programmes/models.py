"""The programme plan: programme, strands, stages, projects, plan items, dependencies, baselines.

A plan date has three states, as in councils' plans: a date, ``TBD`` (to be decided), or not
given. Each is stored as a nullable date plus a ``*_tbd`` flag.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from improve.core.dates import format_plan_date
from improve.core.models import ArchivableModel, AuditedModel, TimeStampedModel, VersionedModel
from improve.core.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date


class StrandTerm(models.TextChoices):
    STRAND = "strand", "Strand"
    THEME = "theme", "Theme"
    WORKSTREAM = "workstream", "Workstream"


class Programme(TimeStampedModel, VersionedModel):
    slug = models.SlugField(max_length=80, unique=True)
    council = models.CharField(max_length=200)
    name = models.CharField(max_length=300)
    strand_term = models.CharField(max_length=16, choices=StrandTerm.choices, default=StrandTerm.STRAND)
    start_date = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    end_date = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    status_date = models.DateField(
        "status date",
        null=True,
        blank=True,
        validators=[validate_plan_date],
        help_text="The date progress is reported as at; overdue and slippage are judged against it.",
    )
    background = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    outcomes = models.TextField("outcomes / critical success factors", blank=True)
    principles = models.TextField(blank=True)
    lessons_learned = models.TextField(blank=True)
    notes = models.TextField(blank=True)

    audit_fields = (
        "council",
        "name",
        "strand_term",
        ("start", "start_date"),
        ("end", "end_date"),
        "status_date",
        "background",
        "objectives",
        "outcomes",
        "principles",
        "lessons_learned",
        "notes",
    )

    class Meta:
        ordering = ["council", "name"]
        # rooms on this room's floor refer to it by the setting, not by import (see settings)
        swappable = "IMPROVE_PROGRAMME_MODEL"

    def __str__(self) -> str:
        return f"{self.council}: {self.name}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be the same as or after the start date"})

    def audit_programme_id(self) -> int | None:
        return self.pk

    @property
    def as_at(self) -> dt.date:
        """The date progress is judged at: the status date if set, else today."""
        return self.status_date or timezone.localdate()

    @property
    def strand_word(self) -> str:
        return self.get_strand_term_display()

    @property
    def strand_word_plural(self) -> str:
        return f"{self.strand_word}s"


class Owner(ArchivableModel):
    """A person, board or team that can own plan items, lead strands or own stages."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        BOARD = "board", "Board"
        TEAM = "team", "Team"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="owners")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PERSON)
    title = models.CharField(max_length=200, blank=True)
    #: the signed-in person behind this owner, when they use the product (so what they own, e.g. a
    #: risk, can be theirs to edit)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owner_records"
    )

    audit_fields = ("name", "kind", "title", "user")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="owner_name_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if (
            self.user_id is not None
            and not Membership.objects.filter(programme_id=self.programme_id, user_id=self.user_id).exists()
        ):
            raise ValidationError({"user": "Choose a member of this programme"})


class Strand(ArchivableModel):
    """A strand, theme or workstream (the programme names which word it uses)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="strands")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    aim = models.TextField(blank=True)
    lead = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    order = models.PositiveIntegerField(default=0)

    audit_fields = ("code", "name", "aim", "lead", "order")

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="strand_code_unique")]

    def __str__(self) -> str:
        return self.name


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


class Stage(PlanDatesMixin, ArchivableModel):
    """A stage or phase of the programme with its date range."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="stages")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    audit_fields = (
        "code",
        "name",
        "owner",
        ("start", "start_display"),
        ("end", "end_display"),
        "description",
        "order",
    )

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="stage_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if errors := self.clean_dates():
            raise ValidationError(errors)


class Project(ArchivableModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="projects")
    strand = models.ForeignKey(Strand, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    lead = models.ForeignKey(Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(blank=True)

    audit_fields = ("code", "strand", "name", "lead", "description")

    class Meta:
        ordering = ["strand__order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="project_code_unique")]

    def __str__(self) -> str:
        return self.name


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


class PlanItem(PlanDatesMixin, ArchivableModel, VersionedModel):
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

    audit_fields = (
        "uid",
        "level",
        "kind",
        "gate_type",
        "title",
        ("strand", "strand_name"),
        ("project", "project_name"),
        ("parent", "parent_uid"),
        ("owner", "owner_display"),
        "team",
        ("start", "start_display"),
        ("end", "end_display"),
        "status",
        "rag",
        "percent_complete",
        "notes",
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "uid"], name="item_uid_unique")]
        indexes = [models.Index(fields=["programme", "archived_at", "order"], name="item_current_order")]

    def __str__(self) -> str:
        return f"{self.uid} {self.title}"

    def clean(self) -> None:
        errors = self.clean_dates()
        if self.kind == ItemKind.GATE and not self.gate_type:
            errors["gate_type"] = "Select the type of governance gate"
        if self.kind != ItemKind.GATE and self.gate_type:
            errors["gate_type"] = "Only governance gates have a gate type: choose 'Not a gate'"
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
    def strand_name(self) -> str:
        return self.strand.name if self.strand_id else ""

    @property
    def project_name(self) -> str:
        return self.project.name if self.project is not None else ""

    @property
    def parent_uid(self) -> str:
        return self.parent.uid if self.parent is not None else ""

    @property
    def owner_display(self) -> str:
        if self.owner_tbd:
            return "TBD"
        return self.owner.name if self.owner else ""


class DependencyType(models.TextChoices):
    FS = "FS", "Finish to start"
    SS = "SS", "Start to start"
    FF = "FF", "Finish to finish"
    SF = "SF", "Start to finish"


class Dependency(TimeStampedModel):
    """The successor's start or finish is tied to the predecessor's, with a lag in days."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=DependencyType.choices, default=DependencyType.FS)
    lag_days = models.IntegerField(default=0)

    audit_fields = (("predecessor", "predecessor_uid"), ("successor", "successor_uid"), "type", "lag_days")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="dependency_not_self"),
        ]

    @property
    def predecessor_uid(self) -> str:
        return self.predecessor.uid

    @property
    def successor_uid(self) -> str:
        return self.successor.uid

    def __str__(self) -> str:
        return f"{self.predecessor.uid} → {self.successor.uid} ({self.type}{self.lag_days:+d}d)"


class Baseline(ArchivableModel):
    """A frozen copy of the plan's dates."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=120)
    taken_on = models.DateField(validators=[validate_plan_date])
    note = models.TextField(blank=True)

    audit_fields = ("name", ("taken_on", "taken_on"), "note")

    class Meta:
        ordering = ["-taken_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="baseline_name_unique")]

    def __str__(self) -> str:
        return self.name


class BaselineItem(PlanDatesMixin, AuditedModel):
    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="items")
    uid = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = models.CharField(max_length=500, blank=True)

    audit_fields = (("baseline", "baseline"), "uid", "title", ("start", "start_display"), ("end", "end_display"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "uid"], name="baseline_item_unique")]

    def __str__(self) -> str:
        return f"{self.baseline}: {self.uid}"

    def audit_programme_id(self) -> int | None:
        return self.baseline.programme_id


class Role(models.TextChoices):
    SRO = "sro", "Senior Responsible Owner"
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    PMO_OFFICER = "pmo_officer", "PMO officer"
    WORKSTREAM_LEAD = "workstream_lead", "Workstream lead"
    FINANCE_LEAD = "finance_lead", "Finance lead"
    ANALYST = "analyst", "Analyst"
    BOARD_MEMBER = "board_member", "Board member"
    VIEWER = "viewer", "Viewer"


class Membership(TimeStampedModel):
    """A user's role in one programme. Workstream leads are scoped to the strands they lead."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    strands = models.ManyToManyField(Strand, blank=True, related_name="leads")

    audit_fields = (("user", "user_email"), "role", "strands")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="one_membership_per_programme")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"

    @property
    def user_email(self) -> str:
        return str(self.user.email)
