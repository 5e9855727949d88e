"""A board pack as HTML: the page in the product, the standalone .html file, and WeasyPrint's input.

One writer for all three, so the page, the HTML file and the PDF say the same thing. The markup
uses GOV.UK Frontend's classes (the page's stylesheet styles them; the PDF has its own print
stylesheet, :file:`reporting/static/reporting/pack-print.css`, styling the same classes).

Headings run in order: the pack's title is the one ``h1``, "Contents" and each section ``h2``, a
section's own headings ``h3``/``h4``. Tables have a caption and ``th`` cells with ``scope``; a
chart is an inline SVG titled and described for screen readers, followed by its data table (in a
``<details>`` on screen, a plain table in print).
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path
from typing import Literal

from improve.core.document import (
    Block,
    BulletList,
    Cell,
    CellKind,
    Chart,
    Column,
    Heading,
    Note,
    Pack,
    Paragraph,
    Section,
    Status,
    Table,
)
from improve.reporting.cells import RAG_CLASS, as_cell, cell_text, column_label, is_numeric
from improve.reporting.charts import chart_svg
from improve.reporting.widths import column_widths

Mode = Literal["page", "print"]
PRINT_CSS = Path(__file__).parent / "static" / "reporting" / "pack-print.css"
#: A chart's description longer than this is not printed under it (it stays its alt text) [characters].
PRINTED_DESCRIPTION_CHARS = 400


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element."""
    escaped = "".join(c if c.isalnum() or c in " .,:;·'()&-/£" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'


def anchor(section: Section) -> str:
    return f"section-{section.key}"


def rag_html(rag: str) -> str:
    if not rag:
        return '<strong class="govuk-tag govuk-tag--grey">Not given</strong>'
    return f'<strong class="govuk-tag {RAG_CLASS.get(rag, "govuk-tag--grey")}">{escape(rag)}</strong>'


def _cell(numeric: bool, cell: Cell, header: bool, mode: Mode = "page") -> str:
    classes = ["govuk-table__header" if header else "govuk-table__cell"]
    if numeric:
        classes.append("govuk-table__cell--numeric" if not header else "govuk-table__header--numeric")
    if cell.total:
        classes.append("io-total")
    if cell.kind == "rag" and mode == "print":
        # on paper the cell itself is the tag: one box fewer per RAG for WeasyPrint to lay out
        rag = str(cell.value or "")
        classes += ["io-rag", RAG_CLASS.get(rag, "govuk-tag--grey")]
        text = escape(rag or "Not given")
    elif cell.kind == "rag":
        text = rag_html(str(cell.value or ""))
    else:
        text = escape(cell_text(cell))
    if cell.note:
        text += f' <span class="io-cell-note">({escape(cell.note)})</span>'
    tag = "th" if header else "td"
    scope = ' scope="row"' if header else ""
    return f'<{tag}{scope} class="{" ".join(classes)}">{text}</{tag}>'


#: a printed table of at most this many rows is kept on one page (moved to the next whole)
KEEP_WHOLE_ROWS = 12


def table_html(table: Table, *, caption_class: str = "govuk-table__caption--s", mode: Mode = "page") -> str:
    """The table; on paper with its columns' widths worked out beforehand (:mod:`widths`)."""
    # a table of many columns is set smaller on paper, so it fits the page's width
    is_wide = len(table.columns) > 6
    wide = " io-wide-table" if is_wide else ""
    if mode == "print" and len(table.rows) <= KEEP_WHOLE_ROWS:
        wide += " io-keep"  # a short table is not split over two pages
    out = [
        f'<table class="govuk-table io-pack-table{wide}">',
        f'<caption class="govuk-table__caption {caption_class}">{escape(table.caption)}</caption>',
    ]
    if mode == "print":
        out.append("<colgroup>")
        out += [f'<col style="width:{w:.2f}%">' for w in column_widths(table, wide=is_wide)]
        out.append("</colgroup>")
    out += [
        '<thead class="govuk-table__head"><tr class="govuk-table__row">',
    ]
    numeric_columns = [is_numeric(table, i) for i in range(len(table.columns))]
    for i in range(len(table.columns)):
        numeric = " govuk-table__header--numeric" if numeric_columns[i] else ""
        out.append(f'<th scope="col" class="govuk-table__header{numeric}">{escape(column_label(table, i))}</th>')
    out.append('</tr></thead><tbody class="govuk-table__body">')
    for row in table.rows:
        total = any(as_cell(c).total for c in row)
        out.append(f'<tr class="govuk-table__row{" io-total-row" if total else ""}">')
        for i, raw in enumerate(row):
            numeric_cell = numeric_columns[i] if i < len(numeric_columns) else False
            out.append(_cell(numeric_cell, as_cell(raw), header=table.row_header and i == 0, mode=mode))
        out.append("</tr>")
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="govuk-body-s io-table-note">{escape(table.note)}</p>')
    return "".join(out)


def chart_table(chart: Chart) -> Table:
    """A chart's data as a table: one row per category, one column per series."""
    kind: CellKind = "rag" if chart.chart == "rag-grid" else "number"
    if chart.chart == "rag-grid":
        from improve.core.document import RAG_ORDER

        columns = (Column("Row"), *(Column(c) for c in chart.categories))
        rows = tuple(
            (
                Cell(s.name),
                *(
                    Cell(RAG_ORDER[int(v)] if v is not None and 0 <= int(v) < len(RAG_ORDER) else "", kind)
                    for v in s.values
                ),
            )
            for s in chart.series
        )
        return Table(caption=f"Data for the chart: {chart.title}", columns=columns, rows=rows)
    unit = f" ({chart.unit})" if chart.unit else ""
    columns = (Column("Category"), *(Column(f"{s.name}{unit}", numeric=True) for s in chart.series))
    rows = tuple(
        (
            Cell(category),
            *(Cell(s.values[i] if i < len(s.values) else None, kind, places=_places(s.values)) for s in chart.series),
        )
        for i, category in enumerate(chart.categories)
    )
    return Table(caption=f"Data for the chart: {chart.title}", columns=columns, rows=rows)


def _places(values: tuple[object, ...]) -> int:
    from decimal import Decimal

    places = 0
    for value in values:
        if isinstance(value, Decimal):
            exponent = value.normalize().as_tuple().exponent
            if isinstance(exponent, int):
                places = max(places, min(-exponent, 2))
    return places


def chart_html(chart: Chart, mode: Mode) -> str:
    data = table_html(chart_table(chart), caption_class="govuk-visually-hidden" if mode == "page" else "", mode=mode)
    svg = chart_svg(chart)
    if mode == "print":
        # an image with its alt text: the PDF's Figure element takes the alt as its text alternative
        source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        svg = f'<img src="{source}" alt="{escape(chart.title)}: {escape(chart.description)}">'
    # on paper a long description (one clause per category) is left to the figure's alt text: the
    # data table printed under the chart says the same, and a page of prose helps no one reading it
    desc = (
        ""
        if mode == "print" and len(chart.description) > PRINTED_DESCRIPTION_CHARS
        else f'<p class="govuk-body-s io-chart-desc">{escape(chart.description)}</p>'
    )
    figure = (
        f'<figure class="io-chart-figure"><figcaption class="govuk-heading-s">{escape(chart.title)}</figcaption>'
        f"{svg}{desc}</figure>"
    )
    if mode == "page":
        return (
            f'{figure}<details class="govuk-details"><summary class="govuk-details__summary">'
            f'<span class="govuk-details__summary-text">Data for "{escape(chart.title)}"</span></summary>'
            f'<div class="govuk-details__text">{data}</div></details>'
        )
    return figure + data


def block_html(block: Block, mode: Mode) -> str:
    if isinstance(block, Heading):
        level = min(max(block.level, 3), 4)
        size = "govuk-heading-m" if level == 3 else "govuk-heading-s"
        return f'<h{level} class="{size}">{escape(block.text)}</h{level}>'
    if isinstance(block, Paragraph):
        return f'<p class="govuk-body">{escape(block.text)}</p>'
    if isinstance(block, BulletList):
        items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
        return f'<ul class="govuk-list govuk-list--bullet">{items}</ul>'
    if isinstance(block, Table):
        return table_html(block, mode=mode)
    if isinstance(block, Chart):
        return chart_html(block, mode)
    if isinstance(block, Status):
        text = f" {escape(block.text)}" if block.text else ""
        return (
            f'<p class="govuk-body io-status"><strong>{escape(block.label)}:</strong> {rag_html(block.rag)}{text}</p>'
        )
    if isinstance(block, Note):
        if block.tone == "warning":
            return (
                '<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>'
                f'<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>'
                f"{escape(block.text)}</strong></div>"
            )
        return f'<div class="govuk-inset-text">{escape(block.text)}</div>'
    raise TypeError(f"A board pack cannot show a {type(block).__name__}")


def section_html(section: Section, mode: Mode) -> str:
    out = [f'<section class="io-pack-section" id="{anchor(section)}" aria-labelledby="{anchor(section)}-h">']
    out.append(f'<h2 class="govuk-heading-l" id="{anchor(section)}-h">{escape(section.title)}</h2>')
    if section.summary:
        out.append(f'<p class="govuk-body-s io-section-summary">{escape(section.summary)}</p>')
    out.extend(block_html(b, mode) for b in section.blocks)
    out.append("</section>")
    return "".join(out)


def contents_html(pack: Pack) -> str:
    items = "".join(f'<li><a class="govuk-link" href="#{anchor(s)}">{escape(s.title)}</a></li>' for s in pack.sections)
    return (
        '<nav class="io-pack-contents" aria-labelledby="pack-contents">'
        '<h2 class="govuk-heading-m" id="pack-contents">Contents</h2>'
        f'<ol class="govuk-list govuk-list--number">{items}</ol></nav>'
    )


def cover_facts(pack: Pack) -> list[tuple[str, str]]:
    return [
        ("Council", pack.council),
        ("Programme", pack.programme),
        ("Board", pack.board),
        ("Period", f"{pack.period_start:%d/%m/%Y} to {pack.as_at:%d/%m/%Y}"),
        ("Status as at", f"{pack.as_at:%d/%m/%Y}"),
        ("Pack status", pack.status),
    ]


def cover_html(pack: Pack) -> str:
    facts = "".join(
        f'<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{escape(k)}</dt>'
        f'<dd class="govuk-summary-list__value">{escape(v)}</dd></div>'
        for k, v in cover_facts(pack)
    )
    return (
        '<section class="io-pack-cover">'
        f'<p class="govuk-caption-l">{escape(pack.council)}</p>'
        f'<h1 class="govuk-heading-xl">{escape(pack.title)}</h1>'
        f'<dl class="govuk-summary-list">{facts}</dl></section>'
    )


def pack_body_html(pack: Pack, mode: Mode = "page") -> str:
    """The pack's contents and sections (the page adds its own heading and cover facts)."""
    return contents_html(pack) + "".join(section_html(s, mode) for s in pack.sections)


def pack_document_html(pack: Pack, mode: Mode = "print") -> str:
    """The pack as one standalone HTML document: cover, contents, sections, its own stylesheet."""
    css = PRINT_CSS.read_text(encoding="utf-8")
    # the running footer is a string in the page's margin box: cheaper for WeasyPrint than a
    # running element, which it lays out again on every page
    footer = css_string(f"{pack.title} · {pack.status}")
    return (
        f'<!DOCTYPE html><html lang="{escape(pack.language)}"><head><meta charset="utf-8">'
        f"<title>{escape(pack.title)}</title>"
        f'<meta name="author" content="{escape(pack.council)}">'
        f'<meta name="description" content="{escape(pack.programme)}: {escape(pack.board)} board pack">'
        f"<style>{css}@page {{ @bottom-left {{ content: {footer}; }} }}</style></head>"
        f'<body><main class="io-pack">'
        f"{cover_html(pack)}{pack_body_html(pack, mode)}</main></body></html>"
    )
