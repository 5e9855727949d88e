"""The B&D example's October 2019 board pack, from every room's own sections, in all four formats.

The pack's machinery is tested against stand-in sections elsewhere; here the real rooms speak:
the plan, the dashboard and highlight reports, RAID, governance and money, each present, in the
registry's order, and the same sections in the PDF, the Word file, the Excel workbook and the page.
"""

import datetime as dt
import io

import openpyxl
import pypdfium2
import pytest
from docx import Document

from improve.reporting import formats, packs

pytestmark = pytest.mark.django_db

TITLES = [
    "Summary",
    "Plan",
    "Programme & PMO dashboard",
    "Highlight reports",
    "Risks, issues and actions",
    "Change requests for decision",
    "Money",
    "Decisions log",
    "Meetings and report deadlines",
]


@pytest.fixture
def october(bd, cib):
    return packs.pack_build(bd, cib, month=dt.date(2019, 10, 1))


def test_every_room_contributes_its_section_in_order(october):
    assert [s.title for s in october.sections] == TITLES
    summary = " ".join(
        item for block in october.sections[0].blocks for item in getattr(block, "items", (getattr(block, "text", ""),))
    )
    # what changed in October, one fact from each room that has one
    assert "57 'Roycraft Ground Floor and Reception refurbished' slipped 91 days" in summary
    assert "R4" in summary and "I5" in summary
    assert "CR-002" in summary and "D-007" in summary
    assert "£25,690.00 over plan" in summary


def test_the_pdf_carries_every_section_with_page_numbers(october):
    document = pypdfium2.PdfDocument(formats.render(october, "pdf"))
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    document.close()
    text = "\n".join(pages)
    for title in TITLES:
        assert title in text
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_the_word_file_has_each_section_as_a_heading_1(october):
    document = Document(io.BytesIO(formats.render(october, "docx")))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert [h for h in headings if h in TITLES] == TITLES
    assert document.core_properties.title == "Children's Improvement Board: October 2019"


def test_the_workbook_lists_the_pack_s_tables_and_keeps_money_as_numbers(october):
    book = openpyxl.load_workbook(io.BytesIO(formats.render(october, "xlsx")))
    assert book.sheetnames[0] == "Contents"
    assert len(book.sheetnames) > len(TITLES)
    money = next(ws for ws in book.worksheets if "budget" in str(ws["A1"].value).lower())
    figures = [c.value for row in money.iter_rows() for c in row if isinstance(c.value, int | float)]
    assert figures, "the money table's figures are numbers Excel can add up"


def test_the_html_file_is_one_page_with_every_section(october):
    html = formats.render(october, "html").decode("utf-8")
    assert html.count('class="io-pack-section"') == len(TITLES)
    assert '<html lang="en-GB"' in html or "<html lang='en-GB'" in html
