"""The programme workbook's shared machinery: sheets, columns, reading rows, problems, changes.

A room describes its sheets (:class:`SheetSpec`, :class:`Column`) and brings a
:class:`WorkbookPart` that loads what the database holds, exports it as canonical rows, checks
rows across sheets and writes them through the room's own rules. The interchange room reads and
writes files and walks the registry's parts; it names no sheet of any room.

Canonical values: text as ``str`` (``""`` when empty), whole numbers as ``int``, dates as
:class:`datetime.date` or ``None``, plan dates also ``"TBD"``, choices as one of their values. The
importer turns every row into these, and the exporter produces the same, so an exported workbook
compares equal to what the importer reads back.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import ValidationError

from improve.core.dates import TBD, PlanDateError, parse_plan_date

INT_RE = re.compile(r"^[+-]?\d+$")
# Control characters that an .xlsx file cannot hold, NUL among them (PostgreSQL refuses it in text).
# Tab, line feed and carriage return are text.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_DIGITS = 20  # a whole number with more digits is out of every column's range
SHOW_KEYS = 10
DATE_FORMAT = "%d/%m/%Y"


def cell_text(value: Any) -> str:
    """A canonical value as text: dates ``dd/mm/yyyy``, empty for ``None``."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    return str(value)


TEXT, INT, DATE, PLANDATE, CHOICE = "text", "int", "date", "plandate", "choice"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    multiline: bool = False
    width: int = 14
    validator: Callable[[Any], None] | None = None
    #: the value of an empty cell of an optional whole-number column (``None``: none)
    default: int | None = None
    #: an empty ``order`` cell takes the row's position in the sheet
    default_position: bool = False
    #: a text column that also takes ``TBD`` (in any case), kept as ``"TBD"``
    tbd: bool = False
    #: the permission a member needs to set or change this column by import, beyond the sheet's
    #: (e.g. the finance lead's "close a period"); empty: the sheet's own (:func:`refused`)
    change_perm: str = ""

    def check(self, value: Any) -> str | None:
        """What is wrong with a value read from this column, by its ``validator``; None if nothing."""
        if self.validator is None or value in ("", None, TBD):
            return None
        try:
            self.validator(value)
        except ValidationError as exc:
            return " ".join(exc.messages)
        return None


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required_sheet: bool = True
    width_default: int = 14
    #: how a key of several columns is written: ``a / b``, or ``a → b`` for links
    key_separator: str = " / "
    #: what happens to a row missing from the sheet: "archived" or "removed"
    removal: str = "archived"
    #: the permission a member needs to add, change or remove this sheet's rows by import, as on
    #: the room's pages (the import door's own permission is not enough); empty: none beyond it
    change_perm: str = ""
    by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


MAX_INT = 2_147_483_647


def normalise_name(name: object) -> str:
    """A sheet or column name as the workbook keys it: ``Plan items`` → ``plan_items``."""
    if name is None:
        return ""
    return "_".join(str(name).strip().lower().replace("-", " ").split())


# --- results ------------------------------------------------------------------------------------


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
    removal_word: str = "archived"
    created: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

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
    programme: Any = None
    events: int = 0
    problems_not_listed: int = 0  # problems found past the first MAX_PROBLEMS_LISTED
    #: things worth knowing that do not stop the import (e.g. a funding rule an allocation breaks)
    warnings: list[Problem] = field(default_factory=list)

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


# --- reading cells --------------------------------------------------------------------------------

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


def _choicekey_of(text: str) -> str:
    return "_".join(text.lower().replace("-", " ").split())


@functools.cache
def _choices_by_key(choices: tuple[str, ...]) -> dict[str, str]:
    """A column's choices by the key a cell is matched on (the first choice of a key wins)."""
    found: dict[str, str] = {}
    for choice in choices:
        found.setdefault(_choicekey_of(choice), choice)
    return found


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
        lo, hi = col.minimum, col.maximum
        if (  # the common case, first: a whole number in range, no text to make of it
            raw.__class__ is int and raw.bit_length() <= 64 and (lo is None or raw >= lo) and (hi is None or raw <= hi)
        ):
            return raw, None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return (_BAD, "A value is required: enter a whole number") if col.required else (None, None)
        number, shown = _whole_number(raw)
        if number is None:
            return _BAD, f"'{shown}' is not a whole number"
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            return _BAD, _out_of_range(shown, number, lo, hi)
        return number, None
    text = _text(raw)
    if not text:
        return ("", "A value is required") if col.required else ("", None)
    if col.type == CHOICE:
        if text in col.choices:  # the common case, first
            return text, None
        found = _choices_by_key(col.choices).get(_choicekey_of(text))
        if found is not None:
            return found, None
        return _BAD, f"'{text}' is not allowed: use one of {', '.join(col.choices)}"
    if col.max_length and len(text) > col.max_length:
        return _BAD, f"This is too long: at most {col.max_length} characters (it has {len(text)})"
    return text, None


# --- checking -------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    bad: bool = False

    def get(self, column: str) -> Any:
        return self.values.get(column)

    def good(self, column: str) -> bool:
        value = self.values.get(column)
        return value is not _BAD and value not in ("", None)


def key_of(spec: SheetSpec, values: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(values.get(k) for k in spec.key)


def key_label(spec: SheetSpec, key: tuple[Any, ...]) -> str:
    return spec.key_separator.join(str(k) for k in key)


def list_keys(items: Iterable[str]) -> str:
    items = sorted(items, key=lambda u: (len(u), u))
    more = f" and {len(items) - SHOW_KEYS} more" if len(items) > SHOW_KEYS else ""
    return ", ".join(items[:SHOW_KEYS]) + more


class Checker:
    """Reads the sheets into canonical rows and collects every problem."""

    def __init__(self, specs: Sequence[SheetSpec], sheets: Mapping[str, Any]) -> None:
        self.specs = list(specs)
        self.spec_by_name = {spec.name: spec for spec in self.specs}
        self.sheets = sheets
        self.problems: list[Problem] = []
        #: named like problems, but the import still goes ahead (:meth:`warn`)
        self.warnings: list[Problem] = []
        self.rows: dict[str, list[Row]] = {}
        self.present: set[str] = set()
        self.broken: set[str] = set()  # sheets whose keys cannot be read

    def add(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.problems.append(Problem(sheet, row, column, message))

    def warn(self, sheet: str, row: int | None, column: str, message: str) -> None:
        """Note something the user should see that does not stop the import (a flagged, allowed breach)."""
        self.warnings.append(Problem(sheet, row, column, message))

    # -- structure and cells --

    def read(self) -> None:
        for name, sheet in self.sheets.items():
            if name not in self.spec_by_name:
                self.add(
                    sheet.title or name,
                    None,
                    "",
                    f"There is no sheet called '{sheet.title or name}' in a programme workbook: "
                    f"the sheets are {', '.join(self.spec_by_name)}",
                )
        for spec in self.specs:
            found = self.sheets.get(spec.name)
            if found is None:
                self.rows[spec.name] = []
                if spec.required_sheet:
                    self.add(spec.name, None, "", f"The workbook has no '{spec.name}' sheet")
                    self.broken.add(spec.name)
                continue
            self.present.add(spec.name)
            self.rows[spec.name] = self._read_sheet(spec, found)

    def _read_sheet(self, spec: SheetSpec, sheet: Any) -> list[Row]:
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
        rows: list[Row] = []
        for position, source in enumerate(sheet.rows, start=1):
            values: dict[str, Any] = {}
            bad = False
            for col in spec.columns:
                if col.name not in present:
                    values[col.name] = None if col.type in (INT, DATE, PLANDATE) else ""
                    continue
                value, problem = _parse_cell(col, source.values.get(col.name))
                if problem is None and col.validator is not None:
                    problem = col.check(value)
                if problem:
                    self.add(spec.name, source.number, col.name, problem)
                    bad = True
                    if value == "":
                        value = _BAD
                values[col.name] = value
            for col in spec.columns:
                value = values.get(col.name)
                if col.tbd and isinstance(value, str) and value.upper() == TBD:
                    values[col.name] = TBD
                elif value is None and col.default_position:
                    values[col.name] = position
                elif value is None and col.default is not None:
                    values[col.name] = col.default
            rows.append(Row(source.number, values, bad))
        return rows

    def keys(self) -> dict[str, dict[tuple[Any, ...], Row]]:
        """Each sheet's rows by key; a repeated key is a problem."""
        out: dict[str, dict[tuple[Any, ...], Row]] = {}
        for spec in self.specs:
            by_key: dict[tuple[Any, ...], Row] = {}
            for row in self.rows[spec.name]:
                key = key_of(spec, row.values)
                if any(k is _BAD or k in ("", None) for k in key):
                    continue
                if key in by_key:
                    label = key_label(spec, key)
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


def known(names: Iterable[str]) -> dict[str, str]:
    return {n.casefold(): n for n in names}


class Plan:
    """What an import will do: rows to create, change and remove for each sheet."""

    def __init__(self) -> None:
        self.created: dict[str, list[Row]] = defaultdict(list)
        self.changed: dict[str, list[tuple[Any, Row, list[FieldChange]]]] = defaultdict(list)
        self.removed: dict[str, list[Any]] = defaultdict(list)
        self.removed_keys: dict[str, list[tuple[Any, ...]]] = defaultdict(list)

    def touches(self, specs: Iterable[SheetSpec]) -> bool:
        """Whether the import creates, changes or removes anything in these sheets (a part with
        nothing to write can skip reading what writing would need)."""
        return any(
            self.created.get(spec.name) or self.changed.get(spec.name) or self.removed.get(spec.name) for spec in specs
        )


# --- comparing ------------------------------------------------------------------------------------


def diff(
    plan: Plan,
    spec: SheetSpec,
    rows: dict[tuple[Any, ...], Row],
    existing: Iterable[tuple[Any, dict[str, Any]]],
    *,
    archived: Callable[[Any], bool] | None = None,
) -> None:
    """Record in ``plan`` which ``rows`` are new, which differ from ``existing`` and which are gone.

    ``existing`` pairs each database object with its canonical row. An archived object (by
    ``archived``) that is back in the sheet is changed (restored); one still missing stays as it is.
    """
    if archived is None:
        archived = _is_archived
    current: dict[tuple[Any, ...], tuple[Any, dict[str, Any]]] = {}
    for obj, values in existing:
        current[key_of(spec, values)] = (obj, values)
    for key, row in rows.items():
        found = current.get(key)
        if found is None:
            plan.created[spec.name].append(row)
            continue
        obj, before = found
        changes = [
            FieldChange(c, cell_text(before[c]), cell_text(row.values[c]))
            for c in spec.column_names
            if before[c] != row.values[c]
        ]
        if archived is not None and archived(obj):
            changes.append(FieldChange("archived", "yes", "no"))
        if changes:
            plan.changed[spec.name].append((obj, row, changes))
    for key, (obj, _values) in current.items():
        if key not in rows and not archived(obj):
            plan.removed[spec.name].append(obj)
            plan.removed_keys[spec.name].append(key)


def _is_archived(obj: Any) -> bool:
    return bool(getattr(obj, "archived", False))


def refused(
    plan: Plan, specs: Sequence[SheetSpec], may: Callable[[str], bool], describe: Callable[[str], str]
) -> list[Problem]:
    """What in ``plan`` the importer may not write: a problem for each row (and column) needing a
    permission ``may`` says they lack (:attr:`SheetSpec.change_perm`, :attr:`Column.change_perm`).

    Rows left as exported are no change, so a member may import a whole workbook and change only
    the sheets their role keeps. ``describe(perm)`` words a permission for the message. In workbook order.
    """
    out: list[Problem] = []
    for spec in specs:
        guarded = {c.name: c for c in spec.columns if c.change_perm}
        whole = spec.change_perm and not may(spec.change_perm)

        def refuse(row: int | None, column: str, perm: str, what: str, spec: SheetSpec = spec) -> None:
            out.append(
                Problem(
                    spec.name, row, column, f"{what} needs the permission to {describe(perm)}: leave it as exported"
                )
            )

        for row in plan.created[spec.name]:
            if whole:
                refuse(row.number, "", spec.change_perm, "Adding this row")
                continue
            for name, column in guarded.items():
                value = row.values.get(name)
                if value not in ("", None, column.default) and not may(column.change_perm):
                    refuse(row.number, name, column.change_perm, f"Setting {name} to {cell_text(value)}")
        for _obj, row, changes in plan.changed[spec.name]:
            for change in changes:
                column_perm = guarded[change.column].change_perm if change.column in guarded else ""
                perm = column_perm or spec.change_perm
                if perm and not may(perm):
                    refuse(row.number, change.column, perm, f"Changing {change.column} from {change.before or 'blank'}")
        if whole:
            for key in plan.removed_keys[spec.name]:
                refuse(
                    None,
                    "",
                    spec.change_perm,
                    f"Leaving out the row {key_label(spec, key)} ({spec.removal} if imported)",
                )
    return sort_problems(out, specs)


def result_sheets(plan: Plan, specs: Sequence[SheetSpec]) -> list[SheetChanges]:
    out = []
    for spec in specs:

        def label(values: Mapping[str, Any], spec: SheetSpec = spec) -> str:
            return key_label(spec, key_of(spec, values))

        out.append(
            SheetChanges(
                spec.name,
                removal_word=spec.removal,
                created=[label(r.values) for r in plan.created[spec.name]],
                changed=[Change(label(r.values), changes) for _obj, r, changes in plan.changed[spec.name]],
                removed=[key_label(spec, k) for k in plan.removed_keys[spec.name]],
            )
        )
    return out


def sort_problems(problems: list[Problem], specs: Sequence[SheetSpec]) -> list[Problem]:
    """In workbook order: sheet by sheet, row by row, column by column."""
    order = {spec.name: n for n, spec in enumerate(specs)}
    by_name = {spec.name: spec for spec in specs}

    def key(p: Problem) -> tuple[int, int, int]:
        spec = by_name.get(p.sheet)
        sheet = order.get(p.sheet, len(order))
        column = spec.column_names.index(p.column) if spec and p.column in spec.by_name else -1
        return sheet, -1 if p.row is None else p.row, column

    return sorted(problems, key=key)


# --- a room's part of the workbook ------------------------------------------------------------------


@dataclass
class ImportContext:
    """One import: who, what it is for, and what each room's part has loaded and written."""

    actor: Any
    dry_run: bool
    expect_slug: str | None
    slug: str = ""
    programme: Any = None
    lock: bool = False
    #: what each part loaded, by the part's label
    state: dict[str, Any] = field(default_factory=dict)
    #: unsaved audit events, saved together when every part has written
    events: list[Any] = field(default_factory=list)


class WorkbookPart(Protocol):
    """What a room brings to the programme workbook (registered as ``Room.workbook``).

    The part that ``identifies`` the programme (the programme room's) reads the programme's slug
    and loads or creates the programme; every other part works within it.
    """

    label: str
    sheets: tuple[SheetSpec, ...]
    identifies: bool

    def slug(self, checker: Checker) -> str:
        """The programme's slug as the workbook gives it ("" if it cannot be read)."""
        ...

    def load(self, ctx: ImportContext) -> None:
        """Read what the database holds for ``ctx.programme`` into ``ctx.state[self.label]``."""
        ...

    def export(self, programme: Any) -> dict[str, list[dict[str, Any]]]:
        """The programme's current rows of this part's sheets, as canonical values."""
        ...

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        """Add a problem for each row that breaks a rule across rows or sheets."""
        ...

    def compare(self, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
        """Record in ``plan`` what an import would create, change and remove."""
        ...

    def write(self, ctx: ImportContext, plan: Plan, rows: Mapping[str, list[Row]]) -> None:
        """Write ``plan`` (audit events into ``ctx.events``); set ``ctx.programme`` if it identifies."""
        ...
