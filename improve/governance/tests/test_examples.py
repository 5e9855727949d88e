"""The seeds' governance, loaded from examples/: B&D's programme controls, Havering's rota, Cambridgeshire's board."""

import datetime as dt
from decimal import Decimal

from django.test import Client
from icalendar import Calendar

from improve.core.audit import SYSTEM
from improve.governance import ical, selectors, services
from improve.governance.models import Board, Document, Meeting
from improve.governance.sheets import SHEETS
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, load
from improve.interchange.workbook import xlsx_bytes
from improve.programmes.models import PlanItem, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory

YEAR = (dt.date(2019, 4, 1), dt.date(2020, 3, 31))


def _b_and_d():
    programme = load("barking-dagenham-2019").programme
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1])
    return programme


def test_b_and_d_s_four_programme_controls_give_the_2019_20_calendar_and_its_deadlines(db):
    programme = _b_and_d()
    boards = {b.code: b for b in Board.objects.filter(programme=programme)}
    assert [b.name for b in boards.values()] == [
        "Children's Improvement Programme Team Meeting",
        "Children's Leadership (Business Change) Meeting",
        "Children's Improvement Board",
        "Corporate Strategy Group (Plus) / Corporate Performance Group",
    ]
    assert boards["cib"].parent == boards["csg"] and boards["cib"].chair.name == "SRO"

    def dates(code):
        return [m.date for m in Meeting.objects.filter(board=boards[code]).order_by("date")]

    for code in boards:
        assert len(dates(code)) == 12, code
    assert dates("team")[:3] == [dt.date(2019, 4, 3), dt.date(2019, 5, 1), dt.date(2019, 6, 5)]
    # January 2020: the 1st Thursday is the 2nd; the day before is New Year's Day, so 31/12/2019.
    assert dt.date(2019, 12, 31) in dates("team")
    assert dates("cib")[:2] == [dt.date(2019, 4, 10), dt.date(2019, 5, 8)]
    assert dates("csg")[0] == dt.date(2019, 4, 18) and dates("csg")[-1] == dt.date(2020, 3, 19)

    due = selectors.deadlines(programme, *YEAR)
    first = [(d.due, d.link.report, d.meeting.board.code) for d in due[:2]]
    assert first[0] == (dt.date(2019, 4, 1), "Project/workstream highlight reports", "team")
    to_csg = [d for d in due if d.meeting.board.code == "csg"]
    assert len(to_csg) == 12
    assert to_csg[0].due == dt.date(2019, 4, 18) and to_csg[0].prepared_at.date == dt.date(2019, 4, 10)
    assert to_csg[0].prepared_at.board.code == "cib"

    cal = Calendar.from_ical(ical.feed(selectors.meetings_for_feed(programme), name="B&D"))
    events = cal.walk("VEVENT")
    assert len(events) == 48
    assert sorted(e.decoded("dtstart").date() for e in events)[0] == dt.date(2019, 4, 3)


def test_in_b_and_d_a_change_above_the_improvement_board_s_tolerance_goes_to_the_corporate_group(db):
    programme = _b_and_d()
    change = services.change_raise(
        actor=SYSTEM, programme=programme, title="Use the contingency", impact_cost=Decimal("143000")
    )
    assert change.board.code == "csg"
    small = services.change_raise(actor=SYSTEM, programme=programme, title="Slip a fortnight", impact_days=10)
    assert small.board.code == "cib"


def test_in_b_and_d_recording_an_endorsement_completes_its_gate(db):
    programme = _b_and_d()
    gate = PlanItem.objects.get(programme=programme, uid="95")  # Endorsed by Children's Improvement Board, 17/09/2019
    meeting = Meeting.objects.get(board__code="cib", programme=programme, date=dt.date(2019, 9, 11))
    decision = services.decision_record(actor=SYSTEM, meeting=meeting, kind="endorsement", text="Endorsed", gate=gate)
    gate.refresh_from_db()
    assert (
        gate.status == "complete" and decision.gate == gate and decision.ref == "D-008"
    )  # after the demo's D-005 to D-007


def test_b_and_d_s_document_control_is_loaded(db):
    programme = load("barking-dagenham-2019").programme
    pid = Document.objects.get(programme=programme, code="pid")
    assert [v.version for v in pid.versions.order_by("date", "id")] == ["1.0", "1.1", "1.2", "2", "3"]
    approvals = pid.signoffs.filter(kind="approval").order_by("date")
    assert [(a.version, a.name, a.status) for a in approvals] == [
        ("2.1", "PRMG", "approved"),
        ("2.2", "CSG", "pending"),
        ("3", "CSG", "pending"),
    ]


def test_havering_s_board_takes_two_themes_a_meeting_in_turn(db):
    programme = load("havering-2019").programme
    board = Board.objects.get(programme=programme, code="csib")
    meetings = list(Meeting.objects.filter(board=board).order_by("date").prefetch_related("themes"))
    assert len(meetings) == 12  # the example's meetings carry the rota
    assert services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1]).created == []
    assert services.rota_generate(actor=SYSTEM, board=board, start=YEAR[0], end=YEAR[1]) == []  # kept as it is
    again = services.rota_generate(actor=SYSTEM, board=board, start=YEAR[0], end=YEAR[1], replace=True)
    assert [[t.code for t in m.themes.all()] for m in again] == [[t.code for t in m.themes.all()] for m in meetings]
    counts: dict[str, int] = {}
    for m in meetings:
        codes = [t.code for t in m.themes.all()]
        assert len(set(codes)) == 2
        for c in codes:
            counts[c] = counts.get(c, 0) + 1
    assert len(counts) == 7 and set(counts.values()) <= {3, 4}


def test_cambridgeshire_s_board_and_its_first_meeting(db):
    programme = load("cambridgeshire-2016").programme
    board = Board.objects.get(programme=programme, code="ccb")
    assert {o.name for o in board.members.all()} == {"Theresa Leavy", "Wendi Ogle-Welbourn"}
    assert board.chair.name == "Theresa Leavy" and board.parent.code == "cyp"
    assert [m.date for m in Meeting.objects.filter(board=board)][:2] == [dt.date(2016, 11, 14), dt.date(2016, 12, 12)]
    done = services.calendar_generate(
        actor=SYSTEM, programme=programme, start=dt.date(2016, 4, 1), end=dt.date(2017, 3, 31), boards=[board]
    )
    assert (len(done.created), done.kept) == (0, 5)  # none before the first meeting; the example's five kept


def test_the_governance_sheets_round_trip(db):
    programme = load("barking-dagenham-2019").programme
    first = interchange.workbook_export(programme=programme)
    assert len(first["boards"]) == 4 and len(first["reports"]) == 5
    again = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert again.ok and not again.has_changes, [str(p) for p in again.problems]
    assert xlsx_bytes(interchange.workbook_export(programme=programme)) == xlsx_bytes(first)


def test_governance_sheet_problems_name_sheet_row_and_column(db):
    programme = load("barking-dagenham-2019").programme
    sheets = interchange.workbook_export(programme=programme)
    sheets["boards"][0] = {**sheets["boards"][0], "chair": "Nobody", "cadence": "now and then"}
    sheets["boards"][3] = {**sheets["boards"][3], "parent": "team", "tolerance_cost": "lots"}
    sheets["reports"].append({"receiver": "nowhere", "report": "x", "sender": "", "due_working_days": 0})
    found = [str(p) for p in interchange.workbook_import(actor=ACTOR, sheets=sheets).problems]
    assert "boards / row 2 / chair / 'Nobody' is not on the owners sheet: add it there first" in found
    assert any(p.startswith("boards / row 2 / cadence / 'now and then' is not a cadence") for p in found)
    assert "boards / row 5 / tolerance_cost / 'lots' is not an amount in £: enter one like 50000" in found
    assert any("/ parent / The boards make a loop" in p for p in found)
    assert "reports / row 7 / receiver / 'nowhere' is not on the boards sheet" in found
    assert {s.name for s in SHEETS} <= set(sheets)


def test_b_and_d_s_2019_20_calendar_page_lists_the_meetings_and_the_reports_due(db):
    programme = _b_and_d()
    user = UserFactory(email="board@example.org")
    MembershipFactory(user=user, programme=programme, role=Role.BOARD_MEMBER)
    client = Client()
    client.force_login(user)
    page = client.get(f"/programmes/{programme.slug}/governance/?year=2019").content.decode()
    assert "48 meetings from 01/04/2019 to 31/03/2020" in page
    assert "Governance calendar 2019/20" in page and '<h2 class="govuk-heading-m">April 2019</h2>' in page
    due = selectors.deadlines(programme, *YEAR)
    assert page.count("<li>") >= len(due) == 12 * 5
    assert (
        "<li>Mon 01/04/2019: Project/workstream highlight reports from Workstreams to "
        "Children&#x27;s Improvement Programme Team Meeting (03/04/2019)</li>"
    ) in page
    assert (
        "<li>Thu 18/04/2019: Final Programme &amp; PMO dashboard + Final Vital signs &amp; outcome dashboard "
        "including budget monitoring from Children&#x27;s Improvement Board to Corporate Strategy Group (Plus) / "
        "Corporate Performance Group (18/04/2019)</li>"
    ) in page
    # the 31/12/2019 team meeting (the day before New Year's Day's first Thursday), in its month
    december = page[page.index("December 2019</h2>") : page.index("January 2020</h2>")]
    assert "Tue 31/12/2019" in december
