"""A register's rows as the API gives them: filtered by date, paged, typed for JSON, or as CSV.

JSON values are typed: text as strings (``""`` when empty), whole numbers as numbers, dates as
ISO 8601 (``2019-04-18``) or ``null``, a plan date still to be decided as ``"TBD"``, money as the
exact decimal string the workbook holds (``"953000.00"``, never a float). The CSV is the workbook's
CSV sheet: UTF-8 with a byte-order mark (so Excel reads it as UTF-8), dates ``dd/mm/yyyy``, text a
spreadsheet would run as a formula written behind a ``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from improve.core.dates import TBD
from improve.core.workbook import DATE, INT, PLANDATE, SheetSpec
from improve.interchange.workbook import csv_cell

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FROM, TO = "_from", "_to"
#: Query parameters every register takes (the date filters are the register's own).
COMMON_PARAMS = ("page", "page_size", "format")
FORMATS = ("json", "csv")


class BadQuery(ValueError):  # noqa: N818 - a query the user can correct, named as the views read it
    """A query parameter that cannot be read; the message names it and says what would be accepted."""


class NoSuchPage(BadQuery):
    """A page past the last (404, as a page of a list that is not there)."""


def date_columns(spec: SheetSpec) -> list[str]:
    """The register's date columns, each a filter ``<column>_from`` / ``<column>_to``."""
    return [c.name for c in spec.columns if c.type in (DATE, PLANDATE)]


def filter_params(spec: SheetSpec) -> list[str]:
    return [f"{name}{end}" for name in date_columns(spec) for end in (FROM, TO)]


def _parse_date(param: str, text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise BadQuery(f"{param}: '{text}' is not a date: use yyyy-mm-dd (for example 2019-04-18) or dd/mm/yyyy")


def _whole(param: str, text: str, lo: int, hi: int) -> int:
    stripped = text.strip()
    if not stripped.isdigit() or len(stripped) > 10 or not lo <= int(stripped) <= hi:
        raise BadQuery(f"{param}: '{text}' is not allowed: use a whole number from {lo} to {hi:,}")
    return int(stripped)


@dataclass(frozen=True)
class Query:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    format: str = "json"
    #: (column, earliest, latest) for each date filter given
    dates: tuple[tuple[str, dt.date | None, dt.date | None], ...] = ()


def read_query(spec: SheetSpec, params: Mapping[str, str]) -> Query:
    """The query string read against the register, or :class:`BadQuery` naming what is wrong."""
    known = (*COMMON_PARAMS, *filter_params(spec))
    for name in params:
        if name not in known:
            raise BadQuery(f"{name}: this register takes no such parameter: it takes {', '.join(known)}")
    fmt = params.get("format", "json").strip().lower() or "json"
    if fmt not in FORMATS:
        raise BadQuery(f"format: '{params['format']}' is not allowed: use json or csv")
    page = _whole("page", params["page"], 1, 10**9) if "page" in params else 1
    size = _whole("page_size", params["page_size"], 1, MAX_PAGE_SIZE) if "page_size" in params else DEFAULT_PAGE_SIZE
    dates = []
    for column in date_columns(spec):
        lo, hi = (params.get(column + end) for end in (FROM, TO))
        earliest = _parse_date(column + FROM, lo) if lo else None
        latest = _parse_date(column + TO, hi) if hi else None
        if earliest or latest:
            dates.append((column, earliest, latest))
    return Query(page=page, page_size=size, format=fmt, dates=tuple(dates))


def filtered(rows: Sequence[dict[str, Any]], query: Query) -> Sequence[dict[str, Any]]:
    """The rows whose dates fall in the query's ranges (a row with no date, or TBD, falls in none)."""
    if not query.dates:
        return rows

    def keep(row: dict[str, Any]) -> bool:
        for column, earliest, latest in query.dates:
            value = row.get(column)
            if not isinstance(value, dt.date):
                return False
            if (earliest and value < earliest) or (latest and value > latest):
                return False
        return True

    return [row for row in rows if keep(row)]


@dataclass(frozen=True)
class Page:
    rows: Sequence[dict[str, Any]]
    count: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_of(rows: Sequence[dict[str, Any]], query: Query) -> Page:
    """One page of the rows; a page past the last is :class:`NoSuchPage`."""
    count = len(rows)
    pages = max(1, math.ceil(count / query.page_size))
    if query.page > pages:
        raise NoSuchPage(f"page: there is no page {query.page}: this register has {pages} page{'s' * (pages != 1)}")
    start = (query.page - 1) * query.page_size
    return Page(rows[start : start + query.page_size], count, query.page, query.page_size)


# --- JSON ------------------------------------------------------------------------------------------


def _date_value(value: Any) -> str | None:
    """A date column's JSON value: ISO 8601, ``TBD`` (a plan date still to be decided) or ``None``."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return TBD if value == TBD else None


def _text_value(value: Any) -> str:
    """A text or choice column's JSON value: always a string (money as its exact decimal text)."""
    if value.__class__ is str:
        return value
    return "" if value is None else str(value)


def row_converter(spec: SheetSpec) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """How to turn the register's canonical rows into JSON objects, each value of its column's type."""
    kinds = [(c.name, c.type) for c in spec.columns]

    def convert(row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, kind in kinds:
            value = row.get(name)
            if kind == INT:
                out[name] = value if value is None or value.__class__ is int else int(value)
            elif kind in (DATE, PLANDATE):
                out[name] = _date_value(value)
            else:
                out[name] = _text_value(value)
        return out

    return convert


# --- CSV -------------------------------------------------------------------------------------------

BOM = "\ufeff"


def csv_text(spec: SheetSpec, rows: Sequence[dict[str, Any]]) -> str:
    """The rows as the workbook's CSV sheet, with a byte-order mark for Excel."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    columns = spec.column_names
    writer.writerow(columns)
    writer.writerows([csv_cell(row.get(c)) for c in columns] for row in rows)
    return out.getvalue()
