"""The governance room's sample objects for the role × URL matrix, reachable by a lead of strand "1"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from improve.core.audit import SYSTEM
from improve.governance import services
from improve.governance.models import (
    Board,
    ChangeRequest,
    Decision,
    Document,
    DocumentSignoff,
    DocumentVersion,
    Meeting,
    ReportLink,
)


def world(programme: Any) -> None:
    csg = services.board_save(
        actor=SYSTEM,
        programme=programme,
        data={"code": "csg", "name": "Corporate Strategy Group", "cadence": "Monthly (3rd Thursday)"},
    )
    cib = services.board_save(
        actor=SYSTEM,
        programme=programme,
        data={
            "code": "cib",
            "name": "Improvement Board",
            "cadence": "monthly (2nd Tuesday)",
            "parent": csg,
            "tolerance_days": 20,
        },
    )
    services.calendar_generate(
        actor=SYSTEM, programme=programme, start=dt.date(2019, 4, 1), end=dt.date(2019, 9, 30), boards=[cib]
    )
    services.change_raise(
        actor=SYSTEM, programme=programme, title="Later", impact_days=5, strand=programme.strands.get(code="1")
    )
    pid = services.document_save(actor=SYSTEM, programme=programme, code="pid", title="PID", kind="PID")
    services.document_version_add(actor=SYSTEM, document=pid, version="1.0", date=dt.date(2019, 5, 1))
    services.document_signoff_add(actor=SYSTEM, document=pid, version="1.0", kind="approval", name="CSG")
    services.report_link_save(actor=SYSTEM, programme=programme, sender=cib, receiver=csg, report="Highlight")
    meeting = Meeting.objects.filter(board=cib).order_by("date").first()
    assert meeting is not None
    services.decision_record(actor=SYSTEM, meeting=meeting, text="Agreed")


def sample_value(name: str, key: str, programme: Any) -> Any:
    if not name.startswith("governance:"):
        return None
    if key == "doc_code":
        return Document.objects.get(programme=programme).code
    if key == "board_code":
        return Board.objects.get(programme=programme, code="cib").code
    if key == "pk":
        return Meeting.objects.filter(programme=programme).first().pk  # type: ignore[union-attr]
    if key == "ref" and "decision" in name:
        return Decision.objects.get(programme=programme).ref
    if key == "ref":
        return ChangeRequest.objects.get(programme=programme).ref
    if key == "report_id":
        return ReportLink.objects.get(programme=programme).pk
    if key == "version_id":
        return DocumentVersion.objects.get(document__programme=programme).pk
    if key == "signoff_id":
        return DocumentSignoff.objects.get(document__programme=programme).pk
    return None
