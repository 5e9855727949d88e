"""Exporting a programme's plan as MS Project XML (MSPDI) and reading it back: the round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from improve.core.audit import Actor
from improve.core.dates import TBD
from improve.interchange.msproject.convert import SUMMARIES_AS_STRANDS, Options
from improve.interchange.msproject.export import project_from_sheets
from improve.interchange.msproject.reader import ProjectData, read_in_process
from improve.interchange.msproject.services import msproject_export, msproject_import
from improve.interchange.services import workbook_export, workbook_import
from improve.interchange.tests.conftest import counts, example_sheets, load
from improve.programmes.models import Programme

from .conftest import interop, needs_java

ACTOR = Actor(user=None, via="workbook import")
NS = {"p": "http://schemas.microsoft.com/project"}
#: The plan's sheets, and those whose rows carry no order of their own (compared as sets of rows).
PLAN_SHEETS = ("strands", "owners", "plan_items", "dependencies", "baselines", "baseline_items")
UNORDERED = ("owners", "dependencies", "baselines", "baseline_items")


def exported(programme: Programme, tmp_path: Path, fmt: str = "mspdi") -> tuple[bytes, ProjectData]:
    """The programme exported (in the writing child process) and read back (MPXJ, in this process)."""
    data = msproject_export(programme=programme, fmt=fmt)
    path = tmp_path / f"{programme.slug}.{'xml' if fmt == 'mspdi' else fmt}"
    path.write_bytes(data)
    return data, read_in_process(path)


def as_strands(programme: Programme, project: ProjectData, *, dry_run: bool = False) -> Any:
    return msproject_import(
        actor=ACTOR,
        programme=programme,
        project=project,
        options=Options(summaries=SUMMARIES_AS_STRANDS),
        dry_run=dry_run,
    )


def plan_sheets(programme: Programme) -> dict[str, list[dict[str, Any]]]:
    sheets = workbook_export(programme=programme)
    out = {}
    for name in PLAN_SHEETS:
        rows = sheets.get(name, [])
        out[name] = sorted(rows, key=repr) if name in UNORDERED else rows
    return out


def fresh_programme(slug: str) -> Programme:
    """A programme with nothing in it but its own row."""
    row = {"slug": slug, "council": "A council", "name": "A copy", "strand_term": "strand"}
    result = workbook_import(actor=ACTOR, sheets={"programme": [row], "strands": [], "owners": [], "plan_items": []})
    assert result.ok, [str(p) for p in result.problems]
    assert result.programme is not None
    return result.programme


@pytest.fixture
def barking(db) -> Programme:
    programme = load("barking-dagenham-2019").programme
    assert programme is not None
    return programme


@needs_java
def test_barking_dagenham_goes_out_and_back_in_unchanged(barking, tmp_path) -> None:
    _data, project = exported(barking, tmp_path)
    assert project.reader_warnings == []
    before = counts()
    out = as_strands(barking, project)
    assert out.ok, out.problems
    assert not out.has_changes, [(s.sheet, s.created, s.changed, s.removed) for s in out.result.sheets if s.has_changes]
    assert counts() == before
    assert out.dropped == []
    # the page's default (summary tasks as parent lines) brings our own export's strands back as strands too
    default = msproject_import(actor=ACTOR, programme=barking, project=project, options=Options(), dry_run=True)
    assert default.ok and not default.has_changes

    # into a programme that has nothing yet: the same plan, sheet by sheet and field by field
    copy = fresh_programme("barking-dagenham-copy")
    out = as_strands(copy, project)
    assert out.applied, out.problems
    original, again = plan_sheets(barking), plan_sheets(copy)
    for name in PLAN_SHEETS:
        assert again[name] == original[name], name
    # and the sheets are the example's own (TBD and missing dates too)
    example = example_sheets("barking-dagenham-2019")
    assert len(again["plan_items"]) == len(example["plan_items"]) == 74
    tbd = [r["uid"] for r in again["plan_items"] if r["start"] == TBD]
    assert len(tbd) == 20
    assert len(again["baselines"]) == 11 and len(again["baseline_items"]) == 572


@needs_java
def test_the_file_holds_what_ms_project_expects(barking, tmp_path) -> None:
    data, project = exported(barking, tmp_path)
    root = ET.fromstring(data)  # noqa: S314 - our own file
    assert root.tag == "{http://schemas.microsoft.com/project}Project"
    tasks = {t.findtext("p:UID", namespaces=NS): t for t in root.iterfind("p:Tasks/p:Task", NS)}
    assert all(uid is not None and uid.isdigit() for uid in tasks)
    # strands are top-level summary tasks; a deliverable with gates under it is a summary too
    line1 = tasks["1"]
    assert line1.findtext("p:OutlineLevel", namespaces=NS) == "2"
    assert line1.findtext("p:Summary", namespaces=NS) == "1"
    assert line1.findtext("p:Manual", namespaces=NS) == "1"  # kept at its own dates
    assert line1.findtext("p:Start", namespaces=NS) == "2018-06-01T08:00:00"
    assert line1.findtext("p:Finish", namespaces=NS) == "2019-04-18T17:00:00"
    gate = tasks["16"]
    assert (gate.findtext("p:OutlineLevel", namespaces=NS), gate.findtext("p:Summary", namespaces=NS)) == ("3", "0")
    strand3 = next(t for t in tasks.values() if t.findtext("p:Name", namespaces=NS) == "Service Design")
    assert (strand3.findtext("p:OutlineLevel", namespaces=NS), strand3.findtext("p:Manual", namespaces=NS)) == (
        "1",
        "0",
    )
    # the current baseline is Baseline 0
    b0 = next(b for b in gate.iterfind("p:Baseline", NS) if b.findtext("p:Number", namespaces=NS) == "0")
    assert b0.findtext("p:Start", namespaces=NS).startswith("2019-04-09")
    # a link, and our own fields named for MS Project
    link = tasks["17"].find("p:PredecessorLink", NS)
    assert (link.findtext("p:PredecessorUID", namespaces=NS), link.findtext("p:Type", namespaces=NS)) == ("16", "1")
    aliases = {
        a.findtext("p:Alias", namespaces=NS) for a in root.iterfind("p:ExtendedAttributes/p:ExtendedAttribute", NS)
    }
    assert {"Improvement Office ID", "Plan status", "Gate type", "Plan order"} <= aliases
    resources = {
        r.findtext("p:Name", namespaces=NS): r.findtext("p:Group", namespaces=NS)
        for r in root.iterfind("p:Resources/p:Resource", NS)
    }
    assert resources["Sean Girty"] == "person" and resources["CSG"] == "board"
    # MPXJ reads it without a warning, with the hierarchy as written
    assert project.reader_warnings == []
    by_uid = {t.uid: t for t in project.tasks}
    assert by_uid[16].level == 3 and by_uid[1].summary and not by_uid[16].summary
    assert project.ours


def _lag_programme() -> Programme:
    """A small plan with every link type, a lag and a lead, and IDs that are not whole numbers."""
    sheets = example_sheets("barking-dagenham-2019")
    keep = {"1", "16", "17", "18"}
    sheets = {
        "programme": [sheets["programme"][0] | {"slug": "links-2019"}],
        "strands": sheets["strands"],
        "owners": sheets["owners"],
        "plan_items": [
            r | ({"uid": "1.a"} if r["uid"] == "1" else {}) | ({"parent": "1.a"} if r["parent"] == "1" else {})
            for r in sheets["plan_items"]
            if r["uid"] in keep
        ],
        "dependencies": [
            {"predecessor": "1.a", "successor": "18", "type": "SS", "lag_days": 2},
            {"predecessor": "16", "successor": "17", "type": "FF", "lag_days": -1},
            {"predecessor": "17", "successor": "18", "type": "SF", "lag_days": 0},
        ],
    }
    result = workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok, [str(p) for p in result.problems]
    assert result.programme is not None
    return result.programme


@needs_java
def test_link_types_lags_in_tenths_of_minutes_and_ids_that_are_not_numbers(db, tmp_path) -> None:
    programme = _lag_programme()
    data, project = exported(programme, tmp_path)
    root = ET.fromstring(data)  # noqa: S314 - our own file
    tasks = {t.findtext("p:Name", namespaces=NS): t for t in root.iterfind("p:Tasks/p:Task", NS)}
    line = tasks["TOM2 Design Pack Completed"]
    uid = line.findtext("p:UID", namespaces=NS)
    assert uid == "23"  # after the largest whole-number uid (18) and the four strands (19-22)
    links = {
        (lk.findtext("p:PredecessorUID", namespaces=NS), lk.findtext("p:Type", namespaces=NS)): lk.findtext(
            "p:LinkLag", namespaces=NS
        )
        for lk in tasks["Programme Initiation Document Completed"].iterfind("p:PredecessorLink", NS)
    }
    # MSPDI types: 0 FF, 1 FS, 2 SF, 3 SS; 2 working days of 480 minutes in tenths of a minute
    assert links == {("23", "3"): "9600", ("17", "2"): "0"}
    assert tasks["CSG endorsement"].find("p:PredecessorLink/p:LinkLag", NS).text == "-4800"
    out = as_strands(programme, project)
    assert out.ok and not out.has_changes, out.problems


def test_layout_is_the_same_for_the_same_plan_and_keeps_tbd_dates_on_a_stand_in_day(barking) -> None:
    sheets = workbook_export(programme=barking)
    one = project_from_sheets(sheets, today=dt.date(2026, 11, 28))
    two = project_from_sheets(sheets, today=dt.date(2027, 1, 1))
    assert one.to_json() == two.to_json()
    undated = next(t for t in one.tasks if t.kept.get("id") == "298")
    assert undated.kept["start"] == "TBD, shown as 01/04/2018"  # the programme's start
    assert one.left_out == []


INTEROP_PLANS = ["mpp14relations.mpp", "mpp9relations.mpp", "mspdirelations.xml", "mpp14task.mpp", "baselines.xml"]


@needs_java
@pytest.mark.parametrize("name", INTEROP_PLANS)
def test_each_real_plan_exported_and_imported_again_gives_the_same_tasks(programme, tmp_path, name) -> None:
    first = msproject_import(
        actor=ACTOR, programme=programme, project=read_in_process(interop(name)), options=Options(strand="1")
    )
    assert first.applied, first.problems
    before = plan_sheets(programme)
    _data, project = exported(programme, tmp_path)
    assert project.reader_warnings == []
    out = as_strands(programme, project)
    assert out.ok, out.problems
    assert not out.has_changes, [
        (s.sheet, s.created, [(c.key, c.fields) for c in s.changed], s.removed)
        for s in out.result.sheets
        if s.has_changes
    ]
    assert plan_sheets(programme) == before


@needs_java
def test_mpx_is_written_too(barking, tmp_path) -> None:
    data, project = exported(barking, tmp_path, fmt="mpx")
    assert data.startswith(b"MPX")
    assert len([t for t in project.tasks if not t.summary or t.level > 1]) >= 74
