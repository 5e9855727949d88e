"""A programme's plan as an MS Project plan (no database, no Java): what :mod:`.writer` writes.

:func:`project_from_sheets` turns the plan's workbook sheets into a :class:`ExportPlan`: plain
values that the writing child process hands to MPXJ's MSPDI (or MPX) writer. The layout:

- each strand is a top-level **summary task** (rolled up by MS Project); its lines sit under it, a
  line under its parent line (a parent line is a summary task too, kept at its own dates);
- a task's **unique ID** is the line's ``uid`` when that is a whole number; other uids, and the
  strands, get the next free numbers in file order, so the same plan always gives the same IDs;
- what MS Project has no field for travels in **custom fields** with our names (:data:`KEPT`):
  the line's own ``uid`` (so a re-import restores ``1.2``), the strand's code, kind, gate type,
  team, RAG, status, project, the plan's order, and a ``TBD`` or missing date (a task must have
  dates, so it is shown on a stand-in day, named in the field);
- owners are **resources** (their kind in Group, their title in Notes), each line's owner its one
  assignment; the newest baseline is MS Project's **Baseline**, the next ten Baseline 1-10 (their
  names, dates taken and notes in the project summary task's notes, one JSON object a line).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from improve.core.dates import TBD

#: MS Project's custom fields that carry what it has no field of its own for: key -> (field, name).
KEPT: dict[str, tuple[str, str]] = {
    "id": ("TEXT1", "Improvement Office ID"),
    "kind": ("TEXT2", "Plan kind"),
    "gate_type": ("TEXT3", "Gate type"),
    "team": ("TEXT4", "Team"),
    "rag": ("TEXT5", "RAG"),
    "status": ("TEXT6", "Plan status"),
    "project": ("TEXT7", "Project code"),
    "start": ("TEXT8", "Planned start"),
    "end": ("TEXT9", "Planned finish"),
    "order": ("NUMBER1", "Plan order"),
}
#: The resource field that keeps an owner's name as it is (MS Project allows no comma or bracket in one).
KEPT_OWNER = ("TEXT1", "Improvement Office owner")
#: The alias of each kept field, to find them again in a file (whatever field number it has).
KEPT_BY_ALIAS = {alias: key for key, (_field, alias) in KEPT.items()}
#: Start and end of a working day, as MS Project's default calendar has them.
DAY_START, DAY_END = dt.time(8, 0), dt.time(17, 0)
#: MS Project keeps "Baseline" and "Baseline 1" to "Baseline 10".
MAX_BASELINES = 11
#: The first line of the project summary task's notes when it holds our baselines.
BASELINES_HEADING = "Improvement Office baselines (one a line: MS Project baseline number, name, date taken, note):"
#: The largest unique ID kept as it is (MS Project's IDs are 32-bit).
MAX_UID = 2_000_000_000
_STAND_IN = re.compile(r"^(TBD|none), shown as (\d\d)/(\d\d)/(\d{4})$")


@dataclass
class ExportLink:
    predecessor: int
    type: str
    lag_days: int


@dataclass
class ExportTask:
    uid: int
    level: int  # MS Project's outline level: strands 1, their top lines 2...
    name: str
    start: dt.datetime
    finish: dt.datetime
    summary: bool
    manual: bool  # kept at its own dates (every plan line); a strand is rolled up
    milestone: bool = False
    percent: int | None = None
    notes: str = ""
    resource: str = ""  # owner name
    links: list[ExportLink] = field(default_factory=list)
    baselines: dict[int, tuple[dt.datetime, dt.datetime]] = field(default_factory=dict)
    kept: dict[str, str | int] = field(default_factory=dict)


@dataclass
class ExportResource:
    name: str
    group: str
    notes: str


@dataclass
class ExportPlan:
    title: str
    author: str
    tasks: list[ExportTask]
    resources: list[ExportResource]
    summary_notes: str = ""
    #: what the file cannot hold, for the person exporting
    left_out: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(type(value))


def resource_name(name: str) -> str:
    """An owner's name as MS Project allows a resource's: no comma (its list separator) or brackets."""
    return name.replace(",", ";").replace("[", "(").replace("]", ")")


def _d(value: dt.date) -> str:
    return f"{value:%d/%m/%Y}"


def stand_in(value: dt.date | str | None, day: dt.date) -> str:
    """The kept text for a date MS Project cannot show: ``TBD, shown as 01/04/2019``."""
    return f"{'TBD' if value == TBD else 'none'}, shown as {_d(day)}"


def from_stand_in(text: str, shown: dt.date | None) -> tuple[bool, dt.date | str | None]:
    """``(True, TBD or None)`` when the task still shows the stand-in day ``text`` names; else ``(False, None)``."""
    found = _STAND_IN.match(text.strip())
    if not found or shown is None:
        return False, None
    day = dt.date(int(found[4]), int(found[3]), int(found[2]))
    if day != shown:
        return False, None  # a real date has been given in MS Project since
    return True, (TBD if found[1] == "TBD" else None)


def summary_baseline_line(number: int, name: str, taken: dt.date, note: str) -> str:
    return json.dumps({"baseline": number, "name": name, "taken": _d(taken), "note": note}, ensure_ascii=False)


def parse_summary_notes(text: str) -> dict[int, tuple[str, dt.date, str]]:
    """Baseline number -> (name, taken, note) from the project summary task's notes we wrote."""
    lines = text.strip().splitlines()
    if not lines or lines[0].strip() != BASELINES_HEADING:
        return {}
    found: dict[int, tuple[str, dt.date, str]] = {}
    for line in lines[1:]:
        try:
            data = json.loads(line)
            taken = dt.datetime.strptime(data["taken"], "%d/%m/%Y").date()
            number = int(data["baseline"])
            if 0 <= number < MAX_BASELINES and isinstance(data["name"], str) and data["name"].strip():
                found[number] = (data["name"].strip(), taken, str(data.get("note") or ""))
        except (ValueError, KeyError, TypeError):
            continue  # a line changed by hand: that baseline keeps MS Project's name
    return found


def _integer_uid(uid: str) -> int | None:
    return int(uid) if uid.isdigit() and str(int(uid)) == uid and 0 < int(uid) <= MAX_UID else None


def _dates(row: Mapping[str, Any]) -> tuple[dt.date | None, dt.date | None]:
    start, end = row.get("start"), row.get("end")
    return (
        start if isinstance(start, dt.date) else None,
        end if isinstance(end, dt.date) else None,
    )


def project_from_sheets(sheets: Mapping[str, list[dict[str, Any]]], *, today: dt.date) -> ExportPlan:
    """The plan in ``sheets`` (the workbook export's canonical values) as an MS Project plan."""
    programme = (sheets.get("programme") or [{}])[0]
    strands = list(sheets.get("strands", []))
    items = list(sheets.get("plan_items", []))
    left_out: list[str] = []

    # -- unique IDs: whole-number uids kept, the rest (and strands) numbered after the largest
    by_uid = {str(r["uid"]): r for r in items}
    taken = {n for r in items if (n := _integer_uid(str(r["uid"]))) is not None}
    next_free = max(taken, default=0) + 1
    msp_uid: dict[str, int] = {}
    strand_uid: dict[str, int] = {}
    for s in strands:
        strand_uid[str(s["code"])] = next_free
        next_free += 1
    for r in items:
        n = _integer_uid(str(r["uid"]))
        if n is None:
            n, next_free = next_free, next_free + 1
        msp_uid[str(r["uid"])] = n

    # -- a stand-in day for lines without dates: the programme's start, else the plan's first date
    known = [d for r in items for d in _dates(r) if d]
    fallback = programme.get("start") if isinstance(programme.get("start"), dt.date) else None
    fallback = fallback or min(known, default=None) or today

    # -- the outline: strands in order, each line under its parent (same strand), in plan order
    children: dict[str, list[dict[str, Any]]] = {}
    roots: dict[str, list[dict[str, Any]]] = {str(s["code"]): [] for s in strands}
    for r in items:
        parent = str(r.get("parent") or "")
        strand = str(r["strand"])
        if parent and parent in by_uid and str(by_uid[parent]["strand"]) == strand:
            children.setdefault(parent, []).append(r)
        else:
            if parent:
                why = "is archived" if parent not in by_uid else "is in another strand"
                left_out.append(f"line {r['uid']}: its parent line {parent} (which {why})")
            roots.setdefault(strand, []).append(r)

    tasks: list[ExportTask] = []
    line_task: dict[str, ExportTask] = {}

    def add_line(row: dict[str, Any], level: int) -> ExportTask:
        uid = str(row["uid"])
        start, end = _dates(row)
        day = start or end or fallback
        kept: dict[str, str | int] = {"id": uid, "kind": str(row["kind"]), "status": str(row["status"])}
        for key in ("gate_type", "team", "rag", "project"):
            if row.get(key):
                kept[key] = str(row[key])
        if row.get("order") is not None:
            kept["order"] = int(row["order"])
        if start is None:
            kept["start"] = stand_in(row.get("start"), day)
        if end is None:
            kept["end"] = stand_in(row.get("end"), end or start or day)
        first, last = start or end or day, end or start or day
        milestone = row["kind"] == "milestone"
        task = ExportTask(
            uid=msp_uid[uid],
            level=level,
            name=str(row["title"]),
            start=dt.datetime.combine(first, DAY_START),
            finish=dt.datetime.combine(last, DAY_START if milestone and first == last else DAY_END),
            summary=bool(children.get(uid)),
            manual=True,
            milestone=milestone,
            percent=int(row.get("percent_complete") or 0),
            notes=str(row.get("notes") or ""),
            resource=str(row.get("owner") or ""),
            kept=kept,
        )
        if int(row["level"]) != level - 1:
            left_out.append(f"line {uid}: its level {row['level']} (it sits at level {level - 1} under its parent)")
        tasks.append(task)
        line_task[uid] = task
        for child in children.get(uid, []):
            add_line(child, level + 1)
        return task

    for s in strands:
        code = str(s["code"])
        summary = ExportTask(
            uid=strand_uid[code],
            level=1,
            name=str(s["name"]),
            start=dt.datetime.combine(fallback, DAY_START),
            finish=dt.datetime.combine(fallback, DAY_END),
            summary=True,
            manual=False,
            notes=str(s.get("aim") or ""),
            resource=str(s.get("lead") or ""),
            kept={"id": code} | ({"order": int(s["order"])} if s.get("order") is not None else {}),
        )
        tasks.append(summary)
        first = len(tasks)
        for row in roots.get(code, []):
            add_line(row, 2)
        below = tasks[first:]
        if below:
            summary.start = min(t.start for t in below)
            summary.finish = max(t.finish for t in below)

    # -- links between current lines
    for dep in sheets.get("dependencies", []):
        pred, succ = str(dep["predecessor"]), str(dep["successor"])
        if pred not in line_task or succ not in line_task:
            left_out.append(f"dependency {pred} → {succ}: one of its lines is archived")
            continue
        line_task[succ].links.append(
            ExportLink(predecessor=line_task[pred].uid, type=str(dep["type"]), lag_days=int(dep.get("lag_days") or 0))
        )

    # -- baselines: the newest is MS Project's Baseline, the next ten (oldest first) Baseline 1-10
    baselines = sorted(sheets.get("baselines", []), key=lambda b: b["taken"], reverse=True)
    numbered = baselines[:1] + sorted(baselines[1:MAX_BASELINES], key=lambda b: b["taken"])
    for b in baselines[MAX_BASELINES:]:
        left_out.append(f"baseline '{b['name']}': MS Project holds {MAX_BASELINES} baselines, the newest are kept")
    number_of = {str(b["name"]): n for n, b in enumerate(numbered)}
    for bi in sheets.get("baseline_items", []):
        n = number_of.get(str(bi["baseline"]))
        if n is None:
            continue
        start, end = _dates(bi)
        task = line_task.get(str(bi["uid"]))
        if task is None or start is None or end is None:
            why = "its line is archived" if task is None else "it has no date or TBD"
            left_out.append(f"baseline '{bi['baseline']}', line {bi['uid']}: {why}")
            continue
        task.baselines[n] = (dt.datetime.combine(start, DAY_START), dt.datetime.combine(end, DAY_END))
    summary_notes = ""
    if numbered:
        summary_notes = "\n".join(
            [BASELINES_HEADING]
            + [
                summary_baseline_line(n, str(b["name"]), b["taken"], str(b.get("note") or ""))
                for n, b in enumerate(numbered)
            ]
        )

    # -- owners as resources
    resources = [
        ExportResource(name=str(o["name"]), group=str(o.get("kind") or ""), notes=str(o.get("title") or ""))
        for o in sheets.get("owners", [])
    ]
    return ExportPlan(
        title=str(programme.get("name") or ""),
        author=str(programme.get("council") or ""),
        tasks=tasks,
        resources=resources,
        summary_notes=summary_notes,
        left_out=left_out,
    )
