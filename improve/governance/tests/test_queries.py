"""Query counts of the governance pages must not grow with boards, meetings, decisions and changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.core.audit import SYSTEM
from improve.governance import services
from improve.governance.models import Board, Meeting
from improve.programmes.models import ItemKind, Owner, Strand
from improve.programmes.tests.factories import PlanItemFactory

YEAR = (dt.date(2019, 4, 1), dt.date(2020, 3, 31))

PAGES = {
    "governance:calendar": {},
    "governance:chain": {},
    "governance:boards": {},
    "governance:board": {"board_code": "top"},
    "governance:decisions": {},
    "governance:changes": {},
    "governance:documents": {},
}


def grow(programme, n: int) -> None:
    """``n`` more boards under the top board, each meeting monthly with a report, decisions, changes, documents."""
    top = Board.objects.filter(programme=programme, code="top").first() or services.board_save(
        actor=SYSTEM,
        programme=programme,
        data={
            "code": "top",
            "name": "Top board",
            "cadence": "monthly (3rd Thursday)",
            "tolerance_scope": True,
            "chair": Owner.objects.filter(programme=programme).first(),
        },
    )
    strands = list(Strand.objects.filter(programme=programme))
    start = Board.objects.filter(programme=programme).count()
    for i in range(start, start + n):
        board = services.board_save(
            actor=SYSTEM,
            programme=programme,
            data={
                "code": f"b{i}",
                "name": f"Board {i}",
                "cadence": "monthly (2nd Tuesday)",
                "parent": top,
                "tolerance_days": 10,
                "tolerance_cost": Decimal("1000"),
                "themes_per_meeting": 1,
                "chair": Owner.objects.filter(programme=programme).first(),
            },
            members=Owner.objects.filter(programme=programme),
        )
        services.report_link_save(actor=SYSTEM, programme=programme, sender=board, receiver=top, report=f"Report {i}")
        services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1], boards=[board, top])
        services.rota_generate(actor=SYSTEM, board=board, start=YEAR[0], end=YEAR[1])
        meetings = list(Meeting.objects.filter(board=board).order_by("date"))
        services.meeting_change(
            actor=SYSTEM,
            meeting=meetings[1],
            date=meetings[1].date,
            starts_at=None,
            cancelled=True,
            reason="x",
            notes="",
        )
        gate = PlanItemFactory(
            strand=strands[i % len(strands)], uid=f"gate-{i}", kind=ItemKind.GATE, gate_type="endorsement"
        )
        for meeting in meetings[2:5]:
            services.decision_record(actor=SYSTEM, meeting=meeting, text="Agreed", gate=gate)
        for days in (5, 50):
            services.change_raise(
                actor=SYSTEM,
                programme=programme,
                title=f"Change {i}",
                impact_days=days,
                strand=strands[i % len(strands)],
                lines=[(gate, None, dt.date(2019, 12, 1))],
            )
        document = services.document_save(actor=SYSTEM, programme=programme, code=f"doc{i}", title=f"Document {i}")
        for v in ("1", "2"):
            services.document_version_add(actor=SYSTEM, document=document, version=v, date=dt.date(2019, 5, 1))
            services.document_signoff_add(actor=SYSTEM, document=document, version=v, kind="approval", name="CSG")


def count(client, name, programme, query=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name, kwargs={"slug": programme.slug, **PAGES[name]}), query or {"year": "2019"})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_governance_pages_do_not_grow_with_the_data(programme, pmo, name):
    grow(programme, 1)
    small = count(pmo, name, programme)
    grow(programme, 4)
    large = count(pmo, name, programme)
    assert Meeting.objects.filter(programme=programme).count() == 5 * 12 + 12
    assert large == small, f"{name}: {small} queries with 2 boards, {large} with 6"
