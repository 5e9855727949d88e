"""The governance room's board-pack sections: change requests for decision, the decisions log, and
the next period's meetings and report deadlines."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improve.core.audit import SYSTEM
from improve.core.document import Paragraph, Table, section_from_data, section_to_data
from improve.core.registry import PackContext, registry
from improve.governance import sections, services
from improve.governance.models import Board, Meeting
from improve.interchange.tests.conftest import load
from improve.programmes.tests.factories import ProgrammeFactory

OCTOBER = {"as_at": dt.date(2019, 10, 31), "period_start": dt.date(2019, 10, 1), "since": dt.date(2019, 9, 30)}


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def board(programme, code: str) -> Board:
    return Board.objects.get(programme=programme, code=code)


def ctx(programme, code: str | None = "cib", **dates) -> PackContext:
    return PackContext(programme, **{**OCTOBER, **dates}, board_id=board(programme, code).pk if code else None)


def tables(section) -> dict[str, Table]:
    return {b.caption: b for b in section.blocks if isinstance(b, Table)}


def column(t: Table, label: str) -> list[object]:
    i = [c.label for c in t.columns].index(label)
    return [row[i].value for row in t.rows]


def test_the_governance_room_offers_its_three_sections():
    keys = {s.key for s in registry.pack_sections()}
    assert {"change-requests", "decisions", "meetings"} <= keys


def test_october_2019_s_improvement_board_has_a_change_request_awaiting_it(bd):
    section = sections.build_changes(ctx(bd))
    assert section is not None
    assert section.blocks[0] == Paragraph(
        "The Children's Improvement Board may agree 20 days' delay, £50,000 extra cost, no scope change; above "
        "them a change goes to the Corporate Strategy Group (Plus) / Corporate Performance Group."
    )
    awaiting = tables(section)["Change requests awaiting a decision, 31/10/2019"]
    assert column(awaiting, "Ref") == ["CR-002"]
    assert column(awaiting, "Extra cost") == [Decimal("38000.00")]
    assert column(awaiting, "Why this board") == ["Within Children's Improvement Board's tolerances"]
    # CR-001 went to the corporate group (28 days is above the board's 20): not this board's.
    assert "Change requests decided 01/10/2019 to 31/10/2019" not in tables(section)
    assert section_from_data(section_to_data(section)) == section


def test_the_corporate_group_decided_cr_001_in_october_and_it_was_awaiting_before(bd):
    section = sections.build_changes(ctx(bd, "csg"))
    assert section is not None
    decided = tables(section)["Change requests decided 01/10/2019 to 31/10/2019"]
    assert column(decided, "Ref") == ["CR-001"]
    assert column(decided, "Decision") == ["Approved"]
    assert column(decided, "Impact") == ["28 days' delay"]
    # At the corporate group's meeting of 17/10/2019 it was still awaiting the decision; CR-002 not yet raised.
    meeting = sections.build_changes(ctx(bd, "csg", as_at=dt.date(2019, 10, 17) - dt.timedelta(days=1)))
    assert meeting is not None
    assert column(tables(meeting)["Change requests awaiting a decision, 16/10/2019"], "Ref") == ["CR-001"]
    # September: nothing raised yet.
    september = {"as_at": dt.date(2019, 9, 30), "period_start": dt.date(2019, 9, 1), "since": dt.date(2019, 8, 31)}
    assert sections.build_changes(ctx(bd, **september)) is None


def test_october_2019_s_decisions_log(bd):
    section = sections.build_decisions(ctx(bd))
    assert section is not None
    log = tables(section)["Decisions and endorsements, 01/10/2019 to 31/10/2019"]
    assert column(log, "Ref") == ["D-005", "D-006", "D-007"]
    assert column(log, "Meeting") == [dt.date(2019, 10, 9), dt.date(2019, 10, 9), dt.date(2019, 10, 17)]
    assert column(log, "Outcome") == ["Agreed", "Agreed", "Agreed"]


def test_october_2019_s_changes_name_the_decisions_and_change_requests(bd):
    found = [c.text for c in sections.changes_of_decisions(ctx(bd))]
    assert found[0] == (
        "Decision D-005 of the Children's Improvement Board on 09/10/2019 (agreed): "
        "Early Help Improvement plan endorsed (plan line 316; demo data)"
    )
    assert len(found) == 3
    found = [c.text for c in sections.changes_of_changes(ctx(bd))]
    assert found == [
        "Change request CR-001 'Move the Targeted Intervention Hub's endorsements four weeks later' raised: 28 days' "
        "delay, to the Corporate Strategy Group (Plus) / Corporate Performance Group",
        "Change request CR-001 'Move the Targeted Intervention Hub's endorsements four weeks later' approved by the "
        "Corporate Strategy Group (Plus) / Corporate Performance Group on 17/10/2019",
        "Change request CR-002 'Two agency social workers to cover the Assessment & Safeguarding go-live' raised: "
        "£38,000 extra cost, to the Children's Improvement Board",
    ]


def test_the_next_period_s_meetings_and_report_deadlines(bd):
    cib = board(bd, "cib")
    november = Meeting.objects.get(board=cib, date=dt.date(2019, 11, 13))
    services.meeting_change(
        actor=SYSTEM,
        meeting=november,
        date=dt.date(2019, 11, 20),
        starts_at=None,
        cancelled=False,
        reason="Chair at the ADCS conference",
        notes="",
    )
    section = sections.build_calendar(ctx(bd))
    assert section is not None
    found = tables(section)
    meetings = found["Meetings, 01/11/2019 to 30/11/2019"]
    assert column(meetings, "Date") == [dt.date(2019, 11, 20)]
    assert column(meetings, "Note") == ["Moved from 13/11/2019 (Chair at the ADCS conference)"]
    due = found["Reports due, 01/11/2019 to 30/11/2019"]
    assert column(due, "Report") == [
        "Draft Programme & PMO dashboard",
        "Draft Vital signs & outcome dashboard including budget monitoring",
        "Final Programme & PMO dashboard + Final Vital signs & outcome dashboard including budget monitoring",
    ]
    assert column(due, "Due")[:2] == [dt.date(2019, 11, 20), dt.date(2019, 11, 20)]
    # A programme-wide pack lists every board's meetings.
    every = sections.build_calendar(ctx(bd, None))
    assert every is not None
    assert len(tables(every)["Meetings, 01/11/2019 to 30/11/2019"].rows) == 4


def test_a_programme_with_no_governance_has_no_sections(db):
    empty = ProgrammeFactory()
    context = PackContext(empty, **OCTOBER)
    assert sections.build_changes(context) is None
    assert sections.build_decisions(context) is None
    assert sections.build_calendar(context) is None
    assert sections.changes_of_changes(context) == [] and sections.changes_of_decisions(context) == []


def test_the_sections_queries_do_not_grow_with_the_change_requests(bd):
    context = ctx(bd)

    def run() -> None:
        for s in sections.SECTIONS:
            s.build(context)
            if s.changes:
                s.changes(context)

    with CaptureQueriesContext(connection) as small:
        run()
    for n in range(15):
        services.change_raise(
            actor=SYSTEM, programme=bd, title=f"Change {n}", impact_days=5, raised_on=dt.date(2019, 10, 20)
        )
    with CaptureQueriesContext(connection) as large:
        run()
    assert len(large) == len(small) <= 16


def test_a_programme_wide_pack_lists_every_board_s_change_requests(bd):
    section = sections.build_changes(ctx(bd, None, as_at=dt.date(2019, 10, 16)))
    assert section is not None
    assert "for all boards" in section.summary
    awaiting = tables(section)["Change requests awaiting a decision, 16/10/2019"]
    assert column(awaiting, "Ref") == ["CR-001"]
    assert column(awaiting, "Why this board")[0].startswith(
        "Corporate Strategy Group (Plus) / Corporate Performance Group: Above Children's Improvement Board's tolerances"
    )
