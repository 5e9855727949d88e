"""What the governance room brings to the shared machinery (see :mod:`improve.core.registry`)."""

from __future__ import annotations

from improve.core.registry import NavEntry, Room
from improve.governance import models
from improve.governance.permissions import RULES
from improve.governance.sections import SECTIONS
from improve.governance.sheets import GOVERNANCE_WORKBOOK


def _names(*names: str) -> frozenset[str]:
    return frozenset(f"governance:{n}" for n in names)


ROOM = Room(
    label="governance",
    title="Governance",
    nav=(
        NavEntry(
            "Governance",
            "governance:calendar",
            "view",
            60,
            _names(
                "boards",
                "board",
                "board-create",
                "board-edit",
                "board-archive",
                "board-restore",
                "chain",
                "meeting-add",
                "meeting-edit",
                "decisions",
                "decision-record",
                "decision-edit",
                "report-add",
                "report-edit",
                "change-archive",
                "change-restore",
                "document-create",
                "document-edit",
                "version-add",
                "version-edit",
                "signoff-add",
                "signoff-edit",
                "changes",
                "change",
                "change-raise",
                "documents",
                "document",
                "subscribe",
                "feed-addresses",
            ),
        ),
    ),
    permissions=RULES,
    workbook=GOVERNANCE_WORKBOOK,
    sections=SECTIONS,
    audited_models=(
        models.Board,
        models.BoardMember,
        models.ReportLink,
        models.Meeting,
        models.Decision,
        models.ChangeRequest,
        models.ChangeItem,
        models.Document,
        models.DocumentVersion,
        models.DocumentSignoff,
        models.FeedToken,
    ),
)
