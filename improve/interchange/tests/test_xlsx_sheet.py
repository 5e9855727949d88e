"""The fast worksheet writes the same bytes as XlsxWriter's own ``write_*`` calls.

``reference_xlsx`` is the workbook writer as it was before :class:`FastSheet`: every cell through
XlsxWriter's ``write_string`` / ``write_number`` / ``write_datetime``. The export must not change
by a byte for the same data.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from typing import Any

import pytest
import xlsxwriter

from improve.core.workbook import DATE, INT, PLANDATE, cell_text
from improve.interchange import services
from improve.interchange import workbook as wb
from improve.interchange.tests.conftest import load
from improve.interchange.xlsx_sheet import FastSheet


def reference_xlsx(data: Mapping[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"author": "Improvement Office", "created": wb.FIXED_TIME})
    bold = book.add_format({"bold": True})
    date_format = book.add_format({"num_format": wb.EXCEL_DATE_FORMAT})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for name, columns, rows in wb._ordered(data):
        ws = book.add_worksheet(name)
        spec = wb._specs().get(name)
        types = [spec.by_name[c].type if spec and c in spec.by_name else "" for c in columns]
        for i, column in enumerate(columns):
            ws.set_column(i, i, wb._column_width(spec, column, rows))
        ws.freeze_panes(1, 0)
        for i, column in enumerate(columns):
            ws.write_string(0, i, column, bold)
        for r, row in enumerate(rows, start=1):
            for c, (column, kind) in enumerate(zip(columns, types, strict=True)):
                value = row.get(column)
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date) and kind in (DATE, PLANDATE, ""):
                    ws.write_datetime(r, c, value, date_format)
                elif isinstance(value, int) and not isinstance(value, bool) and kind in (INT, ""):
                    ws.write_number(r, c, value)
                elif isinstance(value, str) and value.isprintable():
                    ws.write_string(r, c, value)
                else:
                    text = wb._clean_text(cell_text(value))
                    ws.write_string(r, c, text, wrap if "\n" in text else None)
    book.close()
    return buffer.getvalue()


def awkward_sheets() -> dict[str, list[dict[str, Any]]]:
    """Every kind of cell the export writes, over more than one block of 16 rows, with gaps."""
    lines = []
    for n in range(1, 60):
        lines.append(
            {
                "uid": str(n),
                "level": n % 4 + 1,
                "strand": "1" if n < 30 else "2",
                "title": [
                    "Plain title",
                    "Two\nlines",
                    "  leading and trailing spaces  ",
                    "A <tag> & an ampersand",
                    "Bell\x07 and form\x0c feed",
                    "_x0041_ looks like an escape",
                    "Unicode: café – £5 – 😀",
                    "x" * 40_000,  # longer than a cell holds: truncated as XlsxWriter does
                    "=1+1",
                ][n % 9],
                "kind": "deliverable" if n % 5 else "",
                "start": dt.date(2019, 4, 1) + dt.timedelta(days=n) if n % 3 else "TBD",
                "end": None if n % 7 == 0 else dt.date(2020, 1, n % 28 + 1),
                "baseline_end": dt.datetime(2020, 1, 1, 12, 30) if n == 8 else None,  # not a column: left out
                "percent_complete": n if n % 2 else None,
                "order": True if n == 5 else n,  # a stray boolean is written as text
                "notes": "" if n % 4 else f"Note {n}",
            }
        )
    return {
        "programme": [{"slug": "awk", "council": "C", "name": "N", "start": dt.date(2019, 4, 1)}],
        "strands": [],  # a sheet with only its header row
        "plan_items": lines,
        # no spec: columns as found, a date and time, a fraction
        "extra sheet": [{"a": 1, "b": "x"}, {}, {"b": dt.date(2021, 2, 3), "c": 2.5, "d": dt.datetime(2020, 1, 1, 12)}],
    }


def test_the_fast_sheet_writes_what_xlsxwriter_writes_cell_by_cell():
    data = awkward_sheets()
    assert wb.xlsx_bytes(data) == reference_xlsx(data)


@pytest.mark.django_db
@pytest.mark.parametrize("example", ["barking-dagenham-2019", "havering-2019", "cambridgeshire-2016"])
def test_an_example_programme_exports_to_the_same_bytes_as_before(example):
    programme = load(example).programme
    data = services.workbook_export(programme=programme)
    assert services.workbook_export_xlsx(programme=programme) == reference_xlsx(data)


def test_the_fast_sheet_refuses_rows_out_of_order_and_cells_written_the_slow_way():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = book.add_worksheet("s", worksheet_class=FastSheet)
    ws.append_row(1, [(0, False, 1, None)])
    with pytest.raises(ValueError, match="Row 1 comes after row 1"):
        ws.append_row(1, [(0, False, 2, None)])
    ws.write_string(5, 0, "slow")
    with pytest.raises(ValueError, match="append_row only"):
        book.close()
