"""A printed table's column widths are worked out before WeasyPrint lays it out (fixed layout).

What a reader relies on: a date, a figure or a RAG word keeps to one line, a long title takes the
room that is left, and the columns fill the page's width.
"""

import datetime as dt
from decimal import Decimal

import pypdfium2
import pytest

from improve.core.document import Cell, Column, Pack, Section, Table
from improve.reporting import formats
from improve.reporting.charts import text_width
from improve.reporting.render_html import css_string, pack_document_html, table_html
from improve.reporting.widths import PAGE_WIDTH_PT, TABLE_PT, WIDE_TABLE_PT, column_widths

LONG = "Proposal endorsed by the Workforce Board or by the Procurement Board after consultation " * 2


def _table(columns: int = 5) -> Table:
    rows = tuple(
        (
            Cell(str(n)),
            Cell(LONG if n == 3 else f"Line {n}"),
            Cell(dt.date(2019, 10, n), kind="date"),
            Cell(Decimal("-1234567.89"), kind="money"),
            Cell("" if n % 2 else "Amber", kind="rag"),
            *(Cell("x") for _ in range(columns - 5)),
        )
        for n in range(1, 8)
    )
    labels = ("ID", "Line", "Due", Column("Cost", numeric=True), "RAG", *(f"Extra {i}" for i in range(columns - 5)))
    return Table(caption="Lines", columns=tuple(Column(c) if isinstance(c, str) else c for c in labels), rows=rows)


@pytest.mark.parametrize("columns", [5, 9])
def test_the_widths_fill_the_page_and_never_wrap_a_date_a_figure_or_a_rag(columns):
    table = _table(columns)
    wide = columns > 6
    size = WIDE_TABLE_PT if wide else TABLE_PT
    widths = column_widths(table, wide=wide)
    assert len(widths) == columns and sum(widths) == pytest.approx(100)
    points = [w * PAGE_WIDTH_PT / 100 for w in widths]
    assert points[2] > text_width("07/10/2019", size)
    assert points[3] > text_width("(£1,234,567.89)", size)
    assert points[4] > text_width("Not given", size, bold=True)  # an empty RAG is written "Not given"
    assert points[1] == max(points), "the long title takes the room that is left"


def test_a_short_table_shares_the_spare_room_in_proportion():
    table = Table(caption="Two", columns=(Column("A"), Column("Bbbbbbbbbbbb")), rows=((Cell("a"), Cell("b")),))
    narrow, wide = column_widths(table, wide=False)
    assert narrow < wide and narrow + wide == pytest.approx(100)


def test_only_the_printed_table_carries_its_widths():
    table = _table()
    assert "<colgroup>" in table_html(table, mode="print")
    assert "<colgroup>" not in table_html(table)  # the page keeps the browser's own layout


def test_the_footer_is_a_css_string_that_cannot_break_out_of_the_stylesheet():
    text = css_string('Board "A" \\ </style><script>')
    assert text.startswith('"') and text.endswith('"')
    inner = text[1:-1]
    assert '"' not in inner and "<" not in inner and ">" not in inner
    assert css_string("Children's Board: October 2019 · Draft") == '"Children\'s Board: October 2019 · Draft"'


def _one_section_pack(blocks: tuple, title: str = "Board: October 2019") -> Pack:
    return Pack(
        title=title,
        programme="P",
        council="C",
        board="B",
        as_at=dt.date(2019, 10, 31),
        period_start=dt.date(2019, 10, 1),
        status="Draft",
        sections=(Section(key="s", title="Section", blocks=blocks),),
    )


def _pages(pack: Pack) -> list[str]:
    """The text of each page of the pack's PDF."""
    document = pypdfium2.PdfDocument(formats.render(pack, "pdf"))
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    document.close()
    return pages


def test_the_printed_footer_names_the_pack_and_its_status_from_page_two_on():
    pack = _one_section_pack((_table(),), title='Board "B": October 2019')
    assert "io-running-footer" not in pack_document_html(pack)
    pages = _pages(pack)
    assert 'Board "B": October 2019 · Draft' not in pages[0]
    assert 'Board "B": October 2019 · Draft' in pages[1]


def test_a_long_chart_description_is_left_to_the_alt_text_on_paper():
    from improve.core.document import Chart, Series
    from improve.reporting.render_html import PRINTED_DESCRIPTION_CHARS, chart_html

    names = tuple(f"Strand {n}" for n in range(40))
    description = "; ".join(f"{name}: 5 not started, 2 complete" for name in names)
    assert len(description) > PRINTED_DESCRIPTION_CHARS
    chart = Chart(
        title="Lines", chart="bar", categories=names, series=(Series("Lines", (1,) * 40),), description=description
    )
    printed = chart_html(chart, "print")
    assert f"{description}</p>" not in printed
    assert f'alt="Lines: {description}"' in printed  # the figure's text alternative keeps all of it
    assert "Data for the chart: Lines" in printed  # and so does the table under it
    assert f"{description}</p>" in chart_html(chart, "page")
    short = Chart(title="Two", chart="bar", categories=("A",), series=(Series("S", (1,)),), description="A: 1.")
    assert "A: 1.</p>" in chart_html(short, "print")


@pytest.mark.parametrize(("rows", "whole"), [(5, True), (40, False)])
def test_a_short_printed_table_is_never_split_over_two_pages(rows, whole):
    from improve.core.document import Paragraph

    # enough text that the table starts near the foot of the first page
    filler = tuple(Paragraph(f"Paragraph {n}: " + "words to fill the page " * 12) for n in range(11))
    table = Table(
        caption="Short table",
        columns=(Column("Row"), Column("Value")),
        rows=tuple((Cell(f"Row R{n:02d}"), Cell(f"Value {n}")) for n in range(1, rows + 1)),
    )
    pack = _one_section_pack((*filler, table))
    assert ("io-keep" in table_html(table, mode="print")) is whole
    assert "io-keep" not in table_html(table)  # the screen page scrolls
    pages = _pages(pack)
    first = next(i for i, text in enumerate(pages) if "Row R01" in text)
    last = next(i for i, text in enumerate(pages) if f"Row R{rows:02d}" in text)
    assert (first == last) is whole
    assert "Short table" in pages[first]  # the caption goes with the table's first row
