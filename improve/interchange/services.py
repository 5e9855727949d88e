"""Import and export of the programme workbook (``docs/workbook.md``).

:func:`workbook_import` checks every sheet first and writes nothing if anything is wrong; otherwise
it brings the programme into line with the workbook in one transaction: rows are created, changed
or removed (plan items archived, never deleted), with one audit event per object written.

Every row is turned into canonical values (see :mod:`improve.interchange.schema`) and compared with
the same canonical values made from the database by :func:`workbook_export`, so importing an
exported workbook changes nothing.

The rules checked here are the models' ``clean()`` rules, in bulk: ``full_clean()`` per row is too
slow for plans of thousands of lines. Keep the two in step.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from improve.core.audit import Actor, audit_values
from improve.core.audit import event as audit_event
from improve.core.audit import record_many as audit_record_many
from improve.core.dates import TBD, PlanDateError, parse_plan_date
from improve.core.models import ArchivableModel, AuditEvent, TimeStampedModel
from improve.interchange import selectors
from improve.interchange.limits import MAX_PROBLEMS_LISTED
from improve.interchange.schema import (
    CHOICE,
    DATE,
    INT,
    PLANDATE,
    SHEET_BY_NAME,
    SHEET_NAMES,
    SHEETS,
    Column,
    SheetSpec,
)
from improve.interchange.selectors import ProgrammeState
from improve.interchange.workbook import (
    Sheet,
    cell_text,
    collector_paused,
    sheets_from_dicts,
    write_workbook,
    xlsx_bytes,
)
from improve.programmes.graph import find_cycle
from improve.programmes.models import (
    Baseline,
    BaselineItem,
    Dependency,
    ItemKind,
    Owner,
    PlanItem,
    Programme,
    Project,
    Stage,
    Status,
    Strand,
)

VIA = "workbook import"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INT_RE = re.compile(r"^[+-]?\d+$")
# Control characters that an .xlsx file cannot hold, NUL among them (PostgreSQL refuses it in text).
# Tab, line feed and carriage return are text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_DIGITS = 20  # a whole number with more digits is out of every column's range
UPDATE_BATCH = 500
MAX_LOOPS_REPORTED = 50
SHOW_UIDS = 10


# --- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the workbook. ``row`` is None when the problem is not on one row."""

    sheet: str
    row: int | None
    column: str
    message: str

    @property
    def row_label(self) -> str:
        return "–" if self.row is None else str(self.row)

    def __str__(self) -> str:
        return f"{self.sheet} / row {self.row_label} / {self.column or '–'} / {self.message}"


@dataclass(frozen=True)
class FieldChange:
    column: str
    before: str
    after: str


@dataclass
class Change:
    key: str
    fields: list[FieldChange]


@dataclass
class SheetChanges:
    sheet: str
    created: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def removal_word(self) -> str:
        return "removed" if self.sheet in ("dependencies", "baseline_items") else "archived"

    @property
    def has_changes(self) -> bool:
        return bool(self.created or self.changed or self.removed)


@dataclass
class ImportResult:
    slug: str
    problems: list[Problem] = field(default_factory=list)
    sheets: list[SheetChanges] = field(default_factory=list)
    dry_run: bool = False
    applied: bool = False
    programme: Programme | None = None
    events: int = 0
    problems_not_listed: int = 0  # problems found past the first MAX_PROBLEMS_LISTED

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.problems_not_listed

    @property
    def problems_not_listed_text(self) -> str:
        """``and 5,812 more`` (empty when every problem is listed)."""
        return f"and {self.problems_not_listed:,} more" if self.problems_not_listed else ""

    @property
    def has_changes(self) -> bool:
        return any(s.has_changes for s in self.sheets)

    def sheet(self, name: str) -> SheetChanges:
        for s in self.sheets:
            if s.sheet == name:
                return s
        return SheetChanges(name)

    @property
    def created_count(self) -> int:
        return sum(len(s.created) for s in self.sheets)

    @property
    def changed_count(self) -> int:
        return sum(len(s.changed) for s in self.sheets)

    @property
    def removed_count(self) -> int:
        return sum(len(s.removed) for s in self.sheets)

    def summary(self) -> str:
        return f"{self.created_count} created, {self.changed_count} changed, {self.removed_count} removed"


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


def workbook_export(*, programme: Programme) -> dict[str, list[dict[str, Any]]]:
    """The programme as workbook sheets: ``{sheet: [{column: canonical value}]}``.

    Plan items that are archived are left out (a workbook holds the current plan). Values are
    canonical: text as ``str``, whole numbers as ``int``, dates as :class:`datetime.date`, ``"TBD"``,
    or ``None`` for no date.
    """
    state = selectors.programme_state(programme.slug, big_sheets=False)
    sheets = _sheets_from_state(state)
    sheets["plan_items"] = selectors.export_plan_rows(programme)
    sheets["dependencies"] = selectors.export_dependency_rows(programme)
    return sheets


def workbook_export_xlsx(*, programme: Programme) -> bytes:
    return xlsx_bytes(workbook_export(programme=programme))


def workbook_export_to(*, programme: Programme, target: str | os.PathLike[str]) -> Path:
    """Write the workbook to ``target``: an ``.xlsx`` file, or else a folder of CSV files."""
    return write_workbook(workbook_export(programme=programme), target)


# --- reading cells -------------------------------------------------------------------------------

_BAD = object()  # a cell that could not be read (its problem is already recorded)


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.strftime("%d/%m/%Y") if raw.time() == dt.time() else raw.strftime("%d/%m/%Y %H:%M")
    if isinstance(raw, dt.date):
        return raw.strftime("%d/%m/%Y")
    return str(raw).strip()


def _choice_key(text: str) -> str:
    return "_".join(text.lower().replace("-", " ").split())


def _short_number(text: str) -> str:
    """A number as typed, shortened if it is long: ``99999999… (5,000 digits)``."""
    if len(text) <= MAX_DIGITS:
        return text
    sign, body = ("-", text[1:]) if text.startswith("-") else ("", text.lstrip("+"))
    unit = "digits" if body.isdigit() else "characters"
    return f"{sign}{body[:8]}… ({len(body):,} {unit})"


def _whole_number(raw: Any) -> tuple[float | None, str]:
    """``(number, as shown in a message)`` for a cell meant to hold a whole number.

    The number is an ``int``, ``±inf`` for one with more digits than any column allows (never
    passed to ``int()``, which refuses 4,300 digits or more), or ``None`` if it is not a whole number.
    """
    if isinstance(raw, bool):
        return None, _text(raw)
    if isinstance(raw, int):
        if raw.bit_length() > 64:  # str() of it might fail, and it is out of range anyway
            return (math.inf if raw > 0 else -math.inf), "A number of more than 20 digits"
        return raw, _short_number(str(raw))
    text = _text(raw)
    if INT_RE.match(text):
        digits = text.lstrip("+-").lstrip("0")
        if len(digits) > MAX_DIGITS:
            return (-math.inf if text.startswith("-") else math.inf), _short_number(text)
        number = int(digits or "0")
        return (-number if text.startswith("-") else number), _short_number(text)
    if isinstance(raw, float):
        if math.isinf(raw):
            return raw, _short_number(text)
        return (int(raw), _short_number(str(int(raw)))) if raw.is_integer() else (None, _short_number(text))
    try:  # exactly, as typed: "1.0" and "1e3" are whole numbers, "1.999…9" is not
        exact = Decimal(text)
    except InvalidOperation:
        return None, _short_number(text)
    if exact.is_nan():
        return None, _short_number(text)
    if exact.is_infinite() or exact.adjusted() >= MAX_DIGITS:
        return (-math.inf if exact < 0 else math.inf), _short_number(text)
    if exact != exact.to_integral_value():
        return None, _short_number(text)
    number = int(exact)
    return number, _short_number(str(number))


def _out_of_range(shown: str, number: float, lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None and hi < 1000:
        return f"{shown} is outside {lo}–{hi}: enter a whole number from {lo} to {hi}"
    word = "too large" if hi is not None and number > hi else "negative" if lo == 0 else "too small"
    if lo is not None and hi is not None:
        return f"{shown} is {word}: enter a whole number from {lo:,} to {hi:,}"
    return f"{shown} is {word}: enter {lo:,} or more" if lo is not None else f"{shown} is {word}: enter {hi:,} or less"


def _parse_cell(col: Column, raw: Any) -> tuple[Any, str | None]:
    """``(canonical value, problem)`` for one cell."""
    if isinstance(raw, str) and (control := CONTROL_RE.search(raw)):
        return _BAD, (
            f"The text has a control character U+{ord(control.group()):04X} (character {control.start() + 1}), "
            "which Excel and the database cannot hold: remove it"
        )
    if col.type in (DATE, PLANDATE):
        try:
            value, tbd = parse_plan_date(raw)
        except PlanDateError as exc:
            if col.type == DATE:
                return _BAD, f"'{_text(raw)}' is not a date: use dd/mm/yyyy (for example 18/04/2019)"
            return _BAD, str(exc)
        if tbd:
            if col.type == DATE:
                return _BAD, "TBD is not allowed here: enter a date (dd/mm/yyyy) or leave it empty"
            return TBD, None
        if value is None and col.required:
            return _BAD, "A value is required: enter a date (dd/mm/yyyy)"
        return value, None
    if col.type == INT:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return (_BAD, "A value is required: enter a whole number") if col.required else (None, None)
        number, shown = _whole_number(raw)
        if number is None:
            return _BAD, f"'{shown}' is not a whole number"
        lo, hi = col.minimum, col.maximum
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            return _BAD, _out_of_range(shown, number, lo, hi)
        return number, None
    text = _text(raw)
    if not text:
        return ("", "A value is required") if col.required else ("", None)
    if col.type == CHOICE:
        wanted = _choice_key(text)
        for choice in col.choices:
            if _choice_key(choice) == wanted:
                return choice, None
        return _BAD, f"'{text}' is not allowed: use one of {', '.join(col.choices)}"
    if col.max_length and len(text) > col.max_length:
        return _BAD, f"This is too long: at most {col.max_length} characters (it has {len(text)})"
    return text, None


# --- checking -----------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    bad: bool = False

    def get(self, column: str) -> Any:
        return self.values.get(column)

    def good(self, column: str) -> bool:
        value = self.values.get(column)
        return value is not _BAD and value not in ("", None)


def _key(spec: SheetSpec, values: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(k) for k in spec.key)


def _key_label(spec: SheetSpec, key: tuple[Any, ...]) -> str:
    sep = " → " if spec.name == "dependencies" else " / "
    return sep.join(str(k) for k in key)


def _display(value: Any) -> str:
    return cell_text(value)


def _uids(items: Iterable[str]) -> str:
    items = sorted(items, key=lambda u: (len(u), u))
    more = f" and {len(items) - SHOW_UIDS} more" if len(items) > SHOW_UIDS else ""
    return ", ".join(items[:SHOW_UIDS]) + more


class _Checker:
    """Reads the sheets into canonical rows and collects every problem."""

    def __init__(self, sheets: Mapping[str, Sheet]) -> None:
        self.sheets = sheets
        self.problems: list[Problem] = []
        self.rows: dict[str, list[_Row]] = {}
        self.present: set[str] = set()
        self.broken: set[str] = set()  # sheets whose keys cannot be read

    def add(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    # -- structure and cells --

    def read(self) -> None:
        for name, sheet in self.sheets.items():
            if name not in SHEET_BY_NAME:
                self.add(
                    sheet.title or name,
                    None,
                    "",
                    f"There is no sheet called '{sheet.title or name}' in a programme workbook: "
                    f"the sheets are {', '.join(SHEET_NAMES)}",
                )
        for spec in SHEETS:
            found = self.sheets.get(spec.name)
            if found is None:
                self.rows[spec.name] = []
                if spec.required_sheet:
                    self.add(spec.name, None, "", f"The workbook has no '{spec.name}' sheet")
                    self.broken.add(spec.name)
                continue
            self.present.add(spec.name)
            self.rows[spec.name] = self._read_sheet(spec, found)

    def _read_sheet(self, spec: SheetSpec, sheet: Sheet) -> list[_Row]:
        seen: set[str] = set()
        for column in sheet.columns:
            if not column:
                continue
            if column in seen:
                self.add(spec.name, 1, column, "This column appears more than once")
            seen.add(column)
            if column.startswith("(column "):
                self.add(spec.name, 1, column, "This column has values but no name in row 1")
            elif column not in spec.by_name:
                self.add(
                    spec.name,
                    1,
                    column,
                    f"'{column}' is not a column of the {spec.name} sheet: "
                    f"the columns are {', '.join(spec.column_names)}",
                )
        present = {c.name for c in spec.columns if c.name in seen}
        for col in spec.columns:
            if col.required and col.name not in seen:
                self.add(spec.name, 1, col.name, f"The column '{col.name}' is missing: it is required")
                if col.name in spec.key:
                    self.broken.add(spec.name)
        rows: list[_Row] = []
        for position, source in enumerate(sheet.rows, start=1):
            values: dict[str, Any] = {}
            bad = False
            for col in spec.columns:
                if col.name not in present:
                    values[col.name] = None if col.type in (INT, DATE, PLANDATE) else ""
                    continue
                value, problem = _parse_cell(col, source.values.get(col.name))
                problem = problem or col.check(value)
                if problem:
                    self.add(spec.name, source.number, col.name, problem)
                    bad = True
                    if value == "":
                        value = _BAD
                values[col.name] = value
            owner = values.get("owner")
            if spec.name == "plan_items" and isinstance(owner, str) and owner.upper() == TBD:
                values["owner"] = TBD
            # Defaults for empty optional numbers.
            if "order" in spec.by_name and values.get("order") is None:
                values["order"] = position
            for column, default in (("percent_complete", 0), ("lag_days", 0)):
                if column in spec.by_name and values.get(column) is None:
                    values[column] = default
            rows.append(_Row(source.number, values, bad))
        return rows

    def keys(self) -> dict[str, dict[tuple[Any, ...], _Row]]:
        """Each sheet's rows by key; a repeated key is a problem."""
        out: dict[str, dict[tuple[Any, ...], _Row]] = {}
        for spec in SHEETS:
            by_key: dict[tuple[Any, ...], _Row] = {}
            for row in self.rows[spec.name]:
                key = _key(spec, row.values)
                if any(k is _BAD or k in ("", None) for k in key):
                    continue
                if key in by_key:
                    label = _key_label(spec, key)
                    what = " and ".join(spec.key)
                    self.add(
                        spec.name,
                        row.number,
                        spec.key[-1],
                        f"'{label}' is already on row {by_key[key].number}: each {what} must appear once",
                    )
                    continue
                by_key[key] = row
            out[spec.name] = by_key
        return out


def _known(names: Iterable[str]) -> dict[str, str]:
    return {n.casefold(): n for n in names}


class _Plan:
    """What an import will do: rows to create, change and remove for each sheet."""

    def __init__(self) -> None:
        self.created: dict[str, list[_Row]] = defaultdict(list)
        self.changed: dict[str, list[tuple[Any, _Row, list[FieldChange]]]] = defaultdict(list)
        self.removed: dict[str, list[Any]] = defaultdict(list)
        self.programme_row: _Row | None = None


def _validate(
    checker: _Checker, state: ProgrammeState, *, expect_slug: str | None
) -> dict[str, dict[tuple[Any, ...], _Row]]:
    add = checker.add
    rows = checker.rows
    by_key = checker.keys()

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

    def ref(sheet: str, row: _Row, column: str, known: set[str] | None, what: str, allow: tuple[str, ...] = ()) -> None:
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
    dep_rows: dict[tuple[str, str], _Row] = {}
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
    return by_key


def _check_dates(checker: _Checker, sheet: str, row: _Row) -> None:
    start, end = row.get("start"), row.get("end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        checker.add(sheet, row.number, "end", f"The end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}")


def _report_loops(
    checker: _Checker, edges: list[tuple[str, str]], sheet: str, column: str, rows: Mapping[Any, _Row], template: str
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


def _check_removals(checker: _Checker, state: ProgrammeState, by_key: dict[str, dict[tuple[Any, ...], _Row]]) -> None:
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
                f"(uids {_uids(uids)}) still refer to it: keep the {word} in the sheet",
            )


# --- comparing -----------------------------------------------------------------------------------


def _diff(
    plan: _Plan,
    spec: SheetSpec,
    rows: dict[tuple[Any, ...], _Row],
    existing: Iterable[tuple[Any, dict[str, Any]]],
    *,
    archived: Callable[[Any], bool] | None = None,
) -> None:
    current: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}
    for obj, values in existing:
        current[_key(spec, values)] = (obj, values)
    for key, row in rows.items():
        found = current.get(key)
        if found is None:
            plan.created[spec.name].append(row)
            continue
        obj, before = found
        changes = [
            FieldChange(c, _display(before[c]), _display(row.values[c]))
            for c in spec.column_names
            if before[c] != row.values[c]
        ]
        if archived is not None and archived(obj):
            changes.append(FieldChange("archived", "yes", "no"))
        if changes:
            plan.changed[spec.name].append((obj, row, changes))
    for key, (obj, _values) in current.items():
        if key not in rows and not (archived is not None and archived(obj)):
            plan.removed[spec.name].append(obj)


def _compare(
    state: ProgrammeState, by_key: dict[str, dict[tuple[Any, ...], _Row]], rows: dict[str, list[_Row]]
) -> _Plan:
    plan = _Plan()
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
    plan.programme_row = rows["programme"][0] if rows["programme"] else None
    for spec in SHEETS:
        keyed = by_key[spec.name]
        if spec.name == "programme":
            keyed = dict(list(keyed.items())[:1])
        _diff(
            plan,
            spec,
            keyed,
            exported[spec.name],
            archived=lambda o: bool(getattr(o, "archived", False)),
        )
    return plan


def _result_sheets(plan: _Plan) -> list[SheetChanges]:
    out = []
    for spec in SHEETS:

        def label(values: Mapping[str, Any], spec: SheetSpec = spec) -> str:
            return _key_label(spec, _key(spec, values))

        removed_rows = ROW_OF[spec.name]
        out.append(
            SheetChanges(
                spec.name,
                created=[label(r.values) for r in plan.created[spec.name]],
                changed=[Change(label(r.values), changes) for _obj, r, changes in plan.changed[spec.name]],
                removed=[label(removed_rows(o)) for o in plan.removed[spec.name]],
            )
        )
    return out


# --- writing -------------------------------------------------------------------------------------

ARCHIVE_FIELDS = ("archived_at", "archived_by", "archive_reason")

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


class _Writer:
    def __init__(self, actor: Actor, state: ProgrammeState, plan: _Plan) -> None:
        self.actor = Actor(user=actor.user, via=VIA)
        self.state = state
        self.plan = plan
        self.events: list[AuditEvent] = []
        self.programme: Programme = state.programme  # type: ignore[assignment]
        self.owner_by_name = {o.name: o for o in state.owners}
        self.strand_by_code = {s.code: s for s in state.strands}
        self.project_by_code = {p.code: p for p in state.projects}
        self.item_by_uid = {i.uid: i for i in state.items}
        self.baseline_by_name = {b.name: b for b in state.baselines}
        self.now = timezone.now()

    def event(self, obj: models.Model, action: str, before: Any, after: Any) -> None:
        self.events.append(
            audit_event(
                actor=self.actor, programme_id=self.programme.pk, obj=obj, action=action, before=before, after=after
            )
        )

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
        audit_record_many(self.events)

    # -- programme --

    def write_programme(self) -> None:
        row = self.plan.programme_row
        assert row is not None
        v = row.values
        fields = {
            "council": v["council"],
            "name": v["name"],
            "strand_term": v["strand_term"],
            "start_date": v["start"],
            "end_date": v["end"],
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
            if isinstance(obj, TimeStampedModel):
                obj.created_by_id = obj.modified_by_id = self.actor.user_id
            new.append((obj, row))
        if new:
            model._base_manager.bulk_create([o for o, _ in new], batch_size=UPDATE_BATCH)
            for obj, row in new:
                if registry is not None:
                    registry[row.values[key_column]] = obj
                self.event(obj, "create", None, audit_values(obj))
        changed = self.plan.changed[name]
        if changed:
            update_fields: set[str] = set()
            for obj, row, changes in changed:
                before = audit_values(obj)
                restoring = bool(getattr(obj, "archived", False))
                fill(obj, row.values)
                if restoring:
                    obj.archived_at, obj.archived_by_id, obj.archive_reason = None, None, ""
                    update_fields.update(ARCHIVE_FIELDS)
                for change in changes:
                    update_fields.update(FIELDS[name].get(change.column, ()))
                self.event(obj, "restore" if restoring else "update", before, audit_values(obj))
            model._base_manager.bulk_update([c[0] for c in changed], sorted(update_fields), batch_size=UPDATE_BATCH)

    def delete(self, name: str, model: type[models.Model]) -> None:
        gone = self.plan.removed[name]
        if not gone:
            return
        if issubclass(model, ArchivableModel):
            for obj in gone:
                before = audit_values(obj)
                self.archive(obj)
                self.event(obj, "archive", before, audit_values(obj))
            model.all_objects.bulk_update(gone, sorted(ARCHIVE_FIELDS), batch_size=UPDATE_BATCH)
            return
        for obj in gone:
            self.event(obj, "delete", audit_values(obj), None)
        model._base_manager.filter(pk__in=[o.pk for o in gone]).delete()

    def archive(self, obj: Any) -> None:
        obj.archived_at, obj.archived_by_id, obj.archive_reason = self.now, self.actor.user_id, "not in the workbook"

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
            PlanItem.objects.bulk_create([o for o, _ in wave], batch_size=UPDATE_BATCH)
            for obj, _v in wave:
                self.item_by_uid[obj.uid] = obj
                waiting_for.discard(obj.uid)
                created.append(obj)
            placed = {id(o) for o, _ in wave}
            pending = [(o, v) for o, v in pending if id(o) not in placed]
        for obj in created:
            self.event(obj, "create", None, audit_values(obj))
        changed = self.plan.changed[name]
        update_fields: set[str] = {"version", "modified_at", "modified_by"}
        touched: list[PlanItem] = []
        for obj, row, changes in changed:
            before = audit_values(obj)
            restoring = obj.archived
            self.fill_item(obj, row.values)
            obj.version += 1
            obj.modified_at, obj.modified_by_id = self.now, self.actor.user_id
            if restoring:
                update_fields.update(ARCHIVE_FIELDS)
            for change in changes:
                update_fields.update(FIELDS[name].get(change.column, ()))
            self.event(obj, "restore" if restoring else "update", before, audit_values(obj))
            touched.append(obj)
        for obj in self.plan.removed[name]:
            before = audit_values(obj)
            self.archive(obj)
            obj.version += 1
            obj.modified_at, obj.modified_by_id = self.now, self.actor.user_id
            update_fields.update(ARCHIVE_FIELDS)
            self.event(obj, "archive", before, audit_values(obj))
            touched.append(obj)
        if touched:
            PlanItem.all_objects.bulk_update(touched, sorted(update_fields), batch_size=UPDATE_BATCH)


def _sorted(problems: list[Problem]) -> list[Problem]:
    """In workbook order: sheet by sheet, row by row, column by column."""

    def key(p: Problem) -> tuple[int, int, int]:
        spec = SHEET_BY_NAME.get(p.sheet)
        sheet = SHEET_NAMES.index(p.sheet) if spec else len(SHEET_NAMES)
        column = spec.column_names.index(p.column) if spec and p.column in spec.by_name else -1
        return sheet, -1 if p.row is None else p.row, column

    return sorted(problems, key=key)


# --- the service ---------------------------------------------------------------------------------


@collector_paused()
@transaction.atomic
def workbook_import(
    *, actor: Actor, sheets: Mapping[str, Any], dry_run: bool = False, expect_slug: str | None = None
) -> ImportResult:
    """Check the workbook ``sheets`` and, if nothing is wrong, bring the programme into line.

    ``sheets`` is what :func:`improve.interchange.workbook.read_workbook` returns, or
    ``{sheet: [row dict, ...]}`` as :func:`workbook_export` returns. With ``dry_run`` nothing is
    written; the result says what would be created, changed and removed. ``expect_slug`` (the
    programme page an upload was made on) must match the workbook's slug.
    """
    checker = _Checker(sheets_from_dicts(sheets))
    checker.read()
    programme_rows = checker.rows["programme"]
    slug = programme_rows[0].get("slug") if programme_rows else ""
    slug = slug if isinstance(slug, str) and SLUG_RE.match(slug or "") else ""
    state = selectors.programme_state(slug, lock=not dry_run) if slug else ProgrammeState(None)
    by_key = _validate(checker, state, expect_slug=expect_slug)
    problems = _sorted(checker.problems)
    result = ImportResult(
        slug=slug,
        problems=problems[:MAX_PROBLEMS_LISTED],
        problems_not_listed=max(len(problems) - MAX_PROBLEMS_LISTED, 0),
        dry_run=dry_run,
        programme=state.programme,
    )
    if checker.problems:
        return result
    plan = _compare(state, by_key, checker.rows)
    result.sheets = _result_sheets(plan)
    if dry_run or not result.has_changes:
        return result
    writer = _Writer(actor, state, plan)
    writer.run()
    result.applied = True
    result.programme = writer.programme
    result.events = len(writer.events)
    return result
