"""The ``highlight_reports`` sheet: B&D's demo progress loads, round-trips, and bad rows are named."""

import datetime as dt

from improve.core.audit import SYSTEM
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, load
from improve.interchange.workbook import xlsx_bytes
from improve.reporting.highlights import services
from improve.reporting.models import HighlightReport, ReportState


def test_b_and_d_s_demo_reports_load_with_their_states_and_facts(db):
    programme = load("barking-dagenham-2019").programme
    reports = HighlightReport.objects.filter(programme=programme)
    assert reports.count() == 48  # four strands, April 2019 - March 2020
    accepted = {r.period for r in reports.filter(state=ReportState.ACCEPTED)}
    assert max(accepted) == dt.date(2019, 10, 1) and len(accepted) == 7
    assert reports.filter(state=ReportState.RETURNED).count() == 1
    assert reports.filter(state=ReportState.SUBMITTED).count() == 3
    # the demo's Service Design strand goes amber in the autumn and recovers
    design = [r.overall_rag for r in reports.filter(strand__code="3").order_by("period")]
    assert design[5:9] == ["amber", "amber", "amber", "green"]
    assert all("DEMO DATA" in r.notes for r in reports)
    # each was pre-filled as at its month's end; due dates come from the governance calendar
    october = reports.get(strand__code="3", period=dt.date(2019, 10, 1))
    assert october.facts["as_at"] == "2019-10-31" and "Programme Team Meeting" in october.due_basis


def test_the_sheet_round_trips(db):
    programme = load("barking-dagenham-2019").programme
    first = interchange.workbook_export(programme=programme)
    assert len(first["highlight_reports"]) == 48
    again = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert again.ok and not again.has_changes, [str(p) for p in again.problems]
    assert xlsx_bytes(interchange.workbook_export(programme=programme)) == xlsx_bytes(first)


def test_problems_name_sheet_row_and_column_and_an_accepted_report_is_not_changed(db):
    programme = load("barking-dagenham-2019").programme
    sheets = interchange.workbook_export(programme=programme)
    rows = sheets["highlight_reports"]
    rows[0] = {**rows[0], "achievements": "Rewritten"}  # accepted (April 2019, strand 1)
    rows.append({**rows[-1], "strand": "9", "month": "2020-04"})
    rows.append({**rows[-2], "month": "April", "strand": "1"})
    rows.append({**rows[-3], "month": "2020-05", "state": "submitted", "overall_rag": ""})
    rows.append({**rows[-4], "month": "2020-06", "state": "returned", "return_reason": ""})
    found = [str(p) for p in interchange.workbook_import(actor=ACTOR, sheets=sheets).problems]
    assert "highlight_reports / row 2 / state / This report was accepted, and an accepted report never changes" in found
    assert "highlight_reports / row 50 / strand / '9' is not on the strands sheet" in found
    assert "highlight_reports / row 51 / month / 'April' is not a month: write it like 2019-10" in found
    assert (
        "highlight_reports / row 52 / overall_rag / Choose the overall RAG (red, amber or green) before the report "
        "is submitted" in found
    )
    assert any(
        p.startswith("highlight_reports / row 53 / return_reason / Say why the report is returned") for p in found
    )
    assert HighlightReport.objects.get(strand__code="1", period=dt.date(2019, 4, 1)).achievements != "Rewritten"


def test_a_report_missing_from_the_sheet_is_kept(db):
    programme = load("barking-dagenham-2019").programme
    extra = services.highlight_create(
        actor=SYSTEM, programme=programme, strand=programme.strands.get(code="1"), period=dt.date(2020, 4, 1)
    )
    sheets = interchange.workbook_export(programme=programme)
    sheets["highlight_reports"] = [r for r in sheets["highlight_reports"] if r["month"] != "2020-04"]
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok and result.sheet("highlight_reports").removed == []
    assert HighlightReport.objects.filter(pk=extra.pk).exists()
