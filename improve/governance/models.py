"""Governance: boards and their meetings, the reporting chain, decisions, change requests, documents.

Rules that need only the row live in ``clean()``; rules across rows (a board loop, routing a change
to the board whose tolerances cover it) live in :mod:`improve.governance.services`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from improve.core.models import ArchivableModel, TimeStampedModel, VersionedModel
from improve.core.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date
from improve.governance import cadence as cadence_rules


def money(value: Decimal | None) -> str:
    """£1,095,000.00 → "£1,095,000" (pence shown only when there are some)."""
    if value is None:
        return ""
    text = f"£{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


class Board(ArchivableModel, VersionedModel):
    """A board, group or meeting of the programme's governance, with its cadence and tolerances."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="boards")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        "programmes.Owner", null=True, blank=True, on_delete=models.SET_NULL, related_name="boards_chaired"
    )
    members = models.ManyToManyField("programmes.Owner", blank=True, related_name="boards", through="BoardMember")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The board a matter above this board's tolerances goes to.",
    )
    cadence = models.CharField(
        max_length=200, blank=True, help_text="How often it meets, as the papers say: 'monthly (3rd Thursday)'."
    )
    first_meeting = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    starts_at = models.TimeField(default=dt.time(10, 0))
    duration_minutes = models.PositiveIntegerField(
        default=90, validators=[MinValueValidator(5), MaxValueValidator(720)]
    )
    tolerance_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="The delay in days this board may agree; empty: none."
    )
    tolerance_cost = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="The extra cost in £ this board may agree; empty: none.",
    )
    tolerance_scope = models.BooleanField(default=False, help_text="Whether this board may agree a change of scope.")
    tolerance_note = models.TextField(blank=True)
    themes_per_meeting = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(20)])
    order = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    audit_fields = (
        "code",
        "name",
        "chair",
        "parent",
        "cadence",
        "first_meeting",
        "starts_at",
        "duration_minutes",
        "tolerance_days",
        "tolerance_cost",
        "tolerance_scope",
        "tolerance_note",
        "themes_per_meeting",
        "order",
        "notes",
    )

    class Meta:
        ordering = ["order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="governance_board_code_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.cadence:
            try:
                cadence_rules.parse(self.cadence, self.first_meeting)
            except cadence_rules.CadenceError as exc:
                errors["cadence"] = str(exc)
        if self.parent_id is not None and self.pk is not None and self.parent_id == self.pk:
            errors["parent"] = "A board cannot report to itself: choose another board or none"
        if self.chair_id is not None and self.chair is not None and self.chair.programme_id != self.programme_id:
            errors["chair"] = "Choose an owner of this programme"
        if errors:
            raise ValidationError(errors)

    def rule(self) -> cadence_rules.Cadence | None:
        """The board's cadence read into a rule (None if it has none)."""
        return cadence_rules.parse(self.cadence, self.first_meeting) if self.cadence else None

    @property
    def tolerance_display(self) -> str:
        parts = [
            "no delay" if self.tolerance_days is None else f"{self.tolerance_days} days' delay",
            "no extra cost" if self.tolerance_cost is None else f"{money(self.tolerance_cost)} extra cost",
            "scope changes" if self.tolerance_scope else "no scope change",
        ]
        return ", ".join(parts)


class BoardMember(TimeStampedModel):
    """An owner who sits on a board."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    owner = models.ForeignKey("programmes.Owner", on_delete=models.CASCADE, related_name="+")

    audit_fields = ("board", "owner")

    class Meta:
        ordering = ["board__order", "owner__name"]
        constraints = [models.UniqueConstraint(fields=["board", "owner"], name="governance_board_member_unique")]

    def __str__(self) -> str:
        return f"{self.owner} on {self.board}"

    def audit_programme_id(self) -> int | None:
        return self.board.programme_id


class ReportLink(TimeStampedModel):
    """A report in the chain: who sends it (a board, or the workstreams) and which board takes it in.

    The report is due ``due_working_days`` working days before the receiving board's meeting
    (0: on the day, from the sender's meeting).
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="report_links")
    sender = models.ForeignKey(Board, null=True, blank=True, on_delete=models.CASCADE, related_name="reports_out")
    receiver = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="reports_in")
    report = models.CharField(max_length=200)
    due_working_days = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(60)])

    audit_fields = ("sender", "receiver", "report", "due_working_days")

    class Meta:
        ordering = ["receiver__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["receiver", "report"], name="governance_report_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report} → {self.receiver}"

    @property
    def sender_name(self) -> str:
        return self.sender.name if self.sender is not None else "Workstreams"


class Meeting(ArchivableModel):
    """One meeting of a board. ``scheduled`` is the date the cadence gave (or first set, for a meeting
    added by hand); ``date`` is when it is held. A moved or cancelled meeting keeps its move when the
    calendar is generated again."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="meetings")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    scheduled = models.DateField(validators=[validate_plan_date])
    date = models.DateField(validators=[validate_plan_date])
    starts_at = models.TimeField(null=True, blank=True)
    from_cadence = models.BooleanField(default=False)
    moved_for = models.CharField(max_length=200, blank=True, help_text="Why the cadence's date moved (a bank holiday).")
    cancelled = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True, help_text="Why it was moved or cancelled by hand.")
    themes = models.ManyToManyField("programmes.Strand", blank=True, related_name="+")
    notes = models.TextField(blank=True)

    audit_fields = (
        "board",
        "scheduled",
        "date",
        "starts_at",
        "cancelled",
        "reason",
        "themes",
        "notes",
    )

    class Meta:
        ordering = ["date", "board__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "scheduled"], name="governance_meeting_scheduled_unique")
        ]
        indexes = [models.Index(fields=["programme", "date"], name="governance_meeting_date")]

    def __str__(self) -> str:
        return f"{self.board.name}, {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.cancelled and not self.reason.strip():
            raise ValidationError({"reason": "Say why the meeting is cancelled"})
        if self.moved_by_hand and not self.reason.strip():
            raise ValidationError(
                {"reason": f"Say why the meeting is moved from {self.scheduled:%d/%m/%Y} to {self.date:%d/%m/%Y}"}
            )

    @property
    def moved_by_hand(self) -> bool:
        """Held on another day than the calendar gave it (a bank-holiday move is not by hand)."""
        return self.from_cadence and self.date != self.scheduled and not self.moved_for

    @property
    def moved(self) -> bool:
        return self.date != self.scheduled

    @property
    def held_at(self) -> dt.time:
        return self.starts_at or self.board.starts_at


class Decision(TimeStampedModel):
    """A decision or endorsement recorded at a meeting; an agreed one completes the gate it names."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        ENDORSEMENT = "endorsement", "Endorsement"

    class Outcome(models.TextChoices):
        AGREED = "agreed", "Agreed"
        NOT_AGREED = "not_agreed", "Not agreed"
        DEFERRED = "deferred", "Deferred"

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(Meeting, on_delete=models.RESTRICT, related_name="decisions")
    ref = models.CharField("reference", max_length=KEY_MAX_LENGTH, validators=[validate_key])
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.DECISION)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.AGREED)
    text = models.TextField()
    gate = models.ForeignKey(
        "programmes.PlanItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="governance_decisions"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_fields = ("ref", "meeting", "kind", "outcome", "text", ("gate", "gate_uid"))

    class Meta:
        ordering = ["-meeting__date", "ref"]
        constraints = [models.UniqueConstraint(fields=["programme", "ref"], name="governance_decision_ref_unique")]

    def __str__(self) -> str:
        return self.ref

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.gate is not None and self.gate.kind != "gate":
            errors["gate"] = f"{self.gate.uid} is not a governance gate: choose a plan line of kind gate"
        try:
            meeting: Meeting | None = self.meeting
        except Meeting.DoesNotExist:
            meeting = None
        if meeting is not None and meeting.cancelled:
            errors["meeting"] = f"The meeting of {meeting.date:%d/%m/%Y} was cancelled: choose another"
        if errors:
            raise ValidationError(errors)

    @property
    def gate_uid(self) -> str:
        return self.gate.uid if self.gate is not None else ""


class ChangeRequest(ArchivableModel, VersionedModel):
    """A change to the plan's time, cost or scope, routed to the lowest board whose tolerances cover it."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="change_requests")
    ref = models.CharField("reference", max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    strand = models.ForeignKey("programmes.Strand", null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    impact_days = models.IntegerField(default=0, help_text="Delay in days (negative: sooner).")
    impact_cost = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0"), help_text="Extra cost in £ (negative: saving)."
    )
    impact_scope = models.TextField(blank=True, help_text="The change of scope, if any.")
    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.RESTRICT, related_name="change_requests")
    routing = models.TextField(blank=True, help_text="Why the change went to its board.")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    raised_on = models.DateField(validators=[validate_plan_date])
    decided_on = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    audit_fields = (
        "ref",
        "title",
        "description",
        "strand",
        "impact_days",
        "impact_cost",
        "impact_scope",
        "board",
        "routing",
        "state",
        "raised_on",
        "decided_on",
        "decision_reason",
    )

    class Meta:
        ordering = ["-raised_on", "ref"]
        constraints = [models.UniqueConstraint(fields=["programme", "ref"], name="governance_change_ref_unique")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def clean(self) -> None:
        if not self.impact_days and not self.impact_cost and not self.impact_scope.strip():
            raise ValidationError(
                {"impact_days": "A change request must change time, cost or scope: enter its impact on at least one"}
            )
        if self.state != self.State.PENDING and not self.decision_reason.strip():
            raise ValidationError({"decision_reason": "Give the reason for the decision"})

    @property
    def cost_display(self) -> str:
        return money(self.impact_cost)


class ChangeItem(TimeStampedModel):
    """A plan line whose dates an approved change moves."""

    change = models.ForeignKey(ChangeRequest, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("programmes.PlanItem", on_delete=models.CASCADE, related_name="+")
    new_start = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    new_end = models.DateField(null=True, blank=True, validators=[validate_plan_date])

    audit_fields = ("change", ("item", "item_uid"), "new_start", "new_end")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["change", "item"], name="governance_change_item_unique")]

    def __str__(self) -> str:
        return f"{self.change.ref}: {self.item.uid}"

    def clean(self) -> None:
        if self.new_start and self.new_end and self.new_end < self.new_start:
            raise ValidationError({"new_end": "The new end must be on or after the new start"})

    @property
    def item_uid(self) -> str:
        return self.item.uid

    def audit_programme_id(self) -> int | None:
        return self.change.programme_id


class Document(ArchivableModel):
    """A programme document (PID, business case, strategy) with its versions."""

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(max_length=KEY_MAX_LENGTH, validators=[validate_key])
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=100, blank=True, help_text="PID, business case, strategy …")
    owner = models.ForeignKey("programmes.Owner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    audit_fields = ("code", "title", "kind", "owner")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="governance_document_code_unique")]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(TimeStampedModel):
    """One line of a document's revision history."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=20)
    date = models.DateField(validators=[validate_plan_date])
    author = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)

    audit_fields = ("document", "version", "date", "author", "summary")

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="governance_version_unique")]

    def __str__(self) -> str:
        return f"{self.document.code} v{self.version}"

    def audit_programme_id(self) -> int | None:
        return self.document.programme_id


class DocumentSignoff(TimeStampedModel):
    """A review or an approval of one version of a document, by a person or a group."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        APPROVAL = "approval", "Approval"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        REVIEWED = "reviewed", "Reviewed"

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signoffs")
    version = models.CharField(max_length=20)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    date = models.DateField(null=True, blank=True, validators=[validate_plan_date])
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField(max_length=300, blank=True)

    audit_fields = ("document", "version", "kind", "date", "name", "role", "status", "note")

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version", "kind", "name"], name="governance_signoff_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document.code} v{self.version}: {self.name}"

    def audit_programme_id(self) -> int | None:
        return self.document.programme_id

    def clean(self) -> None:
        if self.kind == self.Kind.REVIEW and self.status not in (self.Status.REVIEWED, self.Status.PENDING):
            raise ValidationError({"status": "A review is pending or reviewed"})
        if self.kind == self.Kind.APPROVAL and self.status == self.Status.REVIEWED:
            raise ValidationError({"status": "An approval is pending, approved or rejected"})


def feed_digest(secret: str) -> str:
    """The SHA-256 digest under which a calendar feed's secret is kept (the secret itself never is)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class FeedToken(TimeStampedModel):
    """A member's secret calendar-subscription address for one programme (Outlook cannot sign in).

    Only a SHA-256 digest of the secret is kept: the address is shown once, when it is made. Making
    a new one or revoking it ends the old one; a member who leaves the programme loses the feed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens")
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="feed_tokens")
    digest = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    audit_fields = ("user", "revoked_at")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_token",
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"

    def audit_programme_id(self) -> int | None:
        return self.programme_id
