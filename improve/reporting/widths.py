"""Column widths for a board-pack table on paper, worked out before WeasyPrint sees the table.

WeasyPrint's automatic table layout measures every cell twice (its narrowest and its widest
width) before it lays a single line; on a pack with hundreds of rows that is about a tenth of the
PDF's time. The print stylesheet therefore sets tables ``table-layout: fixed`` and this module
gives each column its share of the page, estimated the way the automatic layout would
(CSS 2.1 §17.5.2.2): a column's *widest* content is its longest cell on one line, its *narrowest*
its longest word (a figure, a date or a RAG word never wraps, so all of it); when everything fits
on one line each column gets its widest width and the room left over is shared in proportion;
otherwise each column gets its narrowest and the room left is shared in proportion to how much
more each would like. Text is measured with Helvetica's widths (:func:`charts.text_width`), which
Arial and Liberation Sans share.
"""

from __future__ import annotations

from collections.abc import Sequence

from improve.core.document import Table
from improve.reporting.cells import as_cell, cell_text, column_label, is_numeric
from improve.reporting.charts import text_width

#: The A4 page's text width less the margins, 210 - 2 × 18 mm [pt].
PAGE_WIDTH_PT = (210 - 36) / 25.4 * 72
#: Type sizes of the print stylesheet [pt]: a table's cells, a wide table's cells, a cell's note.
TABLE_PT = 9.5
WIDE_TABLE_PT = 8.0
NOTE_PT = 8.0
#: Padding either side of a cell, and the extra left padding of a figure [em] (pack-print.css).
PADDING_EM = 0.5
NUMERIC_PADDING_EM = 0.8
RAG_PADDING_EM = 0.8
#: Rows measured in a long table: the widths of the first rows stand for the rest.
SAMPLE_ROWS = 200
#: Slack on every measured width (hinting and rounding make set text a little wider than its
#: metrics say; a date must not lose its last digit to the next line) [fraction, pt].
SLACK = 0.06
SLACK_PT = 2.0


def _longest_word(text: str, size: float, bold: bool) -> float:
    return max((text_width(word, size, bold=bold) for word in text.split()), default=0.0)


def column_widths(table: Table, *, wide: bool, sample_rows: int = SAMPLE_ROWS) -> list[float]:
    """Each column's share of the table's width, in per cent (they add up to 100)."""
    count = len(table.columns)
    if count == 0:
        return []
    size = WIDE_TABLE_PT if wide else TABLE_PT
    padding = PADDING_EM * size
    numeric = [is_numeric(table, i) for i in range(count)]
    narrowest = [0.0] * count
    widest = [0.0] * count

    def measure(i: int, text: str, *, bold: bool, nowrap: bool, extra: float = 0.0) -> None:
        full = text_width(text, size, bold=bold) + extra
        widest[i] = max(widest[i], full)
        narrowest[i] = max(narrowest[i], full if nowrap else _longest_word(text, size, bold) + extra)

    for i in range(count):
        measure(i, column_label(table, i), bold=True, nowrap=False)
    for row in table.rows[:sample_rows]:
        total = any(as_cell(c).total for c in row)
        for i, raw in enumerate(row[:count]):
            cell = as_cell(raw)
            bold = total or (table.row_header and i == 0)
            if cell.kind == "rag":
                measure(i, cell_text(cell) or "Not given", bold=True, nowrap=True, extra=RAG_PADDING_EM * size)
            else:
                measure(i, cell_text(cell), bold=bold, nowrap=numeric[i] or cell.kind == "date")
            if cell.note:
                note = f"({cell.note})"
                widest[i] = max(widest[i], text_width(note, NOTE_PT))
                narrowest[i] = max(narrowest[i], _longest_word(note, NOTE_PT, False))
    for i in range(count):
        pad = padding + (NUMERIC_PADDING_EM * size if numeric[i] else 0.0) + SLACK_PT
        widest[i] = widest[i] * (1 + SLACK) + pad
        narrowest[i] = narrowest[i] * (1 + SLACK) + pad
    return _share(narrowest, widest, PAGE_WIDTH_PT)


def _share(narrowest: Sequence[float], widest: Sequence[float], available: float) -> list[float]:
    if sum(widest) <= available:
        # all on one line: the room left over goes in proportion to each column's width
        widths = [w + (available - sum(widest)) * w / sum(widest) for w in widest]
    elif sum(narrowest) >= available:
        widths = list(narrowest)
    else:
        wants = [max(w - n, 0.0) for n, w in zip(narrowest, widest, strict=True)]
        room = available - sum(narrowest)
        widths = [n + room * want / sum(wants) for n, want in zip(narrowest, wants, strict=True)]
    total = sum(widths) or 1.0
    return [100 * w / total for w in widths]
