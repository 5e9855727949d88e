"""Reading and writing workbook files (no database)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from improve.interchange.schema import SHEET_NAMES
from improve.interchange.workbook import (
    WorkbookError,
    read_csv_folder,
    read_workbook,
    read_xlsx,
    sheets_from_dicts,
    write_csv_folder,
    xlsx_bytes,
)

SHEETS = {
    "programme": [
        {
            "slug": "x",
            "council": "C",
            "name": "N",
            "strand_term": "strand",
            "start": dt.date(2019, 4, 18),
            "end": None,
            "background": "Line one\nLine two",
            "objectives": "",
            "outcomes": "",
            "principles": "",
            "lessons_learned": "",
            "notes": "=SUM(A1)",
        }
    ],
    "plan_items": [
        {
            "uid": "25",
            "level": 1,
            "kind": "deliverable",
            "gate_type": "",
            "title": "A",
            "strand": "1",
            "project": "",
            "parent": "",
            "owner": "TBD",
            "team": "",
            "start": "TBD",
            "end": dt.date(2019, 4, 18),
            "status": "not_started",
            "rag": "",
            "percent_complete": 0,
            "order": 1,
            "notes": "",
        }
    ],
    "baselines": [],
}


def test_xlsx_layout():
    book = load_workbook(io.BytesIO(xlsx_bytes(SHEETS)))
    assert book.sheetnames == [n for n in SHEET_NAMES if n in SHEETS]
    ws = book["plan_items"]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.b for cell in ws[1])
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c for c in ws[2]], strict=True))
    assert row["end"].is_date and row["end"].number_format == "dd/mm/yyyy"
    assert row["end"].value == dt.datetime(2019, 4, 18)
    assert row["start"].value == "TBD" and row["start"].data_type == "s"
    assert row["uid"].value == "25" and row["uid"].data_type == "s"  # keys stay text
    assert row["level"].value == 1
    assert ws.column_dimensions["E"].width >= 30  # the title column is wide
    programme = book["programme"]
    notes = [c for c in programme[2] if c.column_letter == "L"][0]
    assert notes.value == "=SUM(A1)" and notes.data_type == "s"  # never a formula
    assert [c.value for c in book["baselines"][1]] == ["name", "taken", "note"]  # header even when empty


def test_xlsx_bytes_are_reproducible_and_read_back():
    first = xlsx_bytes(SHEETS)
    assert xlsx_bytes(SHEETS) == first
    sheets = read_xlsx(first)
    assert sheets["plan_items"].rows[0].number == 2
    values = sheets["plan_items"].rows[0].values
    assert values["end"] == dt.datetime(2019, 4, 18) and values["start"] == "TBD"
    assert sheets["programme"].rows[0].values["background"] == "Line one\nLine two"
    assert sheets["baselines"].rows == [] and sheets["baselines"].columns == ["name", "taken", "note"]


def test_csv_folder_round_trip_with_and_without_bom(tmp_path):
    write_csv_folder(SHEETS, tmp_path / "book")
    text = (tmp_path / "book" / "plan_items.csv").read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("25,1,deliverable,,A,1,,,TBD,,TBD,18/04/2019,not_started")
    bom = tmp_path / "book" / "programme.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + bom.read_bytes())
    sheets = read_csv_folder(tmp_path / "book")
    assert sheets["programme"].columns[0] == "slug"
    assert sheets["programme"].rows[0].values["background"] == "Line one\nLine two"
    assert read_workbook(str(tmp_path / "book")).keys() == sheets.keys()


def test_blank_rows_keep_the_numbering_and_headers_are_normalised():
    book = Workbook()
    ws = book.active
    ws.title = "Plan Items"
    ws.append(["UID", "Title ", None, None])
    ws.append(["1", "First"])
    ws.append([None, None])
    ws.append(["3", "Third", None, "stray"])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = read_xlsx(buffer.getvalue())["plan_items"]
    assert sheet.title == "Plan Items"
    assert sheet.columns == ["uid", "title", "", "(column D)"]
    assert [r.number for r in sheet.rows] == [2, 4]
    assert sheet.rows[1].values == {"uid": "3", "title": "Third", "(column D)": "stray"}


def test_unreadable_files():
    with pytest.raises(WorkbookError, match="could not be read as an Excel workbook"):
        read_xlsx(b"this is not a zip file")
    with pytest.raises(WorkbookError, match="not an .xlsx file"):
        read_workbook(__file__)


def test_sheets_from_dicts_numbers_rows_from_two():
    sheets = sheets_from_dicts({"owners": [{"name": "A"}, {"name": "B"}], "stages": []})
    assert [r.number for r in sheets["owners"].rows] == [2, 3]
    assert sheets["stages"].columns[0] == "code"


def test_the_collector_is_paused_while_an_xlsx_is_read_and_runs_again_even_after_a_bad_file(monkeypatch):
    import gc

    from improve.interchange import workbook

    seen = []
    real_read = workbook._read_xlsx
    monkeypatch.setattr(workbook, "_read_xlsx", lambda source: (seen.append(gc.isenabled()), real_read(source))[1])
    data = xlsx_bytes(SHEETS)
    assert gc.isenabled()
    read_xlsx(data)
    with pytest.raises(WorkbookError):
        read_xlsx(b"not a workbook")
    assert seen == [False, False] and gc.isenabled()
