"""A board-pack cell as text: money in its unit with negatives in brackets, UK dates, RAG in words.

Every renderer of the pack (HTML, PDF, and the Word file's cells) writes a
:class:`~improve.core.document.Cell` through :func:`cell_text`, so a figure reads the same in each.
A money cell's value is in pounds ``[£]`` (exact); ``unit`` says how it is printed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from improve.core.document import Cell, CellValue, Column, Table
from improve.modelling import money

#: GOV.UK tag colour for each RAG (the word is always written too).
RAG_CLASS = {
    "Red": "govuk-tag--red",
    "Amber": "govuk-tag--yellow",
    "Green": "govuk-tag--green",
    "Blue": "govuk-tag--blue",
}


def as_cell(cell: Cell | CellValue) -> Cell:
    return cell if isinstance(cell, Cell) else Cell(cell)


def _number(value: Decimal | int, places: int) -> str:
    rounded = money.round_half_up(Decimal(value), Decimal(1).scaleb(-places)) if places else Decimal(value)
    text = f"{abs(rounded):,.{places}f}"
    return f"({text})" if rounded < 0 else text


def cell_text(cell: Cell | CellValue) -> str:
    """What the cell says: ``(£1,234)``, ``1,095``, ``12.5%``, ``31/10/2019``, ``Amber``."""
    cell = as_cell(cell)
    value = cell.value
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if cell.kind == "money" and isinstance(value, int | Decimal):
        unit = cell.unit or money.POUNDS
        if unit == money.POUNDS:
            text = _number(value, cell.places)
            return f"(£{text[1:-1]})" if text.startswith("(") else f"£{text}"
        return money.cabinet(Decimal(value), unit, cell.places) if unit in money.UNITS else _number(value, cell.places)
    if cell.kind in ("number", "percent") and isinstance(value, int | Decimal):
        text = _number(value, cell.places)
        if cell.kind == "percent":
            text = f"-{text[1:-1]}%" if text.startswith("(") else f"{text}%"
        return text
    if cell.kind == "rag":
        return str(value) or "Not given"
    return str(value)


def column_label(table: Table, index: int) -> str:
    """A column's heading, with the money unit added when the heading does not say it."""
    column: Column = table.columns[index]
    units = {
        as_cell(row[index]).unit or money.POUNDS
        for row in table.rows
        if index < len(row) and as_cell(row[index]).kind == "money"
    }
    if len(units) == 1:
        unit = units.pop()
        if unit != money.POUNDS and unit not in column.label:
            return f"{column.label} ({unit})"
    return column.label


def is_numeric(table: Table, index: int) -> bool:
    """Whether the column holds figures (right-aligned)."""
    if table.columns[index].numeric:
        return True
    kinds = {as_cell(row[index]).kind for row in table.rows if index < len(row) and as_cell(row[index]).value != ""}
    return bool(kinds) and kinds <= {"money", "number", "percent"}
