"""The programme & PMO dashboard, and the board-pack sections of the dashboard and highlight reports."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from improve.core.audit import SYSTEM
from improve.core.document import Chart, Note, Pack, Status, Table, pack_from_data, pack_to_data
from improve.core.registry import PackContext, registry
from improve.governance import services as governance
from improve.programmes.models import Baseline, BaselineItem, PlanItem
from improve.raid.models import Issue, Risk
from improve.reporting import dashboard as dashboards
from improve.reporting.charts import chart_table
from improve.reporting.highlights import services

SEPTEMBER, OCTOBER = dt.date(2019, 9, 1), dt.date(2019, 10, 1)


def _report(programme, code, period, rag, *, accept=True):
    report = services.highlight_create(
        actor=SYSTEM, programme=programme, strand=programme.strands.get(code=code), period=period
    )
    report, _ = services.highlight_update(
        actor=SYSTEM,
        report=report,
        expected_version=report.version,
        overall_rag=rag,
        schedule_rag=rag,
        cost_rag="green",
        risk_rag="green",
        achievements="- Design pack signed off\n- Panel recruited",
        next_period="",
        decisions_needed="",
        escalations="",
        notes="",
    )
    if accept:
        report = services.highlight_submit(actor=SYSTEM, report=report, expected_version=report.version)
        report = services.highlight_accept(actor=SYSTEM, report=report, expected_version=report.version)
    return report


def _world(programme):
    items = {i.uid: i for i in PlanItem.objects.filter(programme=programme)}
    baseline = Baseline.objects.create(programme=programme, name="Agreed", taken_on=dt.date(2019, 6, 1))
    BaselineItem.objects.create(baseline=baseline, uid="1", end_date=dt.date(2019, 4, 1))
    PlanItem.objects.filter(pk=items["17"].pk).update(end_date=dt.date(2019, 11, 20))
    Risk.objects.create(
        programme=programme, reference="R1", title="Recruitment", residual_likelihood=4, residual_impact=5
    )
    Issue.objects.create(programme=programme, reference="I1", title="Agency staff", priority="high")
    governance.change_raise(actor=SYSTEM, programme=programme, title="Later go-live", impact_days=30)
    _report(programme, "1", SEPTEMBER, "green")
    _report(programme, "1", OCTOBER, "amber")
    _report(programme, "2", OCTOBER, "green", accept=False)


def test_the_dashboard_shows_milestones_rags_risks_issues_changes_and_money(programme, pmo):
    _world(programme)
    d = dashboards.dashboard(programme, as_at=dt.date(2019, 10, 31))
    assert [m.uid for m in d.due] == ["17"]  # due 20/11/2019, within 30 days
    assert [(m.uid, m.days) for m in d.slipped] == [("1", 17)]  # 18/04/2019 against 01/04/2019
    assert d.month_labels == ["May 2019", "Jun 2019", "Jul 2019", "Aug 2019", "Sep 2019", "Oct 2019"]
    rags = {s.code: row for s, row in d.rags}
    assert rags["1"][-2:] == ["green", "amber"]
    assert rags["2"][-1] == ""  # a draft's RAG is not agreed: not shown
    assert [r.reference for r in d.risks] == ["R1"] and [i.reference for i in d.issues] == ["I1"]
    assert [c.title for c in d.changes] == ["Later go-live"]
    assert d.money is None
    page = pmo.get(reverse("reporting:dashboard", args=[programme.slug])).content.decode()
    for text in (
        "Programme &amp; PMO dashboard",
        "Recruitment",
        "Agency staff",
        "Later go-live",
        "No benefits recorded",
    ):
        assert text in page
    page = pmo.get(reverse("reporting:dashboard", args=[programme.slug]) + "?month=2019-10").content.decode()
    assert "As at 31/10/2019" in page
    assert pmo.get(reverse("reporting:dashboard", args=[programme.slug]) + "?month=nonsense").status_code == 200


def test_the_rag_grid_chart_and_its_table_say_the_same(programme):
    _world(programme)
    d = dashboards.dashboard(programme, as_at=dt.date(2019, 10, 31))
    chart = dashboards.rag_chart(d)
    table = chart_table(chart)  # the data table every format prints under the chart
    assert chart.chart == "rag-grid" and chart.categories[-1] == "Oct 2019"
    assert chart.series[0].values[-2:] == (3, 2)  # RAG_ORDER: Green, Amber
    assert [c.value for c in table.rows[0]][-2:] == ["Green", "Amber"]
    assert table.columns[0].label == programme.strand_word
    assert "In Oct 2019: red none; amber 1 Practice Improvement." in chart.description


def _ctx(programme, since=SEPTEMBER + dt.timedelta(days=29)):
    return PackContext(programme=programme, as_at=dt.date(2019, 10, 31), period_start=OCTOBER, since=since)


def test_the_highlight_section_shows_accepted_reports_and_marks_the_others(programme):
    _world(programme)
    section = next(s for s in registry.pack_sections() if s.key == "highlight-reports").build(_ctx(programme))
    statuses = [(b.label, b.rag) for b in section.blocks if isinstance(b, Status)]
    assert statuses[:4] == [("Overall", "Amber"), ("Schedule", "Amber"), ("Cost", "Green"), ("Risk", "Green")]
    notes = [b.text for b in section.blocks if isinstance(b, Note)]
    assert notes == ["Not yet accepted: this is the latest version of the report, draft."]
    # the section freezes exactly, as an issued pack keeps it
    pack = Pack("t", "p", "c", "b", dt.date(2019, 10, 31), OCTOBER, "Draft", (section,))
    assert pack_from_data(pack_to_data(pack)) == pack


def test_no_section_for_a_month_without_reports(programme):
    ctx = PackContext(
        programme=programme, as_at=dt.date(2019, 4, 30), period_start=dt.date(2019, 4, 1), since=dt.date(2019, 4, 1)
    )
    assert next(s for s in registry.pack_sections() if s.key == "highlight-reports").build(ctx) is None


def test_the_dashboard_section_carries_the_chart_and_tables(programme):
    _world(programme)
    section = next(s for s in registry.pack_sections() if s.key == "dashboard").build(_ctx(programme))
    assert any(isinstance(b, Chart) and b.chart == "rag-grid" for b in section.blocks)
    captions = [b.caption for b in section.blocks if isinstance(b, Table)]
    assert "Slipped against the baseline" in captions and "Change requests awaiting a decision" in captions


def test_what_changed_names_rag_moves_returned_and_overdue_reports(programme):
    _world(programme)
    draft = programme.highlight_reports.get(strand__code="2")
    draft = services.highlight_submit(actor=SYSTEM, report=draft, expected_version=draft.version)
    services.highlight_return(actor=SYSTEM, report=draft, expected_version=draft.version, reason="Add the costs")
    section = next(s for s in registry.pack_sections() if s.key == "highlight-reports")
    ctx = PackContext(
        programme=programme, as_at=dt.date(2019, 11, 30), period_start=OCTOBER, since=dt.date(2019, 9, 30)
    )
    texts = [c.text for c in section.changes(ctx)]
    assert texts == [
        "2 Service Design: the October 2019 report was returned (Add the costs)",
        "2 Service Design: the October 2019 report is overdue (due 07/11/2019; returned)",
        "1 Practice Improvement: overall RAG Green in September 2019, Amber in October 2019",
    ]


def test_a_past_month_s_dashboard_shows_the_plan_and_the_money_as_they_stood_then(db):
    from improve.interchange.tests.conftest import load

    programme = load("barking-dagenham-2019").programme
    d = dashboards.dashboard(programme, as_at=dt.date(2019, 10, 31))
    # October's slips, measured against the month-end baseline taken before October began
    assert d.baseline == "Month end 30/09/2019 (30/09/2019)"
    assert {m.uid: m.days for m in d.slipped} == {"57": 91, "219": 34, "217": 28, "218": 28}
    # money: spend to the end of October 2019, not the whole year's demo actuals
    assert d.money is not None and d.money.year == "2019/20"
    assert (d.money.budget, d.money.actual) == (Decimal("1096000.00"), Decimal("516690.00"))
    assert d.money.variation == Decimal("25690.00")


def test_the_kept_dashboard_is_read_once_and_changes_after_any_write(programme, django_assert_num_queries):
    from improve.programmes import services as plan
    from improve.raid import services as raid

    _world(programme)
    as_at = dt.date(2019, 10, 31)
    first = dashboards.dashboard_kept(programme, as_at=as_at)
    assert [m.uid for m in first.due] == ["17"] and [r.reference for r in first.risks] == ["R1"]
    with django_assert_num_queries(1):  # the audit trail's count, nothing else: the kept copy
        again = dashboards.dashboard_kept(programme, as_at=as_at)
    assert again.due == first.due and again.programme is programme
    # a write in another room (a risk scoring higher than R1) is seen at once
    raid.risk_create(
        actor=SYSTEM,
        programme=programme,
        data={"reference": "R2", "title": "Funding", "residual_likelihood": 5, "residual_impact": 5},
    )
    assert [r.reference for r in dashboards.dashboard_kept(programme, as_at=as_at).risks] == ["R2", "R1"]
    # and a plan line moved into the next 30 days through the plan's service
    item = PlanItem.objects.get(programme=programme, uid="23")  # a top-level line, end TBD
    plan.plan_item_update(
        actor=SYSTEM,
        item=item,
        expected_version=item.version,
        data={"end_date": dt.date(2019, 11, 5), "end_tbd": False},
    )
    kept = dashboards.dashboard_kept(programme, as_at=as_at)
    assert [m.uid for m in kept.due] == ["23", "17"]
    assert kept == dashboards.dashboard(programme, as_at=as_at)  # the same figures as worked out afresh
    # another month is another dashboard
    assert dashboards.dashboard_kept(programme, as_at=dt.date(2019, 9, 30)).as_at == dt.date(2019, 9, 30)


def test_the_dashboard_page_makes_as_many_queries_for_ten_times_the_plan(programme, pmo):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from improve.programmes.tests.factories import PlanItemFactory

    _world(programme)
    url = reverse("reporting:dashboard", args=[programme.slug]) + "?month=2019-10"
    strand = programme.strands.get(code="1")

    def grow(n):
        for k in range(n):  # milestones due, overdue and slipped: every list the page shows grows
            PlanItemFactory(strand=strand, uid=f"m{n}-{k}", kind="milestone", end_date=dt.date(2019, 11, 1 + k % 20))
            PlanItemFactory(strand=strand, uid=f"o{n}-{k}", kind="milestone", end_date=dt.date(2019, 9, 1 + k % 20))

    def queries():
        cache.clear()  # worked out afresh, not the kept copy
        connection.queries_log.clear()  # (a full log of the set-up's queries would capture none)
        with CaptureQueriesContext(connection) as found:
            assert pmo.get(url).status_code == 200
        return found

    grow(7)
    pmo.get(url)
    small = queries()
    grow(70)
    big = queries()
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]
    assert len(big) > 5
    assert "78 due in the next 30 days; 78 overdue" in pmo.get(url).content.decode()
