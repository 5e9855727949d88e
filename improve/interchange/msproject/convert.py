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
from improve.interchange.msproject.export import from_stand_in, parse_summary_notes
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


def _status(percent: int, before: Mapping[str, Any] | None, kept: str = "") -> str:
    """The line's status from its percent complete, keeping what a percentage cannot say.

    ``kept`` is the status our export wrote in the file: "in progress" at 0% stays so.
    """
    if percent >= 100:
        return "complete"
    if kept in ("on_hold", "cancelled") or (kept == "in_progress" and percent == 0):
        return kept
    if not kept and before and before.get("status") in ("on_hold", "cancelled"):
        return str(before["status"])
    return "in_progress" if percent > 0 else "not_started"


#: The kinds of owner, as our export writes them in a resource's Group.
OWNER_KINDS = ("person", "board", "team")


def _kept_date(task: Task, key: str, shown: dt.date | None) -> tuple[bool, dt.date | str | None]:
    """A ``TBD`` or missing date our export showed on a stand-in day, while the task still shows it."""
    return from_stand_in(task.kept.get(key, ""), shown) if key in task.kept else (False, None)


def is_our_strand(task: Task) -> bool:
    """A strand as our export writes it: a top-level task with a kept ID and no kind (even when empty)."""
    return task.level == 1 and bool(task.kept.get("id")) and "kind" not in task.kept


def line_uids(project: ProjectData, skip: set[int]) -> tuple[dict[int, str], list[str]]:
    """Each task's plan ``uid``: the one our export kept in the file, else MS Project's unique ID.

    A kept ID met twice (a task copied in MS Project copies its custom fields) is kept by the first
    task only; the others get their unique ID (told in the list returned).
    """
    uids: dict[int, str] = {}
    used: set[str] = set()
    told: list[str] = []
    tasks = [t for t in project.tasks if t.uid not in skip]
    wanted = {t.uid: t.kept.get("id", "") for t in tasks}
    own = {str(t.uid) for t in tasks if not wanted[t.uid]}
    for t in tasks:
        kept = wanted[t.uid]
        if kept and kept not in used and (kept == str(t.uid) or kept not in own):
            uids[t.uid] = kept
        else:
            uid = str(t.uid)
            while uid in used:
                uid = f"msp-{uid}"
            if kept:
                told.append(f"{task_label(t)}: its kept ID {kept} is another task's, so it comes in as {uid}")
            uids[t.uid] = uid
        used.add(uids[t.uid])
    return uids, told


def convert(project: ProjectData, existing: Mapping[str, list[dict[str, Any]]], options: Options) -> Conversion:
    """The programme's workbook ``existing`` with the plan replaced by ``project``'s tasks."""
    sheets = {name: [dict(r) for r in rows] for name, rows in existing.items()}
    out = Conversion(sheets=sheets)
    by_uid = {t.uid: t for t in project.tasks}
    # Our own export's top-level summaries were strands: they come back so, whichever was asked.
    as_strands = options.summaries == SUMMARIES_AS_STRANDS or project.ours

    # -- strands: the chosen (or a new) strand, and top-level summaries if the user chose so
    strands = sheets.setdefault("strands", [])
    strand_codes = {str(r.get("code")) for r in strands}
    fallback = options.strand if options.strand in strand_codes else ""
    new_strand_row: dict[str, Any] | None = None
    if not fallback:
        fallback = NEW_STRAND_CODE
        name = (options.strand_name or project.title or "MS Project plan")[:MAX_NAME]
        new_strand_row = {"code": fallback, "name": name, "aim": "", "lead": "", "order": None}
    top_summaries = {t.uid for t in project.tasks if as_strands and t.level == 1 and (t.summary or is_our_strand(t))}
    fallback_used = False
    uid_of, told = line_uids(project, top_summaries)
    out.dropped.extend(told)

    # -- owners: resource names, matched to the programme's owners without regard to capitals
    owners = sheets.setdefault("owners", [])
    owner_names = {str(r.get("name")).casefold(): str(r.get("name")) for r in owners}
    if project.ours:  # every resource of our own export is an owner, with its kind and title
        for resource in project.resources:
            if resource.name.upper() == TBD or resource.name.casefold() in owner_names:
                continue
            kind = resource.group.casefold() if resource.group.casefold() in OWNER_KINDS else "person"
            owner_names[resource.name.casefold()] = resource.name
            owners.append({"name": resource.name[:MAX_NAME], "kind": kind, "title": resource.notes})
            out.labels[("owners", len(owners) + 1)] = f"resource '{resource.name}'"

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
    orders = [t.kept.get("order", "") for t in project.tasks if t.uid not in top_summaries]
    kept_order = bool(orders) and all(o.isdigit() for o in orders)  # else the file's order
    project_strands = {str(r.get("code")): str(r.get("strand")) for r in existing.get("projects", [])}
    strand_of: dict[int, str] = {}
    for task in project.tasks:
        label = task_label(task)
        if task.uid in top_summaries:
            code = task.kept.get("id") or str(task.uid)
            row = next((r for r in strands if str(r.get("code")) == code), None)
            if row is None:
                row = {"code": code, "name": task.name[:MAX_NAME], "aim": "", "lead": "", "order": None}
                strands.append(row)
                out.labels[("strands", len(strands) + 1)] = f"summary {label}"
            else:
                row["name"] = task.name[:MAX_NAME]
                out.labels[("strands", strands.index(row) + 2)] = f"summary {label}"
            if project.ours:  # the strand's aim, lead and order, as our export wrote them
                row["aim"] = task.notes
                row["lead"] = owner_names.get(task.resources[0].casefold(), "") if task.resources else ""
                if task.kept.get("order", "").isdigit():
                    row["order"] = int(task.kept["order"])
            out.mapped.append(Mapped(label, f"{_strand_word()} {code}"))
            if (task.start or task.finish) and not project.ours:
                out.dropped.append(f"summary {label}: its dates, which MS Project works out from its tasks")
            strand_of[task.uid] = code
            continue
        parent = parent_of[task.uid]
        level = task.level
        top = task
        while parent_of.get(top.uid) is not None:
            top = by_uid[parent_of[top.uid]]  # type: ignore[index]
        if top.uid in top_summaries:
            strand = strand_of.get(top.uid, str(top.uid))
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
        kept_start, start = _kept_date(task, "start", task.start)
        kept_end, end = _kept_date(task, "end", task.finish)
        if not kept_start:
            start = task.start
        if not kept_end:
            end = task.finish
        if (task.start is None and not kept_start) or (task.finish is None and not kept_end):
            missing = " or ".join(w for w, v in (("start", task.start), ("finish", task.finish)) if v is None)
            out.problems.append(f"{label}: has no {missing} date: give it dates in MS Project and save it again")
        elif not kept_start and not kept_end and task.finish < task.start:  # type: ignore[operator]
            out.problems.append(
                f"{label}: finish before start (finish {_d(task.finish)}, start {_d(task.start)}): "
                "correct its dates in MS Project"
            )
        elif isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            out.problems.append(
                f"{label}: finish before start (finish {_d(end)}, start {_d(start)}): correct its dates in MS Project"
            )
        percent = min(max(round(task.percent_complete), 0), 100)
        uid = uid_of[task.uid]
        before = before_items.get(uid)
        row = {
            "uid": uid,
            "level": level,
            "kind": "milestone" if task.milestone else "deliverable",
            "gate_type": "",
            "title": task.name[:MAX_TITLE] if task.name else "",
            "strand": strand,
            "project": "",
            "parent": uid_of[parent] if parent is not None else "",
            "owner": owner_for(task),
            "team": "",
            "start": start,
            "end": end,
            "status": _status(percent, before, task.kept.get("status", "")),
            "rag": "",
            "percent_complete": percent,
            "order": int(task.kept["order"]) if kept_order else len(items) + 1,
            "notes": task.notes,
        }
        if before is not None:  # keep what MS Project does not hold
            row["team"] = before.get("team") or ""
            row["rag"] = before.get("rag") or ""
            if before.get("strand") == strand:
                row["project"] = before.get("project") or ""
            if before.get("kind") == "gate" and not task.milestone:
                row["kind"], row["gate_type"] = "gate", before.get("gate_type") or ""
        for key in ("team", "rag"):  # what our export kept in the file
            if key in task.kept:
                row[key] = task.kept[key]
        if task.kept.get("kind") == "gate" and task.kept.get("gate_type") and not task.milestone:
            row["kind"], row["gate_type"] = "gate", task.kept["gate_type"]
        elif task.kept.get("kind") in ("deliverable", "milestone"):
            row["kind"], row["gate_type"] = ("milestone" if task.milestone else "deliverable"), ""
        kept_project = task.kept.get("project", "")
        if kept_project:
            if project_strands.get(kept_project) == strand:
                row["project"] = kept_project
            else:
                out.dropped.append(
                    f"{label}: its project {kept_project}, which this programme's {_strand_word()} {strand} has not"
                )
        items.append(row)
        out.labels[("plan_items", len(items) + 1)] = label
        where = f"{_strand_word()} {strand}" + (f", under line {row['parent']}" if row["parent"] else "")
        out.mapped.append(Mapped(label, f"{row['kind']} {row['uid']} at level {level} in {where}"))
    if fallback_used and new_strand_row is not None:
        strands.append(new_strand_row)
        out.labels[("strands", len(strands) + 1)] = f"the new {_strand_word()} for the plan's lines"
    sheets["plan_items"] = items

    # -- dependencies
    line_tasks = {t.uid for t in project.tasks if t.uid not in top_summaries}
    links: list[dict[str, Any]] = []
    for task in project.tasks:
        for link in task.links:
            pred = by_uid.get(link.predecessor)
            what = f"link {link.predecessor} → {task.uid}"
            if pred is None:
                out.dropped.append(f"{what}: task {link.predecessor} is not in the file")
                continue
            if task.uid not in line_tasks or link.predecessor not in line_tasks:
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
                {
                    "predecessor": uid_of[link.predecessor],
                    "successor": uid_of[task.uid],
                    "type": link.type,
                    "lag_days": lag,
                }
            )
            out.labels[("dependencies", len(links) + 1)] = f"{what} ({pred.name} → {task.name})"
    sheets["dependencies"] = links

    # -- baselines
    numbers = sorted({n for t in project.tasks for n in t.baselines})
    if numbers:
        ours = parse_summary_notes(project.summary_notes) if project.ours else {}
        names = {n: ours[n][0] if n in ours else baseline_name(n) for n in numbers}
        baselines = [r for r in existing.get("baselines", []) if r.get("name") not in names.values()]
        taken_on = {n: ours[n][1] if n in ours else project.baseline_dates.get(n) for n in numbers}
        numbers.sort(key=lambda n: (taken_on[n] or dt.date.max, n))  # oldest first
        for n in numbers:
            taken = taken_on[n]
            if taken is None:
                taken = project.saved or dt.date.today()
                out.dropped.append(
                    f"{names[n]}: the file does not say when it was saved; taken as {_d(taken)}"
                    + (" (when the file was last saved)" if project.saved else " (today)")
                )
            note = ours[n][2] if n in ours else "From MS Project"
            baselines.append({"name": names[n], "taken": taken, "note": note})
            out.labels[("baselines", len(baselines) + 1)] = f"baseline '{names[n]}'"
        sheets["baselines"] = baselines
        b_items = [r for r in existing.get("baseline_items", []) if r.get("baseline") not in names.values()]
        line_order = {r["uid"]: r["order"] for r in items}
        in_order = sorted(project.tasks, key=lambda t: line_order.get(uid_of.get(t.uid, ""), 0))
        for n in numbers:  # baseline by baseline (oldest first), each in the plan's order
            for task in in_order:
                if n not in task.baselines:
                    continue
                start, finish = task.baselines[n]
                label = f"{task_label(task)} in {names[n]}"
                if task.uid not in line_tasks:
                    out.dropped.append(f"{label}: a summary task brought in as a {_strand_word()}")
                    continue
                if start and finish and finish < start:
                    out.dropped.append(
                        f"{label}: finish before start (finish {_d(finish)}, start {_d(start)}), left out"
                    )
                    continue
                b_items.append({"baseline": names[n], "uid": uid_of[task.uid], "start": start, "end": finish})
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
