"""Read and write programme workbooks: Excel (.xlsx) or a folder of CSV files. No database.

A workbook is a ``dict`` of :class:`Sheet` keyed by the sheet's name. Each sheet keeps its column
names (as in row 1) and its rows, each with the row number a spreadsheet user sees (row 2 is the
first row under the header). Blank rows are skipped but do not shift the numbers of later rows.

Cell values are kept as read: strings from CSV; strings, numbers, dates or ``None`` from Excel.
:mod:`improve.interchange.services` turns them into canonical values.

Writing takes canonical sheets (``dict[str, list[dict]]``, as made by ``workbook_export``) and
produces the same bytes for the same content: fixed document dates, fixed zip entry times.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import lzma
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from improve.core.dates import TBD
from improve.core.registry import registry
from improve.core.workbook import DATE, INT, PLANDATE, SheetSpec, cell_text, normalise_name
from improve.interchange.limits import (
    MAX_CSV_UNPACKED_BYTES,
    MAX_ROWS_PER_SHEET,
    MAX_XLSX_UNPACKED_BYTES,
    megabytes,
)
from improve.interchange.xlsx_sheet import Cell, FastSheet

DATE_FORMAT = "%d/%m/%Y"
EXCEL_DATE_FORMAT = "dd/mm/yyyy"
# Fixed document and zip entry times, so the same content gives the same bytes.
FIXED_TIME = dt.datetime(2000, 1, 1)  # noqa: DTZ001 - a constant stamp, not a moment
MAX_COLUMN_WIDTH = 60


def _specs() -> dict[str, SheetSpec]:
    """Every registered sheet by name, in workbook order (the rooms declare them)."""
    return {spec.name: spec for spec in registry.sheets()}


class WorkbookError(Exception):
    """The file or folder cannot be read as a workbook (the message is fit for a person)."""


# What unpacking a damaged member of a .zip raises: a bad CRC-32 or header, a broken deflate (zlib),
# bzip2 (OSError) or LZMA stream, a stream that ends early, a method zipfile cannot unpack, an
# offset that points before the start of the file (ValueError: negative seek).
DAMAGED_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
    ValueError,
)


@dataclass
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    title: str = ""  # the name as written in the file, if it differs

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(r.values) for r in self.rows]


Sheets = dict[str, Sheet]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet_from_rows(title: str, records: Iterable[Iterable[Any]]) -> Sheet:
    """Build a sheet from row 1 (header) and the rows below it."""
    it = iter(records)
    header = [normalise_name(h) for h in next(it, [])]
    raw_rows: list[tuple[int, list[Any]]] = []
    for number, record in enumerate(it, start=2):
        values = list(record)
        if all(_blank(v) for v in values):
            continue
        if len(raw_rows) == MAX_ROWS_PER_SHEET:  # refuse before reading any further
            raise WorkbookError(
                f"The sheet {normalise_name(title)} has more than {MAX_ROWS_PER_SHEET:,} rows: "
                f"a sheet can hold at most {MAX_ROWS_PER_SHEET:,} rows under its header row"
            )
        raw_rows.append((number, values))
    width = max([len(header), *(len(v) for _, v in raw_rows)], default=0)
    header += [""] * (width - len(header))
    # A column with values but no name gets a name the validator can report.
    for i, name in enumerate(header):
        if not name and any(i < len(v) and not _blank(v[i]) for _, v in raw_rows):
            header[i] = f"(column {get_column_letter(i + 1)})"
    while header and not header[-1]:
        header.pop()
    taken: set[str] = set()
    positions: list[tuple[int, str]] = []
    for i, name in enumerate(header):
        if name and name not in taken:  # a repeated column: the first one counts
            taken.add(name)
            positions.append((i, name))
    rows = [
        Row(number, {name: (values[i] if i < len(values) else None) for i, name in positions})
        for number, values in raw_rows
    ]
    name = normalise_name(title)
    return Sheet(name=name, columns=header, rows=rows, title=title if title != name else "")


def _add(sheets: Sheets, sheet: Sheet) -> None:
    if sheet.name in sheets:
        raise WorkbookError(f"The workbook has two sheets called '{sheet.name}'")
    sheets[sheet.name] = sheet


# --- reading ---------------------------------------------------------------------------------------


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a workbook is read, imported or written.

    Each of these makes tens of thousands of objects in one loop, and the collector's passes over
    them are a large share of the time: on the 3,550-line benchmark plan (CPU time, p50, with and
    without the pause) importing a new programme took 1.35 s against 2.37 s, reading and importing
    its .xlsx 2.15 s against 2.60 s; reading the .xlsx alone 452 ms against 544 ms and a dry-run
    import of the same sheets 452 ms against 510 ms. Writing the workbook, once every room added
    its sheets, took 244 ms against 306 ms (p50; p95 362 against 471 ms, 40 exports in one
    process on a quiet machine, 28/11/2026). The pause lasts one call, never a request or the
    process's life; objects without cycles are still freed as they go.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_xlsx(source: str | os.PathLike[str] | IO[bytes] | bytes) -> Sheets:
    """Read an Excel workbook from a path, an open binary file (an upload) or bytes."""
    with collector_paused():
        return _read_xlsx(source)


def _unpacked_size(source: str | os.PathLike[str] | IO[bytes]) -> int | None:
    """The total size of a zip file's parts once unpacked, as its directory states them.

    ``zipfile`` never unpacks more than the stated size of a part (a part that holds more fails its
    check), so this bounds what reading the file can unpack. ``None`` if it is not a readable zip.
    """
    try:
        with zipfile.ZipFile(source) as archive:
            return sum(info.file_size for info in archive.infolist())
    except DAMAGED_ZIP_ERRORS:
        return None
    finally:
        if not isinstance(source, str | os.PathLike):
            source.seek(0)


def _read_xlsx(source: str | os.PathLike[str] | IO[bytes] | bytes) -> Sheets:
    if isinstance(source, bytes | bytearray):
        source = io.BytesIO(source)
    unpacked = _unpacked_size(source)
    if unpacked is not None and unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise WorkbookError(
            f"The Excel workbook is too large once unpacked: at most {megabytes(MAX_XLSX_UNPACKED_BYTES)}"
        )
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise
    except Exception as exc:  # openpyxl raises many kinds of error for a damaged file
        raise WorkbookError(
            "The file could not be read as an Excel workbook: save it as .xlsx (Excel Workbook) and try again"
        ) from exc
    sheets: Sheets = {}
    try:
        for ws in book.worksheets:
            ws.reset_dimensions()  # do not trust the stored size: read every row there is
            _add(sheets, _sheet_from_rows(ws.title, ws.iter_rows(values_only=True)))
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError("The Excel workbook is damaged and could not be read") from exc
    finally:
        book.close()
    return sheets


def _csv_sheet(name: str, text_of: Any) -> Sheet:
    """One CSV file as a sheet; ``text_of()`` opens it as text (UTF-8, with or without a BOM)."""
    try:
        with text_of() as fh:
            return _sheet_from_rows(name, ([csv_value(cell) for cell in record] for record in csv.reader(fh)))
    except UnicodeDecodeError as exc:
        raise WorkbookError(f"{name}.csv is not UTF-8 text: save it as 'CSV UTF-8'") from exc
    except csv.Error as exc:
        raise WorkbookError(f"{name}.csv is not a valid CSV file: {exc}") from exc


def read_csv_folder(folder: str | os.PathLike[str]) -> Sheets:
    """Read every ``<sheet>.csv`` in ``folder`` (UTF-8, with or without a byte-order mark)."""
    path = Path(folder)
    if not path.is_dir():
        raise WorkbookError(f"{path} is not a folder")
    sheets: Sheets = {}
    for file in sorted(path.glob("*.csv")):
        _add(sheets, _csv_sheet(file.stem, lambda file=file: file.open(encoding="utf-8-sig", newline="")))
    if not sheets:
        raise WorkbookError(f"{path} has no .csv files")
    return sheets


def read_csv_zip(data: bytes) -> Sheets:
    """Read a .zip of ``<sheet>.csv`` files (a CSV folder, zipped), wherever they sit inside it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED_ZIP_ERRORS as exc:
        raise WorkbookError("The file is not a .zip archive") from exc
    members = [
        m
        for m in archive.infolist()
        if not m.is_dir()
        and m.filename.lower().endswith(".csv")
        and not Path(m.filename).name.startswith((".", "__MACOSX"))
        and "__MACOSX" not in m.filename
    ]
    if not members:
        raise WorkbookError("The .zip file has no .csv files in it")
    if sum(m.file_size for m in members) > MAX_CSV_UNPACKED_BYTES:
        raise WorkbookError(
            f"The .zip file is too large once unpacked: at most {megabytes(MAX_CSV_UNPACKED_BYTES)} of CSV files"
        )
    sheets: Sheets = {}
    for member in sorted(members, key=lambda m: m.filename):
        name = Path(member.filename).stem
        if name in sheets:
            raise WorkbookError(f"The .zip file has two files called {name}.csv")
        if member.flag_bits & 0x1:
            raise WorkbookError(
                f"{member.filename} in the .zip file has a password: make the .zip again without a password"
            )
        try:
            sheet = _csv_sheet(
                name, lambda member=member: io.TextIOWrapper(archive.open(member), encoding="utf-8-sig", newline="")
            )
        except DAMAGED_ZIP_ERRORS as exc:
            raise WorkbookError(
                f"{member.filename} in the .zip file is damaged and could not be unpacked: "
                "make the .zip again from the CSV files and upload it again"
            ) from exc
        _add(sheets, sheet)
    return sheets


def read_upload(filename: str, data: bytes) -> Sheets:
    """An uploaded workbook: an .xlsx file, or a .zip of the CSV files."""
    if filename.lower().endswith(".zip"):
        return read_csv_zip(data)
    return read_xlsx(data)


def read_workbook(source: str | os.PathLike[str] | IO[bytes] | bytes) -> Sheets:
    """Read an .xlsx path, an uploaded file, bytes, or a folder of CSV files."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            return read_csv_folder(path)
        if not path.exists():
            raise WorkbookError(f"{path} does not exist")
        if path.suffix.lower() != ".xlsx":
            raise WorkbookError(f"{path.name} is not an .xlsx file or a folder of CSV files")
    return read_xlsx(source)


def sheets_from_dicts(data: Mapping[str, Any]) -> Sheets:
    """Sheets from ``{name: [row dict, ...]}`` (rows numbered from 2), or passed through."""
    sheets: Sheets = {}
    for name, rows in data.items():
        if isinstance(rows, Sheet):
            sheets[name] = rows
            continue
        rows = list(rows)
        columns: list[str] = []
        for row in rows:
            columns.extend(c for c in row if c not in columns)
        spec = _specs().get(name)
        if not rows and spec is not None:
            columns = spec.column_names
        sheets[name] = Sheet(name=name, columns=columns, rows=[Row(i, dict(r)) for i, r in enumerate(rows, start=2)])
    return sheets


# --- writing ---------------------------------------------------------------------------------------


def _ordered(data: Mapping[str, list[dict[str, Any]]]) -> list[tuple[str, list[str], list[dict[str, Any]]]]:
    specs = _specs()
    names = [n for n in specs if n in data] + [n for n in data if n not in specs]
    out = []
    for name in names:
        rows = data[name]
        spec = specs.get(name)
        columns = spec.column_names if spec else list(dict.fromkeys(c for r in rows for c in r))
        out.append((name, columns, rows))
    return out


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV injection"); a
# line break is here too because a spreadsheet may drop it. A plain number is no formula: "-3".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
PLAIN_NUMBER_RE = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def _formula_like(text: str) -> bool:
    """Whether ``text`` is written to CSV behind a quote: it starts, after any quotes, like a formula.

    Counting the quotes already there makes the quote reversible: ``'=1`` is written ``''=1``.
    """
    rest = text.lstrip("'")
    return rest.startswith(FORMULA_START) and not PLAIN_NUMBER_RE.match(rest)


def csv_cell(value: Any) -> str:
    """A canonical value as a CSV cell that no spreadsheet runs: ``=1+1`` is written ``'=1+1``.

    Line breaks are written as ``\\n``: a lone ``\\r`` would not be quoted and would start a row.
    """
    text = cell_text(value).replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if _formula_like(text) else text


def csv_value(cell: str) -> str:
    """A CSV cell as written by :func:`csv_cell`, back to its value: ``'=1+1`` is read as ``=1+1``."""
    return cell[1:] if cell.startswith("'") and _formula_like(cell) else cell


def write_csv_folder(data: Mapping[str, list[dict[str, Any]]], folder: str | os.PathLike[str]) -> Path:
    """Write one ``<sheet>.csv`` per sheet (UTF-8, no byte-order mark, ``\\n`` line ends).

    Text that a spreadsheet would run as a formula is written behind a ``'`` (see :func:`csv_cell`);
    reading the folder takes the quote off again.
    """
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in _ordered(data):
        with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow([csv_cell(c) for c in columns])
            writer.writerows([csv_cell(r.get(c)) for c in columns] for r in rows)
    return path


def _clean_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _column_width(spec: SheetSpec | None, name: str, rows: list[dict[str, Any]]) -> float:
    if spec and name in spec.by_name:
        return spec.by_name[name].width
    longest = max([len(name), *(len(cell_text(r.get(name)).split("\n")[0]) for r in rows[:200])])
    return min(max(longest + 2, 8), MAX_COLUMN_WIDTH)


def write_xlsx(data: Mapping[str, list[dict[str, Any]]], target: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write an Excel workbook: bold frozen header, date cells as ``dd/mm/yyyy``, ``TBD`` as text.

    Written with XlsxWriter, each sheet a row at a time through :class:`FastSheet` (the same bytes
    as XlsxWriter's cell-by-cell calls, in a third of the time); the document's dates are fixed so
    the same programme always gives the same bytes. Text is always written as text, never a formula.
    """
    book = xlsxwriter.Workbook(
        target if isinstance(target, str) else (os.fspath(target) if isinstance(target, os.PathLike) else target),
        {
            "constant_memory": True,
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"author": "Improvement Office", "created": FIXED_TIME})
    bold = book.add_format({"bold": True})
    date_format = book.add_format({"num_format": EXCEL_DATE_FORMAT})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for name, columns, rows in _ordered(data):
        ws = book.add_worksheet(name, worksheet_class=FastSheet)
        assert isinstance(ws, FastSheet)  # noqa: S101 - for the type checker
        spec = _specs().get(name)
        types = [spec.by_name[c].type if spec and c in spec.by_name else "" for c in columns]
        for i, column in enumerate(columns):
            ws.set_column(i, i, _column_width(spec, column, rows))
        ws.freeze_panes(1, 0)
        ws.append_row(0, [(i, True, ws.text(column), bold) for i, column in enumerate(columns)])
        text, date = ws.text, ws.date
        layout = [(c, column, kind) for c, (column, kind) in enumerate(zip(columns, types, strict=True))]
        for r, row in enumerate(rows, start=1):
            cells: list[Cell] = []
            for c, column, kind in layout:
                value = row.get(column)
                if value.__class__ is str and value and value.isprintable():  # the common case, first
                    cells.append((c, True, text(value), None))
                    continue
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date) and kind in (DATE, PLANDATE, ""):
                    cells.append((c, False, date(value), date_format))
                elif isinstance(value, int) and not isinstance(value, bool) and kind in (INT, ""):
                    cells.append((c, False, value, None))
                elif isinstance(value, str) and value.isprintable():
                    cells.append((c, True, text(value), None))
                else:
                    clean = _clean_text(cell_text(value))
                    cells.append((c, True, text(clean), wrap if "\n" in clean else None))
            ws.append_row(r, cells)
    book.close()


def xlsx_bytes(data: Mapping[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(data, buffer)
    return buffer.getvalue()


def write_workbook(data: Mapping[str, list[dict[str, Any]]], target: str | os.PathLike[str]) -> Path:
    """Write to ``target``: an ``.xlsx`` file, or else a folder of CSV files."""
    path = Path(target)
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(data, path)
        return path
    return write_csv_folder(data, path)


__all__ = [
    "TBD",
    "Row",
    "Sheet",
    "Sheets",
    "WorkbookError",
    "cell_text",
    "csv_cell",
    "csv_value",
    "read_csv_folder",
    "read_workbook",
    "read_xlsx",
    "sheets_from_dicts",
    "write_csv_folder",
    "write_workbook",
    "write_xlsx",
    "xlsx_bytes",
]
