"""Importing MS Project files into a programme's plan: mapping, re-import, problems, all or nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from improve.core.audit import Actor
from improve.interchange.msproject.convert import SUMMARIES_AS_STRANDS, Options, baseline_name
from improve.interchange.msproject.reader import Link, ProjectData, Task
from improve.interchange.msproject.services import msproject_import
from improve.interchange.tests.conftest import counts
from improve.programmes.models import Baseline, BaselineItem, Dependency, Owner, PlanItem, Strand

from .conftest import needs_java, read

ACTOR = Actor(user=None, via="workbook import")
D = dt.date
MONDAY, FRIDAY = D(2026, 1, 5), D(2026, 1, 9)


def run(programme, project, **options) -> object:
    return msproject_import(actor=ACTOR, programme=programme, project=project, options=Options(**options))


def task(uid: int, name: str, start=MONDAY, finish=FRIDAY, level=1, **kw) -> Task:
    fields = {"id": uid, "milestone": False, "summary": False, "percent_complete": 0.0} | kw
    return Task(uid=uid, level=level, name=name, start=start, finish=finish, **fields)


def plan(*tasks: Task) -> ProjectData:
    return ProjectData(file_type="MSPDI", title="Union plan", tasks=list(tasks))


@needs_java
@pytest.mark.parametrize("name", ["mpp14relations.mpp", "mpp9relations.mpp", "mspdirelations.xml"])
def test_links_become_dependencies_with_type_and_lag(programme, name) -> None:
    out = run(programme, read(name), strand="1")
    assert out.applied, out.problems
    deps = {(d.predecessor.uid, d.successor.uid): (d.type, d.lag_days) for d in Dependency.objects.all()}
    assert deps == {("1", "2"): ("FS", 0), ("2", "3"): ("SS", 1), ("3", "4"): ("FF", 0), ("4", "5"): ("SF", 0)}
    items = PlanItem.objects.filter(programme=programme).order_by("order")
    assert [(i.uid, i.title, i.strand.code) for i in items] == [(str(n), f"Task {n}", "1") for n in range(1, 6)]
    assert (items[0].start_date, items[0].end_date) == (D(2006, 9, 21), D(2006, 9, 21))


@needs_java
def test_task_fields_owner_and_notes(programme) -> None:
    out = run(programme, read("mpp14task.mpp"), strand="2")
    assert out.applied, out.problems
    item = PlanItem.objects.get(programme=programme, uid="1")
    assert (item.title, item.kind, item.level, item.percent_complete, item.status) == (
        "Task #1",
        "milestone",
        1,
        45,
        "in_progress",
    )
    assert (item.start_date, item.end_date, item.notes) == (D(2006, 8, 23), D(2006, 8, 29), "Notes Example")
    assert item.owner.name == "Wade Golden" and item.owner.kind == "person"
    # the lines the programme had are archived, not deleted
    assert PlanItem.all_objects.filter(programme=programme, archived_at__isnull=False).exists()


@needs_java
@pytest.mark.parametrize("name", ["mpp14baselines.mpp", "baselines.xml"])
def test_saved_baselines_become_baselines_and_a_baseline_finishing_before_it_starts_is_dropped(programme, name) -> None:
    out = run(programme, read(name), strand="1")
    assert out.applied, out.problems
    names = set(Baseline.objects.filter(programme=programme).values_list("name", flat=True))
    assert {baseline_name(n) for n in range(1, 11)} <= names
    # MPXJ's file has every baseline finish a year before its start: nothing false is written
    assert not BaselineItem.objects.filter(baseline__name__startswith="MS Project").exists()
    assert sum("finish before start" in d for d in out.dropped) == 10


def test_reimport_updates_by_unique_id_and_keeps_what_ms_project_does_not_hold(programme) -> None:
    first = plan(task(42, "Union consultation"), task(43, "Staff briefing", links=[Link(42, "FS", 2.0, "2d")]))
    assert run(programme, first, strand="1").applied
    item = PlanItem.objects.get(programme=programme, uid="42")
    PlanItem.objects.filter(pk=item.pk).update(team="HR", rag="amber")
    again = plan(
        task(42, "Union consultation (revised)", finish=D(2026, 1, 16), percent_complete=100.0),
        task(43, "Staff briefing", links=[Link(42, "SS", -1.0, "-1d")]),
    )
    out = run(programme, again, strand="1")
    assert out.applied, out.problems
    item.refresh_from_db()
    assert (item.title, item.end_date, item.status, item.percent_complete) == (
        "Union consultation (revised)",
        D(2026, 1, 16),
        "complete",
        100,
    )
    assert (item.team, item.rag) == ("HR", "amber")
    dep = Dependency.objects.get(successor__uid="43", successor__programme=programme)
    assert (dep.type, dep.lag_days) == ("SS", -1)
    assert not run(programme, again, strand="1").has_changes  # the same file again changes nothing


def test_summary_tasks_as_strands_or_as_parent_lines(programme) -> None:
    project = plan(
        task(10, "Workforce", summary=True),
        task(11, "Recruit social workers", level=2),
        task(12, "Induction", level=2, summary=True),
        task(13, "Induction week", level=3),
        task(20, "Lone task"),
    )
    out = run(programme, project, summaries=SUMMARIES_AS_STRANDS, strand="2")
    assert out.applied, out.problems
    assert Strand.objects.get(programme=programme, code="10").name == "Workforce"
    lines = {i.uid: (i.strand.code, i.level, i.parent.uid if i.parent else "") for i in PlanItem.objects.all()}
    assert lines == {"11": ("10", 1, ""), "12": ("10", 1, ""), "13": ("10", 2, "12"), "20": ("2", 1, "")}

    out = run(programme, project, strand="1")  # as parent lines, all in strand 1
    assert out.applied, out.problems
    lines = {i.uid: (i.strand.code, i.level, i.parent.uid if i.parent else "") for i in PlanItem.objects.all()}
    assert lines == {
        "10": ("1", 1, ""),
        "11": ("1", 2, "10"),
        "12": ("1", 2, "10"),
        "13": ("1", 3, "12"),
        "20": ("1", 1, ""),
    }


def test_a_new_strand_is_made_when_none_is_chosen(programme) -> None:
    out = run(programme, plan(task(1, "Only task")))
    assert out.applied, out.problems
    assert Strand.objects.get(programme=programme, code="msp").name == "Union plan"


@pytest.mark.parametrize(
    ("project", "message"),
    [
        (
            plan(task(42, "Union consultation", start=D(2026, 2, 1), finish=D(2026, 1, 1))),
            "task 42 'Union consultation': finish before start (finish 01/01/2026, start 01/02/2026)",
        ),
        (plan(task(7, "Undated", start=None, finish=None)), "task 7 'Undated': has no start or finish date"),
        (plan(task(7, "Half", finish=None)), "task 7 'Half': has no finish date"),
        (plan(task(8, "")), "task 8: has no name"),
        (
            plan(
                task(32, "A", links=[Link(34, "FS", 0, "")]),
                task(33, "B", links=[Link(32, "FS", 0, "")]),
                task(34, "C", links=[Link(33, "FS", 0, "")]),
            ),
            "This makes a dependency loop",
        ),
    ],
    ids=["finish-before-start", "no-dates", "no-finish", "no-name", "circular-links"],
)
def test_a_bad_plan_is_refused_with_a_message_naming_the_task_and_nothing_is_written(
    programme, project, message
) -> None:
    before = counts()
    out = run(programme, project, strand="1")
    assert not out.ok and not out.applied
    assert any(message in p for p in out.problems), out.problems
    assert counts() == before


def test_circular_links_are_told_as_links_between_tasks(programme) -> None:
    project = plan(task(1, "A", links=[Link(2, "FS", 0, "")]), task(2, "B", links=[Link(1, "FS", 0, "")]))
    out = run(programme, project, strand="1")
    assert any(p.startswith("link ") and ("1 → 2 → 1" in p or "2 → 1 → 2" in p) for p in out.problems), out.problems


def test_extra_resources_percent_lags_and_half_days_are_listed_as_dropped(programme) -> None:
    project = plan(
        task(1, "A", resources=["Sean Girty", "Jo Bloggs"]),
        task(2, "B", links=[Link(1, "FS", None, "50%")]),
        task(3, "C", links=[Link(2, "FS", 0.5, "4h")]),
    )
    out = run(programme, project, strand="1")
    assert out.applied, out.problems
    assert PlanItem.objects.get(uid="1").owner == Owner.objects.get(programme=programme, name="Sean Girty")
    assert not Owner.objects.filter(name="Jo Bloggs").exists()
    dropped = "\n".join(out.dropped)
    assert "resources 'Jo Bloggs' left out" in dropped
    assert "lag of 50%" in dropped
    assert "lag of 4h rounded to 1 whole days" in dropped
    assert Dependency.objects.get(successor__uid="3").lag_days == 1


def test_a_dry_run_writes_nothing_and_says_what_would_change(programme) -> None:
    before = counts()
    out = msproject_import(
        actor=ACTOR, programme=programme, project=plan(task(101, "A")), options=Options(strand="1"), dry_run=True
    )
    assert out.ok and out.has_changes and not out.applied
    assert "101" in out.result.sheet("plan_items").created
    assert counts() == before
    assert [m.label for m in out.mapped] == ["task 101 'A'"]


def test_project_data_survives_json() -> None:
    project = plan(task(1, "A", links=[Link(2, "SS", 1.0, "1d")], baselines={0: (D(2026, 1, 1), None)}))
    assert ProjectData.from_json(project.to_json()) == dataclasses.replace(project)
