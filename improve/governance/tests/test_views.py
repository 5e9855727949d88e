"""The governance pages as members use them: forms, refusals, the calendar and its .ics feed."""

import datetime as dt

from django.urls import reverse
from icalendar import Calendar

from improve.core.audit import SYSTEM
from improve.governance import services
from improve.governance.models import Board, ChangeRequest, Decision, Meeting
from improve.governance.tests.factories import YEAR, b_and_d_chain
from improve.programmes.models import PlanItem, Role


def _url(name, programme, *args):
    return reverse(f"governance:{name}", args=[programme.slug, *args])


def test_a_plan_keeper_adds_a_board_and_a_loop_is_shown_on_the_form(programme, pmo):
    chain = b_and_d_chain(programme)
    response = pmo.post(
        _url("board-create", programme),
        {
            "code": "wfb",
            "name": "Workforce Board",
            "cadence": "monthly (4th Thursday)",
            "starts_at": "14:00",
            "duration_minutes": "60",
            "themes_per_meeting": "0",
            "order": "5",
            "parent": str(chain["csg"].pk),
        },
    )
    assert response.status_code == 302
    assert Board.objects.get(code="wfb").parent == chain["csg"]
    response = pmo.post(
        _url("board-edit", programme, "csg"),
        {
            "code": "csg",
            "name": "Corporate Strategy Group",
            "cadence": "Monthly (3rd Thursday)",
            "starts_at": "10:00",
            "duration_minutes": "90",
            "themes_per_meeting": "0",
            "order": "4",
            "parent": str(chain["team"].pk),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "This would make a loop of boards" in page
    assert Board.objects.get(code="csg").parent is None


def test_an_unreadable_cadence_is_shown_with_examples(programme, pmo):
    response = pmo.post(
        _url("board-create", programme),
        {
            "code": "x",
            "name": "X",
            "cadence": "now and then",
            "starts_at": "10:00",
            "duration_minutes": "60",
            "themes_per_meeting": "0",
            "order": "0",
        },
    )
    assert response.status_code == 200
    assert "is not a cadence this office can read" in response.content.decode()
    assert not Board.objects.filter(code="x").exists()


def test_the_calendar_page_marks_moved_and_cancelled_meetings(programme, pmo, member):
    chain = b_and_d_chain(programme)
    assert pmo.post(_url("calendar-generate", programme) + "?year=2019").status_code == 302
    assert Meeting.objects.filter(board=chain["cib"]).count() == 12
    july = Meeting.objects.get(board=chain["cib"], scheduled=dt.date(2019, 7, 10))
    response = pmo.post(
        _url("meeting-edit", programme, july.pk),
        {"date": "12/07/2019", "reason": "Chair away", "notes": ""},
    )
    assert response.status_code == 302
    page = member(Role.VIEWER).get(_url("calendar", programme) + "?year=2019").content.decode()
    assert "Governance calendar 2019/20" in page and "Moved</strong> from 10/07/2019: Chair away" in page


def test_the_ics_feeds_read_back_with_stable_uids_in_london_time(programme, pmo):
    chain = b_and_d_chain(programme)
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1])
    meeting = Meeting.objects.get(board=chain["csg"], scheduled=dt.date(2019, 8, 15))
    services.meeting_change(
        actor=SYSTEM, meeting=meeting, date=meeting.date, starts_at=None, cancelled=True, reason="Recess", notes=""
    )
    response = pmo.get(_url("board-ics", programme, "csg"))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = cal.walk("VEVENT")
    assert len(events) == 12
    first = events[0]
    assert first.decoded("dtstart") == dt.datetime(2019, 4, 18, 10, 0, tzinfo=first.decoded("dtstart").tzinfo)
    assert str(first.decoded("dtstart").tzinfo) == "Europe/London"
    assert first.decoded("dtstart").utcoffset() == dt.timedelta(hours=1)  # British Summer Time
    assert all(e.get("dtstamp") for e in events) and cal.walk("VTIMEZONE")
    cancelled = [e for e in events if e.get("status") == "CANCELLED"]
    assert len(cancelled) == 1 and cancelled[0].decoded("dtstart").date() == dt.date(2019, 8, 15)
    again = Calendar.from_ical(pmo.get(_url("board-ics", programme, "csg")).content)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]
    everything = Calendar.from_ical(pmo.get(_url("programme-ics", programme)).content)
    assert len(everything.walk("VEVENT")) == 48


def test_a_member_who_chairs_no_board_is_told_and_records_nothing(programme, member):
    b_and_d_chain(programme)
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1])
    analyst = member(Role.ANALYST)
    page = analyst.get(_url("decision-record", programme)).content.decode()
    assert "You do not chair a board" in page
    meeting = Meeting.objects.first()
    response = analyst.post(
        _url("decision-record", programme),
        {"meeting": meeting.pk, "kind": "decision", "outcome": "agreed", "text": "x"},
    )
    assert response.status_code == 200 and not Decision.objects.exists()


def test_a_programme_manager_records_an_endorsement_that_completes_a_gate(programme, member):
    chain = b_and_d_chain(programme)
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1])
    meeting = Meeting.objects.filter(board=chain["cib"]).first()
    gate = PlanItem.objects.get(programme=programme, uid="17")
    pm = member(Role.PROGRAMME_MANAGER)
    response = pm.post(
        _url("decision-record", programme),
        {"meeting": meeting.pk, "kind": "endorsement", "outcome": "agreed", "text": "Endorsed", "gate": gate.pk},
    )
    assert response.status_code == 302
    gate.refresh_from_db()
    assert gate.status == "complete"


def test_a_workstream_lead_raises_a_change_for_their_strand_and_a_non_chair_cannot_decide_it(programme, member):
    b_and_d_chain(programme)
    lead = member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="1")])
    item = PlanItem.objects.get(programme=programme, uid="17")
    response = lead.post(
        _url("change-raise", programme),
        {
            "title": "Later",
            "strand": programme.strands.get(code="1").pk,
            "impact_days": "30",
            "impact_cost": "0",
            "item_1": item.pk,
            "new_end_1": "30/08/2019",
        },
    )
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert change.board.code == "csg"  # 30 days is above the improvement board's 20
    other = programme.strands.get(code="2")
    response = lead.post(
        _url("change-raise", programme), {"title": "Other", "strand": other.pk, "impact_days": "3", "impact_cost": "0"}
    )
    assert response.status_code == 200 and ChangeRequest.objects.count() == 1
    page = lead.get(_url("change-decide", programme, change.ref)).content.decode()
    assert "Only the chair of Corporate Strategy Group" in page
    lead.post(
        _url("change-decide", programme, change.ref), {"decision": "approve", "reason": "x", "decided_on": "10/07/2019"}
    )
    change.refresh_from_db()
    assert change.state == "pending"
    sro = member(Role.SRO)
    response = sro.post(
        _url("change-decide", programme, change.ref),
        {"decision": "approve", "reason": "Agreed", "decided_on": "10/07/2019"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.end_date == dt.date(2019, 8, 30)


def test_registers_and_pages_open_for_a_viewer(programme, member):
    b_and_d_chain(programme)
    viewer = member(Role.VIEWER)
    for name in ("boards", "decisions", "changes", "chain", "documents", "calendar"):
        assert viewer.get(_url(name, programme)).status_code == 200, name
    assert viewer.get(_url("board", programme, "cib")).status_code == 200
