"""The RAID sheets of the programme workbook: L / M / H read as 1–5, the same rules as the forms,
problems named by sheet, row and column, and export → import → export identical."""

import pytest

from improve.core.audit import history_for
from improve.core.models import AuditEvent
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, EXAMPLES
from improve.interchange.workbook import read_workbook, xlsx_bytes
from improve.raid.models import Action, Issue, LogEntry, Risk

RISK = {
    "reference": "R1",
    "title": "Demand could rise",
    "category": "demand",
    "owner": "",
    "inherent_likelihood": "H",
    "inherent_impact": "h",
    "residual_likelihood": "M",
    "residual_impact": "4 (High)",
    "status": "open",
    "strands": "2, 1",
}


@pytest.fixture
def havering(db):
    """Havering's plan without its own RAID log (its one risk, not yet scored): these tests write theirs."""
    sheets = {n: s for n, s in read_workbook(EXAMPLES / "havering-2019").items() if n not in ("risks", "raid_actions")}
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok and result.programme is not None
    return result.programme


def _sheets(programme, **extra):
    return {**interchange.workbook_export(programme=programme), **extra}


def test_raid_sheets_import_audited_and_round_trip(havering, tmp_path):
    sheets = _sheets(
        havering,
        risk_appetite=[{"category": "demand", "max_score": 9}],
        risks=[RISK],
        issues=[
            {
                "reference": "I1",
                "title": "Caseloads are too high",
                "priority": "high",
                "escalation": "board",
                "status": "open",
                "from_risk": "R1",
            }
        ],
        raid_actions=[
            {
                "reference": "A1",
                "risk": "R1",
                "action": "Monitor via Vital Signs",
                "status": "in_progress",
                "due": "30/06/2019",
            },
            {
                "reference": "A2",
                "issue": "I1",
                "action": "Recruit to new posts",
                "status": "done",
                "done": "01/05/2019",
            },
        ],
        raid_dependencies=[{"reference": "1", "title": "Partners fund the TOM", "partner": "Health", "status": "open"}],
    )
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok and result.applied, [str(p) for p in result.problems]
    risk = Risk.objects.get(reference="R1")
    assert (risk.inherent, risk.residual, [s.code for s in risk.strands.order_by("code")]) == (16, 12, ["1", "2"])
    assert Issue.objects.get().from_risk == risk and Action.objects.count() == 2 and LogEntry.objects.count() == 1
    assert history_for(risk).get().via == "workbook import"
    assert AuditEvent.objects.filter(object_type__startswith="raid.").count() == 6
    first = interchange.workbook_export(programme=havering)
    assert first["risks"][0]["inherent_likelihood"] == 4 and first["risks"][0]["strands"] == "1; 2"
    folder = interchange.workbook_export_to(programme=havering, target=tmp_path / "book")
    assert not interchange.workbook_import(actor=ACTOR, sheets=read_workbook(folder)).has_changes
    assert xlsx_bytes(interchange.workbook_export(programme=havering)) == xlsx_bytes(first)
    # A row gone from its sheet is archived, through the room's service.
    first["raid_actions"] = first["raid_actions"][:1]
    assert interchange.workbook_import(actor=ACTOR, sheets=first).sheet("raid_actions").removed == ["A2"]
    assert Action.all_objects.get(reference="A2").archived


def test_raid_problems_name_sheet_row_and_column(havering):
    sheets = _sheets(
        havering,
        risks=[
            {**RISK, "residual_impact": "7"},
            {**RISK, "reference": "R2", "inherent_likelihood": "X", "owner": "Nobody", "strands": "1; 9"},
            {**RISK, "reference": "R3", "target_likelihood": "2", "status": "open", "closed": "01/06/2019"},
            {**RISK, "reference": "R4", "review": "01/01/2199"},
        ],
        raid_actions=[
            {"reference": "A1", "action": "Orphan", "status": "open"},
            {"reference": "A2", "risk": "R1", "action": "Done without a date", "status": "done"},
            {"reference": "A3", "risk": "R9", "action": "x", "status": "open"},
        ],
        assumptions=[{"reference": "1", "title": "x", "status": "met"}],
    )
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    found = [str(p) for p in result.problems]
    accepted = "enter a whole number from 1 to 5, or L, M or H (L = 2 Low, M = 3 Medium, H = 4 High)"
    assert f"risks / row 2 / residual_impact / 7 is outside the scale: {accepted}" in found
    assert f"risks / row 3 / inherent_likelihood / 'X' is not accepted: {accepted}" in found
    assert "risks / row 3 / owner / 'Nobody' is not in the owners sheet" in found
    assert "risks / row 3 / strands / '9': not a code in the strands sheet" in found
    assert "risks / row 4 / target_impact / Give both the target likelihood and the target impact, or neither" in found
    assert "risks / row 4 / closed / An open risk has no closed date: clear it, or close the risk" in found
    assert "risks / row 5 / review / Enter a date between 01/01/1990 and 31/12/2100" in found
    assert "raid_actions / row 2 / risk / Give the risk or the issue this action belongs to" in found
    assert "raid_actions / row 3 / done / Enter the date the action was done" in found
    assert "raid_actions / row 4 / risk / 'R9' is not a reference in the risks sheet" in found
    assert any(
        p.startswith("assumptions / row 2 / status / 'met' is not allowed: use one of open, confirmed") for p in found
    )
    assert not Risk.all_objects.exists() and not Action.all_objects.exists()


def test_leaving_out_a_sheet_that_has_rows_is_refused(havering):
    interchange.workbook_import(actor=ACTOR, sheets=_sheets(havering, risks=[RISK]))
    sheets = _sheets(havering)
    del sheets["risks"]
    found = [str(p) for p in interchange.workbook_import(actor=ACTOR, sheets=sheets).problems]
    assert found == [
        "risks / row – / – / The workbook has no 'risks' sheet, so all 1 rows of it would be archived: "
        "add the sheet (with just its header row to archive them all)"
    ]


def _risk_rows(n):
    return [
        {**RISK, "reference": f"R{i}", "title": f"Risk {i}", "strands": "1" if i % 2 else "2", "plan_items": ""}
        for i in range(1, n + 1)
    ]


def _action_rows(n):
    return [{"reference": f"A{i}", "risk": f"R{i}", "action": f"Act {i}", "status": "open"} for i in range(1, n + 1)]


def test_an_update_import_changes_links_archives_and_restores_each_audited(havering):
    interchange.workbook_import(
        actor=ACTOR, sheets=_sheets(havering, risks=_risk_rows(3), raid_actions=_action_rows(3))
    )
    sheets = interchange.workbook_export(programme=havering)
    sheets["risks"][0].update(strands="1; 2", residual_likelihood="H")  # R1: links and a score
    sheets["raid_actions"] = sheets["raid_actions"][1:]  # A1 gone
    assert interchange.workbook_import(actor=ACTOR, sheets=sheets).applied
    r1 = Risk.objects.get(reference="R1")
    assert (r1.residual_score, r1.version, sorted(s.code for s in r1.strands.all())) == (16, 2, ["1", "2"])
    update = history_for(r1).get(action=AuditEvent.Action.UPDATE)
    assert update.before["strands"] != update.after["strands"] and update.via == "workbook import"
    assert "16 (" in update.after["residual"]
    a1 = Action.all_objects.get(reference="A1")
    assert a1.archived and a1.archive_reason == "not in the workbook"
    assert history_for(a1).get(action=AuditEvent.Action.ARCHIVE).after["archived"] is True
    # back in its sheet: restored, and audited as such
    sheets["raid_actions"].insert(0, {**_action_rows(1)[0], "action": "Act 1 again"})
    assert interchange.workbook_import(actor=ACTOR, sheets=sheets).applied
    a1.refresh_from_db()
    assert not a1.archived and a1.title == "Act 1 again"
    assert history_for(a1).filter(action=AuditEvent.Action.RESTORE).count() == 1
    assert not interchange.workbook_import(
        actor=ACTOR, sheets=interchange.workbook_export(programme=havering)
    ).has_changes


def test_importing_raid_rows_takes_no_query_per_row(havering):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n, programme):
        sheets = _sheets(programme, risks=_risk_rows(n), raid_actions=_action_rows(n))
        with CaptureQueriesContext(connection) as ctx:
            result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
        assert result.applied, [str(p) for p in result.problems]
        return len(ctx)

    few = queries(3, havering)
    Action.all_objects.all().delete()
    Risk.all_objects.all().delete()
    AuditEvent.objects.filter(object_type__startswith="raid.").delete()
    many = queries(60, havering)
    # bulk writes: 20 times the rows, a query or two more (SQLite caps the values in one insert)
    assert few <= many <= few + 4
    assert AuditEvent.objects.filter(object_type="raid.risk", action="create").count() == 60
