"""The board pack's document model: what a room's section says, independent of the format.

A room's board-pack section (:class:`improve.core.registry.PackSection`) returns a :class:`Section`
made of plain blocks — headings, paragraphs, lists, tables, charts, notes, RAG statuses. The
reporting room renders the same blocks as HTML, PDF, Word and Excel, and draws each chart as SVG
with its data table and text alternative; rooms never write markup or name a format.

Blocks are frozen dataclasses of strings, numbers, dates and Decimals, so a pack can be frozen:
:func:`section_to_data` and :func:`section_from_data` turn a section into JSON-safe data and back
(Decimals and dates survive exactly), and an issued pack keeps that data rather than asking the
rooms again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, Literal

#: A RAG status, always written as well as coloured ("Red", "Amber", "Green"; "Blue" = complete;
#: "" = not given).
Rag = Literal["Red", "Amber", "Green", "Blue", ""]

#: How a cell's value is shown: text as is; money in £ (``unit`` gives £, £000 or £m, negatives
#: in brackets); a whole or decimal number; a percentage (the value is in percentage points: 62.5
#: shows "62.5%"); a UK date; a RAG status.
CellKind = Literal["text", "money", "number", "percent", "date", "rag"]

CellValue = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class Cell:
    """One table cell: the value (kept exact, so Excel gets a number) and how to show it."""

    value: CellValue
    kind: CellKind = "text"
    #: for money: "£", "£000" or "£m"; for numbers: a unit word shown in the column heading
    unit: str = ""
    #: decimal places shown (money in £000 usually 0; £m 1 or 3)
    places: int = 0
    #: a short note shown beside the value (e.g. "printed: 1,096")
    note: str = ""
    #: the cell is a subtotal or total (bold, ruled above)
    total: bool = False


@dataclass(frozen=True)
class Column:
    """A table column: its heading, and whether its cells are figures (right-aligned)."""

    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """A table with one header row. ``rows`` hold :class:`Cell` s (or plain values, read as text).

    ``caption`` names the table (it becomes the table's caption, the Word table title and the
    Excel sheet's heading); ``row_header`` says the first column names its row (a screen reader
    announces it with each cell).
    """

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_header: bool = True
    #: one-line note under the table (source, units, suppression)
    note: str = ""
    kind: str = field(default="table", init=False)


@dataclass(frozen=True)
class Series:
    """One series of a chart: a name and one value per category (None where there is none)."""

    name: str
    values: tuple[Decimal | int | None, ...]


@dataclass(frozen=True)
class Chart:
    """A chart drawn on the server as SVG, with its data table and a text alternative.

    ``chart`` is the chart's type: "bar" (grouped), "stacked-bar", "line" or "rag-grid" (rows ×
    categories of RAG statuses, written in each cell, for RAG by strand over time; its series'
    values are indexes into :data:`RAG_ORDER`). ``description`` is the text alternative: what the
    chart shows, in a sentence a reader without the picture needs.
    """

    title: str
    chart: Literal["bar", "stacked-bar", "line", "rag-grid"]
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    description: str
    #: the values' unit for the axis and the data table ("£000", "days", "children")
    unit: str = ""
    #: what the categories are, for the data table's first column ("Month", "Strand")
    category_label: str = ""
    #: what the series are, for a "rag-grid" data table's first column (its rows are the series)
    series_label: str = ""
    kind: str = field(default="chart", init=False)


#: The order of RAG statuses, for a "rag-grid" chart's values.
RAG_ORDER: tuple[Rag, ...] = ("", "Red", "Amber", "Green", "Blue")


@dataclass(frozen=True)
class Heading:
    """A sub-heading within a section (the section's own title is level 2; these are 3 or 4)."""

    text: str
    level: int = 3
    kind: str = field(default="heading", init=False)


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = field(default="paragraph", init=False)


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    kind: str = field(default="list", init=False)


@dataclass(frozen=True)
class Status:
    """A labelled RAG status ("Overall: Amber"), written as well as coloured."""

    label: str
    rag: Rag
    text: str = ""
    kind: str = field(default="status", init=False)


@dataclass(frozen=True)
class Note:
    """Something the reader must not miss: a finding, a warning, missing data."""

    text: str
    tone: Literal["information", "warning"] = "information"
    kind: str = field(default="note", init=False)


Block = Heading | Paragraph | BulletList | Table | Chart | Status | Note


@dataclass(frozen=True)
class Section:
    """What one board-pack section says: its title and blocks, in reading order."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    #: one sentence under the title: where the figures come from and as at when
    summary: str = ""


@dataclass(frozen=True)
class Change:
    """A fact for the pack's "what changed since the last pack": which area, and what happened."""

    area: str  # e.g. "Plan", "Risks", "Money"
    text: str  # e.g. "1.4 'Recruit practice lead' slipped 21 days, to 14/10/2019"


@dataclass(frozen=True)
class Pack:
    """A whole board pack: what the cover says, and its sections in order.

    Renderers (HTML, PDF, Word, Excel) take a Pack and add the cover and the contents themselves.
    ``status`` is written on the cover and in every page's footer ("Draft", "Issued 04/11/2019").
    """

    title: str  # e.g. "Children's Improvement Board: October 2019"
    programme: str
    council: str
    board: str
    as_at: dt.date
    period_start: dt.date
    status: str
    sections: tuple[Section, ...]
    language: str = "en-GB"


# -- freezing ---------------------------------------------------------------------------------

_BLOCKS: dict[str, type] = {
    "heading": Heading,
    "paragraph": Paragraph,
    "list": BulletList,
    "table": Table,
    "chart": Chart,
    "status": Status,
    "note": Note,
}


def _value_to_data(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    return value


def _value_from_data(value: Any) -> Any:
    if isinstance(value, Mapping):
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
    return value


def _cell_to_data(cell: Cell | CellValue) -> dict[str, Any]:
    if not isinstance(cell, Cell):
        cell = Cell(cell)
    data = {f.name: getattr(cell, f.name) for f in fields(cell)}
    data["value"] = _value_to_data(cell.value)
    return data


def _block_to_data(block: Block) -> dict[str, Any]:
    if isinstance(block, Table):
        return {
            "kind": "table",
            "caption": block.caption,
            "columns": [{"label": c.label, "numeric": c.numeric} for c in block.columns],
            "rows": [[_cell_to_data(c) for c in row] for row in block.rows],
            "row_header": block.row_header,
            "note": block.note,
        }
    if isinstance(block, Chart):
        return {
            "kind": "chart",
            "title": block.title,
            "chart": block.chart,
            "categories": list(block.categories),
            "series": [{"name": s.name, "values": [_value_to_data(v) for v in s.values]} for s in block.series],
            "description": block.description,
            "unit": block.unit,
            "category_label": block.category_label,
            "series_label": block.series_label,
        }
    data = {f.name: getattr(block, f.name) for f in fields(block)}
    if isinstance(block, BulletList):
        data["items"] = list(block.items)
    return data


def _block_from_data(data: Mapping[str, Any]) -> Block:
    kind = data["kind"]
    if kind == "table":
        return Table(
            caption=data["caption"],
            columns=tuple(Column(c["label"], c["numeric"]) for c in data["columns"]),
            rows=tuple(
                tuple(Cell(**{**c, "value": _value_from_data(c["value"])}) for c in row) for row in data["rows"]
            ),
            row_header=data["row_header"],
            note=data["note"],
        )
    if kind == "chart":
        return Chart(
            title=data["title"],
            chart=data["chart"],
            categories=tuple(data["categories"]),
            series=tuple(Series(s["name"], tuple(_value_from_data(v) for v in s["values"])) for s in data["series"]),
            description=data["description"],
            unit=data["unit"],
            category_label=data.get("category_label", ""),
            series_label=data.get("series_label", ""),
        )
    cls = _BLOCKS[kind]
    args = {k: v for k, v in data.items() if k != "kind"}
    if cls is BulletList:
        args["items"] = tuple(args["items"])
    block: Block = cls(**args)
    return block


def section_to_data(section: Section) -> dict[str, Any]:
    """A section as JSON-safe data (for an issued pack's frozen snapshot)."""
    return {
        "key": section.key,
        "title": section.title,
        "summary": section.summary,
        "blocks": [_block_to_data(b) for b in section.blocks],
    }


def section_from_data(data: Mapping[str, Any]) -> Section:
    """The section :func:`section_to_data` froze, exactly as it was."""
    return Section(
        key=data["key"],
        title=data["title"],
        summary=data.get("summary", ""),
        blocks=tuple(_block_from_data(b) for b in data["blocks"]),
    )


def table(
    caption: str,
    columns: Iterable[Column | str],
    rows: Iterable[Iterable[Cell | CellValue]],
    *,
    row_header: bool = True,
    note: str = "",
) -> Table:
    """A :class:`Table` from looser parts: plain strings as text columns, plain values as text cells."""
    return Table(
        caption=caption,
        columns=tuple(c if isinstance(c, Column) else Column(c) for c in columns),
        rows=tuple(tuple(c if isinstance(c, Cell) else Cell(c) for c in row) for row in rows),
        row_header=row_header,
        note=note,
    )


def pack_to_data(pack: Pack) -> dict[str, Any]:
    """A pack as JSON-safe data (an issued pack keeps this, never asking the rooms again)."""
    return {
        "title": pack.title,
        "programme": pack.programme,
        "council": pack.council,
        "board": pack.board,
        "as_at": pack.as_at.isoformat(),
        "period_start": pack.period_start.isoformat(),
        "status": pack.status,
        "language": pack.language,
        "sections": [section_to_data(s) for s in pack.sections],
    }


def pack_from_data(data: Mapping[str, Any]) -> Pack:
    """The pack :func:`pack_to_data` froze, exactly as it was."""
    return Pack(
        title=data["title"],
        programme=data["programme"],
        council=data["council"],
        board=data["board"],
        as_at=dt.date.fromisoformat(data["as_at"]),
        period_start=dt.date.fromisoformat(data["period_start"]),
        status=data["status"],
        language=data.get("language", "en-GB"),
        sections=tuple(section_from_data(s) for s in data["sections"]),
    )
