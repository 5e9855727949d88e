"""Workbook import and export: examples, round trips, problems, changes, removals, audit."""

from __future__ import annotations

import copy
import datetime as dt
import filecmp
import io

import pytest

from improve.core.models import AuditEvent
from improve.interchange import services
from improve.interchange.tests.conftest import (
    ACTOR,
    EXAMPLE_NAMES,
    EXAMPLES,
    counts,
    example_sheets,
    load,
    wipe,
)
from improve.interchange.workbook import read_workbook, read_xlsx, xlsx_bytes
from improve.programmes.models import Dependency, PlanItem, Strand
from improve.programmes.sheets import PLAN_WORKBOOK

pytestmark = pytest.mark.django_db


def run(sheets, **kwargs):
    return services.workbook_import(actor=ACTOR, sheets=sheets, **kwargs)


def problems(result) -> list[str]:
    return [str(p) for p in result.problems]


def item_row(sheets, uid):
    return next(r for r in sheets["plan_items"] if r["uid"] == uid)


# --- the examples --------------------------------------------------------------------------------

EXPECTED = {  # from docs/examples.md
    "barking-dagenham-2019": {
        "Strand": 4,
        "Stage": 5,
        "Project": 0,
        "Owner": 33,
        "PlanItem": 74,
        "Dependency": 12,
        "Baseline": 11,  # PID v3.0 and the demo month ends 30/06/2019 to 31/03/2020
        "BaselineItem": 572,
    },
    "havering-2019": {
        "Strand": 7,
        "Stage": 1,
        "Project": 1,
        "Owner": 6,
        "PlanItem": 54,
        "Dependency": 2,
        "Baseline": 0,
        "BaselineItem": 0,
    },
    "cambridgeshire-2016": {
        "Strand": 6,
        "Stage": 5,
        "Project": 0,
        "Owner": 4,
        "PlanItem": 39,
        "Dependency": 8,
        "Baseline": 0,
        "BaselineItem": 0,
    },
}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_each_example_loads(name):
    result = load(name)
    after = counts()
    for model, n in EXPECTED[name].items():
        assert after[model] == n, model
    assert after["Programme"] == 1
    # One audit event per object created, all through the workbook import.
    assert after["AuditEvent"] == result.created_count
    plan_sheets = {spec.name for spec in PLAN_WORKBOOK.sheets}  # other rooms' sheets add their own rows
    assert sum(len(s.created) for s in result.sheets if s.sheet in plan_sheets) == sum(EXPECTED[name].values()) + 1
    assert set(AuditEvent.objects.values_list("via", flat=True)) == {"workbook import"}
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"create"}


def test_gates_sit_under_their_deliverables():
    load("barking-dagenham-2019")
    gate = PlanItem.objects.select_related("parent").get(uid="16")
    assert gate.kind == "gate" and gate.gate_type == "endorsement"
    assert gate.parent.uid == "1"
    assert PlanItem.objects.filter(programme__slug="barking-dagenham-2019", kind="gate").count() == 52


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_export_import_export_gives_the_same_workbook(name):
    programme = load(name).programme
    first = services.workbook_export(programme=programme)
    first_bytes = xlsx_bytes(first)
    wipe()
    assert counts()["PlanItem"] == 0
    result = run(read_xlsx(first_bytes))
    assert result.ok, problems(result)
    second = services.workbook_export(programme=result.programme)
    assert second == first
    assert xlsx_bytes(second) == first_bytes  # byte for byte


FORMULA_TEXT = {"title": "=1+1", "notes": "@SUM(1)", "team": "-1+1", "owner": "+Owner"}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("formulas", [False, True], ids=["as-is", "formula-like-text"])
def test_export_import_export_through_csv_gives_the_same_files(name, formulas, tmp_path):
    programme = load(name).programme
    if formulas:  # text a spreadsheet would run as a formula, in cells, keys and references (a key may start with "-")
        sheets = services.workbook_export(programme=programme)
        sheets["owners"].append({"name": "+Owner", "kind": "person", "title": "=cmd|' /C calc'!A0"})
        for row in sheets["plan_items"][:3]:
            row.update(FORMULA_TEXT)
        sheets["plan_items"].append({**sheets["plan_items"][0], "uid": "-A1", "order": 999})
        sheets["dependencies"].append(
            {"predecessor": "-A1", "successor": sheets["plan_items"][1]["uid"], "type": "FS", "lag_days": -2}
        )
        assert run(sheets).ok
    services.workbook_export_to(programme=programme, target=tmp_path / "first")
    wipe()
    result = run(read_workbook(tmp_path / "first"))
    assert result.ok, problems(result)
    services.workbook_export_to(programme=result.programme, target=tmp_path / "second")
    files = sorted(p.name for p in (tmp_path / "first").glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "first", tmp_path / "second", files, shallow=False)
    assert match == files and mismatch == [] and errors == []
    if formulas:
        assert PlanItem.objects.filter(uid="-A1", title="=1+1", notes="@SUM(1)", owner__name="+Owner").exists()
        text = (tmp_path / "second" / "plan_items.csv").read_text(encoding="utf-8")
        assert "\n'-A1," in text and ",'=1+1," in text and ",'+Owner," in text


@pytest.mark.parametrize("name", ["barking-dagenham-2019", "havering-2019"])
def test_csv_export_reproduces_the_example_files(name, tmp_path):
    programme = load(name).programme
    services.workbook_export_to(programme=programme, target=tmp_path / name)
    files = sorted(p.name for p in (EXAMPLES / name).glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(EXAMPLES / name, tmp_path / name, files, shallow=False)
    assert mismatch == [] and errors == []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_reimport_changes_nothing_and_records_nothing(name):
    load(name)
    events = AuditEvent.objects.count()
    before = counts()
    result = run(read_workbook(EXAMPLES / name))
    assert result.ok and not result.has_changes and not result.applied
    assert (result.created_count, result.changed_count, result.removed_count) == (0, 0, 0)
    assert counts() == before
    assert AuditEvent.objects.count() == events


def test_reimport_of_an_export_changes_nothing(havering):
    sheets = read_xlsx(services.workbook_export_xlsx(programme=havering))
    events = AuditEvent.objects.count()
    result = run(sheets)
    assert not result.has_changes and AuditEvent.objects.count() == events


# --- problems ------------------------------------------------------------------------------------


def test_malformed_workbook_lists_every_problem_and_writes_nothing(havering):
    sheets = example_sheets("havering-2019")
    items = sheets["plan_items"]
    items[0]["owner"] = "Jane Doe"  # row 2
    items[1]["start"], items[1]["end"] = "01/05/2019", "01/04/2019"  # row 3
    items[2]["status"] = "done"  # row 4
    items[3]["kind"], items[3]["gate_type"] = "gate", ""  # row 5
    items[4]["percent_complete"] = "140"  # row 6
    items[5]["status"], items[5]["percent_complete"] = "complete", "80"  # row 7
    items[6]["strand"] = "99"  # row 8
    items[7]["uid"] = items[8]["uid"]  # row 9 repeats row 10's uid
    items[10]["end"] = "31/02/2019"  # row 12
    items[11]["parent"] = "999"  # row 13
    items[12]["title"] = ""  # row 14
    for row in items:
        row["colour"] = "blue"  # an unknown column
    sheets["dependencies"].append({"predecessor": "603", "successor": "602", "type": "FS", "lag_days": "0"})
    sheets["dependencies"].append({"predecessor": "101", "successor": "777", "type": "XX", "lag_days": "x"})
    before = counts()
    result = run(sheets)
    found = problems(result)
    expected = [
        "plan_items / row 1 / colour / 'colour' is not a column of the plan_items sheet",
        "plan_items / row 2 / owner / 'Jane Doe' is not in the owners sheet",
        "plan_items / row 3 / end / The end date 01/04/2019 is before the start date 01/05/2019",
        "plan_items / row 4 / status / 'done' is not allowed: use one of not_started, in_progress, "
        "complete, on_hold, cancelled",
        "plan_items / row 5 / gate_type / A gate needs a gate_type",
        "plan_items / row 6 / percent_complete / 140 is outside 0–100",
        "plan_items / row 7 / percent_complete / A complete line must be 100% complete, not 80%",
        "plan_items / row 8 / strand / '99' is not a code in the strands sheet",
        "plan_items / row 12 / end / '31/02/2019' is not a date",
        "plan_items / row 13 / parent / '999' is not a uid in the plan_items sheet",
        "plan_items / row 14 / title / A value is required",
        "dependencies / row 4 / predecessor / This makes a dependency loop: 602 → 603 → 602",
        "dependencies / row 5 / type / 'XX' is not allowed: use one of FS, SS, FF, SF",
        "dependencies / row 5 / lag_days / 'x' is not a whole number",
        "dependencies / row 5 / successor / '777' is not a uid in the plan_items sheet",
    ]
    for text in expected:
        assert any(f.startswith(text) for f in found), (text, found)
    duplicate = [f for f in found if f.startswith("plan_items / row 10 / uid / ")]
    assert duplicate and "already on row 9" in duplicate[0]
    assert not result.applied
    assert counts() == before


def test_unknown_owner_names_sheet_row_and_column():
    sheets = example_sheets("barking-dagenham-2019")
    sheets["plan_items"][12]["owner"] = "Jane Doe"
    result = run(sheets)
    assert problems(result) == ["plan_items / row 14 / owner / 'Jane Doe' is not in the owners sheet"]
    assert counts()["Programme"] == 0


def test_owner_in_another_case_is_suggested():
    sheets = example_sheets("barking-dagenham-2019")
    sheets["plan_items"][0]["owner"] = "sean girty"
    assert problems(run(sheets)) == [
        "plan_items / row 2 / owner / 'sean girty' is not in the owners sheet (did you mean 'Sean Girty'?)"
    ]


def test_dependency_loop_is_named_by_uid():
    sheets = example_sheets("barking-dagenham-2019")
    # 32 → 33 → 34 already; close the loop 34 → 32.
    sheets["dependencies"].append({"predecessor": "34", "successor": "32", "type": "FS", "lag_days": "0"})
    result = run(sheets)
    found = problems(result)
    assert len(found) == 1
    assert found[0].startswith("dependencies / row 14 / predecessor / This makes a dependency loop: ")
    assert "32 → 33 → 34 → 32" in found[0]
    assert counts()["Programme"] == 0


def test_self_dependency_and_parent_loop():
    sheets = example_sheets("havering-2019")
    sheets["dependencies"].append({"predecessor": "101", "successor": "101", "type": "FS", "lag_days": ""})
    item_row(sheets, "101")["parent"] = "102"
    item_row(sheets, "102")["parent"] = "101"
    found = problems(run(sheets))
    assert "dependencies / row 4 / successor / A line cannot depend on itself" in found
    assert any(f.startswith("plan_items / row ") and "puts the line under itself" in f for f in found)


def test_end_before_start_on_every_sheet_with_dates():
    sheets = example_sheets("cambridgeshire-2016")
    sheets["stages"][0]["end"] = "01/07/2016"
    sheets["programme"][0]["end"] = "01/01/2016"
    found = problems(run(sheets))
    assert "stages / row 2 / end / The end date 01/07/2016 is before the start date 01/08/2016" in found
    assert "programme / row 2 / end / The end date 01/01/2016 is before the start date 01/08/2016" in found


def test_structure_problems():
    sheets = example_sheets("havering-2019")
    del sheets["owners"]
    for row in sheets["strands"]:
        del row["name"]
    sheets["notes"] = [{"a": "b"}]
    sheets["programme"].append(dict(sheets["programme"][0]))
    found = problems(run(sheets))
    assert "owners / row – / – / The workbook has no 'owners' sheet" in found
    assert "strands / row 1 / name / The column 'name' is missing: it is required" in found
    assert any(f.startswith("notes / row – / – / There is no sheet called 'notes'") for f in found)
    assert "programme / row 3 / – / The programme sheet must have exactly one row" in found


def test_gate_type_only_on_gates_and_bad_slug():
    sheets = example_sheets("havering-2019")
    item_row(sheets, "102")["gate_type"] = "decision"
    sheets["programme"][0]["slug"] = "Havering 2019"
    found = problems(run(sheets))
    assert "plan_items / row 3 / gate_type / Only gates have a gate_type: leave it empty for a deliverable" in found
    assert any(f.startswith("programme / row 2 / slug / 'Havering 2019' is not a valid slug") for f in found)


def test_expect_slug(havering):
    result = run(example_sheets("havering-2019"), expect_slug="cambridgeshire-2016", dry_run=True)
    assert problems(result) == [
        "programme / row 2 / slug / This workbook is for the programme 'havering-2019', not 'cambridgeshire-2016'"
    ]


def test_strand_still_used_by_archived_items_cannot_go(havering):
    sheets = services.workbook_export(programme=havering)
    sheets["plan_items"] = [r for r in sheets["plan_items"] if r["strand"] != "7"]
    sheets["dependencies"] = [
        d for d in sheets["dependencies"] if not (d["predecessor"].startswith("7") or d["successor"].startswith("7"))
    ]
    sheets["strands"] = [s for s in sheets["strands"] if s["code"] != "7"]
    sheets["meetings"] = [  # the board's rota of themes names strand 7 too
        {**m, "themes": ", ".join(c for c in m["themes"].split(", ") if c != "7")} for m in sheets["meetings"]
    ]
    before = counts()
    result = run(sheets)
    assert len(result.problems) == 1
    assert str(result.problems[0]).startswith(
        "strands / row – / code / The strand '7' is missing from the sheet, but archived plan items (uids 701"
    )
    assert counts() == before


def test_leaving_out_an_optional_sheet_does_not_remove_its_rows(havering):
    sheets = services.workbook_export(programme=havering)
    del sheets["dependencies"]
    found = problems(run(sheets))
    assert found == [
        "dependencies / row – / – / The workbook has no 'dependencies' sheet, so all 2 rows "
        "of it would be removed: add the sheet (with just its header row to remove them all)"
    ]


# --- changes -------------------------------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(havering):
    sheets = services.workbook_export(programme=havering)
    item_row(sheets, "102")["title"] = "Health Passport agreed"
    sheets["owners"].append({"name": "Jane Doe", "kind": "person", "title": ""})
    before = counts()
    result = run(sheets, dry_run=True)
    assert result.ok and result.has_changes and not result.applied
    assert result.sheet("owners").created == ["Jane Doe"]
    change = result.sheet("plan_items").changed[0]
    assert change.key == "102"
    assert [(f.column, f.before, f.after) for f in change.fields] == [
        ("title", "Health Passport developed", "Health Passport agreed")
    ]
    assert counts() == before


def test_changed_cell_is_reported_then_applied_with_an_audit_event(havering):
    sheets = services.workbook_export(programme=havering)
    row = item_row(sheets, "102")
    row["end"] = dt.date(2019, 9, 30)
    row["owner"] = "Tim Aldridge"
    item = PlanItem.objects.get(programme=havering, uid="102")
    version = item.version
    events = AuditEvent.objects.count()
    result = run(sheets)
    assert result.applied
    fields = {f.column: (f.before, f.after) for f in result.sheet("plan_items").changed[0].fields}
    assert fields == {"owner": ("", "Tim Aldridge"), "end": ("TBD", "30/09/2019")}
    item.refresh_from_db()
    assert item.end_date == dt.date(2019, 9, 30) and not item.end_tbd
    assert item.owner.name == "Tim Aldridge"
    assert item.version == version + 1
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.via, event.object_id) == ("update", "workbook import", str(item.pk))
    assert event.before["end"] == "TBD" and event.after["end"] == "30/09/2019"
    assert event.after["owner"] == "Tim Aldridge"
    # And once applied, the same workbook changes nothing.
    assert not run(sheets).has_changes


def test_programme_and_strand_changes(havering):
    sheets = services.workbook_export(programme=havering)
    sheets["programme"][0]["name"] = "Improvement Plan"
    sheets["strands"][0]["lead"] = "Tim Aldridge"
    result = run(sheets)
    assert [c.key for c in result.sheet("programme").changed] == ["havering-2019"]
    havering.refresh_from_db()
    assert havering.name == "Improvement Plan" and havering.version == 2
    assert Strand.objects.get(programme=havering, code="1").lead.name == "Tim Aldridge"
    assert AuditEvent.objects.filter(action="update").count() == 2


def test_removed_line_is_archived_not_deleted_and_comes_back(havering):
    sheets = services.workbook_export(programme=havering)
    full = copy.deepcopy(sheets)
    sheets["plan_items"] = [r for r in sheets["plan_items"] if r["uid"] != "603"]
    sheets["dependencies"] = [d for d in sheets["dependencies"] if "603" not in (d["predecessor"], d["successor"])]
    result = run(sheets)
    assert result.sheet("plan_items").removed == ["603"]
    assert result.sheet("dependencies").removed == ["602 → 603"]
    item = PlanItem.all_objects.get(programme=havering, uid="603")
    assert item.archived and item.version == 2
    assert not Dependency.objects.filter(successor=item).exists()
    assert AuditEvent.objects.filter(action="archive", object_id=str(item.pk)).count() == 1
    assert AuditEvent.objects.filter(action="delete", object_type="programmes.dependency").count() == 1
    assert "603" not in [r["uid"] for r in services.workbook_export(programme=havering)["plan_items"]]
    # Put it back: the archived line is restored, the dependency made again.
    result = run(full)
    assert [c.key for c in result.sheet("plan_items").changed] == ["603"]
    item.refresh_from_db()
    assert not item.archived
    assert AuditEvent.objects.filter(action="restore", object_id=str(item.pk)).count() == 1
    again = services.workbook_export(programme=havering)
    key = lambda d: (d["predecessor"], d["successor"])  # noqa: E731 - the re-made link is last
    assert sorted(again.pop("dependencies"), key=key) == sorted(full.pop("dependencies"), key=key)
    assert again == full


def test_new_lines_owners_and_parents(havering):
    sheets = services.workbook_export(programme=havering)
    sheets["owners"].append({"name": "Jane Doe", "kind": "person", "title": "Head of Service"})
    base = dict(item_row(sheets, "102"))
    sheets["plan_items"] += [
        {**base, "uid": "900", "title": "New deliverable", "owner": "Jane Doe", "order": 900},
        {
            **base,
            "uid": "901",
            "kind": "gate",
            "gate_type": "decision",
            "level": 2,
            "parent": "900",
            "title": "Go / no-go",
            "order": 901,
        },
    ]
    sheets["dependencies"].append({"predecessor": "900", "successor": "901", "type": "FS", "lag_days": 2})
    result = run(sheets)
    assert result.sheet("plan_items").created == ["900", "901"]
    gate = PlanItem.objects.select_related("parent", "owner").get(programme=havering, uid="901")
    assert gate.parent.uid == "900"
    assert PlanItem.objects.get(programme=havering, uid="900").owner.name == "Jane Doe"
    assert Dependency.objects.get(successor=gate).lag_days == 2
    assert services.workbook_export(programme=havering) == sheets


def test_removed_owner_and_renamed_baseline():
    programme = load("barking-dagenham-2019").programme
    sheets = services.workbook_export(programme=programme)
    sheets["owners"].append({"name": "Jane Doe", "kind": "person", "title": ""})
    assert run(sheets).sheet("owners").created == ["Jane Doe"]
    sheets["owners"].pop()
    # The example's other baselines are the demo month ends; the renamed one is new, so it comes last.
    pid = next(row for row in sheets["baselines"] if row["name"] == "PID v3.0")
    sheets["baselines"] = [row for row in sheets["baselines"] if row is not pid] + [{**pid, "name": "PID v3"}]
    items = sheets["baseline_items"]
    sheets["baseline_items"] = [r for r in items if r["baseline"] != "PID v3.0"] + [
        {**r, "baseline": "PID v3"} for r in items if r["baseline"] == "PID v3.0"
    ]
    result = run(sheets)
    assert result.sheet("owners").removed == ["Jane Doe"]
    assert result.sheet("baselines").created == ["PID v3"] and result.sheet("baselines").removed == ["PID v3.0"]
    assert len(result.sheet("baseline_items").created) == 52
    assert len(result.sheet("baseline_items").removed) == 52
    assert AuditEvent.objects.filter(action="archive", object_type="programmes.owner").count() == 1
    assert services.workbook_export(programme=programme) == sheets


def test_values_are_read_leniently():
    sheets = example_sheets("havering-2019")
    row = item_row(sheets, "102")
    row["status"], row["kind"], row["start"] = "Not started", "Deliverable", "tbd"
    row["level"] = "1.0"
    sheets["programme"][0]["strand_term"] = "Theme"
    result = run(sheets)
    assert result.ok, problems(result)
    assert not run(example_sheets("havering-2019")).has_changes


def test_projects_must_exist_and_match_the_strand():
    sheets = example_sheets("havering-2019")
    item_row(sheets, "601")["project"] = "eval"  # eval belongs to strand 6: fine
    item_row(sheets, "101")["project"] = "eval"  # but 101 is in strand 1
    item_row(sheets, "102")["project"] = "nope"
    found = problems(run(sheets))
    assert found == [
        "plan_items / row 2 / project / The project 'eval' belongs to strand '6', not '1'",
        "plan_items / row 3 / project / 'nope' is not a code in the projects sheet",
    ]


def test_owner_tbd_in_any_case_and_empty_numbers_take_defaults():
    sheets = example_sheets("havering-2019")
    row = item_row(sheets, "102")
    row["owner"], row["percent_complete"], row["order"] = "tbd", "", ""
    result = run(sheets)
    assert result.ok, problems(result)
    item = PlanItem.objects.get(uid="102")
    assert item.owner_tbd and item.owner is None
    assert item.percent_complete == 0 and item.order == 2  # its position in the sheet


def test_ids_and_codes_a_url_cannot_carry_are_refused_where_they_stand():
    sheets = example_sheets("barking-dagenham-2019")
    sheets["strands"][0]["code"] = "x/1"  # row 2
    sheets["stages"][0]["code"] = "s/1"  # row 2
    sheets["projects"].append({"code": "p/1", "strand": "1", "name": "Slash", "lead": "", "description": ""})
    sheets["plan_items"][0]["uid"] = "9/1"  # row 2
    sheets["plan_items"][1]["uid"] = ".."  # row 3
    sheets["baseline_items"][0]["uid"] = "1/2"  # row 2
    found = problems(run(sheets))
    accepted = "use only letters, digits, '.', '-' and '_' (not only dots), at most 40 characters"
    for where, value in [
        ("strands / row 2 / code", "x/1"),
        ("stages / row 2 / code", "s/1"),
        ("projects / row 2 / code", "p/1"),
        ("plan_items / row 2 / uid", "9/1"),
        ("plan_items / row 3 / uid", ".."),
        ("baseline_items / row 2 / uid", "1/2"),
    ]:
        assert f"{where} / '{value}' cannot be used as a code or ID: {accepted}" in " | ".join(found), (where, found)
    assert counts()["Programme"] == 0


def test_dates_outside_the_programme_range_are_refused_on_every_sheet():
    sheets = example_sheets("barking-dagenham-2019")
    sheets["programme"][0]["start"] = "01/01/0001"
    sheets["stages"][0]["end"] = "31/12/9999"
    sheets["plan_items"][0]["end"] = "31/12/9999"
    sheets["plan_items"][1]["start"] = "31/12/1989"
    sheets["baselines"][0]["taken"] = "01/01/2101"
    sheets["baseline_items"][0]["end"] = "31/12/9999"
    found = problems(run(sheets))
    message = "Enter a date between 01/01/1990 and 31/12/2100"
    for where in [
        "programme / row 2 / start",
        "stages / row 2 / end",
        "plan_items / row 2 / end",
        "plan_items / row 3 / start",
        "baselines / row 2 / taken",
        "baseline_items / row 2 / end",
    ]:
        assert f"{where} / {message}" in found, (where, found)


# --- numbers of any length (security probe, finding 3) ---------------------------------------------

BIG = "9" * 5000  # past Python's 4,300-digit limit for int("...")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "percent_complete",
            BIG,
            "99999999… (5,000 digits) is outside 0–100: enter a whole number from 0 to 100",
        ),
        ("order", BIG, "99999999… (5,000 digits) is too large: enter a whole number from 0 to 2,147,483,647"),
        ("order", "-" + BIG, "-99999999… (5,000 digits) is negative: enter a whole number from 0 to 2,147,483,647"),
        ("order", "2147483648", "2147483648 is too large: enter a whole number from 0 to 2,147,483,647"),
        ("order", "-1", "-1 is negative: enter a whole number from 0 to 2,147,483,647"),
        ("order", "1e400", "1e400 is too large: enter a whole number from 0 to 2,147,483,647"),
        ("order", "1e308", "1e308 is too large: enter a whole number from 0 to 2,147,483,647"),
        (
            "order",
            BIG + ".0",
            "99999999… (5,002 characters) is too large: enter a whole number from 0 to 2,147,483,647",
        ),
        ("level", "0" * 5000 + "3", None),  # leading zeros do not make a number large
        ("level", "1." + BIG, "'1.999999… (5,002 characters)' is not a whole number"),
        pytest.param(
            "order",
            10**5000,
            "A number of more than 20 digits is too large: enter a whole number from 0 to 2,147,483,647",
            id="python-int-of-5001-digits",
        ),
        ("level", BIG, "99999999… (5,000 digits) is outside 1–9: enter a whole number from 1 to 9"),
    ],
)
def test_whole_numbers_of_any_length_give_a_problem_naming_the_range(column, value, message):
    sheets = example_sheets("havering-2019")
    sheets["plan_items"][0][column] = value
    before = counts()
    result = run(sheets)
    if message is None:
        assert result.ok, problems(result)
        assert PlanItem.objects.get(uid=sheets["plan_items"][0]["uid"]).level == 3
        return
    assert problems(result) == [f"plan_items / row 2 / {column} / {message}"]
    assert counts() == before


def test_lag_days_out_of_range_names_both_ends():
    sheets = example_sheets("havering-2019")
    sheets["dependencies"][0]["lag_days"] = "-" + BIG
    assert problems(run(sheets)) == [
        "dependencies / row 2 / lag_days / -99999999… (5,000 digits) is too small: "
        "enter a whole number from -2,147,483,647 to 2,147,483,647"
    ]


def test_cli_import_of_a_csv_folder_with_a_huge_number_reports_it(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from improve.interchange.workbook import write_csv_folder

    sheets = example_sheets("havering-2019")
    sheets["plan_items"][0]["percent_complete"] = BIG
    write_csv_folder(sheets, tmp_path / "book")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem in the workbook: nothing was imported"):
        call_command("workbook", "import", str(tmp_path / "book"), stdout=io.StringIO(), stderr=err)
    assert "plan_items / row 2 / percent_complete / 99999999… (5,000 digits) is outside 0–100" in err.getvalue()


# --- limits (security probe, finding 5) --------------------------------------------------------------


def test_problems_are_listed_up_to_200_in_workbook_order_and_the_rest_counted():
    sheets = example_sheets("havering-2019")
    first = sheets["plan_items"][0]
    sheets["plan_items"] += [{**first, "uid": str(5000 + n), "percent_complete": "x"} for n in range(6000)]
    sheets["owners"][0]["kind"] = "robot"  # a problem on an earlier sheet comes first
    result = run(sheets)
    assert not result.ok and result.problem_count == 6001
    assert len(result.problems) == 200 and result.problems_not_listed == 5801
    assert str(result.problems[0]).startswith("owners / row 2 / kind / 'robot' is not allowed")
    assert [p.row for p in result.problems[1:]] == list(range(56, 56 + 199))
    assert result.problems_not_listed_text == "and 5,801 more"


def test_cli_lists_200_problems_then_says_how_many_more(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from improve.interchange.workbook import write_csv_folder

    sheets = example_sheets("havering-2019")
    first = sheets["plan_items"][0]
    sheets["plan_items"] += [{**first, "uid": str(5000 + n), "percent_complete": "x"} for n in range(6011)]
    write_csv_folder(sheets, tmp_path / "book")
    err = io.StringIO()
    with pytest.raises(CommandError, match="^6,011 problems in the workbook: nothing was imported$"):
        call_command("workbook", "import", str(tmp_path / "book"), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 201
    assert lines[-1] == "… and 5,811 more problems, not listed: correct these and import the workbook again"


# --- control characters (security probe, finding 9a) ---------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("title", "Health\x00Passport", "The text has a control character U+0000 (character 7)"),
        ("notes", "Line one\nLine two\x1b[31m", "The text has a control character U+001B (character 18)"),
        ("uid", "10\x002", "The text has a control character U+0000 (character 3)"),
        ("percent_complete", "5\x000", "The text has a control character U+0000 (character 2)"),
        ("start", "01/04/2019\x0b", "The text has a control character U+000B (character 11)"),
    ],
)
def test_control_characters_are_refused_with_sheet_row_and_column(column, value, message):
    sheets = example_sheets("havering-2019")
    sheets["plan_items"][0][column] = value
    before = counts()
    found = problems(run(sheets))
    assert found == [f"plan_items / row 2 / {column} / {message}, which Excel and the database cannot hold: remove it"]
    assert counts() == before


def test_tabs_and_line_breaks_are_kept_in_text():
    sheets = example_sheets("havering-2019")
    sheets["plan_items"][0]["notes"] = "Step one\tdone\nStep two"
    result = run(sheets)
    assert result.ok, problems(result)
    assert PlanItem.objects.get(uid=sheets["plan_items"][0]["uid"]).notes == "Step one\tdone\nStep two"


def test_a_nul_byte_in_a_csv_file_is_refused_by_the_cli(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from improve.interchange.workbook import write_csv_folder

    write_csv_folder(example_sheets("havering-2019"), tmp_path / "book")
    path = tmp_path / "book" / "owners.csv"
    path.write_bytes(path.read_bytes().replace(b"Tim Aldridge", b"Tim\x00Aldridge", 1))
    err = io.StringIO()
    with pytest.raises(CommandError, match="problems? in the workbook: nothing was imported"):
        call_command("workbook", "import", str(tmp_path / "book"), stdout=io.StringIO(), stderr=err)
    assert (
        err.getvalue()
        .splitlines()[0]
        .startswith("owners / row 4 / name / The text has a control character U+0000 (character 4)")
    )
    assert counts()["Programme"] == 0


def test_a_failure_in_a_later_room_s_write_undoes_every_room_s_writes(havering, monkeypatch):
    """One transaction for the whole import: the plan's rows are written first, then a later
    room's write fails, and nothing of either is left."""
    from improve.finance.sheets import FinanceWorkbook
    from improve.programmes.models import PlanItem

    sheets = services.workbook_export(programme=havering)
    next(r for r in sheets["plan_items"] if r["uid"] == "102")["title"] = "Changed before the failure"
    sheets["financial_years"] = [{"year": "2019/20", "closed_to": 0}]

    def fail(self, ctx, plan, rows):
        raise RuntimeError("the money room could not write")

    monkeypatch.setattr(FinanceWorkbook, "write", fail)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="could not write"):
        services.workbook_import(actor=ACTOR, sheets=sheets)
    assert PlanItem.objects.get(programme=havering, uid="102").title == "Health Passport developed"
    assert AuditEvent.objects.count() == events
