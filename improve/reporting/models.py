"""The reporting room's models: highlight reports and board packs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from improve.core.models import TimeStampedModel, VersionedModel

# Board packs ---------------------------------------------------------------------------------


class PackSectionChoice(TimeStampedModel):
    """Whether a board's pack carries one section (by the section's registry key), and where.

    A board with no rows takes every section in the registry's order. A section a room adds later
    (no row yet) is carried, after the chosen ones: nothing is left out without someone choosing.
    """

    board = models.ForeignKey("governance.Board", on_delete=models.CASCADE, related_name="pack_sections")
    key = models.CharField(max_length=80)
    included = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    audit_fields = ("board", "key", "included", "order")

    class Meta:
        ordering = ["board", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["board", "key"], name="reporting_pack_section_unique")]

    def __str__(self) -> str:
        return f"{self.board}: {self.key}"

    def audit_programme_id(self) -> int | None:
        return int(self.board.programme_id)


class BoardPack(TimeStampedModel, VersionedModel):
    """An issued board pack: the frozen pack and its files, kept exactly as they were at issue.

    A draft is never stored — it is the live preview, built from the data on request. Issuing
    freezes :func:`~improve.core.document.pack_to_data` and the rendered PDF, Word and Excel
    files, so later changes to the data or the code never alter what the board was sent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="board_packs")
    board = models.ForeignKey("governance.Board", on_delete=models.PROTECT, related_name="packs")
    meeting = models.ForeignKey(
        "governance.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="packs"
    )
    month = models.DateField(help_text="The first day of the month the pack reports on.")
    as_at = models.DateField(help_text="The pack's status date: the month's last day, or the meeting's date.")
    period_start = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=300)
    data = models.JSONField(default=dict, help_text="The frozen pack (pack_to_data).")
    html = models.BinaryField(default=b"")
    pdf = models.BinaryField(default=b"")
    docx = models.BinaryField(null=True, blank=True)
    xlsx = models.BinaryField(null=True, blank=True)
    #: a fingerprint of the frozen pack and its files, shown in the history
    digest = models.CharField(max_length=64, blank=True)

    audit_fields = ("board", "month", "as_at", "status", "issued_at", "title", "digest")

    class Meta:
        ordering = ["-month", "board__order"]
        constraints = [
            models.UniqueConstraint(fields=["board", "month"], name="reporting_board_pack_month_unique"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.month and self.month.day != 1:
            errors["month"] = "Give the first day of the month the pack reports on"
        if self.board_id is not None and self.programme_id is not None and self.board.programme_id != self.programme_id:
            errors["board"] = "Choose a board of this programme"
        if self.as_at and self.period_start and self.period_start > self.as_at:
            errors["period_start"] = "The period must start on or before the status date"
        if self.status == self.Status.ISSUED and (not self.data or not self.pdf or self.issued_at is None):
            errors["status"] = "An issued pack keeps its frozen contents, its PDF and when it was issued"
        if errors:
            raise ValidationError(errors)

    def files(self) -> dict[str, bytes | None]:
        """The kept files by format (None: not made when it was issued)."""
        return {
            "pdf": bytes(self.pdf) if self.pdf else None,
            "docx": bytes(self.docx) if self.docx else None,
            "xlsx": bytes(self.xlsx) if self.xlsx else None,
            "html": bytes(self.html) if self.html else None,
        }

    @staticmethod
    def fingerprint(data: Any, files: dict[str, bytes | None]) -> str:
        """The pack's data and files as one hash. The data is written with its keys sorted, as
        PostgreSQL's jsonb keeps them, so the hash is the same however the database returns it."""
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8"))
        for name in sorted(files):
            digest.update(name.encode())
            digest.update(files[name] or b"")
        return digest.hexdigest()

    @property
    def month_text(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def month_key(self) -> str:
        return f"{self.month:%Y-%m}"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# Highlight reports ---------------------------------------------------------------------------------


class ReportRag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ReportState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    RESUBMITTED = "resubmitted", "Resubmitted"
    ACCEPTED = "accepted", "Accepted"


#: states in which the strand's lead may still change the report
EDITABLE_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
#: states awaiting the PMO's review
AWAITING_REVIEW = frozenset({ReportState.SUBMITTED, ReportState.RESUBMITTED})

RAG_FIELDS = ("overall_rag", "schedule_rag", "cost_rag", "risk_rag")
RAG_LABELS = {
    "overall_rag": "overall RAG",
    "schedule_rag": "schedule RAG",
    "cost_rag": "cost RAG",
    "risk_rag": "risk RAG",
}


def month_label(period: dt.date) -> str:
    """01/10/2019 → "October 2019"."""
    return f"{period:%B %Y}"


def period_key(period: dt.date) -> str:
    """01/10/2019 → "2019-10" (as URLs and the workbook write a month)."""
    return f"{period:%Y-%m}"


def month_end(period: dt.date) -> dt.date:
    following = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


class HighlightReport(TimeStampedModel, VersionedModel):
    """A strand's monthly highlight report: four RAGs, what was done and what is next, for the PMO.

    ``facts`` keeps what the pre-fill found in the live data at the period's end (items completed,
    due, slipped with days, gates, risks, escalations, spend), so an accepted report never changes
    when the plan does; ``snapshot`` keeps the end date of each of the strand's plan lines at the
    period's end, for the next period's slips.
    """

    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="highlight_reports")
    strand = models.ForeignKey("programmes.Strand", on_delete=models.RESTRICT, related_name="highlight_reports")
    period = models.DateField(help_text="The month reported on (its first day).")
    state = models.CharField(max_length=12, choices=ReportState.choices, default=ReportState.DRAFT)
    overall_rag = models.CharField("overall RAG", max_length=5, choices=ReportRag.choices, blank=True)
    schedule_rag = models.CharField("schedule RAG", max_length=5, choices=ReportRag.choices, blank=True)
    cost_rag = models.CharField("cost RAG", max_length=5, choices=ReportRag.choices, blank=True)
    risk_rag = models.CharField("risk RAG", max_length=5, choices=ReportRag.choices, blank=True)
    achievements = models.TextField("achievements this period", blank=True)
    next_period = models.TextField("planned for next period", blank=True)
    decisions_needed = models.TextField("decisions needed", blank=True)
    escalations = models.TextField(blank=True)
    due_on = models.DateField("due on")
    due_basis = models.CharField(max_length=300, blank=True, help_text="Where the due date comes from.")
    submitted_on = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    facts = models.JSONField(default=dict, blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)

    audit_fields = (
        ("strand", "strand_code"),
        ("period", "period_text"),
        "state",
        "overall_rag",
        "schedule_rag",
        "cost_rag",
        "risk_rag",
        "achievements",
        "next_period",
        "decisions_needed",
        "escalations",
        "due_on",
        "return_reason",
        "notes",
    )

    class Meta:
        ordering: ClassVar[list[Any]] = ["-period", "strand__order", "strand__code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["strand", "period"], name="reporting_highlight_strand_period_unique")
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["programme", "period"], name="reporting_highlight_period")
        ]

    def __str__(self) -> str:
        return f"Highlight report {self.strand_code}, {month_label(self.period)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period and self.period.day != 1:
            errors["period"] = "A report covers a whole month: give the month's first day"
        if self.strand_id and self.programme_id and self.strand.programme_id != self.programme_id:
            errors["strand"] = "Choose a strand of this programme"
        if self.state in (ReportState.SUBMITTED, ReportState.RESUBMITTED, ReportState.ACCEPTED):
            for name in RAG_FIELDS:
                if not getattr(self, name):
                    label = RAG_LABELS[name]
                    errors[name] = f"Choose the {label} (red, amber or green) before the report is submitted"
        if self.state == ReportState.RETURNED and not self.return_reason.strip():
            errors["return_reason"] = "Say why the report is returned, so the lead knows what to change"
        if errors:
            raise ValidationError(errors)

    @property
    def strand_code(self) -> str:
        return self.strand.code if self.strand_id else ""

    @property
    def period_text(self) -> str:
        return period_key(self.period) if self.period else ""

    @property
    def month(self) -> str:
        return month_label(self.period)

    @property
    def period_end(self) -> dt.date:
        return month_end(self.period)

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def awaiting_review(self) -> bool:
        return self.state in AWAITING_REVIEW


# Board packs ---------------------------------------------------------------------------------------
