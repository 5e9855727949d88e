"""Highlight reports: the pre-fill from live data, the due date, and the workflow's rules."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from improve.core.audit import SYSTEM, Actor
from improve.core.models import AuditEvent
from improve.core.services import EditConflict
from improve.governance import services as governance
from improve.programmes.models import Baseline, BaselineItem, PlanItem
from improve.raid.models import Issue, Risk, RiskAppetite
from improve.reporting.highlights import selectors, services
from improve.reporting.models import HighlightReport, ReportState

OCTOBER = dt.date(2019, 10, 1)


def _start(programme, code="1", period=OCTOBER):
    return services.highlight_create(
        actor=SYSTEM, programme=programme, strand=programme.strands.get(code=code), period=period
    )


def _fill(report, **extra):
    data = {
        "overall_rag": "amber",
        "schedule_rag": "amber",
        "cost_rag": "green",
        "risk_rag": "green",
        "achievements": "Design pack signed off",
        "next_period": "Consultation",
        "decisions_needed": "",
        "escalations": "",
        "notes": "",
        **extra,
    }
    report, _ = services.highlight_update(actor=SYSTEM, report=report, expected_version=report.version, **data)
    return report


def test_the_pre_fill_finds_completed_due_overdue_slipped_gates_risks_and_escalations(programme):
    strand = programme.strands.get(code="1")
    items = {i.uid: i for i in PlanItem.objects.filter(programme=programme)}
    # a baseline taken before October: line 17 ended on 25/07/2019 then; it now ends on 20/11/2019
    baseline = Baseline.objects.create(programme=programme, name="Agreed", taken_on=dt.date(2019, 6, 1))
    BaselineItem.objects.create(baseline=baseline, uid="17", end_date=dt.date(2019, 7, 25))
    PlanItem.objects.filter(pk=items["17"].pk).update(end_date=dt.date(2019, 11, 20))
    PlanItem.objects.filter(pk=items["1"].pk).update(
        status="complete", percent_complete=100, end_date=dt.date(2019, 10, 14)
    )
    RiskAppetite.objects.create(programme=programme, category="delivery", max_score=6)
    high = Risk.objects.create(
        programme=programme, reference="R1", title="Recruitment", residual_likelihood=4, residual_impact=4
    )
    low = Risk.objects.create(
        programme=programme, reference="R2", title="Rooms", residual_likelihood=1, residual_impact=2
    )
    high.strands.add(strand)
    low.strands.add(strand)
    issue = Issue.objects.create(
        programme=programme, reference="I1", title="Agency staff leaving", escalation="board", raised_on=OCTOBER
    )
    issue.strands.add(strand)

    report = _start(programme)

    facts = report.facts
    assert [c["uid"] for c in facts["completed"]] == ["1"]
    assert [d["uid"] for d in facts["due"]] == ["17"]
    assert facts["slipped"] == [
        {"uid": "17", "title": "Endorsed by Workforce Board", "end": "2019-11-20", "was": "2019-07-25", "days": 118}
    ]
    assert facts["compared_with"] == "the baseline 'Agreed' of 01/06/2019"
    assert [g["uid"] for g in facts["gates"]] == ["17"]
    assert facts["risks"] == [{"reference": "R1", "title": "Recruitment", "score": 16, "appetite": 6}]
    assert facts["escalated"] == [{"reference": "I1", "title": "Agency staff leaving", "escalation": "Board"}]
    assert facts["spend"] is None
    # the first draft of the text is written from the facts
    assert "Completed 1 TOM2 Design Pack Completed (14/10/2019)" in report.achievements
    assert "Issue I1 Agency staff leaving: escalated to Board" in report.escalations
    assert report.snapshot == {"1": "2019-10-14", "17": "2019-11-20"}


def test_slips_are_measured_from_the_previous_month_s_report_when_there_is_one(programme):
    items = {i.uid: i for i in PlanItem.objects.filter(programme=programme)}
    _start(programme, period=dt.date(2019, 9, 1))  # its snapshot: 17 ends 25/07/2019
    PlanItem.objects.filter(pk=items["17"].pk).update(end_date=dt.date(2019, 8, 4))
    october = _start(programme)
    assert [(s["uid"], s["days"]) for s in october.facts["slipped"]] == [("17", 10)]
    assert october.facts["compared_with"] == "the September 2019 report"


def test_an_accepted_report_keeps_its_facts_when_the_plan_changes(programme):
    report = _fill(_start(programme))
    report = services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    report = services.highlight_accept(actor=SYSTEM, report=report, expected_version=report.version)
    before = dict(report.facts)
    PlanItem.objects.filter(programme=programme).update(end_date=dt.date(2020, 3, 31))
    report.refresh_from_db()
    assert report.facts == before and report.state == ReportState.ACCEPTED


def test_the_strand_s_spend_comes_from_its_budget_lines(programme):
    from improve.core.audit import Actor
    from improve.finance import services as money
    from improve.finance.models import BudgetGroup, BudgetLine, FinancialYear

    year = FinancialYear.objects.create(programme=programme, start_year=2019)
    group = BudgetGroup.objects.create(programme=programme, code="g", name="Programme")
    line = BudgetLine.objects.create(
        programme=programme,
        group=group,
        code="pw",
        name="Practice leads",
        spend_type="revenue",
        duration="one_off",
        strand=programme.strands.get(code="1"),
    )
    money.amounts_set(
        actor=Actor(user=None, via="test"),
        line=line,
        year=year,
        entries=[money.AmountEntry(0, planned=Decimal("1000"), projected=Decimal("1250"))],
    )
    spend = _start(programme).facts["spend"]
    assert spend == {
        "year": "2019/20",
        "lines": 1,
        "planned": "1000.00",
        "projected": "1250.00",
        "actual": None,
        "variation": "250.00",
    }


def test_without_a_calendar_a_report_is_due_five_working_days_after_the_month(programme):
    report = _start(programme)
    assert report.due_on == dt.date(2019, 11, 7)  # 31/10/2019 is a Thursday
    assert "5 working days after the month's end" in report.due_basis


def test_with_a_calendar_a_report_is_due_before_the_board_that_takes_highlight_reports(programme):
    team = governance.board_save(
        actor=SYSTEM,
        programme=programme,
        data={"code": "team", "name": "Programme Team", "cadence": "Monthly (1st Wednesday)"},
    )
    governance.calendar_generate(
        actor=SYSTEM, programme=programme, start=dt.date(2019, 4, 1), end=dt.date(2020, 3, 31), boards=[team]
    )
    governance.report_link_save(
        actor=SYSTEM,
        programme=programme,
        sender=None,
        receiver=team,
        report="Project/workstream highlight reports",
        due_working_days=2,
    )
    report = _start(programme)
    # the team meets on Wednesday 06/11/2019; two working days before is Monday 04/11/2019
    assert report.due_on == dt.date(2019, 11, 4)
    assert report.due_basis == "2 working days before Programme Team on 06/11/2019"


def test_a_report_flows_from_draft_to_accepted_and_each_step_is_audited(programme):
    report = _fill(_start(programme))
    report = services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    assert report.state == ReportState.SUBMITTED
    report = services.highlight_return(
        actor=SYSTEM, report=report, expected_version=report.version, reason="Say what slipped"
    )
    assert report.state == ReportState.RETURNED and report.return_reason == "Say what slipped"
    report = _fill(report, achievements="Design pack signed off; line 17 slipped 10 days")
    report = services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    assert report.state == ReportState.RESUBMITTED
    report = services.highlight_accept(actor=SYSTEM, report=report, expected_version=report.version)
    assert report.state == ReportState.ACCEPTED
    states = [
        (e.after or {}).get("state")
        for e in AuditEvent.objects.filter(object_type="reporting.highlightreport").order_by("at", "id")
    ]
    assert states == ["Draft", "Draft", "Submitted", "Returned", "Returned", "Resubmitted", "Accepted"]


def test_submitting_twice_is_refused_with_the_reason(programme):
    report = _fill(_start(programme))
    report = services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    with pytest.raises(ValidationError) as caught:
        services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    assert caught.value.messages == [
        "Highlight report 1, October 2019 cannot be submitted: it has been submitted and is awaiting the PMO's review."
    ]


def test_editing_after_acceptance_is_refused_and_nothing_changes(programme):
    report = _fill(_start(programme))
    report = services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    report = services.highlight_accept(actor=SYSTEM, report=report, expected_version=report.version)
    with pytest.raises(ValidationError, match="it has been accepted, and an accepted report never changes"):
        _fill(report, achievements="Rewritten")
    with pytest.raises(ValidationError, match="cannot be returned: it has been accepted"):
        services.highlight_return(actor=SYSTEM, report=report, expected_version=report.version, reason="x")
    report.refresh_from_db()
    assert report.achievements == "Design pack signed off"


def test_a_report_is_submitted_only_with_every_rag_given(programme):
    report = _start(programme)
    with pytest.raises(ValidationError) as caught:
        services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    assert caught.value.message_dict["overall_rag"] == [
        "Choose the overall RAG (red, amber or green) before the report is submitted"
    ]
    assert HighlightReport.objects.get(pk=report.pk).state == ReportState.DRAFT


def test_a_return_needs_a_reason(programme):
    report = _fill(_start(programme))
    report = services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
    with pytest.raises(ValidationError) as caught:
        services.highlight_return(actor=SYSTEM, report=report, expected_version=report.version, reason="  ")
    assert "return_reason" in caught.value.message_dict
    assert HighlightReport.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_a_second_report_for_the_same_strand_and_month_is_refused(programme):
    _start(programme)
    with pytest.raises(ValidationError, match="1 Practice Improvement already has a report for October 2019"):
        _start(programme)


def test_an_edit_from_a_stale_version_is_a_conflict(programme):
    report = _start(programme)
    stale = HighlightReport.objects.get(pk=report.pk)
    _fill(report)
    with pytest.raises(EditConflict):
        services.highlight_update(
            actor=Actor(user=None),
            report=HighlightReport.objects.get(pk=report.pk),
            expected_version=stale.version,
            overall_rag="red",
            schedule_rag="red",
            cost_rag="red",
            risk_rag="red",
            achievements="",
            next_period="",
            decisions_needed="",
            escalations="",
            notes="",
        )


def test_overdue_lists_reports_not_submitted_by_their_due_date(programme):
    submitted = _fill(_start(programme, code="1"))
    services.highlight_submit(actor=SYSTEM, report=submitted, expected_version=submitted.version)
    _start(programme, code="2")  # a draft
    found = selectors.grid(programme, dt.date(2019, 9, 1), OCTOBER, as_at=dt.date(2019, 11, 8))
    overdue = [(o.strand.code, o.key, o.state) for o in found.overdue]
    assert overdue == [("1", "2019-09", "Not started"), ("2", "2019-09", "Not started"), ("2", "2019-10", "Draft")]
    # before October's due date only September's are overdue
    found = selectors.grid(programme, dt.date(2019, 9, 1), OCTOBER, as_at=dt.date(2019, 11, 7))
    assert {o.key for o in found.overdue} == {"2019-09"}


def test_an_issue_escalated_to_a_board_in_the_month_counts_as_newly_escalated(programme):
    from improve.raid import services as raid

    strand = programme.strands.get(code="1")
    issue = raid.issue_create(
        actor=SYSTEM,
        programme=programme,
        data={"reference": "I7", "title": "Caseloads", "escalation": "programme", "raised_on": dt.date(2019, 6, 3)},
        strands=[strand],
    )
    raid.issue_update(actor=SYSTEM, issue=issue, data={"escalation": "board"}, expected_version=issue.version)
    # the escalation was recorded on 15/10/2019
    AuditEvent.objects.filter(object_type="raid.issue", action="update").update(
        at=dt.datetime(2019, 10, 15, 12, tzinfo=dt.UTC)
    )
    report = _start(programme)
    assert report.facts["escalated"] == [{"reference": "I7", "title": "Caseloads", "escalation": "Board"}]
    assert _start(programme, period=dt.date(2019, 11, 1)).facts["escalated"] == []
