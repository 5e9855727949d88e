"""The highlight-report pages: a lead writes and submits, the PMO returns or accepts, refusals are shown."""

import datetime as dt
import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.core.audit import SYSTEM
from improve.programmes.models import Role
from improve.programmes.tests.factories import PlanItemFactory, StrandFactory
from improve.reporting.highlights import services
from improve.reporting.models import HighlightReport, ReportState

FORM = {
    "overall_rag": "amber",
    "schedule_rag": "amber",
    "cost_rag": "green",
    "risk_rag": "green",
    "achievements": "Design pack signed off",
    "next_period": "Union consultation",
    "decisions_needed": "",
    "escalations": "",
    "notes": "",
}


def _url(name, programme, code="1", month="2019-10"):
    return reverse(f"reporting:{name}", args=[programme.slug, code, month])


@pytest.fixture
def lead(member, programme):
    return member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="1")])


def test_a_lead_starts_edits_and_submits_and_the_pmo_returns_then_accepts(programme, lead, pmo):
    start = reverse("reporting:highlight-create", args=[programme.slug])
    response = lead.post(start, {"strand": "1", "month": "2019-10"})
    assert response.status_code == 302 and response["Location"] == _url("highlight-edit", programme)
    report = HighlightReport.objects.get()
    response = lead.post(_url("highlight-edit", programme), {**FORM, "version": report.version})
    assert response.status_code == 302
    lead.post(_url("highlight-submit", programme))
    assert HighlightReport.objects.get().state == ReportState.SUBMITTED
    # returned without a reason: refused, on the form
    page = pmo.post(_url("highlight-review", programme), {"decision": "return", "reason": ""}).content.decode()
    assert "Say why the report is returned, so the lead knows what to change" in page
    pmo.post(_url("highlight-review", programme), {"decision": "return", "reason": "Say what slipped"})
    page = lead.get(_url("highlight", programme)).content.decode()
    assert "Returned because" in page and "Say what slipped" in page and "Resubmit to the PMO" in page
    lead.post(_url("highlight-edit", programme), {**FORM, "achievements": "Pack signed off; 17 slipped"})
    lead.post(_url("highlight-submit", programme))
    pmo.post(_url("highlight-review", programme), {"decision": "accept"})
    report = HighlightReport.objects.get()
    assert report.state == ReportState.ACCEPTED and report.achievements == "Pack signed off; 17 slipped"
    # the grid shows it, with its RAG written
    page = pmo.get(reverse("reporting:highlights", args=[programme.slug]) + "?year=2019").content.decode()
    assert "Accepted" in page and "Amber" in page


def test_submitting_twice_and_editing_after_acceptance_are_refused_with_the_reason(programme, lead, pmo):
    lead.post(reverse("reporting:highlight-create", args=[programme.slug]), {"strand": "1", "month": "2019-10"})
    lead.post(_url("highlight-edit", programme), FORM)
    lead.post(_url("highlight-submit", programme))
    page = lead.post(_url("highlight-submit", programme), follow=True).content.decode()
    assert "Not submitted: Highlight report 1, October 2019 cannot be submitted: it has been submitted" in page
    pmo.post(_url("highlight-review", programme), {"decision": "accept"})
    page = lead.post(_url("highlight-edit", programme), {**FORM, "achievements": "Changed"}).content.decode()
    assert "it has been accepted, and an accepted report never changes" in page
    assert HighlightReport.objects.get().achievements == "Design pack signed off"


def test_a_lead_cannot_touch_another_strand_s_report(programme, member):
    services.highlight_create(
        actor=SYSTEM, programme=programme, strand=programme.strands.get(code="1"), period=dt.date(2019, 10, 1)
    )
    other = member(Role.WORKSTREAM_LEAD, strands=[programme.strands.get(code="2")])
    assert other.get(_url("highlight", programme)).status_code == 200  # everyone reads
    assert other.get(_url("highlight-edit", programme)).status_code == 403
    assert other.post(_url("highlight-submit", programme)).status_code == 403
    assert other.post(_url("highlight-review", programme), {"decision": "accept"}).status_code == 403
    # and cannot start one for it either: the strand is not offered
    page = other.post(
        reverse("reporting:highlight-create", args=[programme.slug]), {"strand": "1", "month": "2019-10"}
    ).content.decode()
    assert "Select a valid choice" in page


def test_a_bad_month_is_explained(programme, pmo):
    page = pmo.post(
        reverse("reporting:highlight-create", args=[programme.slug]), {"strand": "1", "month": "October"}
    ).content.decode()
    assert "Enter the month as year and month, for example 2019-10" in page
    assert pmo.get(_url("highlight", programme, month="2019-13")).status_code == 404
    assert pmo.get(_url("highlight", programme, month="nonsense")).status_code == 404


def test_the_history_shows_each_step(programme, pmo):
    services.highlight_create(
        actor=SYSTEM, programme=programme, strand=programme.strands.get(code="1"), period=dt.date(2019, 10, 1)
    )
    pmo.post(_url("highlight-edit", programme), FORM)
    page = pmo.get(_url("highlight-history", programme)).content.decode()
    assert "Design pack signed off" in page


def _grow(programme, n):
    for k in range(n):
        strand = StrandFactory(programme=programme, code=f"g{n}{k}", name=f"Strand {n}{k}", order=10 + k)
        PlanItemFactory(strand=strand, uid=f"g{n}{k}", title="Line", end_date=dt.date(2019, 10, 20))
        services.highlight_create(actor=SYSTEM, programme=programme, strand=strand, period=dt.date(2019, 10, 1))


@pytest.mark.parametrize("page", ["highlights", "dashboard"])
def test_the_list_and_the_dashboard_make_as_many_queries_however_many_reports(programme, pmo, page):
    from django.core.cache import cache

    url = reverse(f"reporting:{page}", args=[programme.slug]) + "?year=2019"
    _grow(programme, 1)
    pmo.get(url)
    cache.clear()  # the dashboard is kept until the next write: count the queries of working it out
    with CaptureQueriesContext(connection) as small:
        assert pmo.get(url).status_code == 200
    _grow(programme, 6)
    cache.clear()
    with CaptureQueriesContext(connection) as big:
        assert pmo.get(url).status_code == 200
    assert len(big) == len(small), [q["sql"] for q in big.captured_queries]


def test_an_edit_that_lost_the_race_keeps_both_changes_and_says_so(programme, lead, pmo):
    lead.post(reverse("reporting:highlight-create", args=[programme.slug]), {"strand": "1", "month": "2019-10"})
    page = lead.get(_url("highlight-edit", programme)).content.decode()
    loaded = html.unescape(page.split('name="loaded" value="')[1].split('"')[0])
    version = HighlightReport.objects.get().version
    pmo.post(_url("highlight-edit", programme), {**FORM, "version": version, "escalations": "Agency costs"})
    stale = {**FORM, "version": version, "loaded": loaded, "escalations": "", "next_period": "Union consultation"}
    page = lead.post(_url("highlight-edit", programme), stale).content.decode()
    assert "Someone else changed this report while you were editing it" in page
    assert "Agency costs" in page  # their change is kept in the form
    assert HighlightReport.objects.get().escalations == "Agency costs"
