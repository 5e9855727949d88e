"""A faster XlsxWriter worksheet for the workbook's large sheets: the same bytes, in less time.

XlsxWriter keeps every cell as a tuple in a dictionary of rows and, when the workbook is closed,
writes each cell's XML through several general-purpose calls; for a 3,550-line plan (about
64,000 cells) that took most of an export's time. :class:`FastSheet` takes a whole row at a
time (:meth:`FastSheet.append_row`) and writes the rows' XML in one loop of its own.

It writes exactly what XlsxWriter's own worksheet writes for the cells the workbook uses (text
through the shared strings table, whole numbers, dates with a number format; no row formats,
comments or formulas): the same shared string indexes, dimensions, row spans, cell references
and style indexes. ``improve/interchange/tests/test_xlsx_sheet.py`` checks this byte for byte
against XlsxWriter's ``write_string`` / ``write_number`` / ``write_datetime``, so an upgrade of
XlsxWriter that changes its output fails the tests rather than the files.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

#: One cell of :meth:`FastSheet.append_row`: (column, text?, shared string index or number, format).
Cell = tuple[int, bool, Any, Format | None]


class FastSheet(Worksheet):  # type: ignore[misc]  # XlsxWriter has no type information
    """A worksheet filled row by row through :meth:`append_row` (only: not ``write_*``)."""

    def __init__(self) -> None:
        super().__init__()
        self.fast_rows: list[tuple[int, list[Cell]]] = []
        self._dates: dict[dt.date, float] = {}
        self.dim_rowmin: int | None = None
        self.dim_rowmax: int | None = None
        self.dim_colmin: int | None = None
        self.dim_colmax: int | None = None

    # --- filling ---------------------------------------------------------------------------------

    def text(self, value: str) -> int:
        """The shared string index of ``value``, counted as one more use, as ``write_string`` does."""
        table = self.str_table
        index: int | None = table.string_table.get(value)
        if index is not None and len(value) <= self.xls_strmax // 2:
            table.count += 1
            return index
        if len(value) > self.xls_strmax // 2 and _utf16_len(value) > self.xls_strmax:
            value = _utf16_truncate(value, self.xls_strmax)
        new: int = table._get_shared_string_index(value)
        return new

    def date(self, value: dt.date | dt.datetime) -> float:
        """``value`` as an Excel serial date, as ``write_datetime`` stores it."""
        number = self._dates.get(value)
        if number is None:
            number = self._dates[value] = self._convert_date_time(value)
        return number

    def append_row(self, row: int, cells: list[Cell]) -> None:
        """Row ``row`` (from 0): its cells in column order, each made with :meth:`text` or :meth:`date`
        or a number. Rows come in order; a row or cell outside the sheet is left out, as XlsxWriter does.
        """
        if self.fast_rows and row <= self.fast_rows[-1][0]:
            raise ValueError(f"Row {row} comes after row {self.fast_rows[-1][0]}: rows must come in order")
        if not cells or row >= self.xls_rowmax:
            return
        if cells[-1][0] >= self.xls_colmax:
            cells = [cell for cell in cells if cell[0] < self.xls_colmax]
            if not cells:
                return
        first, last = cells[0][0], cells[-1][0]
        if self.dim_rowmin is None:
            self.dim_rowmin = row
        self.dim_rowmax = row
        if self.dim_colmin is None or first < self.dim_colmin:
            self.dim_colmin = first
        if self.dim_colmax is None or last > self.dim_colmax:
            self.dim_colmax = last
        self.fast_rows.append((row, cells))

    # --- writing (called by XlsxWriter when the workbook is closed) ----------------------------

    def _write_rows(self) -> None:
        if self.row_info or self.comments or any(self.table.values()):
            raise ValueError("A FastSheet takes its cells through append_row only")
        spans: dict[int, str] = {}
        for block, first, last in _blocks(self.fast_rows):
            spans[block] = f"{first + 1}:{last + 1}"
        names: dict[int, str] = {}
        styles: dict[int, str] = {}  # id(format) -> ' s="n"', in order of first use, as XlsxWriter
        out: list[str] = []
        for row, cells in self.fast_rows:
            number = str(row + 1)
            out.append(f'<row r="{number}" spans="{spans[row // 16]}">')
            for col, is_text, value, fmt in cells:
                name = names.get(col)
                if name is None:
                    name = names[col] = xl_col_to_name(col)
                style = ""
                if fmt is not None:
                    style = styles.get(id(fmt), "")
                    if not style:
                        style = styles[id(fmt)] = f' s="{fmt._get_xf_index()}"'
                if is_text:
                    out.append(f'<c r="{name}{number}"{style} t="s"><v>{value}</v></c>')
                else:
                    out.append(f'<c r="{name}{number}"{style}><v>{value:.16G}</v></c>')
            out.append("</row>")
        self.fh.write("".join(out))


def _blocks(rows: list[tuple[int, list[Cell]]]) -> list[tuple[int, int, int]]:
    """(block, first column, last column) of each block of 16 rows that has cells: the rows' spans."""
    found: dict[int, tuple[int, int]] = {}
    for row, cells in rows:
        block = row // 16
        first, last = cells[0][0], cells[-1][0]
        if block in found:
            low, high = found[block]
            found[block] = (min(low, first), max(high, last))
        else:
            found[block] = (first, last)
    return [(block, low, high) for block, (low, high) in found.items()]
