"""The board pack as Word: read back with python-docx and as raw XML, as Word and a screen reader would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from PIL import Image

from improve.core import document as doc
from improve.reporting.render_docx import column_widths, format_cell, pack_docx
from improve.reporting.tests.render_samples import ALL_CHARTS, realistic_pack

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return pack_docx(realistic_pack())


@pytest.fixture(scope="module")
def word(docx_bytes: bytes) -> DocxDocument:
    return Document(io.BytesIO(docx_bytes))


def part(docx_bytes: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        return z.read(name).decode("utf-8")


def cell_texts(table: object) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]  # type: ignore[attr-defined]


def test_headings_use_heading_styles_in_reading_order(word: DocxDocument) -> None:
    headings = [
        (p.style.name, p.text) for p in word.paragraphs if p.style is not None and p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "Summary"),
        ("Heading 2", "What changed since the last pack"),
        ("Heading 1", "Plan and highlight reports"),
        ("Heading 2", "Status by strand"),
        ("Heading 3", "Workforce"),
        ("Heading 1", "Money"),
        ("Heading 1", "Vital signs"),
        ("Heading 1", "Risks"),
    ]


def test_cover_says_who_what_and_when(word: DocxDocument) -> None:
    texts = [p.text for p in word.paragraphs[:8]]
    assert texts[:3] == [
        "London Borough of Barking and Dagenham",
        "Children's Services Improvement Programme",
        "Children's Improvement Board",
    ]
    title = word.paragraphs[3]
    assert title.text == "Children's Improvement Board: October 2019"
    assert title.style is not None and title.style.name == "Title"
    assert "As at 31/10/2019" in texts
    assert "Status: Draft" in texts


def test_contents_is_a_toc_field_with_the_sections_written_under_it(word: DocxDocument, docx_bytes: bytes) -> None:
    body = part(docx_bytes, "word/document.xml")
    assert 'TOC \\o "1-2" \\h \\z \\u' in body
    entries = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "toc 1"]
    assert entries == ["Summary", "Plan and highlight reports", "Money", "Vital signs", "Risks"]
    # the field opens before the first entry and closes after the last, before the first section
    assert body.index('w:fldCharType="begin"') < body.index(">Summary<") < body.index('w:fldCharType="end"')
    assert body.index('w:fldCharType="end"') < body.index(">Plan and highlight reports<", body.index("Heading1"))


def test_every_table_repeats_its_header_row_and_never_splits_a_row(word: DocxDocument) -> None:
    # 4 document tables and the 4 charts' data tables
    assert len(word.tables) == 8
    for table in word.tables:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(r.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        assert all(r.trPr.find(qn("w:tblHeader")) is None for r in rows[1:])
        caption = table._tbl.tblPr.find(qn("w:tblCaption"))
        assert caption is not None and caption.get(qn("w:val"))


def test_a_long_table_keeps_all_its_rows(word: DocxDocument) -> None:
    risks = next(t for t in word.tables if t.rows[0].cells[0].text == "Ref" and len(t.rows) > 50)
    assert len(risks.rows) == 61
    assert risks.rows[60].cells[4].text == "31/12/2019"


def test_money_is_formatted_from_the_cell(word: DocxDocument) -> None:
    finance = next(t for t in word.tables if t.rows[0].cells[0].text == "Line")
    rows = cell_texts(finance)
    assert rows[0] == ["Line", "Planned", "Projected", "Variation", "Last updated"]
    assert rows[2] == ["Agency social workers", "143", "98", "(45)", "30/09/2019"]
    assert rows[3][3] == "(1,234)"  # −1234.4 in £000 to 0 places
    assert rows[6] == ["Programme total", "2,474", "1,205", "(1,269)", ""]
    pence = next(t for t in word.tables if t.rows[0].cells[0].text == "Supplier")
    assert cell_texts(pence)[3][1] == "(£1,234.56)"
    assert cell_texts(pence)[1][1] == "£95,312.57"


def test_figures_right_aligned_and_totals_bold(word: DocxDocument) -> None:
    finance = next(t for t in word.tables if t.rows[0].cells[0].text == "Line")
    figure = finance.rows[1].cells[1].paragraphs[0]
    assert figure.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert finance.rows[0].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert finance.rows[1].cells[0].paragraphs[0].alignment is None
    total = finance.rows[6].cells[3].paragraphs[0]
    assert all(r.bold for r in total.runs)
    assert not any(r.bold for r in finance.rows[1].cells[3].paragraphs[0].runs)
    assert all(r.bold for r in finance.rows[0].cells[0].paragraphs[0].runs)  # header


def test_charts_are_pictures_with_alt_text_followed_by_their_data(word: DocxDocument, docx_bytes: bytes) -> None:
    props = [
        p
        for p in word.element.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
    ]
    assert [(p.get("title"), p.get("descr")) for p in props] == [
        (c.title, c.description) for c in (ALL_CHARTS[3], ALL_CHARTS[0], ALL_CHARTS[1], ALL_CHARTS[2])
    ]
    assert len(word.inline_shapes) == 4
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(images) == 4
        assert Image.open(io.BytesIO(z.read(images[0]))).format == "PNG"
    data = next(t for t in word.tables if t.rows[0].cells[0].text == "Category")
    assert cell_texts(data)[0] == ["Category", "Budget (£000)", "Forecast (£000)", "Actual to date (£000)"]
    assert cell_texts(data)[4][2] == "(35)"


def test_rag_is_written_and_shaded(word: DocxDocument) -> None:
    overall = next(p for p in word.paragraphs if p.text.startswith("Overall:"))
    assert "Amber" in overall.text
    assert "Two strands on track" in overall.text
    shaded = [r for r in overall.runs if r._r.rPr is not None and r._r.rPr.find(qn("w:shd")) is not None]
    assert [r.text.strip() for r in shaded] == ["Amber"]
    status = next(t for t in word.tables if t.rows[0].cells[0].text == "Strand")
    assert cell_texts(status)[3][1] == "Red"
    assert cell_texts(status)[4][3] == "Not given"
    assert cell_texts(status)[1][5] == "62.5%"
    grid = next(t for t in word.tables if t.rows[0].cells[0].text == "Series")
    assert cell_texts(grid)[1][1] == "Amber"


def test_lists_notes_and_paragraphs(word: DocxDocument) -> None:
    bullets = [p.text for p in word.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert bullets[0] == "1.4 'Recruit practice lead' slipped 21 days, to 14/10/2019"
    assert len(bullets) == 3
    warning = next(p for p in word.paragraphs if p.text.startswith("Warning: "))
    assert warning._p.pPr.find(qn("w:shd")) is not None
    assert warning._p.pPr.find(qn("w:pBdr")) is not None
    assert any(p.text == "Early help's October report is overdue." for p in word.paragraphs)


def test_every_section_title_is_present(word: DocxDocument) -> None:
    texts = {p.text for p in word.paragraphs}
    for section in realistic_pack().sections:
        assert section.title in texts


def test_a4_portrait_title_language_and_footer(word: DocxDocument, docx_bytes: bytes) -> None:
    section = word.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297  # type: ignore[union-attr]
    assert word.core_properties.title == "Children's Improvement Board: October 2019"
    assert word.core_properties.language == "en-GB"
    assert word.core_properties.subject == "Children's Improvement Board: Children's Services Improvement Programme"
    styles = part(docx_bytes, "word/styles.xml")
    assert '<w:lang w:val="en-GB"' in styles
    assert "en-US" not in styles.split("</w:docDefaults>")[0]
    assert '<w:themeFontLang w:val="en-GB"' in part(docx_bytes, "word/settings.xml")
    footer = section.footer.paragraphs[0]
    assert "Draft" in footer.text
    instructions = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_an_empty_pack_still_opens_and_says_so() -> None:
    empty = dataclasses.replace(realistic_pack(), sections=())
    word = Document(io.BytesIO(pack_docx(empty)))
    assert "This pack has no sections." in [p.text for p in word.paragraphs]


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        (doc.Cell(Decimal("-1234"), "money", unit="£000"), "(1,234)"),
        (doc.Cell(Decimal("1234.5"), "money", unit="£000"), "1,235"),  # half up
        (doc.Cell(Decimal("-0.4"), "money", unit="£000"), "0"),
        (doc.Cell(Decimal("1.0954"), "money", unit="£m", places=3), "1.095"),
        (doc.Cell(Decimal("-5"), "money", unit="£", places=2), "(£5.00)"),
        (doc.Cell(3, "number"), "3"),
        (doc.Cell(Decimal("-2.25"), "number", places=1), "-2.3"),
        (doc.Cell(Decimal("48.25"), "percent", places=1), "48.3%"),
        (doc.Cell(dt.date(2019, 4, 1), "date"), "01/04/2019"),
        (doc.Cell("", "rag"), "Not given"),
        (doc.Cell("Green", "rag"), "Green"),
        (doc.Cell(None, "money", unit="£000"), ""),
        ("plain", "plain"),
    ],
)
def test_format_cell(cell: doc.Cell | str, shown: str) -> None:
    assert format_cell(cell) == shown


def test_columns_are_sized_to_their_content_within_the_page(word: DocxDocument) -> None:
    risks = next(t for t in word.tables if t.rows[0].cells[0].text == "Ref" and len(t.rows) > 50)
    widths = [c.width for c in risks.columns]
    assert sum(w.cm for w in widths) == pytest.approx(17, abs=0.05)  # type: ignore[union-attr]
    assert widths[1] == max(widths)  # the long text gets the room
    # "R001", "Score" and dates never wrap: each column is at least its longest word wide
    assert widths[0].cm >= len("R001") * 0.2 + 0.4  # type: ignore[union-attr]
    assert widths[4].cm >= len("31/12/2019") * 0.2 + 0.4  # type: ignore[union-attr]


def test_column_widths_share_the_page() -> None:
    columns = [doc.Column("Line"), doc.Column("Amount", numeric=True)]
    narrow = column_widths(columns, [["Pay", "1"]])
    assert sum(narrow) == pytest.approx(17)
    crowded = column_widths([doc.Column(f"Column {n}") for n in range(30)], [[f"Word{n}" for n in range(30)]])
    assert sum(crowded) == pytest.approx(17)
