"""The reporting room's models: highlight reports and board packs."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

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
        digest = hashlib.sha256(repr(data).encode())
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
