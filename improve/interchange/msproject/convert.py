"""An MS Project file's tasks as the programme workbook's sheets (no database).

The workbook import already checks a plan, previews it and writes it all or nothing, so an MS
Project file is brought in by turning it into the plan's sheets: the programme's own workbook with
its ``plan_items`` and ``dependencies`` replaced by the file's tasks and links, the file's
resources added to ``owners``, its summary tasks added to ``strands`` (if the user chooses) and
its saved baselines to ``baselines`` and ``baseline_items``. The task's unique ID is the line's
``uid``, so importing the file again updates the same lines.

Every row made from the file carries a label (``task 42 'Union consultation'``) so that a problem
the workbook import finds is told in MS Project's terms; what does not fit a plan is listed as
dropped, and problems found here (a task without dates, a finish before its start) stop the import.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from improve.core.dates import TBD
from improve.interchange.msproject.reader import ProjectData, Task

#: How summary tasks are brought in.
SUMMARIES_AS_PARENTS = "parents"  # every task a plan line; a summary is the parent line of its tasks
SUMMARIES_AS_STRANDS = "strands"  # each top-level summary task a strand; the tasks under it its lines
#: The strand code of lines with no strand of their own, when the programme has no strand chosen.
NEW_STRAND_CODE = "msp"
MAX_LEVEL = 9
MAX_TITLE = 500
MAX_NAME = 200

#: What the workbook's columns are called in MS Project, for messages.
COLUMN_WORDS = {
    "uid": "unique ID",
    "title": "name",
    "end": "finish",
    "owner": "resource",
    "level": "outline level",
    "predecessor": "predecessor",
    "successor": "successor",
    "lag_days": "lag",
    "name": "name",
}


def _d(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def task_label(task: Task) -> str:
    return f"task {task.uid} '{task.name}'" if task.name else f"task {task.uid}"


def whole_days(value: float) -> int:
    """Round half away from zero: a lag of 0.5 days is 1 day, -0.5 is -1."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@dataclass
class Options:
    summaries: str = SUMMARIES_AS_PARENTS
    strand: str = ""  # code of an existing strand for lines with no strand; "" = a new strand
    strand_name: str = ""  # the new strand's name (default: the file's title)


@dataclass
class Mapped:
    """One task and what it becomes, for the preview."""

    label: str
    becomes: str


@dataclass
class Conversion:
    sheets: dict[str, list[dict[str, Any]]]
    labels: dict[tuple[str, int], str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    mapped: list[Mapped] = field(default_factory=list)


def _status(percent: int, before: Mapping[str, Any] | None) -> str:
    if percent >= 100:
        return "complete"
    if before and before.get("status") in ("on_hold", "cancelled"):
        return str(before["status"])
    return "in_progress" if percent > 0 else "not_started"


def convert(project: ProjectData, existing: Mapping[str, list[dict[str, Any]]], options: Options) -> Conversion:
    """The programme's workbook ``existing`` with the plan replaced by ``project``'s tasks."""
    sheets = {name: [dict(r) for r in rows] for name, rows in existing.items()}
    out = Conversion(sheets=sheets)
    by_uid = {t.uid: t for t in project.tasks}
    as_strands = options.summaries == SUMMARIES_AS_STRANDS

    # -- strands: the chosen (or a new) strand, and top-level summaries if the user chose so
    strands = sheets.setdefault("strands", [])
    strand_codes = {str(r.get("code")) for r in strands}
    fallback = options.strand if options.strand in strand_codes else ""
    new_strand_row: dict[str, Any] | None = None
    if not fallback:
        fallback = NEW_STRAND_CODE
        name = (options.strand_name or project.title or "MS Project plan")[:MAX_NAME]
        new_strand_row = {"code": fallback, "name": name, "aim": "", "lead": "", "order": None}
    top_summaries = {t.uid for t in project.tasks if as_strands and t.summary and t.level == 1}
    fallback_used = False

    # -- owners: resource names, matched to the programme's owners without regard to capitals
    owners = sheets.setdefault("owners", [])
    owner_names = {str(r.get("name")).casefold(): str(r.get("name")) for r in owners}

    def owner_for(task: Task) -> str:
        if not task.resources:
            return ""
        first, *rest = task.resources
        if rest:
            others = ", ".join(f"'{r}'" for r in rest)
            out.dropped.append(f"{task_label(task)}: resources {others} left out (a plan line has one owner)")
        if first.upper() == TBD:
            return TBD
        known = owner_names.get(first.casefold())
        if known:
            return known
        owner_names[first.casefold()] = first
        owners.append({"name": first, "kind": "person", "title": ""})
        out.labels[("owners", len(owners) + 1)] = f"resource '{first}'"
        return first

    # -- plan items
    before_items = {str(r.get("uid")): r for r in existing.get("plan_items", [])}
    items: list[dict[str, Any]] = []
    parent_of: dict[int, int | None] = {}
    stack: list[Task] = []
    for task in project.tasks:
        while stack and stack[-1].level >= task.level:
            stack.pop()
        parent_of[task.uid] = stack[-1].uid if stack else None
        stack.append(task)
    strand_of: dict[int, str] = {}
    for task in project.tasks:
        label = task_label(task)
        if task.uid in top_summaries:
            code = str(task.uid)
            row = next((r for r in strands if str(r.get("code")) == code), None)
            if row is None:
                strands.append({"code": code, "name": task.name[:MAX_NAME], "aim": "", "lead": "", "order": None})
                out.labels[("strands", len(strands) + 1)] = f"summary {label}"
            else:
                row["name"] = task.name[:MAX_NAME]
                out.labels[("strands", strands.index(row) + 2)] = f"summary {label}"
            out.mapped.append(Mapped(label, f"{_strand_word()} {code}"))
            if task.start or task.finish:
                out.dropped.append(f"summary {label}: its dates, which MS Project works out from its tasks")
            strand_of[task.uid] = code
            continue
        parent = parent_of[task.uid]
        level = task.level
        top = task
        while parent_of.get(top.uid) is not None:
            top = by_uid[parent_of[top.uid]]  # type: ignore[index]
        if top.uid in top_summaries:
            strand = str(top.uid)
            level -= 1
            if parent == top.uid:
                parent = None
        else:
            strand = fallback
            fallback_used = True
        strand_of[task.uid] = strand
        if not task.name:
            out.problems.append(f"{label}: has no name: give every task a name in MS Project")
        elif len(task.name) > MAX_TITLE:
            out.problems.append(f"{label}: its name is longer than {MAX_TITLE} characters")
        if level > MAX_LEVEL:
            out.problems.append(f"{label}: outline level {level} is deeper than the {MAX_LEVEL} levels a plan holds")
        if task.start is None or task.finish is None:
            missing = " or ".join(w for w, v in (("start", task.start), ("finish", task.finish)) if v is None)
            out.problems.append(f"{label}: has no {missing} date: give it dates in MS Project and save it again")
        elif task.finish < task.start:
            out.problems.append(
                f"{label}: finish before start (finish {_d(task.finish)}, start {_d(task.start)}): "
                "correct its dates in MS Project"
            )
        percent = min(max(round(task.percent_complete), 0), 100)
        before = before_items.get(str(task.uid))
        row = {
            "uid": str(task.uid),
            "level": level,
            "kind": "milestone" if task.milestone else "deliverable",
            "gate_type": "",
            "title": task.name[:MAX_TITLE] if task.name else "",
            "strand": strand,
            "project": "",
            "parent": str(parent) if parent is not None else "",
            "owner": owner_for(task),
            "team": "",
            "start": task.start,
            "end": task.finish,
            "status": _status(percent, before),
            "rag": "",
            "percent_complete": percent,
            "order": len(items) + 1,
            "notes": task.notes,
        }
        if before is not None:  # keep what MS Project does not hold
            row["team"] = before.get("team") or ""
            row["rag"] = before.get("rag") or ""
            if before.get("strand") == strand:
                row["project"] = before.get("project") or ""
            if before.get("kind") == "gate" and not task.milestone:
                row["kind"], row["gate_type"] = "gate", before.get("gate_type") or ""
        items.append(row)
        out.labels[("plan_items", len(items) + 1)] = label
        where = f"{_strand_word()} {strand}" + (f", under line {row['parent']}" if row["parent"] else "")
        out.mapped.append(Mapped(label, f"{row['kind']} {row['uid']} at level {level} in {where}"))
    if fallback_used and new_strand_row is not None:
        strands.append(new_strand_row)
        out.labels[("strands", len(strands) + 1)] = f"the new {_strand_word()} for the plan's lines"
    sheets["plan_items"] = items

    # -- dependencies
    line_uids = {int(r["uid"]) for r in items}
    links: list[dict[str, Any]] = []
    for task in project.tasks:
        for link in task.links:
            pred = by_uid.get(link.predecessor)
            what = f"link {link.predecessor} → {task.uid}"
            if pred is None:
                out.dropped.append(f"{what}: task {link.predecessor} is not in the file")
                continue
            if task.uid not in line_uids or link.predecessor not in line_uids:
                out.dropped.append(f"{what}: it links a summary task brought in as a {_strand_word()}")
                continue
            lag = 0
            if link.lag_days is None:
                out.dropped.append(f"{what}: its lag of {link.lag_text} (a share of a duration, not days)")
            else:
                lag = whole_days(link.lag_days)
                if lag != link.lag_days:
                    out.dropped.append(f"{what}: its lag of {link.lag_text} rounded to {lag} whole days")
            links.append(
                {"predecessor": str(link.predecessor), "successor": str(task.uid), "type": link.type, "lag_days": lag}
            )
            out.labels[("dependencies", len(links) + 1)] = f"{what} ({pred.name} → {task.name})"
    sheets["dependencies"] = links

    # -- baselines
    numbers = sorted({n for t in project.tasks for n in t.baselines})
    if numbers:
        names = {n: baseline_name(n) for n in numbers}
        baselines = [r for r in existing.get("baselines", []) if r.get("name") not in names.values()]
        for n in numbers:
            taken = project.baseline_dates.get(n)
            if taken is None:
                taken = project.saved or dt.date.today()
                out.dropped.append(
                    f"{names[n]}: the file does not say when it was saved; taken as {_d(taken)}"
                    + (" (when the file was last saved)" if project.saved else " (today)")
                )
            baselines.append({"name": names[n], "taken": taken, "note": "From MS Project"})
            out.labels[("baselines", len(baselines) + 1)] = f"baseline '{names[n]}'"
        sheets["baselines"] = baselines
        b_items = [r for r in existing.get("baseline_items", []) if r.get("baseline") not in names.values()]
        for task in project.tasks:
            for n, (start, finish) in sorted(task.baselines.items()):
                label = f"{task_label(task)} in {names[n]}"
                if task.uid not in line_uids:
                    out.dropped.append(f"{label}: a summary task brought in as a {_strand_word()}")
                    continue
                if start and finish and finish < start:
                    out.dropped.append(
                        f"{label}: finish before start (finish {_d(finish)}, start {_d(start)}), left out"
                    )
                    continue
                b_items.append({"baseline": names[n], "uid": str(task.uid), "start": start, "end": finish})
                out.labels[("baseline_items", len(b_items) + 1)] = label
        sheets["baseline_items"] = b_items
    return out


def baseline_name(number: int) -> str:
    return "MS Project Baseline" if number == 0 else f"MS Project Baseline {number}"


def _strand_word() -> str:
    return "strand"


def describe(problem: Any, labels: Mapping[tuple[str, int], str]) -> str:
    """A workbook problem in MS Project's terms: ``task 42 'Union consultation': finish: ...``."""
    label = labels.get((problem.sheet, problem.row)) if problem.row is not None else None
    if label is None:
        return f"In the programme as it is: {problem}"
    column = COLUMN_WORDS.get(problem.column, problem.column)
    message = problem.message.replace("end date", "finish").replace("start date", "start")
    return f"{label}: {column}: {message}" if column else f"{label}: {message}"
