"""The governance room's sample objects for the role × URL matrix, reachable by a lead of strand "1"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from improve.core.audit import SYSTEM
from improve.governance import services
from improve.governance.models import Board, ChangeRequest, Document, Meeting


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
    services.document_save(actor=SYSTEM, programme=programme, code="pid", title="PID", kind="PID")


def sample_value(name: str, key: str, programme: Any) -> Any:
    if not name.startswith("governance:"):
        return None
    if key == "doc_code":
        return Document.objects.get(programme=programme).code
    if key == "board_code":
        return Board.objects.get(programme=programme, code="cib").code
    if key == "pk":
        return Meeting.objects.filter(programme=programme).first().pk  # type: ignore[union-attr]
    if key == "ref":
        return ChangeRequest.objects.get(programme=programme).ref
    return None
