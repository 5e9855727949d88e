"""The board pack's tables as Excel: read back with openpyxl as a finance officer would use them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from improve.core import document as doc
from improve.reporting.render_xlsx import money_format, pack_xlsx, sheet_name
from improve.reporting.tests.render_samples import realistic_pack


@pytest.fixture(scope="module")
def book() -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(pack_xlsx(realistic_pack())))


def sheet(book: Workbook, caption: str) -> Worksheet:
    found = [ws for ws in book.worksheets if ws["A1"].value == caption]
    assert len(found) == 1, caption
    return found[0]


def test_contents_lists_every_sheet_with_a_link(book: Workbook) -> None:
    assert book.sheetnames[0] == "Contents"
    contents = book["Contents"]
    assert contents["A1"].value == "Children's Improvement Board: October 2019"
    facts = {contents.cell(r, 1).value: contents.cell(r, 2) for r in range(3, 8)}
    assert facts["Status"].value == "Draft"
    assert facts["As at"].value == dt.datetime(2019, 10, 31)
    assert facts["As at"].number_format == "dd/mm/yyyy"
    rows = [(c.value, c.hyperlink) for c in contents["A"][9:] if c.value]
    assert [name for name, _ in rows] == book.sheetnames[1:]
    for name, link in rows:
        assert link is not None and link.location == f"'{name}'!A1"
    # a sheet for each of the 4 tables and each of the 4 charts' data
    assert len(book.sheetnames) == 9


def test_sheet_names_are_valid_and_unique(book: Workbook) -> None:
    names = [n.lower() for n in book.sheetnames]
    assert len(set(names)) == len(names)
    for name in book.sheetnames:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
    assert "Programme budget 2019-20 (£000)" in book.sheetnames


def test_sheet_name_rules() -> None:
    used: set[str] = set()
    assert sheet_name("Budget [2019/20]: *draft*?", used) == "Budget -2019-20-- -draft--"
    long = "A very long caption that goes on and on past the limit"
    first = sheet_name(long, used)
    second = sheet_name(long.upper(), used)  # Excel compares sheet names without case
    assert first == long[:31].rstrip() and len(second) <= 31 and second.endswith(" (2)")
    assert sheet_name("History", used) == "History (2)"  # Excel keeps "History" for itself
    assert sheet_name("   ", used) == "Table"
    assert sheet_name("'quoted'", used) == "quoted"


def test_caption_header_bold_and_frozen(book: Workbook) -> None:
    ws = sheet(book, "Programme budget 2019/20 (£000)")
    assert ws["A1"].font.b
    assert [c.value for c in ws[3]] == ["Line", "Planned", "Projected", "Variation", "Last updated"]
    assert all(c.font.b for c in ws[3])
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["A"].width >= len("Agency social workers")


def test_figures_are_numbers_with_money_formats_and_totals_bold(book: Workbook) -> None:
    ws = sheet(book, "Programme budget 2019/20 (£000)")
    variation = ws["D5"]
    assert variation.value == -45
    assert variation.data_type == "n"
    assert variation.number_format == "#,##0;(#,##0)"
    assert Decimal(str(ws["B6"].value)) == Decimal("1234.4")
    total = ws["D9"]
    assert ws["A9"].value == "Programme total"
    assert total.value == -1269 and total.font.b and ws["A9"].font.b
    assert not ws["D5"].font.b
    assert ws["E4"].value == dt.datetime(2019, 10, 4) and ws["E4"].number_format == "dd/mm/yyyy"
    assert ws["E6"].value is None
    assert ws["A11"].value.startswith("Source: budget monitoring")


def test_pence_survive_exactly(book: Workbook) -> None:
    ws = sheet(book, "Invoices paid (£)")
    amounts = [Decimal(str(ws.cell(r, 2).value)) for r in range(4, 8)]
    assert amounts == [Decimal("95312.57"), Decimal("0.07"), Decimal("-1234.56"), Decimal("94078.08")]
    assert sum(amounts[:3]) == amounts[3]
    assert ws["B4"].number_format == '"£"#,##0.00;("£"#,##0.00)'


def test_the_file_holds_the_exact_decimal_text() -> None:
    import zipfile

    table = doc.table(
        "Big",
        [doc.Column("Amount", numeric=True)],
        [[doc.Cell(Decimal("1234567890123.45"), "money", unit="£", places=2)], [doc.Cell(Decimal("1E+3"), "money")]],
    )
    pack = dataclasses.replace(realistic_pack(), sections=(doc.Section("s", "S", (table,)),))
    with zipfile.ZipFile(io.BytesIO(pack_xlsx(pack))) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<v>1234567890123.45</v>" in xml
    assert "<v>1000</v>" in xml


def test_text_that_looks_like_a_formula_is_never_run(book: Workbook) -> None:
    ws = sheet(book, "Invoices paid (£)")
    for ref, text in (("A5", '=HYPERLINK("http://x")'), ("A6", "-refund")):
        cell = ws[ref]
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert not ws["A4"].quotePrefix


def test_percentages_and_rag(book: Workbook) -> None:
    ws = sheet(book, "Strand status, October 2019")
    assert ws["F4"].value == 0.625 and ws["F4"].number_format == "0.0%"
    assert ws["B6"].value == "Red"
    assert ws["B6"].fill.fgColor.rgb.endswith("D4351C")
    assert ws["D7"].value == "Not given"


def test_chart_data_sheets_match_the_chart_rows(book: Workbook) -> None:
    ws = sheet(book, "Data for the chart: Spend against budget by strand")
    assert "Budget, forecast and actual spend" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["Category", "Budget (£000)", "Forecast (£000)", "Actual to date (£000)"]
    assert [c.value for c in ws[7]] == ["4. Corporate parenting", 220, -35, 0]
    assert ws["C6"].value is None  # no forecast: blank, not zero
    funding = sheet(book, "Data for the chart: Funding by source and year")
    assert funding["E5"].value == 900.5
    assert funding["E5"].number_format == "#,##0.0;(#,##0.0)"


def test_a_long_table_is_whole(book: Workbook) -> None:
    ws = sheet(book, "Risks above appetite")
    assert ws.max_row == 63
    assert ws["A63"].value == "R060"
    assert ws.print_title_rows == "$3:$3"  # the header row repeats on each printed page


def test_properties(book: Workbook) -> None:
    assert book.properties.title == "Children's Improvement Board: October 2019"
    assert book.properties.creator == "London Borough of Barking and Dagenham"


def test_an_empty_pack_still_opens_and_says_so() -> None:
    empty = dataclasses.replace(realistic_pack(), sections=())
    book = openpyxl.load_workbook(io.BytesIO(pack_xlsx(empty)))
    assert book.sheetnames == ["Contents"]
    assert "This pack has no tables or charts." in [c.value for c in book["Contents"]["A"]]


def test_same_pack_same_bytes() -> None:
    assert pack_xlsx(realistic_pack()) == pack_xlsx(realistic_pack())


def test_money_formats() -> None:
    assert money_format("£000", 0) == "#,##0;(#,##0)"
    assert money_format("£m", 3) == "#,##0.000;(#,##0.000)"
    assert money_format("£", 2) == '"£"#,##0.00;("£"#,##0.00)'
