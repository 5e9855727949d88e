"""Write an :class:`~.export.ExportPlan` as MS Project XML (MSPDI) or MPX through MPXJ's writers.

As with reading (:mod:`.reader`), the JVM runs in a child process
(``python -m improve.interchange.msproject.worker --write FORMAT``), which takes the plan as JSON
on its standard input and gives the file on its standard output; the web server never starts
Java and the child is killed after :data:`WRITE_SECONDS`. MPXJ's writers are the ones the field
uses (ProjectLibre and many other tools write MSPDI through them): they fill in what MS Project
expects of a file (the calendar, durations and work in its own units, outline numbers, the link
lag in tenths of a minute), which we would otherwise have to keep up to date ourselves.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

from improve.interchange.msproject.export import KEPT, KEPT_OWNER, ExportPlan, resource_name
from improve.interchange.msproject.reader import (
    WORKER_REFUSED,
    ProjectReadError,
    java_problem,
    start_jvm,
)

#: The longest writing may take (a 3,550-task plan takes a few seconds, mostly the JVM's start). [s]
WRITE_SECONDS = 120
#: The formats written, with their file suffix and media type.
FORMATS = {
    "mspdi": (".xml", "application/vnd.ms-project+xml"),
    "mpx": (".mpx", "application/x-project"),
}


class ProjectWriteError(Exception):
    """The file could not be written (the message is fit for a person)."""


def write_project(plan: ExportPlan, *, fmt: str = "mspdi", timeout: float = WRITE_SECONDS) -> bytes:
    """The plan as an MS Project file's bytes, written in a child process."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    problem = java_problem()
    if problem:
        raise ProjectWriteError(problem)
    try:
        done = subprocess.run(  # noqa: S603 - our own module
            [sys.executable, "-m", "improve.interchange.msproject.worker", "--write", fmt],
            input=plan.to_json().encode(),
            capture_output=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    except subprocess.TimeoutExpired as exc:
        raise ProjectWriteError(f"Writing the MS Project file took longer than {timeout:g} seconds") from exc
    if done.returncode == 0:
        return done.stdout
    message = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == WORKER_REFUSED and message:
        raise ProjectWriteError(message[-1])
    raise ProjectWriteError("The MS Project file could not be written: the writer stopped unexpectedly")


# --- in the writing process -------------------------------------------------------------------------


def _when(value: str) -> Any:
    from java.time import LocalDateTime

    d = dt.datetime.fromisoformat(value)
    return LocalDateTime.of(d.year, d.month, d.day, d.hour, d.minute)


def write_in_process(data: dict[str, Any], path: str, fmt: str = "mspdi") -> None:
    """Write the plan (an :class:`ExportPlan` as JSON data) to ``path`` with MPXJ, in this process."""
    start_jvm()
    from java.lang import Double, Integer
    from org.mpxj import (
        Duration,
        ProjectFile,
        Relation,
        RelationType,
        ResourceField,
        TaskField,
        TaskMode,
        TimeUnit,
    )
    from org.mpxj.mpx import MPXWriter
    from org.mpxj.mspdi import MSPDIWriter

    project = ProjectFile()
    calendar = project.addDefaultBaseCalendar()
    props = project.getProjectProperties()
    props.setProjectTitle(data["title"])
    props.setAuthor(data["author"])
    props.setDefaultCalendar(calendar)
    for _key, (field_name, alias) in KEPT.items():
        project.getCustomFields().getOrCreate(getattr(TaskField, field_name)).setAlias(alias)
    project.getCustomFields().getOrCreate(getattr(ResourceField, KEPT_OWNER[0])).setAlias(KEPT_OWNER[1])
    resources: dict[str, Any] = {}

    def resource(name: str, group: str = "", notes: str = "") -> Any:
        if name not in resources:
            r = project.addResource()
            r.setName(resource_name(name))
            if resource_name(name) != name:
                r.set(getattr(ResourceField, KEPT_OWNER[0]), name)
            if group:
                r.set(ResourceField.GROUP, group)
            if notes:
                r.setNotes(notes)
            resources[name] = r
        return resources[name]

    for r in data["resources"]:
        resource(r["name"], r["group"], r["notes"])
    if data["summary_notes"]:
        top = project.addTask()
        top.setUniqueID(Integer.valueOf(0))
        top.setID(Integer.valueOf(0))
        top.setOutlineLevel(Integer.valueOf(0))
        top.setName(data["title"])
        top.setSummary(True)
        top.setNotes(data["summary_notes"])
    by_uid: dict[int, Any] = {}
    parents: list[Any] = []
    relation_types = {
        "FS": RelationType.FINISH_START,
        "SS": RelationType.START_START,
        "FF": RelationType.FINISH_FINISH,
        "SF": RelationType.START_FINISH,
    }
    for n, t in enumerate(data["tasks"], start=1):
        level = int(t["level"])
        del parents[level - 1 :]
        task = parents[-1].addTask() if parents else project.addTask()
        parents.append(task)
        task.setUniqueID(Integer.valueOf(int(t["uid"])))
        task.setID(Integer.valueOf(n))
        task.setOutlineLevel(Integer.valueOf(level))
        task.setName(t["name"])
        start, finish = _when(t["start"]), _when(t["finish"])
        task.setStart(start)
        task.setFinish(finish)
        task.setTaskMode(TaskMode.MANUALLY_SCHEDULED if t["manual"] else TaskMode.AUTO_SCHEDULED)
        days = (
            0.0
            if t["milestone"] and start.equals(finish)
            else float(calendar.getWork(start, finish, TimeUnit.DAYS).getDuration())
        )
        task.setDuration(Duration.getInstance(days, TimeUnit.DAYS))
        task.setMilestone(bool(t["milestone"]))
        task.setSummary(bool(t["summary"]))
        if t["percent"] is not None:
            task.setPercentageComplete(Double.valueOf(float(t["percent"])))
        if t["notes"]:
            task.setNotes(t["notes"])
        for key, value in t["kept"].items():
            field_name = KEPT[key][0]
            task.set(
                getattr(TaskField, field_name),
                Double.valueOf(float(value)) if field_name.startswith("NUMBER") else str(value),
            )
        for number, (b_start, b_finish) in t["baselines"].items():
            if int(number) == 0:
                task.setBaselineStart(_when(b_start))
                task.setBaselineFinish(_when(b_finish))
            else:
                task.setBaselineStart(int(number), _when(b_start))
                task.setBaselineFinish(int(number), _when(b_finish))
        if t["resource"]:
            task.addResourceAssignment(resource(t["resource"]))
        by_uid[int(t["uid"])] = task
    for t in data["tasks"]:
        task = by_uid[int(t["uid"])]
        for link in t["links"]:
            task.addPredecessor(
                Relation.Builder()
                .predecessorTask(by_uid[int(link["predecessor"])])
                .type(relation_types[link["type"]])
                .lag(Duration.getInstance(float(link["lag_days"]), TimeUnit.DAYS))
            )
    writer = MSPDIWriter() if fmt == "mspdi" else MPXWriter()
    writer.write(project, path)


def write_json_in_process(text: str | bytes, path: str, fmt: str = "mspdi") -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProjectReadError("The plan to write was not valid JSON") from exc
    write_in_process(data, path, fmt)
