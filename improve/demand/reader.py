"""Reading and checking an SSDA903 return held as CSV files (no Django: plain data in, plain data out).

A return is a folder of CSV files with the DfE column names: either one sub-folder per
collection year (``2019-20``, ``2019_20``, ``201920``, ``2019-2020``: the year 1 April 2019 to
31 March 2020; ``2020``: the year ending 31 March 2020) or the files of one year side by side. Each
file's table is recognised from its columns (:mod:`improve.demand.tables`). Dates are dd/mm/yyyy.

The child's identifier (CHILD) is replaced by its pseudonym as each row is read (the caller
passes the keyed hash); names, UPNs, postcodes and the mother's details are never read into
what this module returns. Every problem names the file, the row (as a spreadsheet numbers it:
the column names are row 1) and the column, and says what would be accepted.

Years overlap: an episode open on 31 March is in that year's return and in the next one's. The
same episode (child and start date) in several years is taken from the latest year; twice in one
file it is a duplicate.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from improve.demand import codes
from improve.demand.tables import EPISODES, HEADER, TABLES, Table, normalise, recognise

#: Episodes' columns the loader never reads: the child's home and placement postcodes
NOT_STORED = frozenset({"HOME_POST", "PL_POST"})

#: Kinds of problem, with the words the data-quality page uses for them.
KINDS: dict[str, str] = {
    "file": "File not read or not recognised",
    "column": "Column missing",
    "missing": "Value missing",
    "code": "Code not in the DfE list",
    "date": "Not a date (dd/mm/yyyy)",
    "future": "Date in the future",
    "order": "Episode ends before it starts",
    "birth": "Episode starts before the child's birth",
    "ending": "End date and reason for ending disagree",
    "overlap": "Overlapping episodes",
    "unknown_child": "Episode of a child not in the Header",
    "duplicate": "Duplicate row",
}

YEAR_FOLDER = re.compile(r"^(\d{4})(?:[-_ ]?(\d{2}|\d{4}))?$")
DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def collection_year(name: str) -> int | None:
    """The year ending 31 March that a folder called ``name`` holds, or None if it names no year."""
    found = YEAR_FOLDER.match(name.strip())
    if not found:
        return None
    first, second = int(found[1]), found[2]
    if second is None:
        return first
    end = int(second) if len(second) == 4 else (first + 1) // 100 * 100 + int(second)
    return end if end == first + 1 else None


def year_of(day: dt.date) -> int:
    """The collection year (ending 31 March) a date falls in."""
    return day.year + 1 if day.month >= 4 else day.year


@functools.lru_cache(maxsize=65536)
def parse_date(text: str) -> dt.date | None:
    """A dd/mm/yyyy date, or None if ``text`` is not one."""
    found = DATE.match(text)
    if not found:
        return None
    try:
        return dt.date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 0: the file as a whole; 1: its column names
    column: str
    kind: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.row == 0 else f"{self.file} / row {self.row}"
        return f"{where} / {self.column} / {self.message}" if self.column else f"{where} / {self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return {"file": self.file, "row": self.row, "column": self.column, "kind": self.kind, "message": self.message}


@dataclass
class Child:
    key: str
    sex: int
    dob: dt.date
    year: int
    file: str
    row: int


@dataclass
class Episode:
    key: str
    decom: dt.date
    rne: str
    ls: str
    cin: str
    place: str
    place_provider: str
    dec: dt.date | None
    rec: str
    reason_place_change: str
    urn: str
    year: int
    file: str
    row: int


@dataclass(frozen=True)
class FileRead:
    name: str  # relative to the return's folder
    table: str  # "" when not recognised
    rows: int
    year: int | None


@dataclass
class Return:
    """What a folder held: children and episodes by pseudonym, and every problem found."""

    files: list[FileRead] = field(default_factory=list)
    children: dict[str, Child] = field(default_factory=dict)
    episodes: dict[str, list[Episode]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: children with at least one problem in their rows (a lenient load leaves them all out)
    rejected: set[str] = field(default_factory=set)
    #: rows of the tables the loader counts but does not keep
    other_rows: Counter[str] = field(default_factory=Counter)
    years: set[int] = field(default_factory=set)

    def clean(self) -> Iterator[tuple[Child, list[Episode]]]:
        """The children without problems, each with their episodes in order of start."""
        for key, child in self.children.items():
            if key not in self.rejected:
                yield child, self.episodes.get(key, [])

    def counts(self) -> Counter[str]:
        return Counter(p.kind for p in self.problems)

    @property
    def rows_rejected(self) -> int:
        return sum(len(self.episodes.get(k, ())) + (k in self.children) for k in self.rejected)


class _Checker:
    def __init__(self, result: Return, today: dt.date) -> None:
        self.result = result
        self.today = today

    def add(self, file: str, row: int, column: str, kind: str, message: str, key: str | None = None) -> None:
        self.result.problems.append(Problem(file, row, column, kind, message))
        if key is not None:
            self.result.rejected.add(key)

    def code(self, file: str, row: int, key: str, column: str, value: str, *, required: bool = True) -> None:
        if not value:
            if required:
                self.add(file, row, column, "missing", f"A code is required: {codes.accepted(column)}", key)
        elif value not in codes.LISTS[column]:
            self.add(
                file, row, column, "code", f"'{value}' is not a {column} code; accepted: {codes.accepted(column)}", key
            )

    def date(self, file: str, row: int, key: str, column: str, text: str, *, required: bool) -> dt.date | None:
        if not text.strip():
            if required:
                self.add(file, row, column, "missing", "A date is required, written dd/mm/yyyy", key)
            return None
        value = parse_date(text)
        if value is None:
            self.add(file, row, column, "date", f"'{text.strip()}' is not a date: write dd/mm/yyyy", key)
        elif value > self.today:
            self.add(
                file,
                row,
                column,
                "future",
                f"{value:%d/%m/%Y} is in the future: a date on or before {self.today:%d/%m/%Y} is accepted",
                key,
            )
        return value


def _csv_files(folder: Path) -> Iterator[tuple[Path, int | None, str | None]]:
    """(file, year of its folder, problem) for each CSV file of the return."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            year = collection_year(path.name)
            if year is None:
                yield path, None, "is a folder whose name is not a collection year (such as 2019-20 or 2020)"
                continue
            for inner in sorted(path.iterdir()):
                if inner.is_file() and inner.suffix.lower() == ".csv":
                    yield inner, year, None
        elif path.suffix.lower() == ".csv":
            yield path, None, None


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    lines = list(csv.reader(text.splitlines()))
    if not lines:
        return [], []
    return normalise(lines[0]), lines[1:]


def read_return(folder: Path, *, pseudonymise: Callable[[str], str], today: dt.date) -> Return:
    """Read and check the return in ``folder`` (see the module's description)."""
    result = Return()
    check = _Checker(result, today)
    headers: list[tuple[str, int | None, list[str], list[list[str]]]] = []
    episodes: list[tuple[str, int | None, list[str], list[list[str]]]] = []
    seen: dict[tuple[int | None, str], str] = {}
    for path, year, trouble in _csv_files(folder):
        name = path.relative_to(folder).as_posix()
        if trouble:
            check.add(name, 0, "", "file", f"The folder {trouble}: it was not read")
            continue
        try:
            columns, rows = _rows(path)
        except (OSError, csv.Error) as exc:
            check.add(name, 0, "", "file", f"The file could not be read as CSV ({exc})")
            continue
        table = recognise(columns)
        if table is None:
            check.add(
                name,
                1,
                "",
                "file",
                "The columns match no SSDA903 table: a Header needs CHILD, SEX, DOB, ETHNIC; "
                "Episodes need CHILD, DECOM, RNE, LS, …",
            )
            result.files.append(FileRead(name, "", len(rows), year))
            continue
        result.files.append(FileRead(name, table.name, len(rows), year))
        missing = [c for c in table.columns if c in table.required and c not in columns]
        if missing:
            check.add(
                name,
                1,
                ", ".join(missing),
                "column",
                f"The {table.name} table needs the column(s) {', '.join(missing)}",
            )
            continue
        if (year, table.name) in seen:
            check.add(
                name,
                0,
                "",
                "file",
                f"A second {table.name} table in one folder (the first is {seen[year, table.name]}): "
                "put each collection year in its own folder",
            )
            continue
        seen[year, table.name] = name
        if table is HEADER:
            headers.append((name, year, columns, rows))
        elif table is EPISODES:
            episodes.append((name, year, columns, rows))
        else:
            result.other_rows[table.name] += len(rows)
    flat_year = _flat_year(episodes)
    for name, year, columns, rows in headers:
        _read_header(check, name, year or flat_year, columns, rows, pseudonymise)
    for name, year, columns, rows in episodes:
        _read_episodes(check, name, year or flat_year, columns, rows, pseudonymise)
    for table in (HEADER, EPISODES):
        if not any(f.table == table.name for f in result.files):
            check.add(
                ".", 0, "", "file", f"No file holds the {table.name} table (columns {', '.join(table.columns[:4])}, …)"
            )
    _check_children(check)
    return result


def _flat_year(episodes: list[tuple[str, int | None, list[str], list[list[str]]]]) -> int:
    """The collection year of files side by side: the year of the latest date in their episodes."""
    latest = dt.date(1900, 1, 1)
    for _name, year, columns, rows in episodes:
        if year is not None:
            continue
        at = [columns.index("DECOM"), columns.index("DEC")]
        for row in rows:
            for i in at:
                if i < len(row) and (day := parse_date(row[i])) and day > latest:
                    latest = day
    return year_of(latest) if latest.year > 1900 else 0


def _cells(columns: list[str], wanted: tuple[str, ...]) -> Callable[[list[str]], list[str]]:
    at = [columns.index(c) if c in columns else -1 for c in wanted]

    def cells(row: list[str]) -> list[str]:
        return [row[i].strip() if 0 <= i < len(row) else "" for i in at]

    return cells


def _read_header(
    check: _Checker, name: str, year: int, columns: list[str], rows: list[list[str]], pseudonymise: Callable[[str], str]
) -> None:
    result = check.result
    result.years.add(year)
    cells = _cells(columns, ("CHILD", "SEX", "DOB"))
    in_file: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        child, sex, dob_text = cells(row)
        if not child:
            if any(c.strip() for c in row):
                check.add(name, number, "CHILD", "missing", "The child's identifier is required")
            continue
        key = pseudonymise(child)
        if key in in_file:
            check.add(name, number, "CHILD", "duplicate", f"The child is already on row {in_file[key]}", key)
            continue
        in_file[key] = number
        check.code(name, number, key, "SEX", sex)
        dob = check.date(name, number, key, "DOB", dob_text, required=True)
        earlier = result.children.get(key)
        if earlier is not None and earlier.year > year:
            continue
        result.children[key] = Child(key, int(sex) if sex in codes.SEX else 0, dob or dt.date.min, year, name, number)


def _read_episodes(
    check: _Checker, name: str, year: int, columns: list[str], rows: list[list[str]], pseudonymise: Callable[[str], str]
) -> None:
    result = check.result
    result.years.add(year)
    wanted = tuple(c for c in EPISODES.columns if c not in NOT_STORED)
    cells = _cells(columns, wanted)
    in_file: dict[tuple[str, dt.date], tuple[int, tuple[str, ...]]] = {}
    for number, row in enumerate(rows, start=2):
        values = cells(row)
        child, decom_text, rne, ls, cin, place, provider, dec_text, rec, reason, urn = values
        if not child:
            if any(c.strip() for c in row):
                check.add(name, number, "CHILD", "missing", "The child's identifier is required")
            continue
        key = pseudonymise(child)
        decom = check.date(name, number, key, "DECOM", decom_text, required=True)
        dec = check.date(name, number, key, "DEC", dec_text, required=False)
        for column, value in (("RNE", rne), ("LS", ls), ("CIN", cin), ("PLACE", place)):
            check.code(name, number, key, column, value)
        check.code(name, number, key, "PLACE_PROVIDER", provider, required=place not in codes.TEMPORARY_PLACES)
        check.code(name, number, key, "REASON_PLACE_CHANGE", reason, required=False)
        if dec_text and not rec:
            check.add(
                name, number, "REC", "ending", f"An episode that ended needs a reason: {codes.accepted('REC')}", key
            )
        elif rec and not dec_text:
            check.add(
                name,
                number,
                "REC",
                "ending",
                "A reason for ending is given but DEC is blank: give both or neither",
                key,
            )
        elif rec:
            check.code(name, number, key, "REC", rec)
        if decom and dec and dec < decom:
            check.add(
                name,
                number,
                "DEC",
                "order",
                f"The episode ends ({dec:%d/%m/%Y}) before it starts ({decom:%d/%m/%Y}): "
                "an end on or after DECOM is accepted",
                key,
            )
        if decom is None:
            continue
        if (key, decom) in in_file:
            first, first_values = in_file[key, decom]
            same = (
                "the same row as" if first_values == tuple(values) else "a second episode starting on the same day as"
            )
            check.add(name, number, "DECOM", "duplicate", f"This is {same} row {first}", key)
            continue
        in_file[key, decom] = (number, tuple(values))
        episode = Episode(key, decom, rne, ls, cin, place, provider, dec, rec, reason, urn, year, name, number)
        kept = result.episodes.setdefault(key, [])
        for i, other in enumerate(kept):
            if other.decom == decom:  # the same episode in another year's return: the later year's wins
                if other.year < year:
                    kept[i] = episode
                break
        else:
            kept.append(episode)


def _check_children(check: _Checker) -> None:
    """Rules across a child's rows: known child, born before the care starts, no overlaps."""
    result = check.result
    for key, kept in result.episodes.items():
        kept.sort(key=lambda e: e.decom)
        child = result.children.get(key)
        if child is None:
            for e in kept:
                check.add(
                    e.file,
                    e.row,
                    "CHILD",
                    "unknown_child",
                    "No Header row has this child: add the child to the Header",
                    key,
                )
            continue
        for e in kept:
            if child.dob != dt.date.min and e.decom < child.dob:
                check.add(
                    e.file,
                    e.row,
                    "DECOM",
                    "birth",
                    f"The episode starts before the child's date of birth ({child.file} row {child.row}): "
                    "a start on or after the birth is accepted",
                    key,
                )
        for before, after in zip(kept, kept[1:], strict=False):
            if before.dec is None or before.dec > after.decom:
                until = "is still open" if before.dec is None else f"ends on {before.dec:%d/%m/%Y}"
                check.add(
                    after.file,
                    after.row,
                    "DECOM",
                    "overlap",
                    f"The episode starts on {after.decom:%d/%m/%Y} but the child's episode of {before.file} "
                    f"row {before.row} {until}: an episode starts on or after the previous one's end",
                    key,
                )


def tables() -> tuple[Table, ...]:
    return TABLES
