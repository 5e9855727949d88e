"""The board pack as a Word file (.docx), for pasting into committee papers.

Built with python-docx from a :class:`~improve.core.document.Pack` (decision record 0020). What a
screen reader, Word's navigation pane and Word's accessibility checker rely on is real structure,
not formatting:

- A4 portrait; a cover (council, programme, board, title, as-at date, status); a contents page
  with a real TOC field over Heading 1–2 whose result is the section list, so the contents read
  correctly before anyone updates fields; each section a **Heading 1** (its title), its summary,
  and its headings as **Heading 2 / 3**.
- Bullet lists in the *List Bullet* style; a RAG status written as a word ("Overall: Amber"),
  with the word shaded in its colour as an extra; a note as a shaded, ruled box ("Warning:" when
  it is one).
- Tables as Word tables with a caption (and the table's alt-text title, ``w:tblCaption``), the
  header row marked to repeat on each page (``w:tblHeader``), rows that never split across pages
  (``w:cantSplit``), figures right-aligned, money formatted from the cell (£ / £000 / £m, its
  places, negatives in brackets), totals bold and ruled above.
- Charts as the same picture as the page (PNG of the SVG) with the description as its alt text
  (``wp:docPr`` ``descr`` and ``title``), followed by the chart's data table.
- Core properties (title, subject, language) and ``w:lang`` en-GB in the styles; a footer with
  the pack's status and "Page X of Y" fields.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from improve.core import document as doc
from improve.reporting import charts

FONT = "Arial"
INK = RGBColor(0x0B, 0x0C, 0x0C)
MUTED = RGBColor(0x50, 0x5A, 0x5F)
HEADER_FILL = "F3F2F1"
NOTE_FILL = "F3F2F1"
NOTE_RULE = {"information": "1D70B8", "warning": "D4351C"}
#: RAG shading and the text colour on it (white on red, green and blue; black on amber).
RAG_FILL: dict[str, tuple[str, str]] = {
    "Red": ("D4351C", "FFFFFF"),
    "Amber": ("F47738", "0B0C0C"),
    "Green": ("00703C", "FFFFFF"),
    "Blue": ("1D70B8", "FFFFFF"),
}
CHART_WIDTH = Cm(16)
#: The page's text width (A4 less 2 cm margins) ``[cm]``, the width of a character of table text
#: (10 pt Arial, generously) ``[cm]``, a cell's left and right padding together ``[cm]``, and the
#: line length past which a column's text wraps ``[characters]``.
TEXT_WIDTH_CM = 17.0
CM_PER_CHAR = 0.21
CELL_PADDING_CM = 0.4
WRAP_AT = 45
NUMERIC_KINDS = ("money", "number", "percent")


# -- formatting a cell ------------------------------------------------------------------------


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ukdate(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def format_cell(cell: doc.Cell | doc.CellValue) -> str:
    """A cell's value as the pack prints it.

    Money: in its unit with thousands commas and the cell's places, negatives in brackets
    (``-1234`` in £000 → ``(1,234)``; ``-5`` in £ with 2 places → ``(£5.00)``). Numbers with
    commas and places; percentages with ``%`` (the value is in percent: ``62.5`` → ``62.5%``);
    dates dd/mm/yyyy; a RAG status written out ("Not given" when blank); None → "".
    """
    if not isinstance(cell, doc.Cell):
        cell = doc.Cell(cell)
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return ukdate(value)
    if cell.kind == "rag":
        return str(value) or "Not given"
    if isinstance(value, int | Decimal) and cell.kind in NUMERIC_KINDS:
        shown = _quantize(Decimal(value), cell.places)
        text = f"{abs(shown):,.{cell.places}f}"
        if cell.kind == "money":
            if cell.unit == "£":
                text = f"£{text}"
            return f"({text})" if shown < 0 else text
        if cell.kind == "percent":
            text = f"{text}%"
        return f"-{text}" if shown < 0 else text
    return str(value)


def is_numeric(column: doc.Column, cell: doc.Cell) -> bool:
    return column.numeric or cell.kind in NUMERIC_KINDS


# -- low-level WordprocessingML ---------------------------------------------------------------


def _set(element: BaseOxmlElement, tag: str, **attrs: str) -> BaseOxmlElement:
    child = OxmlElement(tag)
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), value)
    element.append(child)
    return child


def _fonts(rpr: BaseOxmlElement) -> None:
    """Arial for every script, replacing the template's theme fonts."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for name in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{name}"), FONT)
    rpr.insert(0, fonts)


def _shade(properties: BaseOxmlElement, fill: str) -> None:
    _set(properties, "w:shd", val="clear", color="auto", fill=fill)


def _field_run(paragraph: DocxParagraph, kind: str, instruction: str = "") -> None:
    run = paragraph.add_run()
    if kind == "instr":
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = instruction
        run._r.append(text)
    else:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)


def _simple_field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# -- the document's styles and page -----------------------------------------------------------


def _styles(document: DocxDocument, language: str) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(rpr)
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    _set(rpr, "w:lang", val=language, eastAsia=language, bidi="ar-SA")
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))  # the template has one: change it in place
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), language)

    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.font.color.rgb = INK
    for name, size in (("Title", 26), ("Heading 1", 18), ("Heading 2", 14), ("Heading 3", 12), ("TOC Heading", 18)):
        style = styles[name]
        font = style.font
        font.size = Pt(size)
        font.bold = True
        font.italic = False
        font.color.rgb = INK
        _fonts(style.element.get_or_add_rPr())
    title = styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):  # the template's rule under the title
        title.remove(border)
    caption = styles["Caption"]
    caption.font.size = Pt(11)
    caption.font.bold = True
    caption.font.color.rgb = INK
    toc = styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    toc.base_style = styles["Normal"]
    toc.paragraph_format.space_after = Pt(4)
    small = styles.add_style("Table Note", WD_STYLE_TYPE.PARAGRAPH)
    small.base_style = styles["Normal"]
    small.font.size = Pt(9)
    small.font.color.rgb = MUTED


def _page(document: DocxDocument, pack: doc.Pack) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.style.font.size = Pt(9)
    footer.add_run(f"{pack.title} · {pack.status} · Page ")
    _simple_field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _simple_field(footer, "NUMPAGES", "1")


def _properties(document: DocxDocument, pack: doc.Pack) -> None:
    props = document.core_properties
    props.title = pack.title
    props.subject = f"{pack.board}: {pack.programme}"
    props.author = pack.council
    props.language = pack.language
    props.keywords = "board pack"
    props.comments = f"As at {ukdate(pack.as_at)}. {pack.status}."
    moment = dt.datetime.combine(pack.as_at, dt.time(), tzinfo=dt.UTC)
    props.created = props.modified = moment
    props.last_modified_by = pack.council
    props.revision = 1


# -- cover and contents -----------------------------------------------------------------------


def _cover(document: DocxDocument, pack: doc.Pack) -> None:
    for text, size in ((pack.council, 16), (pack.programme, 14), (pack.board, 14)):
        run = document.add_paragraph().add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    document.add_paragraph(pack.title, style="Title").paragraph_format.space_before = Pt(48)
    document.add_paragraph(f"As at {ukdate(pack.as_at)}")
    status = document.add_paragraph()
    status.add_run("Status: ").bold = True
    status.add_run(pack.status)
    status.add_run().add_break(WD_BREAK.PAGE)


def _contents(document: DocxDocument, pack: doc.Pack) -> None:
    document.add_paragraph("Contents", style="TOC Heading")
    titles = [s.title for s in pack.sections] or ["This pack has no sections."]
    paragraphs = [document.add_paragraph(t, style="toc 1") for t in titles]
    # the TOC field wraps the written list: Word replaces it with page numbers when fields update
    first, last = paragraphs[0], paragraphs[-1]
    first_run = first.runs[0]._r
    begin = document.add_paragraph()
    _field_run(begin, "begin")
    _field_run(begin, "instr", ' TOC \\o "1-2" \\h \\z \\u ')
    _field_run(begin, "separate")
    for run in list(begin._p.findall(qn("w:r"))):
        first_run.addprevious(run)
    begin._p.getparent().remove(begin._p)
    _field_run(last, "end")
    last.add_run().add_break(WD_BREAK.PAGE)


# -- blocks -----------------------------------------------------------------------------------


def _status(document: DocxDocument, block: doc.Status) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{block.label}: ").bold = True
    word = block.rag or "Not given"
    run = paragraph.add_run(f" {word} " if block.rag else word)
    run.bold = True
    if block.rag in RAG_FILL:
        fill, ink = RAG_FILL[block.rag]
        _shade(run._r.get_or_add_rPr(), fill)
        run.font.color.rgb = RGBColor.from_string(ink)
    if block.text:
        paragraph.add_run(f" {block.text}")


def _note(document: DocxDocument, block: doc.Note) -> None:
    paragraph = document.add_paragraph()
    if block.tone == "warning":
        paragraph.add_run("Warning: ").bold = True
    paragraph.add_run(block.text)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    _set(borders, "w:left", val="single", sz="36", space="8", color=NOTE_RULE[block.tone])
    ppr.append(borders)
    _shade(ppr, NOTE_FILL)
    paragraph.paragraph_format.left_indent = Cm(0.4)


def _caption(document: DocxDocument, text: str) -> None:
    paragraph = document.add_paragraph(text, style="Caption")
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.space_before = Pt(6)


def _row_properties(row_element: CT_Row, *, header: bool) -> None:
    trpr = row_element.get_or_add_trPr()
    _set(trpr, "w:cantSplit")
    if header:
        _set(trpr, "w:tblHeader")


def _write_cell(cell_paragraph: DocxParagraph, text: str, *, bold: bool, right: bool) -> None:
    run = cell_paragraph.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(10)
    cell_paragraph.paragraph_format.space_after = Pt(0)
    if right:
        cell_paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def column_widths(
    columns: Sequence[doc.Column], texts: Sequence[Sequence[str]], *, available: float = TEXT_WIDTH_CM
) -> list[float]:
    """Column widths ``[cm]`` filling ``available``: each wide enough for its longest word (figures
    never wrap), the rest shared in proportion to how much longer its text runs."""
    floors, wants = [], []
    for i, column in enumerate(columns):
        cells = [row[i] for row in texts]
        words = [w for t in [column.label, *cells] for w in t.split()]
        longest_word = max((len(w) for w in words), default=1)
        longest_cell = max((len(t) for t in cells), default=0)
        floor = max(longest_word, longest_cell if column.numeric else 0) + 1
        floors.append(floor)
        wants.append(max(min(max(longest_cell, len(column.label)), WRAP_AT), floor))
    padding = CELL_PADDING_CM * len(columns)
    room = available - padding
    if sum(floors) * CM_PER_CHAR >= room:  # even the floors do not fit: share the page by floor
        chars = [room / CM_PER_CHAR * f / sum(floors) for f in floors]
    elif sum(wants) * CM_PER_CHAR <= room:  # everything fits on one line: widen in proportion
        chars = [room / CM_PER_CHAR * w / sum(wants) for w in wants]
    else:
        spare = room / CM_PER_CHAR - sum(floors)
        extra = [w - f for w, f in zip(wants, floors, strict=True)]
        chars = [f + spare * e / sum(extra) for f, e in zip(floors, extra, strict=True)]
    return [c * CM_PER_CHAR + CELL_PADDING_CM for c in chars]


def _table(
    document: DocxDocument,
    caption: str,
    columns: Sequence[doc.Column],
    rows: Sequence[Sequence[doc.Cell | doc.CellValue]],
    note: str = "",
) -> None:
    _caption(document, caption)
    cells = [[v if isinstance(v, doc.Cell) else doc.Cell(v) for v in values] for values in rows]
    texts = [[format_cell(c) + (f" ({c.note})" if c.note else "") for c in row] for row in cells]
    widths = [Cm(w) for w in column_widths(columns, texts)]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column_obj, width in zip(table.columns, widths, strict=True):
        column_obj.width = width
    tblpr = table._tbl.tblPr
    _set(tblpr, "w:tblCaption", val=caption[:255])
    if note:
        _set(tblpr, "w:tblDescription", val=note[:255])
    header = table.rows[0]
    _row_properties(header._tr, header=True)
    for column, cell, width in zip(columns, header.cells, widths, strict=True):
        cell.width = width
        _write_cell(cell.paragraphs[0], column.label, bold=True, right=column.numeric)
        _shade(cell._tc.get_or_add_tcPr(), HEADER_FILL)
    for values in cells:
        row = table.add_row()
        _row_properties(row._tr, header=False)
        for column, value, cell, width in zip(columns, values, row.cells, widths, strict=True):
            cell.width = width
            paragraph = cell.paragraphs[0]
            _write_cell(paragraph, format_cell(value), bold=value.total, right=is_numeric(column, value))
            if value.note:
                note_run = paragraph.add_run(f" ({value.note})")
                note_run.italic = True
                note_run.font.size = Pt(9)
            tcpr = cell._tc.get_or_add_tcPr()
            if value.total:  # borders come before shading in a cell's properties
                borders = OxmlElement("w:tcBorders")
                _set(borders, "w:top", val="single", sz="12", space="0", color="0B0C0C")
                tcpr.append(borders)
            if value.kind == "rag" and value.value in RAG_FILL:
                fill, ink = RAG_FILL[str(value.value)]
                _shade(tcpr, fill)
                for run in paragraph.runs:
                    run.font.color.rgb = RGBColor.from_string(ink)
    if note:
        document.add_paragraph(note, style="Table Note")
    else:
        document.add_paragraph().paragraph_format.space_after = Pt(0)


def _chart(document: DocxDocument, block: doc.Chart) -> None:
    _caption(document, block.title)
    document.add_picture(io.BytesIO(charts.chart_png(block)), width=CHART_WIDTH)
    picture = document.paragraphs[-1]
    picture.paragraph_format.keep_with_next = True
    for prop in picture._p.iter(qn("wp:docPr")):
        prop.set("descr", block.description)
        prop.set("title", block.title)
    columns, rows = charts.chart_rows(block)
    _table(document, f"Data for the chart: {block.title}", columns, rows)


def _block(document: DocxDocument, block: doc.Block) -> None:
    if isinstance(block, doc.Heading):
        document.add_heading(block.text, level=2 if block.level <= 3 else 3)
    elif isinstance(block, doc.Paragraph):
        document.add_paragraph(block.text)
    elif isinstance(block, doc.BulletList):
        for item in block.items:
            document.add_paragraph(item, style="List Bullet")
    elif isinstance(block, doc.Status):
        _status(document, block)
    elif isinstance(block, doc.Note):
        _note(document, block)
    elif isinstance(block, doc.Table):
        _table(document, block.caption, block.columns, block.rows, block.note)
    elif isinstance(block, doc.Chart):
        _chart(document, block)


def pack_docx(pack: doc.Pack) -> bytes:
    """The whole pack as .docx bytes (see the module's docstring)."""
    document = Document()
    _styles(document, pack.language)
    _page(document, pack)
    _properties(document, pack)
    _cover(document, pack)
    _contents(document, pack)
    for number, section in enumerate(pack.sections):
        heading = document.add_heading(section.title, level=1)
        if number:
            heading.paragraph_format.page_break_before = True
        if section.summary:
            summary = document.add_paragraph(section.summary)
            for run in summary.runs:
                run.font.color.rgb = MUTED
        for block in section.blocks:
            _block(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
