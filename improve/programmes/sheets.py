"""The programme room's workbook sheets: the plan as the programme workbook carries it.

The sheets (programme, strands, stages, owners, projects, plan items, dependencies, baselines,
baseline items), how each row is exported from the database, the rules checked across rows and
sheets, and how an import is written: in bulk, audited through core, with the models' rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from improve.core.audit import Actor, audit_values
from improve.core.dates import TBD
from improve.core.models import ArchivableModel, AuditEvent, without_bookkeeping
from improve.core.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date
from improve.core.workbook import (
    _BAD,
    CHOICE,
    DATE,
    INT,
    MAX_INT,
    PLANDATE,
    Checker,
    Column,
    ImportContext,
    Plan,
    Row,
    SheetSpec,
    diff,
    list_keys,
)
from improve.core.workbook import (
    known as _known,
)
from improve.core.writer import ARCHIVE_FIELDS, RowWriter
from improve.programmes.graph import find_cycle
from improve.programmes.models import (
    Baseline,
    BaselineItem,
    Dependency,
    DependencyType,
    GateType,
    ItemKind,
    Owner,
    PlanItem,
    Programme,
    Project,
    Rag,
    Stage,
    Status,
    Strand,
    StrandTerm,
)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LOOPS_REPORTED = 50


def _choices(cls: type) -> tuple[str, ...]:
    return tuple(str(v) for v in cls.values)  # type: ignore[attr-defined]


SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        "programme",
        (
            Column("slug", required=True, max_length=80, width=24),
            Column("council", required=True, max_length=200, width=30),
            Column("name", required=True, max_length=300, width=30),
            Column("strand_term", CHOICE, required=True, choices=_choices(StrandTerm), width=12),
            Column("start", DATE, validator=validate_plan_date, width=12),
            Column("end", DATE, validator=validate_plan_date, width=12),
            Column("status_date", DATE, validator=validate_plan_date, width=12),
            Column("background", multiline=True, width=50),
            Column("objectives", multiline=True, width=50),
            Column("outcomes", multiline=True, width=50),
            Column("principles", multiline=True, width=50),
            Column("lessons_learned", multiline=True, width=50),
            Column("notes", multiline=True, width=50),
        ),
        key=("slug",),
    ),
    SheetSpec(
        "strands",
        (
            Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
            Column("name", required=True, max_length=200, width=40),
            Column("aim", multiline=True, width=60),
            Column("lead", max_length=200, width=24),
            Column("order", INT, minimum=0, maximum=MAX_INT, width=8, default_position=True),
        ),
        key=("code",),
    ),
    SheetSpec(
        "stages",
        (
            Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
            Column("name", required=True, max_length=200, width=30),
            Column("start", PLANDATE, validator=validate_plan_date, width=12),
            Column("end", PLANDATE, validator=validate_plan_date, width=12),
            Column("owner", max_length=200, width=24),
            Column("description", multiline=True, width=60),
            Column("order", INT, minimum=0, maximum=MAX_INT, width=8, default_position=True),
        ),
        key=("code",),
        required_sheet=False,
    ),
    SheetSpec(
        "owners",
        (
            Column("name", required=True, max_length=200, width=30),
            Column("kind", CHOICE, required=True, choices=_choices(Owner.Kind), width=10),
            Column("title", max_length=200, width=60),
        ),
        key=("name",),
    ),
    SheetSpec(
        "projects",
        (
            Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
            Column("strand", required=True, max_length=KEY_MAX_LENGTH, width=10),
            Column("name", required=True, max_length=200, width=40),
            Column("lead", max_length=200, width=24),
            Column("description", multiline=True, width=60),
        ),
        key=("code",),
        required_sheet=False,
    ),
    SheetSpec(
        "plan_items",
        (
            Column("uid", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=8),
            Column("level", INT, required=True, minimum=1, maximum=9, width=7),
            Column("kind", CHOICE, required=True, choices=_choices(ItemKind), width=12),
            Column("gate_type", CHOICE, choices=_choices(GateType), width=13),
            Column("title", required=True, max_length=500, width=50),
            Column("strand", required=True, max_length=KEY_MAX_LENGTH, width=8),
            Column("project", max_length=KEY_MAX_LENGTH, width=9),
            Column("parent", max_length=KEY_MAX_LENGTH, width=8),
            Column("owner", max_length=200, width=24, tbd=True),
            Column("team", max_length=200, width=18),
            Column("start", PLANDATE, validator=validate_plan_date, width=12),
            Column("end", PLANDATE, validator=validate_plan_date, width=12),
            Column("status", CHOICE, required=True, choices=_choices(Status), width=12),
            Column("rag", CHOICE, choices=_choices(Rag), width=7),
            Column("percent_complete", INT, minimum=0, maximum=100, width=9, default=0),
            Column("order", INT, minimum=0, maximum=MAX_INT, width=7, default_position=True),
            Column("notes", multiline=True, width=50),
        ),
        key=("uid",),
    ),
    SheetSpec(
        "dependencies",
        (
            Column("predecessor", required=True, max_length=KEY_MAX_LENGTH, width=12),
            Column("successor", required=True, max_length=KEY_MAX_LENGTH, width=12),
            Column("type", CHOICE, required=True, choices=_choices(DependencyType), width=7),
            Column("lag_days", INT, minimum=-MAX_INT, maximum=MAX_INT, width=9, default=0),
        ),
        key=("predecessor", "successor"),
        required_sheet=False,
        key_separator=" → ",
        removal="removed",
    ),
    SheetSpec(
        "baselines",
        (
            Column("name", required=True, max_length=120, width=24),
            Column("taken", DATE, required=True, validator=validate_plan_date, width=12),
            Column("note", multiline=True, width=60),
        ),
        key=("name",),
        required_sheet=False,
    ),
    SheetSpec(
        "baseline_items",
        (
            Column("baseline", required=True, max_length=120, width=24),
            Column("uid", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=8),
            Column("start", PLANDATE, validator=validate_plan_date, width=12),
            Column("end", PLANDATE, validator=validate_plan_date, width=12),
        ),
        key=("baseline", "uid"),
        required_sheet=False,
        removal="removed",
    ),
)

SHEET_BY_NAME: dict[str, SheetSpec] = {s.name: s for s in SHEETS}


@dataclass
class ProgrammeState:
    """Everything a workbook holds for one programme, with related objects linked in memory."""

    programme: Programme | None
    owners: list[Owner] = field(default_factory=list)
    strands: list[Strand] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)  # archived ones too
    dependencies: list[Dependency] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)
    baseline_items: list[BaselineItem] = field(default_factory=list)


def _link(objs: Iterable[models.Model], name: str, targets: dict[Any, Any]) -> None:
    """Fill the cache of foreign key ``name`` from ``targets`` (by id), so no query follows."""
    objs = list(objs)
    if not objs:
        return
    fk = objs[0]._meta.get_field(name)
    attname = fk.attname  # type: ignore[union-attr]
    for obj in objs:
        fk.set_cached_value(obj, targets.get(getattr(obj, attname)))  # type: ignore[union-attr]


def programme_state(slug: str, *, lock: bool = False, big_sheets: bool = True) -> ProgrammeState:
    """The programme ``slug`` and all its rows (nine queries), or an empty state if it is new.

    With ``lock=True`` the programme row is locked for the rest of the transaction
    (PostgreSQL), so two imports of the same programme do not interleave. ``big_sheets=False``
    leaves out the plan items and dependencies (the export reads those as plain values).
    """
    qs = Programme.objects.filter(slug=slug)
    if lock:
        qs = qs.select_for_update()
    programme = qs.first()
    if programme is None:
        return ProgrammeState(programme=None)
    owners = list(Owner.all_objects.filter(programme=programme).order_by("pk"))
    strands = list(Strand.all_objects.filter(programme=programme).order_by("order", "code", "pk"))
    stages = list(Stage.all_objects.filter(programme=programme).order_by("order", "code", "pk"))
    projects = list(Project.all_objects.filter(programme=programme).order_by("pk"))
    # the import reads neither the big sheets' timestamps nor who made or last changed a row (it
    # writes them); on SQLite each timestamp read is a conversion, thousands of them here
    items = (
        list(without_bookkeeping(PlanItem.all_objects.filter(programme=programme)).order_by("order", "pk"))
        if big_sheets
        else []
    )
    dependencies = (
        list(without_bookkeeping(Dependency.objects.filter(programme=programme)).order_by("pk")) if big_sheets else []
    )
    baselines = list(Baseline.all_objects.filter(programme=programme).order_by("pk"))
    baseline_items = list(BaselineItem.objects.filter(baseline__programme=programme).order_by("pk"))

    owner_by_id = {o.pk: o for o in owners}
    strand_by_id = {s.pk: s for s in strands}
    project_by_id = {p.pk: p for p in projects}
    item_by_id = {i.pk: i for i in items}
    baseline_by_id = {b.pk: b for b in baselines}
    for group in (owners, strands, stages, projects, items, dependencies, baselines):
        _link(group, "programme", {programme.pk: programme})
    _link(strands, "lead", owner_by_id)
    _link(stages, "owner", owner_by_id)
    _link(projects, "strand", strand_by_id)
    _link(projects, "lead", owner_by_id)
    _link(items, "strand", strand_by_id)
    _link(items, "project", project_by_id)
    _link(items, "parent", item_by_id)
    _link(items, "owner", owner_by_id)
    _link(dependencies, "predecessor", item_by_id)
    _link(dependencies, "successor", item_by_id)
    _link(baseline_items, "baseline", baseline_by_id)
    return ProgrammeState(programme, owners, strands, stages, projects, items, dependencies, baselines, baseline_items)


def export_plan_rows(programme: Programme) -> list[dict[str, Any]]:
    """The current plan items as canonical workbook rows, read as plain values in one query.

    The export of a large plan spends most of its time building model instances; this reads the
    same columns as :func:`improve.interchange.services._item_row` without them (the round-trip
    tests hold the two to the same output).
    """
    fields = (
        "uid",
        "level",
        "kind",
        "gate_type",
        "title",
        "strand__code",
        "project__code",
        "parent__uid",
        "owner__name",
        "owner_tbd",
        "team",
        "start_date",
        "start_tbd",
        "end_date",
        "end_tbd",
        "status",
        "rag",
        "percent_complete",
        "order",
        "notes",
    )
    rows = []
    for (
        uid,
        level,
        kind,
        gate_type,
        title,
        strand,
        project,
        parent,
        owner,
        owner_tbd,
        team,
        start,
        start_tbd,
        end,
        end_tbd,
        status,
        rag,
        percent,
        order,
        notes,
    ) in PlanItem.objects.filter(programme=programme).order_by("order", "pk").values_list(*fields):
        rows.append(
            {
                "uid": uid,
                "level": level,
                "kind": kind,
                "gate_type": gate_type,
                "title": title,
                "strand": strand or "",
                "project": project or "",
                "parent": parent or "",
                "owner": TBD if owner_tbd else (owner or ""),
                "team": team,
                "start": TBD if start_tbd else start,
                "end": TBD if end_tbd else end,
                "status": status,
                "rag": rag,
                "percent_complete": percent,
                "order": order,
                "notes": notes,
            }
        )
    return rows


def export_dependency_rows(programme: Programme) -> list[dict[str, Any]]:
    """Dependencies as canonical workbook rows, in one query of plain values."""
    return [
        {"predecessor": pred, "successor": succ, "type": kind, "lag_days": lag}
        for pred, succ, kind, lag in Dependency.objects.filter(programme=programme)
        .order_by("pk")
        .values_list("predecessor__uid", "successor__uid", "type", "lag_days")
    ]


# --- canonical values from the database (also the export) --------------------------------------


def _plandate(value: dt.date | None, tbd: bool) -> dt.date | str | None:
    return TBD if tbd else value


def _programme_row(p: Programme) -> dict[str, Any]:
    return {
        "slug": p.slug,
        "council": p.council,
        "name": p.name,
        "strand_term": p.strand_term,
        "start": p.start_date,
        "end": p.end_date,
        "status_date": p.status_date,
        "background": p.background,
        "objectives": p.objectives,
        "outcomes": p.outcomes,
        "principles": p.principles,
        "lessons_learned": p.lessons_learned,
        "notes": p.notes,
    }


def _name(obj: Any, attr: str = "name") -> str:
    return getattr(obj, attr) if obj is not None else ""


def _strand_row(s: Strand) -> dict[str, Any]:
    return {"code": s.code, "name": s.name, "aim": s.aim, "lead": _name(s.lead), "order": s.order}


def _stage_row(s: Stage) -> dict[str, Any]:
    return {
        "code": s.code,
        "name": s.name,
        "start": _plandate(s.start_date, s.start_tbd),
        "end": _plandate(s.end_date, s.end_tbd),
        "owner": _name(s.owner),
        "description": s.description,
        "order": s.order,
    }


def _owner_row(o: Owner) -> dict[str, Any]:
    return {"name": o.name, "kind": o.kind, "title": o.title}


def _project_row(p: Project) -> dict[str, Any]:
    return {
        "code": p.code,
        "strand": _name(p.strand, "code"),
        "name": p.name,
        "lead": _name(p.lead),
        "description": p.description,
    }


def _item_row(i: PlanItem) -> dict[str, Any]:
    return {
        "uid": i.uid,
        "level": i.level,
        "kind": i.kind,
        "gate_type": i.gate_type,
        "title": i.title,
        "strand": _name(i.strand, "code"),
        "project": _name(i.project, "code"),
        "parent": _name(i.parent, "uid"),
        "owner": TBD if i.owner_tbd else _name(i.owner),
        "team": i.team,
        "start": _plandate(i.start_date, i.start_tbd),
        "end": _plandate(i.end_date, i.end_tbd),
        "status": i.status,
        "rag": i.rag,
        "percent_complete": i.percent_complete,
        "order": i.order,
        "notes": i.notes,
    }


def _dependency_row(d: Dependency) -> dict[str, Any]:
    return {"predecessor": d.predecessor.uid, "successor": d.successor.uid, "type": d.type, "lag_days": d.lag_days}


def _baseline_row(b: Baseline) -> dict[str, Any]:
    return {"name": b.name, "taken": b.taken_on, "note": b.note}


def _baseline_item_row(b: BaselineItem) -> dict[str, Any]:
    return {
        "baseline": b.baseline.name,
        "uid": b.uid,
        "start": _plandate(b.start_date, b.start_tbd),
        "end": _plandate(b.end_date, b.end_tbd),
    }


def _current(objs: Iterable[Any]) -> list[Any]:
    """The rows that are not archived (a workbook holds what is current)."""
    return [o for o in objs if not getattr(o, "archived", False)]


#: The canonical row of a database object, by sheet.
ROW_OF: dict[str, Callable[[Any], dict[str, Any]]] = {
    "programme": _programme_row,
    "strands": _strand_row,
    "stages": _stage_row,
    "owners": _owner_row,
    "projects": _project_row,
    "plan_items": _item_row,
    "dependencies": _dependency_row,
    "baselines": _baseline_row,
    "baseline_items": _baseline_item_row,
}


def _sheets_from_state(state: ProgrammeState) -> dict[str, list[dict[str, Any]]]:
    baseline_order = {b.pk: n for n, b in enumerate(state.baselines)}
    return {
        "programme": [_programme_row(state.programme)] if state.programme else [],
        "strands": [_strand_row(s) for s in _current(state.strands)],
        "stages": [_stage_row(s) for s in _current(state.stages)],
        "owners": [_owner_row(o) for o in _current(state.owners)],
        "projects": [_project_row(p) for p in _current(state.projects)],
        "plan_items": [_item_row(i) for i in _current(state.items)],
        "dependencies": [_dependency_row(d) for d in state.dependencies],
        "baselines": [_baseline_row(b) for b in _current(state.baselines)],
        "baseline_items": [
            _baseline_item_row(b)
            for b in sorted(state.baseline_items, key=lambda b: (baseline_order[b.baseline_id], b.pk))
            if not b.baseline.archived
        ],
    }


def _validate(
    checker: Checker, state: ProgrammeState, by_key: dict[str, dict[tuple[Any, ...], Row]], *, expect_slug: str | None
) -> None:
    add = checker.add
    rows = checker.rows

    # programme: exactly one row
    programme_rows = rows["programme"]
    if "programme" in checker.present and not programme_rows:
        add("programme", 2, "", "The programme sheet has no row: it needs one row for the programme")
    for extra in programme_rows[1:]:
        add("programme", extra.number, "", "The programme sheet must have exactly one row")
    if programme_rows:
        p = programme_rows[0]
        slug = p.get("slug")
        if isinstance(slug, str) and slug and not SLUG_RE.match(slug):
            add(
                "programme",
                p.number,
                "slug",
                f"'{slug}' is not a valid slug: use lower case letters, digits and '-' "
                f"(for example barking-dagenham-2019)",
            )
        if expect_slug is not None and isinstance(slug, str) and slug and slug != expect_slug:
            add("programme", p.number, "slug", f"This workbook is for the programme '{slug}', not '{expect_slug}'")
        _check_dates(checker, "programme", p)

    owner_names = {k[0] for k in by_key["owners"]} if "owners" not in checker.broken else None
    for row in rows["owners"]:
        name = row.get("name")
        if isinstance(name, str) and name.upper() == TBD:
            add(
                "owners", row.number, "name", "TBD cannot be an owner's name: it means the owner is still to be decided"
            )
    strand_codes = {k[0] for k in by_key["strands"]} if "strands" not in checker.broken else None
    project_strand = (
        {k[0]: r.get("strand") for k, r in by_key["projects"].items()} if "projects" not in checker.broken else None
    )
    sheet_uids = {k[0] for k in by_key["plan_items"]}
    archived_uids = {i.uid for i in state.items if i.archived} - sheet_uids
    item_uids = None if "plan_items" in checker.broken else sheet_uids | archived_uids
    baseline_names = {k[0] for k in by_key["baselines"]} if "baselines" not in checker.broken else None

    def ref(sheet: str, row: Row, column: str, known: set[str] | None, what: str, allow: tuple[str, ...] = ()) -> None:
        value = row.get(column)
        if known is None or value is _BAD or value in ("", None) or value in allow or value in known:
            return
        message = f"'{value}' is not {what}"
        near = _known(known).get(str(value).casefold())
        if near:
            message += f" (did you mean '{near}'?)"
        add(sheet, row.number, column, message)

    in_owners = "in the owners sheet"
    for row in rows["strands"]:
        ref("strands", row, "lead", owner_names, in_owners)
    for row in rows["stages"]:
        ref("stages", row, "owner", owner_names, in_owners)
        _check_dates(checker, "stages", row)
    for row in rows["projects"]:
        ref("projects", row, "strand", strand_codes, "a code in the strands sheet")
        ref("projects", row, "lead", owner_names, in_owners)

    parent_edges: list[tuple[str, str]] = []
    row_by_uid = {k[0]: r for k, r in by_key["plan_items"].items()}
    for row in rows["plan_items"]:
        uid = row.get("uid")
        ref("plan_items", row, "strand", strand_codes, "a code in the strands sheet")
        ref(
            "plan_items",
            row,
            "project",
            set(project_strand) if project_strand is not None else None,
            "a code in the projects sheet",
        )
        ref("plan_items", row, "owner", owner_names, in_owners, allow=(TBD,))
        parent = row.get("parent")
        if row.good("parent") and parent == uid:
            add("plan_items", row.number, "parent", "A line cannot sit under itself")
        else:
            ref("plan_items", row, "parent", item_uids, "a uid in the plan_items sheet")
            if row.good("parent") and row.good("uid") and row_by_uid.get(uid) is row:
                parent_edges.append((uid, parent))
        project = row.get("project")
        if (
            project_strand is not None
            and row.good("project")
            and row.good("strand")
            and project in project_strand
            and project_strand[project] not in (_BAD, "")
            and project_strand[project] != row.get("strand")
        ):
            add(
                "plan_items",
                row.number,
                "project",
                f"The project '{project}' belongs to strand '{project_strand[project]}', not '{row.get('strand')}'",
            )
        kind, gate_type = row.get("kind"), row.get("gate_type")
        if kind == ItemKind.GATE and gate_type == "":
            add(
                "plan_items", row.number, "gate_type", "A gate needs a gate_type: endorsement, consultation or decision"
            )
        elif kind not in (ItemKind.GATE, _BAD) and gate_type not in ("", _BAD):
            add("plan_items", row.number, "gate_type", f"Only gates have a gate_type: leave it empty for a {kind}")
        percent = row.get("percent_complete")
        if row.get("status") == Status.COMPLETE and percent is not _BAD and percent != 100:
            add("plan_items", row.number, "percent_complete", f"A complete line must be 100% complete, not {percent}%")
        _check_dates(checker, "plan_items", row)
    # Archived lines left as they are still sit under their parents.
    for item in state.items:
        if item.archived and item.uid not in sheet_uids and item.parent is not None:
            parent_edges.append((item.uid, item.parent.uid))
    _report_loops(checker, parent_edges, "plan_items", "parent", row_by_uid, "This puts the line under itself: {path}")

    dep_edges: list[tuple[str, str]] = []
    dep_rows: dict[tuple[str, str], Row] = {}
    for row in rows["dependencies"]:
        pred, succ = row.get("predecessor"), row.get("successor")
        if row.good("predecessor") and pred == succ:
            add("dependencies", row.number, "successor", "A line cannot depend on itself")
            continue
        ref("dependencies", row, "predecessor", item_uids, "a uid in the plan_items sheet")
        ref("dependencies", row, "successor", item_uids, "a uid in the plan_items sheet")
        if row.good("predecessor") and row.good("successor") and (pred, succ) not in dep_rows:
            dep_edges.append((pred, succ))
            dep_rows[(pred, succ)] = row
    _report_loops(checker, dep_edges, "dependencies", "predecessor", dep_rows, "This makes a dependency loop: {path}")

    for row in rows["baseline_items"]:
        ref("baseline_items", row, "baseline", baseline_names, "a name in the baselines sheet")
        _check_dates(checker, "baseline_items", row)

    _check_removals(checker, state, by_key)


def _check_dates(checker: Checker, sheet: str, row: Row) -> None:
    start, end = row.get("start"), row.get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        checker.add(sheet, row.number, "end", f"The end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}")


def _report_loops(
    checker: Checker, edges: list[tuple[str, str]], sheet: str, column: str, rows: Mapping[Any, Row], template: str
) -> None:
    """Report each loop in ``edges`` (up to a limit), by uid, on the row that closes it."""
    edges = list(edges)
    for _ in range(MAX_LOOPS_REPORTED):
        cycle = find_cycle(edges)
        if not cycle:
            return
        closing = (cycle[-2], cycle[-1])
        path = " → ".join(str(n) for n in cycle)
        row = rows.get(closing) if sheet == "dependencies" else rows.get(closing[0])
        checker.add(sheet, row.number if row else None, column, template.format(path=path))
        edges.remove(closing)  # type: ignore[arg-type]


def _check_removals(checker: Checker, state: ProgrammeState, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
    """Rows missing from a sheet are removed, unless something kept still needs them."""
    existing: dict[str, list[Any]] = {
        "stages": _current(state.stages),
        "projects": _current(state.projects),
        "dependencies": state.dependencies,
        "baselines": _current(state.baselines),
        "baseline_items": state.baseline_items,
    }
    for name, objs in existing.items():
        if name not in checker.present and objs:
            checker.add(
                name,
                None,
                "",
                f"The workbook has no '{name}' sheet, so all {len(objs)} rows of it would be "
                f"removed: add the sheet (with just its header row to remove them all)",
            )
    if checker.broken & {"plan_items", "strands", "projects", "owners"}:
        return
    sheet_uids = {k[0] for k in by_key["plan_items"]}
    out_of_plan = [i for i in state.items if i.uid not in sheet_uids]  # archived, or to be
    checks: list[tuple[str, str, Callable[[PlanItem], Any], set[Any]]] = [
        (
            "strands",
            "code",
            lambda i: i.strand.code,
            {s.code for s in _current(state.strands)} - {k[0] for k in by_key["strands"]},
        ),
        (
            "projects",
            "code",
            lambda i: i.project.code if i.project else None,
            {p.code for p in _current(state.projects)} - {k[0] for k in by_key["projects"]},
        ),
        (
            "owners",
            "name",
            lambda i: i.owner.name if i.owner else None,
            {o.name for o in _current(state.owners)} - {k[0] for k in by_key["owners"]},
        ),
    ]
    for sheet, column, get, gone in checks:
        if not gone:
            continue
        users: dict[Any, list[str]] = defaultdict(list)
        for item in out_of_plan:
            value = get(item)
            if value in gone:
                users[value].append(item.uid)
        for value, uids in sorted(users.items(), key=lambda kv: str(kv[0])):
            word = {"strands": "strand", "projects": "project", "owners": "owner"}[sheet]
            checker.add(
                sheet,
                None,
                column,
                f"The {word} '{value}' is missing from the sheet, but archived plan items "
                f"(uids {list_keys(uids)}) still refer to it: keep the {word} in the sheet",
            )


# --- comparing ---


def _compare(state: ProgrammeState, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
    exported: dict[str, list[tuple[Any, dict[str, Any]]]] = {
        "programme": [(state.programme, _programme_row(state.programme))] if state.programme else [],
        "strands": [(s, _strand_row(s)) for s in state.strands],
        "stages": [(s, _stage_row(s)) for s in state.stages],
        "owners": [(o, _owner_row(o)) for o in state.owners],
        "projects": [(p, _project_row(p)) for p in state.projects],
        "plan_items": [(i, _item_row(i)) for i in state.items],
        "dependencies": [(d, _dependency_row(d)) for d in state.dependencies],
        "baselines": [(b, _baseline_row(b)) for b in state.baselines],
        "baseline_items": [(b, _baseline_item_row(b)) for b in state.baseline_items],
    }
    for spec in SHEETS:
        keyed = by_key[spec.name]
        if spec.name == "programme":
            keyed = dict(list(keyed.items())[:1])
        diff(
            plan,
            spec,
            keyed,
            exported[spec.name],
        )


# --- writing -------------------------------------------------------------------------------------


# Model fields written for each column (for bulk_update of just what changed).
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "strands": {"name": ("name",), "aim": ("aim",), "lead": ("lead",), "order": ("order",)},
    "stages": {
        "name": ("name",),
        "start": ("start_date", "start_tbd"),
        "end": ("end_date", "end_tbd"),
        "owner": ("owner",),
        "description": ("description",),
        "order": ("order",),
    },
    "owners": {"kind": ("kind",), "title": ("title",)},
    "projects": {"strand": ("strand",), "name": ("name",), "lead": ("lead",), "description": ("description",)},
    "plan_items": {
        "level": ("level",),
        "kind": ("kind",),
        "gate_type": ("gate_type",),
        "title": ("title",),
        "strand": ("strand",),
        "project": ("project",),
        "parent": ("parent",),
        "owner": ("owner", "owner_tbd"),
        "team": ("team",),
        "start": ("start_date", "start_tbd"),
        "end": ("end_date", "end_tbd"),
        "status": ("status",),
        "rag": ("rag",),
        "percent_complete": ("percent_complete",),
        "order": ("order",),
        "notes": ("notes",),
        "archived": ARCHIVE_FIELDS,
    },
    "dependencies": {"type": ("type",), "lag_days": ("lag_days",)},
    "baselines": {"taken": ("taken_on",), "note": ("note",)},
    "baseline_items": {"start": ("start_date", "start_tbd"), "end": ("end_date", "end_tbd")},
}


def _date_parts(value: Any) -> tuple[dt.date | None, bool]:
    return (None, True) if value == TBD else (value, False)


class _Writer(RowWriter):
    def __init__(self, actor: Actor, state: ProgrammeState, plan: Plan, programme_row: Row | None) -> None:
        super().__init__(actor, state.programme)
        self.state = state
        self.plan = plan
        self.programme_row = programme_row
        self.owner_by_name = {o.name: o for o in state.owners}
        self.strand_by_code = {s.code: s for s in state.strands}
        self.project_by_code = {p.code: p for p in state.projects}
        self.item_by_uid = {i.uid: i for i in state.items}
        self.baseline_by_name = {b.name: b for b in state.baselines}

    def run(self) -> None:
        self.write_programme()
        self.sync("owners", Owner, self.owner_by_name, self.fill_owner)
        self.sync("strands", Strand, self.strand_by_code, self.fill_strand)
        self.sync("stages", Stage, None, self.fill_stage)
        self.sync("projects", Project, self.project_by_code, self.fill_project)
        self.write_items()
        self.delete("dependencies", Dependency)
        self.sync("dependencies", Dependency, None, self.fill_dependency)
        self.sync("baselines", Baseline, self.baseline_by_name, self.fill_baseline)
        self.delete("baseline_items", BaselineItem)
        self.sync("baseline_items", BaselineItem, None, self.fill_baseline_item)
        for name, model in (
            ("baselines", Baseline),
            ("projects", Project),
            ("strands", Strand),
            ("stages", Stage),
            ("owners", Owner),
        ):
            self.delete(name, model)

    # -- programme --

    def write_programme(self) -> None:
        row = self.programme_row
        assert row is not None
        v = row.values
        fields = {
            "council": v["council"],
            "name": v["name"],
            "strand_term": v["strand_term"],
            "start_date": v["start"],
            "end_date": v["end"],
            "status_date": v["status_date"],
            "background": v["background"],
            "objectives": v["objectives"],
            "outcomes": v["outcomes"],
            "principles": v["principles"],
            "lessons_learned": v["lessons_learned"],
            "notes": v["notes"],
        }
        if self.state.programme is None:
            self.programme = Programme(slug=v["slug"], **fields)
            self.programme.save()
            self.event(self.programme, "create", None, audit_values(self.programme))
            return
        if not self.plan.changed["programme"]:
            return
        before = audit_values(self.programme)
        for name, value in fields.items():
            setattr(self.programme, name, value)
        self.programme.version += 1
        self.programme.save()
        self.event(self.programme, "update", before, audit_values(self.programme))

    # -- filling objects from rows --

    def owner(self, name: str) -> Owner | None:
        return self.owner_by_name.get(name) if name and name != TBD else None

    def fill_owner(self, obj: Owner, v: dict[str, Any]) -> None:
        obj.name, obj.kind, obj.title = v["name"], v["kind"], v["title"]

    def fill_strand(self, obj: Strand, v: dict[str, Any]) -> None:
        obj.code, obj.name, obj.aim, obj.order = v["code"], v["name"], v["aim"], v["order"]
        obj.lead = self.owner(v["lead"])

    def fill_stage(self, obj: Stage, v: dict[str, Any]) -> None:
        obj.code, obj.name, obj.description, obj.order = v["code"], v["name"], v["description"], v["order"]
        obj.start_date, obj.start_tbd = _date_parts(v["start"])
        obj.end_date, obj.end_tbd = _date_parts(v["end"])
        obj.owner = self.owner(v["owner"])

    def fill_project(self, obj: Project, v: dict[str, Any]) -> None:
        obj.code, obj.name, obj.description = v["code"], v["name"], v["description"]
        obj.strand = self.strand_by_code[v["strand"]]
        obj.lead = self.owner(v["lead"])

    def fill_item(self, obj: PlanItem, v: dict[str, Any], *, with_parent: bool = True) -> None:
        obj.uid, obj.level, obj.kind, obj.gate_type = v["uid"], v["level"], v["kind"], v["gate_type"]
        obj.title, obj.team, obj.status, obj.rag = v["title"], v["team"], v["status"], v["rag"]
        obj.percent_complete, obj.order, obj.notes = v["percent_complete"], v["order"], v["notes"]
        obj.strand = self.strand_by_code[v["strand"]]
        obj.project = self.project_by_code[v["project"]] if v["project"] else None
        obj.owner = self.owner(v["owner"])
        obj.owner_tbd = v["owner"] == TBD
        obj.start_date, obj.start_tbd = _date_parts(v["start"])
        obj.end_date, obj.end_tbd = _date_parts(v["end"])
        obj.archived_at, obj.archived_by_id, obj.archive_reason = None, None, ""
        if with_parent:
            obj.parent = self.item_by_uid[v["parent"]] if v["parent"] else None

    def fill_dependency(self, obj: Dependency, v: dict[str, Any]) -> None:
        obj.predecessor = self.item_by_uid[v["predecessor"]]
        obj.successor = self.item_by_uid[v["successor"]]
        obj.type, obj.lag_days = v["type"], v["lag_days"]

    def fill_baseline(self, obj: Baseline, v: dict[str, Any]) -> None:
        obj.name, obj.taken_on, obj.note = v["name"], v["taken"], v["note"]
        if obj.pk is None:
            obj.created_by = self.actor.user

    def fill_baseline_item(self, obj: BaselineItem, v: dict[str, Any]) -> None:
        obj.baseline = self.baseline_by_name[v["baseline"]]
        obj.uid = v["uid"]
        obj.start_date, obj.start_tbd = _date_parts(v["start"])
        obj.end_date, obj.end_tbd = _date_parts(v["end"])
        if obj.pk is None:  # the title is frozen when the baseline item is made
            item = self.item_by_uid.get(obj.uid)
            obj.title = item.title if item else ""

    # -- generic create / update / delete --

    def sync(
        self,
        name: str,
        model: type[models.Model],
        registry: dict[str, Any] | None,
        fill: Callable[[Any, dict[str, Any]], None],
    ) -> None:
        key_column = SHEET_BY_NAME[name].key[0]
        new = []
        for row in self.plan.created[name]:
            obj = model(programme=self.programme) if name != "baseline_items" else model()
            fill(obj, row.values)
            new.append(obj)
            if registry is not None:
                registry[row.values[key_column]] = obj
        self.create_rows(new)
        changed = self.plan.changed[name]
        fields = {f for _obj, _row, changes in changed for c in changes for f in FIELDS[name].get(c.column, ())}
        self.update_rows(
            model, [(obj, row) for obj, row, _changes in changed], fill=lambda o, r: fill(o, r.values), fields=fields
        )

    def delete(self, name: str, model: type[models.Model]) -> None:
        gone = self.plan.removed[name]
        if issubclass(model, ArchivableModel):
            self.archive_rows(model, gone)
        else:
            self.delete_rows(model, gone)

    # -- plan items: created in two passes (parents may be new), archived when gone --

    def write_items(self) -> None:
        name = "plan_items"
        # New lines are created in waves, parents before children, so each is created with its
        # parent already in place (one bulk insert per level of new lines, not one per line).
        pending: list[tuple[PlanItem, dict[str, Any]]] = []
        for row in self.plan.created[name]:
            obj = PlanItem(programme=self.programme)
            self.fill_item(obj, row.values, with_parent=False)
            pending.append((obj, row.values))
        created: list[PlanItem] = []
        waiting_for = {v["uid"] for _, v in pending}
        while pending:
            wave = [(o, v) for o, v in pending if not v["parent"] or v["parent"] not in waiting_for]
            if not wave:  # cannot happen: parent loops are refused when checking
                raise RuntimeError("plan items sit under each other in a loop")
            for obj, v in wave:
                obj.parent = self.item_by_uid[v["parent"]] if v["parent"] else None
            self.insert([o for o, _ in wave])
            for obj, _v in wave:
                self.item_by_uid[obj.uid] = obj
                waiting_for.discard(obj.uid)
                created.append(obj)
            placed = {id(o) for o, _ in wave}
            pending = [(o, v) for o, v in pending if id(o) not in placed]
        for obj in created:
            self.event(obj, AuditEvent.Action.CREATE, None, audit_values(obj))
        changed = self.plan.changed[name]
        fields = {f for _obj, _row, changes in changed for c in changes for f in FIELDS[name].get(c.column, ())}
        self.update_rows(
            PlanItem, [(obj, row) for obj, row, _changes in changed], fill=self.fill_changed_item, fields=fields
        )
        self.archive_rows(PlanItem, self.plan.removed[name])

    def fill_changed_item(self, obj: PlanItem, row: Row) -> None:
        self.fill_item(obj, row.values)


# --- the part ------------------------------------------------------------------------------------


class PlanWorkbook:
    """The programme room's part of the programme workbook (see :class:`improve.core.workbook.WorkbookPart`)."""

    label = "programmes"
    sheets = SHEETS
    identifies = True

    def slug(self, checker: Checker) -> str:
        rows = checker.rows.get("programme") or []
        slug = rows[0].get("slug") if rows else ""
        return slug if isinstance(slug, str) and SLUG_RE.match(slug or "") else ""

    def load(self, ctx: ImportContext) -> None:
        state = programme_state(ctx.slug, lock=ctx.lock) if ctx.slug else ProgrammeState(None)
        ctx.state[self.label] = state
        ctx.programme = state.programme

    def export(self, programme: Programme) -> dict[str, list[dict[str, Any]]]:
        state = programme_state(programme.slug, big_sheets=False)
        sheets = _sheets_from_state(state)
        sheets["plan_items"] = export_plan_rows(programme)
        sheets["dependencies"] = export_dependency_rows(programme)
        return sheets

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        _validate(checker, ctx.state[self.label], by_key, expect_slug=ctx.expect_slug)

    def compare(self, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
        _compare(ctx.state[self.label], by_key, plan)

    def write(self, ctx: ImportContext, plan: Plan, rows: Mapping[str, list[Row]]) -> None:
        programme_rows = rows.get("programme") or []
        writer = _Writer(ctx.actor, ctx.state[self.label], plan, programme_rows[0] if programme_rows else None)
        writer.run()
        ctx.programme = writer.programme
        ctx.events.extend(writer.events)


PLAN_WORKBOOK = PlanWorkbook()
