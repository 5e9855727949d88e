"""The governance room's rules, through its services: loops, the calendar, rota, decisions, changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from improve.core.audit import SYSTEM, Actor
from improve.core.models import AuditEvent
from improve.core.registry import Room, registry
from improve.governance import services
from improve.governance.models import Board, ChangeRequest, Decision, Meeting
from improve.governance.tests.factories import YEAR, b_and_d_chain, board
from improve.programmes.models import Baseline, Owner, PlanItem, Role
from improve.programmes.tests.factories import MembershipFactory, StrandFactory, UserFactory


def test_a_board_loop_is_refused_and_nothing_is_saved(programme):
    chain = b_and_d_chain(programme)
    csg = chain["csg"]
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as raised:
        services.board_save(
            actor=SYSTEM, programme=programme, board=csg, data={"parent": chain["team"]}, expected_version=csg.version
        )
    assert "loop of boards: Corporate Strategy Group → Programme Team Meeting → Children's Leadership Meeting" in str(
        raised.value
    )
    csg.refresh_from_db()
    assert csg.parent is None and AuditEvent.objects.count() == before


def test_a_board_cannot_report_to_itself(programme):
    csg = board(programme, "csg", "CSG")
    with pytest.raises(ValidationError, match="cannot report to itself"):
        services.board_save(actor=SYSTEM, programme=programme, board=csg, data={"parent": csg})


def test_an_unreadable_cadence_is_refused_on_the_board_with_examples(programme):
    with pytest.raises(ValidationError) as raised:
        board(programme, "x", "X", cadence="when needed")
    assert "'weekly (Tuesday)'" in raised.value.message_dict["cadence"][0]


def test_the_calendar_keeps_a_meeting_moved_or_cancelled_by_hand(programme):
    cib = b_and_d_chain(programme)["cib"]
    first = services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1], boards=[cib])
    assert len(first.created) == 12
    july, august = Meeting.objects.filter(board=cib).order_by("date")[3:5]
    services.meeting_change(
        actor=SYSTEM,
        meeting=july,
        date=dt.date(2019, 7, 12),
        starts_at=None,
        cancelled=False,
        reason="Chair away",
        notes="",
    )
    services.meeting_change(
        actor=SYSTEM, meeting=august, date=august.date, starts_at=None, cancelled=True, reason="Summer", notes=""
    )
    again = services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1], boards=[cib])
    assert again.created == [] and again.kept == 12 and again.archived == []
    july.refresh_from_db()
    august.refresh_from_db()
    assert july.date == dt.date(2019, 7, 12) and july.moved_by_hand
    assert august.cancelled
    # The cadence changes: untouched meetings go, the hand-moved and cancelled ones stay.
    services.board_save(actor=SYSTEM, programme=programme, board=cib, data={"cadence": "Monthly (3rd Thursday)"})
    cib.refresh_from_db()
    third = services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1], boards=[cib])
    assert len(third.created) == 12 and len(third.archived) == 10
    assert set(Meeting.objects.filter(board=cib, from_cadence=True).exclude(pk__in=[m.pk for m in third.created])) == {
        july,
        august,
    }


def test_a_move_by_hand_needs_a_reason_and_a_cancellation_too(programme):
    cib = b_and_d_chain(programme)["cib"]
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1], boards=[cib])
    meeting = Meeting.objects.filter(board=cib).first()
    with pytest.raises(ValidationError, match="Say why the meeting is moved"):
        services.meeting_change(
            actor=SYSTEM,
            meeting=meeting,
            date=meeting.date + dt.timedelta(days=1),
            starts_at=None,
            cancelled=False,
            reason="",
            notes="",
        )
    with pytest.raises(ValidationError, match="Say why the meeting is cancelled"):
        services.meeting_change(
            actor=SYSTEM, meeting=meeting, date=meeting.date, starts_at=None, cancelled=True, reason="", notes=""
        )


def test_rota_spreads_themes_evenly_and_never_twice_in_a_meeting():
    plan = services.rota(list(range(7)), 11, 2)
    counts = {t: sum(t in m for m in plan) for t in range(7)}
    assert max(counts.values()) - min(counts.values()) <= 1
    assert all(len(set(m)) == len(m) == 2 for m in plan)
    assert services.rota([1, 2], 3, 5) == [[1, 2], [1, 2], [1, 2]]


def test_rota_generate_fills_the_board_s_meetings_and_keeps_hand_edits(programme):
    for code in "34567":
        StrandFactory(programme=programme, code=code, name=f"Theme {code}", order=int(code))
    board_ = board(programme, "cib", "Improvement Board", cadence="monthly (2nd Tuesday)", themes_per_meeting=2)
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1], boards=[board_])
    first = Meeting.objects.filter(board=board_).order_by("date").first()
    services.meeting_set_themes(actor=SYSTEM, meeting=first, themes=[programme.strands.get(code="7")])
    filled = services.rota_generate(actor=SYSTEM, board=board_, start=YEAR[0], end=YEAR[1])
    assert len(filled) == 11
    assert [t.code for t in first.themes.all()] == ["7"]
    counts: dict[str, int] = {}
    for meeting in filled:
        codes = [t.code for t in meeting.themes.all()]
        assert len(codes) == 2 and len(set(codes)) == 2
        for c in codes:
            counts[c] = counts.get(c, 0) + 1
    assert max(counts.values()) - min(counts.values()) <= 1


def _gate(programme):
    return PlanItem.objects.get(programme=programme, uid="17")


def _meeting(programme, board_):
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1], boards=[board_])
    return Meeting.objects.filter(board=board_).order_by("date").first()


def test_an_agreed_endorsement_completes_its_gate_through_the_plan(programme):
    wfb = board(programme, "wfb", "Workforce Board", cadence="monthly (4th Thursday)")
    meeting = _meeting(programme, wfb)
    decision = services.decision_record(
        actor=SYSTEM, meeting=meeting, kind="endorsement", text="Endorsed the new structure", gate=_gate(programme)
    )
    gate = _gate(programme)
    assert decision.ref == "D-001"
    assert gate.status == "complete" and gate.percent_complete == 100 and "D-001" in gate.notes
    updates = AuditEvent.objects.filter(object_type="programmes.planitem", object_id=str(gate.pk), action="update")
    assert updates.count() == 1 and updates.get().after["status"] == "Complete"


def test_a_decision_not_agreed_leaves_the_gate_open_and_a_non_gate_is_refused(programme):
    wfb = board(programme, "wfb", "Workforce Board", cadence="monthly (4th Thursday)")
    meeting = _meeting(programme, wfb)
    services.decision_record(actor=SYSTEM, meeting=meeting, outcome="deferred", text="Wait", gate=_gate(programme))
    assert _gate(programme).status == "not_started"
    with pytest.raises(ValidationError, match="1 is not a governance gate"):
        services.decision_record(
            actor=SYSTEM, meeting=meeting, text="x", gate=PlanItem.objects.get(programme=programme, uid="1")
        )


def test_only_the_chair_or_a_programme_manager_records_a_board_s_decision(programme):
    chair_user = UserFactory(email="chair@example.org")
    MembershipFactory(user=chair_user, programme=programme, role=Role.BOARD_MEMBER)
    other = UserFactory(email="other@example.org")
    MembershipFactory(user=other, programme=programme, role=Role.PMO_OFFICER)
    pm = UserFactory(email="pm@example.org")
    MembershipFactory(user=pm, programme=programme, role=Role.PROGRAMME_MANAGER)
    chair = Owner.objects.create(programme=programme, name="Chair Person", user=chair_user)
    wfb = board(programme, "wfb", "Workforce Board", cadence="monthly (4th Thursday)", chair=chair)
    meeting = _meeting(programme, wfb)
    with pytest.raises(PermissionDenied, match="Only the chair of Workforce Board"):
        services.decision_record(actor=Actor(other), meeting=meeting, text="No")
    assert not Decision.objects.exists()
    services.decision_record(actor=Actor(chair_user), meeting=meeting, text="Yes")
    services.decision_record(actor=Actor(pm), meeting=meeting, text="Also yes")
    assert Decision.objects.count() == 2


def test_a_change_above_the_improvement_board_s_tolerance_goes_to_the_corporate_group(programme):
    b_and_d_chain(programme)
    small = services.change_raise(actor=SYSTEM, programme=programme, title="Small slip", impact_days=10)
    big = services.change_raise(actor=SYSTEM, programme=programme, title="Costly", impact_cost=Decimal("143000"))
    scope = services.change_raise(actor=SYSTEM, programme=programme, title="Scope", impact_scope="Add SEND")
    assert small.board.code == "cib" and small.routing == "Within Children's Improvement Board's tolerances"
    assert big.board.code == "csg"
    assert big.routing == (
        "Above Children's Improvement Board's tolerances, an extra cost of £143,000 (its tolerance: £50,000): "
        "escalated to Corporate Strategy Group. Corporate Strategy Group is the top board: it decides"
    )
    assert scope.board.code == "csg"
    assert [small.ref, big.ref, scope.ref] == ["CR-001", "CR-002", "CR-003"]


def test_a_change_with_no_impact_is_refused(programme):
    b_and_d_chain(programme)
    with pytest.raises(ValidationError) as raised:
        services.change_raise(actor=SYSTEM, programme=programme, title="Nothing")
    assert "must change time, cost or scope" in str(raised.value)
    assert not ChangeRequest.all_objects.exists()


def test_an_approved_change_moves_its_plan_lines_takes_a_baseline_and_reaches_the_money_rooms(programme):
    b_and_d_chain(programme)
    heard = []
    registry.register(Room("fake_finance", "Fake finance", change_handlers=(heard.append,)))
    try:
        item = PlanItem.objects.get(programme=programme, uid="17")
        change = services.change_raise(
            actor=SYSTEM,
            programme=programme,
            title="Workforce Board later",
            impact_days=14,
            impact_cost=Decimal("1250.50"),
            lines=[(item, dt.date(2019, 8, 8), dt.date(2019, 8, 8))],
        )
        services.change_decide(
            actor=SYSTEM, change=change, approve=True, reason="Agreed", decided_on=dt.date(2019, 7, 10)
        )
    finally:
        registry.unregister("fake_finance")
    item.refresh_from_db()
    assert (item.start_date, item.end_date) == (dt.date(2019, 8, 8), dt.date(2019, 8, 8))
    baseline = Baseline.objects.get(programme=programme, name="After change CR-001")
    assert baseline.items.get(uid="17").end_date == dt.date(2019, 8, 8)
    assert len(heard) == 1 and heard[0].cost == Decimal("1250.50") and heard[0].reference == "CR-001"
    change.refresh_from_db()
    assert change.state == "approved"
    with pytest.raises(ValidationError, match="already approved"):
        services.change_decide(actor=SYSTEM, change=change, approve=False, reason="Changed our minds")


def test_a_rejected_change_needs_a_reason_and_moves_nothing(programme):
    b_and_d_chain(programme)
    item = PlanItem.objects.get(programme=programme, uid="17")
    change = services.change_raise(
        actor=SYSTEM, programme=programme, title="Later", impact_days=5, lines=[(item, None, dt.date(2019, 9, 1))]
    )
    with pytest.raises(ValidationError, match="Give the reason"):
        services.change_decide(actor=SYSTEM, change=change, approve=False, reason=" ")
    services.change_decide(actor=SYSTEM, change=change, approve=False, reason="Not needed")
    item.refresh_from_db()
    assert item.end_date == dt.date(2019, 7, 25) and not Baseline.objects.filter(programme=programme).exists()


def test_a_finance_handler_that_refuses_undoes_the_approval(programme):
    b_and_d_chain(programme)

    def refuse(change):
        raise ValidationError(f"No budget line for {change.reference}")

    registry.register(Room("fake_finance", "Fake finance", change_handlers=(refuse,)))
    try:
        change = services.change_raise(actor=SYSTEM, programme=programme, title="Cost", impact_cost=Decimal(10))
        with pytest.raises(ValidationError):
            services.change_decide(actor=SYSTEM, change=change, approve=True, reason="ok")
    finally:
        registry.unregister("fake_finance")
    change.refresh_from_db()
    assert change.state == "pending" and not Baseline.objects.exists()


def test_every_board_write_is_audited(programme):
    chain = b_and_d_chain(programme)
    assert AuditEvent.objects.filter(object_type="governance.board", action="create").count() == 4
    owner = Owner.objects.get(programme=programme, name="Sean Girty")
    services.board_set_members(actor=SYSTEM, board=chain["cib"], members=[owner])
    seat = AuditEvent.objects.get(object_type="governance.boardmember", action="create")
    assert seat.after == {"board": "Children's Improvement Board", "owner": "Sean Girty"}
    assert Board.objects.get(code="cib").members.get() == owner
    services.board_set_members(actor=SYSTEM, board=chain["cib"], members=[])
    assert AuditEvent.objects.filter(object_type="governance.boardmember", action="delete").count() == 1
    assert not Board.objects.get(code="cib").members.exists()
