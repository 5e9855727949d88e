"""Reading and writing workbook files (no database)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import zipfile

import pytest
import xlsxwriter
from openpyxl import Workbook, load_workbook

from improve.core.registry import registry
from improve.interchange.limits import MAX_ROWS_PER_SHEET
from improve.interchange.workbook import (
    WorkbookError,
    read_csv_folder,
    read_upload,
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
    assert book.sheetnames == [s.name for s in registry.sheets() if s.name in SHEETS]
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
    notes = dict(zip([c.value for c in programme[1]], programme[2], strict=True))["notes"]
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


# --- damaged files (security probe, finding 4) -----------------------------------------------------


def make_zip(files: dict[str, str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


OWNERS_CSV = "name,kind,title\n" + "".join(f"Owner {n},person,Lead {n}\n" for n in range(200))


def patch_member(data: bytes, name: str, patch) -> bytes:
    """``data`` with ``patch(bytearray, info)`` applied to the member ``name``'s bytes."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    damaged = bytearray(data)
    patch(damaged, info)
    return bytes(damaged)


def bad_crc(data: bytes, name: str) -> bytes:
    """The member's CRC-32 changed in the central directory (the one zipfile checks)."""
    at = data.find(b"PK\x01\x02")
    damaged = bytearray(data)
    while at >= 0:
        length = int.from_bytes(damaged[at + 28 : at + 30], "little")
        if damaged[at + 46 : at + 46 + length] == name.encode():
            damaged[at + 16 : at + 20] = b"\x01\x02\x03\x04"
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(damaged)


def bad_deflate(data: bytes, name: str) -> bytes:
    def patch(damaged: bytearray, info: zipfile.ZipInfo) -> None:
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        damaged[start + 2 : start + 22] = b"\xff" * 20

    return patch_member(data, name, patch)


def encrypted(data: bytes, name: str) -> bytes:
    def patch(damaged: bytearray, info: zipfile.ZipInfo) -> None:
        damaged[info.header_offset + 6] |= 0x1
        central = data.index(b"PK\x01\x02")
        damaged[central + 8] |= 0x1

    return patch_member(data, name, patch)


CSV_ZIP = make_zip({"book/owners.csv": OWNERS_CSV})
XLSX = xlsx_bytes({"owners": [{"name": f"Owner {n}", "kind": "person", "title": ""} for n in range(200)]})


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("book.zip", bad_crc(CSV_ZIP, "book/owners.csv"), "book/owners.csv in the .zip file is damaged"),
        ("book.zip", bad_deflate(CSV_ZIP, "book/owners.csv"), "book/owners.csv in the .zip file is damaged"),
        ("book.zip", encrypted(CSV_ZIP, "book/owners.csv"), "book/owners.csv in the .zip file has a password"),
        ("book.zip", CSV_ZIP[: len(CSV_ZIP) // 2], "The file is not a .zip archive"),
        ("book.xlsx", XLSX[: len(XLSX) // 2], "could not be read as an Excel workbook"),
        ("book.xlsx", bad_crc(XLSX, "xl/worksheets/sheet1.xml"), "The Excel workbook is damaged"),
        ("book.xlsx", bad_deflate(XLSX, "xl/worksheets/sheet1.xml"), "could not be read as an Excel workbook"),
        ("book.xlsx", bad_deflate(XLSX, "xl/sharedStrings.xml"), "could not be read as an Excel workbook"),
    ],
    ids=[
        "zip-crc",
        "zip-deflate",
        "zip-password",
        "zip-truncated",
        "xlsx-truncated",
        "xlsx-crc",
        "xlsx-deflate",
        "xlsx-strings-deflate",
    ],
)
def test_damaged_uploads_raise_a_workbook_error_fit_for_a_person(filename, data, message):
    with pytest.raises(WorkbookError, match=re.escape(message)) as info:
        read_upload(filename, data)
    assert "Traceback" not in str(info.value) and "CRC" not in str(info.value)


def test_csv_zip_survives_any_single_damaged_byte():
    """Every byte of a small .zip of CSV files changed in turn: a sheet or a WorkbookError, nothing else."""
    data = make_zip({"owners.csv": OWNERS_CSV[:400], "strands.csv": "code,name\n1,One\n"})
    for at in range(len(data)):
        damaged = bytearray(data)
        damaged[at] ^= 0xA5
        with contextlib.suppress(WorkbookError):
            read_upload("book.zip", bytes(damaged))


# --- limits (security probe, finding 5) --------------------------------------------------------------


def test_a_csv_sheet_with_too_many_rows_is_refused_before_the_rest_is_read(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    rows = "".join(f"{n},Strand {n}\n" for n in range(MAX_ROWS_PER_SHEET + 1))
    # A line after the limit that the CSV reader would refuse: reading stops before it.
    broken = "x," + "y" * 200_000 + "\n"
    (folder / "strands.csv").write_text("code,name\n" + rows + broken, encoding="utf-8")
    with pytest.raises(WorkbookError) as info:
        read_csv_folder(folder)
    assert str(info.value) == (
        "The sheet strands has more than 50,000 rows: a sheet can hold at most 50,000 rows under its header row"
    )


def test_a_sheet_of_exactly_the_limit_is_read_and_blank_rows_do_not_count(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    rows = "".join(f"{n},Strand {n}\n,\n" for n in range(MAX_ROWS_PER_SHEET))
    (folder / "strands.csv").write_text("code,name\n" + rows, encoding="utf-8")
    sheet = read_csv_folder(folder)["strands"]
    assert len(sheet.rows) == MAX_ROWS_PER_SHEET and sheet.rows[-1].number == 2 * MAX_ROWS_PER_SHEET


def test_an_xlsx_sheet_with_too_many_rows_is_refused():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    ws = book.add_worksheet("owners")
    ws.write_string(0, 0, "name")
    for n in range(1, MAX_ROWS_PER_SHEET + 2):
        ws.write_string(n, 0, f"Owner {n}")
    book.close()
    with pytest.raises(WorkbookError, match="^The sheet owners has more than 50,000 rows"):
        read_upload("book.xlsx", buffer.getvalue())


def test_a_zip_of_csv_files_that_unpacks_past_the_limit_is_refused_unread():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("owners.csv", "w") as fh:
        fh.write(b"name,kind,title\n")
        for _ in range(21):
            fh.write(b"," * (1024 * 1024))  # 21 MB of commas compress to some 20 KB
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(WorkbookError) as info:
        read_upload("book.zip", buffer.getvalue())
    assert str(info.value) == "The .zip file is too large once unpacked: at most 20 MB of CSV files"


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_unread():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in zipfile.ZipFile(io.BytesIO(XLSX)).namelist():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, zipfile.ZipFile(io.BytesIO(XLSX)).read(name))
        with archive.open("xl/worksheets/sheet1.xml", "w") as fh:
            for _ in range(101):
                fh.write(b" " * (1024 * 1024))
    with pytest.raises(WorkbookError) as info:
        read_upload("book.xlsx", buffer.getvalue())
    assert str(info.value) == "The Excel workbook is too large once unpacked: at most 100 MB"


# --- formulas in CSV files (security probe, finding 8) -------------------------------------------------

FORMULA_LIKE = [
    "=1+1",
    "@SUM(1)",
    "+1+1",
    "-1+1",
    '=HYPERLINK("http://example.org","x")',
    "\t=1+1",
    "\n=1+1",
    "'=1+1",  # a value that already starts with a quote keeps it
    "''@x",
]
PLAIN = ["-3", "+4", "-2.5", "'", "'quoted", "It's = fine", "a=1"]


def test_csv_files_neutralise_formula_like_text_and_read_it_back(tmp_path):
    rows = [{"name": text, "kind": "person", "title": f"row {n}"} for n, text in enumerate(FORMULA_LIKE + PLAIN)]
    write_csv_folder({"owners": rows}, tmp_path / "book")
    with (tmp_path / "book" / "owners.csv").open(encoding="utf-8", newline="") as fh:
        written = [r[0] for r in csv.reader(fh)][1:]
    for text, cell in zip(FORMULA_LIKE, written, strict=False):
        assert cell == "'" + text  # a spreadsheet shows it as text and never runs it
    assert written[len(FORMULA_LIKE) :] == PLAIN  # numbers and other text are left alone
    back = read_csv_folder(tmp_path / "book")["owners"]
    assert [r.values["name"] for r in back.rows] == FORMULA_LIKE + PLAIN
    write_csv_folder({"owners": [dict(r.values) for r in back.rows]}, tmp_path / "again")
    assert (tmp_path / "again" / "owners.csv").read_bytes() == (tmp_path / "book" / "owners.csv").read_bytes()


def test_negative_whole_numbers_are_written_as_numbers(tmp_path):
    write_csv_folder(
        {"dependencies": [{"predecessor": "1", "successor": "2", "type": "FS", "lag_days": -3}]}, tmp_path / "b"
    )
    assert (tmp_path / "b" / "dependencies.csv").read_text().splitlines()[1] == "1,2,FS,-3"


def test_a_carriage_return_in_a_cell_cannot_start_a_row_of_its_own(tmp_path):
    rows = [{"name": "Ann\r=1+1", "kind": "person", "title": "\r@SUM(1)"}, {"name": "Bo\r\nB", "kind": "", "title": ""}]
    write_csv_folder({"owners": rows}, tmp_path / "book")
    with (tmp_path / "book" / "owners.csv").open(encoding="utf-8", newline="") as fh:
        written = list(csv.reader(fh))
    assert written == [["name", "kind", "title"], ["Ann\n=1+1", "person", "'\n@SUM(1)"], ["Bo\nB", "", ""]]


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
