"""The governance sheets of the workbook: meetings, decisions, change requests and their plan lines.

Export → import → export is identical; importing twice changes nothing; every problem names its
sheet, row and column; nothing is half-saved; the rules are the models' and the services'.
"""

import datetime as dt
from decimal import Decimal

import pytest

from improve.core.audit import SYSTEM
from improve.core.models import AuditEvent
from improve.governance import services
from improve.governance.models import Board, ChangeItem, ChangeRequest, Decision, Meeting
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, EXAMPLE_NAMES, load, wipe
from improve.interchange.workbook import xlsx_bytes
from improve.programmes.models import PlanItem, Programme, Strand

YEAR = (dt.date(2019, 4, 1), dt.date(2020, 3, 31))


def problems(sheets):
    return [str(p) for p in interchange.workbook_import(actor=ACTOR, sheets=sheets).problems]


def governance_counts():
    return {
        m.__name__: m.all_objects.count() if hasattr(m, "all_objects") else m.objects.count()
        for m in (Meeting, Decision, ChangeRequest, ChangeItem, AuditEvent)
    }


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_s_governance_loads_twice_without_a_change_and_exports_as_it_came(db, name):
    programme = load(name).programme
    first = interchange.workbook_export(programme=programme)
    assert first["meetings"], "every example carries its meetings"
    again = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert again.ok and not again.has_changes, [str(p) for p in again.problems]
    assert xlsx_bytes(interchange.workbook_export(programme=programme)) == xlsx_bytes(first)


def _b_and_d_with_hand_edits() -> Programme:
    programme = load("barking-dagenham-2019").programme
    cib = Board.objects.get(programme=programme, code="cib")
    july = Meeting.objects.get(board=cib, scheduled=dt.date(2019, 7, 10))
    services.meeting_change(
        actor=SYSTEM,
        meeting=july,
        date=dt.date(2019, 7, 17),
        starts_at=dt.time(9, 30),
        cancelled=False,
        reason="Chair on leave",
        notes="In the council chamber",
        themes=list(Strand.objects.filter(programme=programme, code__in=["2", "1"])),
    )
    august = Meeting.objects.get(board=cib, scheduled=dt.date(2019, 8, 7))
    services.meeting_change(
        actor=SYSTEM, meeting=august, date=august.date, starts_at=None, cancelled=True, reason="Summer", notes=""
    )
    services.meeting_add(actor=SYSTEM, board=cib, date=dt.date(2019, 8, 28), notes="Extra meeting")
    change = services.change_raise(
        actor=SYSTEM,
        programme=programme,
        title="Move the go-live",
        impact_days=30,
        impact_cost=Decimal("-1200.50"),
        lines=[
            (PlanItem.objects.get(programme=programme, uid="121"), None, dt.date(2020, 3, 6)),
            (PlanItem.objects.get(programme=programme, uid="95"), dt.date(2019, 10, 1), dt.date(2019, 10, 2)),
        ],
        raised_on=dt.date(2019, 9, 2),
    )
    services.change_decide(
        actor=SYSTEM, change=change, approve=False, reason="Not now", decided_on=dt.date(2019, 9, 20)
    )
    services.change_raise(
        actor=SYSTEM,
        programme=programme,
        title="More scope",
        impact_scope="Add care leavers",
        raised_on=dt.date(2019, 9, 3),
    )
    return programme


def test_moves_cancellations_added_meetings_themes_and_changes_survive_a_fresh_import(db):
    programme = _b_and_d_with_hand_edits()
    first = interchange.workbook_export(programme=programme)
    rows = {(m["board"], m["scheduled"]): m for m in first["meetings"]}
    assert rows[("cib", dt.date(2019, 7, 10))] | {} == {
        "board": "cib",
        "scheduled": dt.date(2019, 7, 10),
        "date": dt.date(2019, 7, 17),
        "starts_at": "09:30",
        "from_cadence": "yes",
        "moved_for": "",
        "cancelled": "no",
        "reason": "Chair on leave",
        "themes": "1, 2",
        "notes": "In the council chamber",
    }
    assert rows[("cib", dt.date(2019, 8, 7))]["cancelled"] == "yes"
    assert rows[("cib", dt.date(2019, 8, 28))]["from_cadence"] == "no"
    # The example's demo CR-001 and CR-002 come first; these two follow them.
    changes = {c["ref"]: c for c in first["change_requests"]}
    assert sorted(changes) == ["CR-001", "CR-002", "CR-003", "CR-004"]
    assert changes["CR-003"]["impact_cost"] == "-1200.50" and changes["CR-004"]["impact_scope"] == "Add care leavers"
    assert len(first["change_items"]) == 2

    wipe()  # nothing of it is left: the workbook brings it all back
    fresh = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert fresh.ok and fresh.applied, [str(p) for p in fresh.problems]
    assert xlsx_bytes(interchange.workbook_export(programme=fresh.programme)) == xlsx_bytes(first)

    # Generating the calendar again keeps the moves; the workbook then still changes nothing.
    again = services.calendar_generate(actor=SYSTEM, programme=fresh.programme, start=YEAR[0], end=YEAR[1])
    assert again.created == [] and again.archived == []
    assert not interchange.workbook_import(actor=ACTOR, sheets=first).has_changes


def test_importing_records_decisions_and_changes_without_moving_the_plan(db):
    programme = load("barking-dagenham-2019").programme
    sheets = interchange.workbook_export(programme=programme)
    gate = PlanItem.objects.get(programme=programme, uid="95")
    sheets["decisions"].append(
        {
            "ref": "D-010",
            "board": "cib",
            "meeting": dt.date(2019, 9, 11),
            "kind": "endorsement",
            "outcome": "agreed",
            "text": "Endorsed",
            "gate": "95",
        }
    )
    sheets["change_requests"].append(
        {
            "ref": "CR-100",
            "title": "Use the contingency",
            "description": "",
            "strand": "",
            "impact_days": 0,
            "impact_cost": "£143,000",
            "impact_scope": "",
            "board": "",
            "routing": "",
            "state": "",
            "raised_on": dt.date(2019, 10, 1),
            "decided_on": None,
            "decision_reason": "",
        }
    )
    sheets["change_items"].append(
        {"change": "CR-100", "item": "95", "new_start": None, "new_end": dt.date(2019, 11, 1)}
    )
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok, [str(p) for p in result.problems]
    assert result.sheet("decisions").created == ["D-010"] and result.sheet("change_requests").created == ["CR-100"]
    gate.refresh_from_db()
    assert gate.status == "not_started" and gate.end_date == dt.date(2019, 9, 17)  # a record, not a decision
    change = ChangeRequest.objects.get(programme=programme, ref="CR-100")
    assert (change.board.code, change.state, change.impact_cost) == ("csg", "pending", Decimal("143000.00"))
    assert change.routing.startswith("Above Children's Improvement Board's tolerances")

    # The same workbook again: the routed board and the £ as typed compare equal, nothing changes.
    assert not interchange.workbook_import(actor=ACTOR, sheets=sheets).has_changes


def test_a_change_request_keeps_its_state_in_the_workbook(db):
    programme = _b_and_d_with_hand_edits()
    sheets = interchange.workbook_export(programme=programme)
    sheets["change_requests"][1] = {**sheets["change_requests"][1], "state": "approved", "decision_reason": "Fine"}
    sheets["change_requests"][0] = {**sheets["change_requests"][0], "state": "pending"}
    found = problems(sheets)
    assert found == [
        "change_requests / row 2 / state / The change request was rejected already: a decision stands, "
        "raise a new change request instead",
        "change_requests / row 3 / state / A change request is approved or rejected on its page, where the plan "
        "lines move and a baseline is taken: leave it pending",
    ]


def test_governance_problems_name_sheet_row_and_column_and_nothing_is_saved(db):
    programme = _b_and_d_with_hand_edits()
    sheets = interchange.workbook_export(programme=programme)
    meetings = sheets["meetings"]
    i = next(n for n, m in enumerate(meetings) if m["scheduled"] == dt.date(2019, 4, 18))
    meetings[i] = {**meetings[i], "date": dt.date(2019, 4, 25), "reason": ""}  # row i + 2
    meetings[0] = {**meetings[0], "board": "nowhere"}
    meetings[1] = {**meetings[1], "cancelled": "yes", "themes": "1, 1"}
    meetings[2] = {**meetings[2], "themes": "9", "starts_at": "25:00"}
    decisions = sheets["decisions"]
    decisions[0] = {**decisions[0], "meeting": dt.date(2019, 4, 11)}
    decisions[1] = {**decisions[1], "gate": "1"}
    decisions[2] = {**decisions[2], "gate": "nope"}
    changes = sheets["change_requests"]
    changes[1] = {**changes[1], "impact_scope": "", "impact_cost": "lots", "strand": "9"}
    sheets["change_items"][0] = {**sheets["change_items"][0], "change": "CR-404"}
    sheets["change_items"][1] = {
        **sheets["change_items"][1],
        "new_start": dt.date(2019, 10, 5),
        "new_end": dt.date(2019, 10, 1),
    }
    before = governance_counts()
    found = problems(sheets)
    assert governance_counts() == before
    assert found == [
        "meetings / row 2 / board / 'nowhere' is not on the boards sheet",
        "meetings / row 3 / reason / Say why the meeting is cancelled",
        "meetings / row 3 / themes / A theme is taken once per meeting: name each once",
        "meetings / row 4 / starts_at / Enter a time on the 24-hour clock, like 10:00",
        "meetings / row 4 / themes / 9 not on the strands sheet: give the themes' codes, like 1, 3",
        f"meetings / row {i + 2} / reason / Say why the meeting is moved from 18/04/2019 to 25/04/2019",
        "decisions / row 2 / meeting / leadership has no meeting scheduled on 11/04/2019 on the meetings sheet: "
        "give the meeting's scheduled date",
        "decisions / row 3 / gate / 1 is not a governance gate: choose a plan line of kind gate",
        "decisions / row 4 / gate / 'nope' is not on the plan_items sheet",
        "change_requests / row 3 / strand / '9' is not on the strands sheet",
        "change_requests / row 3 / impact_cost / 'lots' is not an amount in £: enter one like 50000",
        "change_items / row 2 / change / 'CR-404' is not on the change_requests sheet",
        "change_items / row 3 / new_end / The new end must be on or after the new start",
    ]
    changes[1] = {**changes[1], "impact_cost": "0", "strand": ""}
    assert (
        "change_requests / row 3 / impact_days / A change request must change time, cost or scope: "
        "enter its impact on at least one" in problems(sheets)
    )


def test_a_decision_at_a_cancelled_meeting_is_refused_in_the_workbook_as_on_the_web(db):
    programme = load("barking-dagenham-2019").programme
    sheets = interchange.workbook_export(programme=programme)
    i = next(
        n for n, m in enumerate(sheets["meetings"]) if m["board"] == "csg" and m["scheduled"] == dt.date(2019, 4, 18)
    )
    sheets["meetings"][i] = {**sheets["meetings"][i], "cancelled": "yes", "reason": "No quorum"}
    assert problems(sheets) == ["decisions / row 3 / meeting / The meeting of 18/04/2019 was cancelled: choose another"]
    meeting = Meeting.objects.get(board__programme=programme, board__code="csg", scheduled=dt.date(2019, 4, 18))
    with pytest.raises(Exception, match="D-002 were taken at this meeting"):
        services.meeting_change(
            actor=SYSTEM, meeting=meeting, date=meeting.date, starts_at=None, cancelled=True, reason="x", notes=""
        )


def test_a_governance_sheet_left_out_would_remove_its_rows_so_it_is_a_problem(db):
    programme = load("barking-dagenham-2019").programme
    sheets = interchange.workbook_export(programme=programme)
    del sheets["meetings"], sheets["decisions"]
    assert problems(sheets) == [
        "meetings / row – / – / The workbook has no 'meetings' sheet, so all 48 rows of it would be removed: "
        "add the sheet (with just its header row to remove them all)",
        "decisions / row – / – / The workbook has no 'decisions' sheet, so all 7 rows of it would be removed: "
        "add the sheet (with just its header row to remove them all)",
    ]
    sheets["meetings"], sheets["decisions"] = [], []
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok and len(result.sheet("meetings").removed) == 48
    assert Meeting.objects.filter(programme=programme).count() == 0 and Decision.objects.count() == 0


def test_rows_of_an_archived_board_stay_out_of_the_workbook_and_are_kept(db):
    programme = load("barking-dagenham-2019").programme
    team = Board.objects.get(programme=programme, code="team")
    services.board_archive(actor=SYSTEM, board=team)
    sheets = interchange.workbook_export(programme=programme)
    assert {m["board"] for m in sheets["meetings"]} == {"leadership", "cib", "csg"}
    assert not interchange.workbook_import(actor=ACTOR, sheets=sheets).has_changes
    assert Meeting.objects.filter(board=team).count() == 12


def test_a_decision_may_name_an_archived_gate_but_not_an_unknown_one(db):
    from improve.programmes import services as plan_services

    programme = load("barking-dagenham-2019").programme
    gate = PlanItem.objects.get(programme=programme, uid="17")
    plan_services.part_archive(actor=SYSTEM, instance=gate, reason="Merged")
    sheets = interchange.workbook_export(programme=programme)
    assert "17" not in {r["uid"] for r in sheets["plan_items"]}
    assert "17" in {r["gate"] for r in sheets["decisions"]}
    assert problems(sheets) == []

    sheets["decisions"] = [{**r, "gate": "999"} if r["gate"] == "17" else r for r in sheets["decisions"]]
    assert problems(sheets) == ["decisions / row 3 / gate / '999' is not on the plan_items sheet"]
