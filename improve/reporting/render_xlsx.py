"""The board pack's tables as an Excel workbook (.xlsx), written with XlsxWriter.

A "Contents" sheet (the pack's title, as-at date, status and a hyperlinked list of sheets), then
one sheet per document :class:`~improve.core.document.Table` and per chart's data table (the
same rows as under the chart in the page and the Word file, from
:func:`improve.reporting.charts.chart_rows`), in the pack's order.

On each sheet: the caption in A1, where it comes from in A2, the header row bold and frozen,
figures as real numbers and dates as real dates with number formats (money in £000 as
``#,##0;(#,##0)``, dates dd/mm/yyyy, percentages as Excel percentages), totals bold and ruled
above, column widths set from the content. Decimals are written from their exact decimal text
(never through a binary float), so pence survive. Text is always written as text: a cell that
starts with ``=``, ``+``, ``-`` or ``@`` is marked with Excel's quote prefix so it is never run
as a formula, even when edited or saved as CSV.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from improve.core import document as doc
from improve.reporting import charts
from improve.reporting.render_docx import NUMERIC_KINDS, RAG_FILL, format_cell, ukdate

CONTENTS = "Contents"
MAX_NAME = 31
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
#: Names Excel keeps for itself (compared without case).
RESERVED = {"history"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEAD_ROW = 2  # 0-based: caption, source, then the header row
MIN_WIDTH, MAX_WIDTH = 8.0, 60.0


def sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique sheet name for ``title``: at most 31 characters, none of ``[]:*?/\\``.

    Forbidden characters become "-" (``2019/20`` → ``2019-20``); a clash (Excel compares names
    without case) gets " (2)", " (3)"… within the 31 characters. ``used`` is updated.
    """
    name = FORBIDDEN.sub("-", " ".join(title.split())).strip("'").strip() or "Table"
    name = name[:MAX_NAME].rstrip()
    candidate, number = name, 1
    while candidate.lower() in used or candidate.lower() in RESERVED:
        number += 1
        suffix = f" ({number})"
        candidate = name[: MAX_NAME - len(suffix)].rstrip() + suffix
    used.add(candidate.lower())
    return candidate


def plain_decimal(value: int | Decimal) -> Decimal:
    """``value`` without an exponent (``1E+3`` → ``1000``), so the file holds its plain digits."""
    return Decimal(format(value, "f")) if isinstance(value, Decimal) else Decimal(value)


def money_format(unit: str, places: int) -> str:
    """The number format for money in ``unit``: ``#,##0;(#,##0)`` in £000; "£" shown for pounds."""
    digits = "#,##0" + ("." + "0" * places if places else "")
    if unit == "£":
        return f'"£"{digits};("£"{digits})'
    return f"{digits};({digits})"


@dataclass
class _Formats:
    book: Workbook
    cache: dict[tuple[tuple[str, object], ...], Format]

    def get(self, **props: object) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.book.add_format(dict(props))
        return self.cache[key]


@dataclass(frozen=True)
class _Sheet:
    name: str
    section: str
    caption: str
    columns: tuple[doc.Column, ...]
    rows: tuple[tuple[doc.Cell, ...], ...]
    source: str
    note: str = ""
    row_header: bool = True


def _sheets(pack: doc.Pack) -> list[_Sheet]:
    used = {CONTENTS.lower()}
    sheets: list[_Sheet] = []
    for section in pack.sections:
        for block in section.blocks:
            if isinstance(block, doc.Table):
                rows = tuple(tuple(c if isinstance(c, doc.Cell) else doc.Cell(c) for c in row) for row in block.rows)
                sheets.append(
                    _Sheet(
                        sheet_name(block.caption, used),
                        section.title,
                        block.caption,
                        block.columns,
                        rows,
                        f"From the section '{section.title}', as at {ukdate(pack.as_at)}.",
                        block.note,
                        block.row_header,
                    )
                )
            elif isinstance(block, doc.Chart):
                columns, chart_rows = charts.chart_rows(block)
                sheets.append(
                    _Sheet(
                        sheet_name(f"Chart - {block.title}", used),
                        section.title,
                        f"Data for the chart: {block.title}",
                        columns,
                        chart_rows,
                        f"From the section '{section.title}', as at {ukdate(pack.as_at)}. {block.description}",
                    )
                )
    return sheets


def _write_value(sheet: Worksheet, row: int, col: int, cell: doc.Cell, column: doc.Column, formats: _Formats) -> float:
    """Write one cell; returns the width ``[characters]`` its shown text needs."""
    base: dict[str, object] = {"valign": "top"}
    if cell.total:
        base.update(bold=True, top=1)
    value = cell.value
    shown = format_cell(cell)
    if value is None or (value == "" and cell.kind != "rag"):
        sheet.write_blank(row, col, None, formats.get(**base))
    elif isinstance(value, dt.date):
        sheet.write_datetime(
            row, col, dt.datetime.combine(value, dt.time()), formats.get(num_format="dd/mm/yyyy", **base)
        )
    elif isinstance(value, int | Decimal) and cell.kind in NUMERIC_KINDS:
        number = plain_decimal(value)
        if cell.kind == "money":
            fmt = money_format(cell.unit, cell.places)
        elif cell.kind == "percent":
            number = number / 100
            fmt = "0" + ("." + "0" * cell.places if cell.places else "") + "%"
        else:
            fmt = "#,##0" + ("." + "0" * cell.places if cell.places else "")
        sheet.write_number(row, col, number, formats.get(num_format=fmt, **base))
    else:
        text = shown if cell.kind == "rag" else str(value)
        props = dict(base)
        if cell.kind == "rag" and value in RAG_FILL:
            fill, ink = RAG_FILL[str(value)]
            props.update(bg_color=f"#{fill}", font_color=f"#{ink}", pattern=1)
        if text.startswith(FORMULA_START):
            props["quote_prefix"] = True
        if len(text) > MAX_WIDTH:
            props["text_wrap"] = True
        if column.numeric or cell.kind in NUMERIC_KINDS:
            props["align"] = "right"
        sheet.write_string(row, col, text, formats.get(**props))
    if cell.note:
        sheet.write_comment(row, col, cell.note)
    return len(shown) * (1.1 if cell.total else 1.0)


def _write_sheet(book: Workbook, spec: _Sheet, formats: _Formats) -> None:
    sheet = book.add_worksheet(spec.name)
    sheet.write_string(0, 0, spec.caption, formats.get(bold=True, font_size=14))
    widths = [max(len(c.label) * 1.1, MIN_WIDTH) for c in spec.columns]
    for col, column in enumerate(spec.columns):
        props: dict[str, object] = {"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"}
        if column.numeric:
            props["align"] = "right"
        sheet.write_string(HEAD_ROW, col, column.label, formats.get(**props))
    for r, row in enumerate(spec.rows, start=HEAD_ROW + 1):
        for col, (column, cell) in enumerate(zip(spec.columns, row, strict=True)):
            widths[col] = max(widths[col], _write_value(sheet, r, col, cell, column, formats))
    last = HEAD_ROW + len(spec.rows)
    if spec.note:
        sheet.write_string(last + 2, 0, spec.note, formats.get(italic=True))
    widths = [min(width + 2, MAX_WIDTH) for width in widths]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    # where it comes from (and a chart's text alternative), wrapped across the table's width
    muted: dict[str, object] = {"italic": True, "font_color": "#505a5f", "valign": "top"}
    needed = len(spec.source) * 1.1
    if len(spec.columns) > 1 and needed > widths[0]:
        sheet.merge_range(1, 0, 1, len(spec.columns) - 1, spec.source, formats.get(text_wrap=True, **muted))
        sheet.set_row(1, 15 * math.ceil(needed / sum(widths)))
    else:
        sheet.write_string(1, 0, spec.source, formats.get(**muted))
    sheet.freeze_panes(HEAD_ROW + 1, 1 if spec.row_header and len(spec.columns) > 1 else 0)
    if spec.rows:
        sheet.autofilter(HEAD_ROW, 0, last, len(spec.columns) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(HEAD_ROW)
    sheet.fit_to_pages(1, 0)  # as wide as one page, as long as it takes


def _contents(book: Workbook, pack: doc.Pack, sheets: Sequence[_Sheet], formats: _Formats) -> None:
    sheet = book.add_worksheet(CONTENTS)
    sheet.write_string(0, 0, pack.title, formats.get(bold=True, font_size=14))
    facts = (
        ("Council", pack.council),
        ("Programme", pack.programme),
        ("Board", pack.board),
        ("As at", pack.as_at),
        ("Status", pack.status),
    )
    for r, (label, value) in enumerate(facts, start=2):
        sheet.write_string(r, 0, label, formats.get(bold=True))
        if isinstance(value, dt.date):
            sheet.write_datetime(
                r, 1, dt.datetime.combine(value, dt.time()), formats.get(num_format="dd/mm/yyyy", align="left")
            )
        else:
            sheet.write_string(r, 1, value)
    head = 2 + len(facts) + 1
    header = formats.get(bold=True, bottom=1)
    for col, label in enumerate(("Sheet", "Section", "What it holds")):
        sheet.write_string(head, col, label, header)
    if not sheets:
        sheet.write_string(head + 1, 0, "This pack has no tables or charts.")
    link = formats.get(font_color="#1d70b8", underline=1)
    for r, spec in enumerate(sheets, start=head + 1):
        sheet.write_url(r, 0, f"internal:'{spec.name}'!A1", link, string=spec.name, tip=f"Go to {spec.caption}")
        sheet.write_string(r, 1, spec.section)
        sheet.write_string(r, 2, spec.caption)
    name_width = max((len(s.name) for s in sheets), default=10)
    sheet.set_column(0, 0, max(name_width + 2, 14))
    values = [len(s.section) for s in sheets] + [len(str(v)) for _, v in facts]
    sheet.set_column(1, 1, min(max(values) + 2, MAX_WIDTH))
    sheet.set_column(2, 2, min(max((len(s.caption) for s in sheets), default=10) + 2, MAX_WIDTH))
    sheet.freeze_panes(head + 1, 0)
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.activate()


def pack_xlsx(pack: doc.Pack) -> bytes:
    """The pack's tables and charts' data as .xlsx bytes (see the module's docstring)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties(
        {
            "title": pack.title,
            "subject": f"{pack.board}: {pack.programme}",
            "author": pack.council,
            "company": pack.council,
            "keywords": "board pack",
            "comments": f"As at {ukdate(pack.as_at)}. {pack.status}.",
            "status": pack.status,
            "created": dt.datetime.combine(pack.as_at, dt.time()),
        }
    )
    book.set_custom_property("Language", pack.language)
    formats = _Formats(book, {})
    sheets = _sheets(pack)
    _contents(book, pack, sheets, formats)
    for spec in sheets:
        _write_sheet(book, spec, formats)
    book.close()
    return out.getvalue()
