"""The model's input: episodes of care as plain NumPy arrays, and how they are classified.

Days are whole days since 01/01/1970 (``int64``), so the data room can feed arrays straight
from its tables. An episode covers the days ``start <= day < end`` (``DEC``, the day it ended,
is the first day it no longer covers, as an ``X1`` successor starts that day); an open episode
has ``end == OPEN``.

The classification (:class:`Classification`) follows the established public method for
children-looked-after demand models: age bands 0–1, 1–5, 5–10, 10–16, 16–18 ``[years]``;
placement categories fostering (U1–U6), residential (K2, R1), supported (H5, P2) and other
(every other PLACE code); short-break legal statuses V3 and V4 left out of the looked-after
population, as the DfE counts it (SSDA903 guidance, "children looked after" excludes agreed
series of short-term breaks). All of it is configurable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

Days = NDArray[np.int64]
Counts = NDArray[np.int64]
Floats = NDArray[np.float64]
Flags = NDArray[np.bool_]
Int32s = NDArray[np.int32]

EPOCH = dt.date(1970, 1, 1)
_EPOCH64 = np.datetime64("1970-01-01", "D")
#: The ``end`` of an episode still open ``[day]``: later than any day the model meets.
OPEN = int(np.iinfo(np.int32).max)
#: Age bands' edges ``[years]``: 0–1, 1–5, 5–10, 10–16, 16–18; care ends at the last edge.
DEFAULT_BAND_EDGES: tuple[int, ...] = (0, 1, 5, 10, 16, 18)
#: Placement categories and the PLACE codes in each; a code in none of them is ``other``.
DEFAULT_CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fostering", ("U1", "U2", "U3", "U4", "U5", "U6")),
    ("residential", ("K2", "R1")),
    ("supported", ("H5", "P2")),
)
OTHER = "other"
#: Legal statuses outside the looked-after population: agreed series of short-term breaks.
SHORT_BREAKS: frozenset[str] = frozenset({"V3", "V4"})


def day(date: dt.date) -> int:
    """``date`` as days since 01/01/1970 ``[day]``."""
    return (date - EPOCH).days


def date_of(number: int) -> dt.date:
    """The date of day ``number`` ``[day]``."""
    return EPOCH + dt.timedelta(days=int(number))


def add_months(start: int, months: int) -> int:
    """The day ``months`` calendar months after ``start`` ``[day]``; 31/01 + 1 month → 28/02 (or 29/02)."""
    date = date_of(start)
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    following = dt.date(year + (month == 11), (month + 1) % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return day(dt.date(year, month + 1, min(date.day, last)))


def birthdays(dob: Days, ages: Sequence[int]) -> Days:
    """Each child's birthday at each of ``ages`` ``[years]`` as days; shape ``(children, len(ages))``.

    A child born on 29 February has its birthday on 1 March in other years.
    """
    born = dob.astype("timedelta64[D]") + _EPOCH64
    months = born.astype("datetime64[M]")
    day_of_month = (born - months.astype("datetime64[D]")).astype(np.int64)
    columns = [
        ((months + np.timedelta64(12 * age, "M")).astype("datetime64[D]") - _EPOCH64).astype(np.int64) + day_of_month
        for age in ages
    ]
    return np.stack(columns, axis=1) if columns else np.zeros((len(dob), 0), dtype=np.int64)


@dataclass(frozen=True)
class Classification:
    """How episodes are grouped: age bands ``[years]``, placement categories, excluded legal statuses."""

    band_edges: tuple[int, ...] = DEFAULT_BAND_EDGES
    categories: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_CATEGORIES
    other: str = OTHER
    excluded_legal_statuses: frozenset[str] = SHORT_BREAKS

    def __post_init__(self) -> None:
        edges = self.band_edges
        if len(edges) < 2 or edges[0] != 0 or any(b <= a for a, b in zip(edges, edges[1:], strict=False)):
            raise ValueError(f"Age band edges must start at 0 and rise, e.g. {DEFAULT_BAND_EDGES}; got {edges}")
        seen: set[str] = set()
        for name, codes in self.categories:
            if name == self.other:
                raise ValueError(f"'{name}' is the catch-all category; give the listed categories other names")
            clash = seen & set(codes)
            if clash:
                raise ValueError(f"PLACE code {sorted(clash)[0]} is in two categories")
            seen |= set(codes)

    @property
    def names(self) -> tuple[str, ...]:
        """The category names, the catch-all last."""
        return (*(name for name, _codes in self.categories), self.other)

    @property
    def bands(self) -> tuple[str, ...]:
        """The age bands' labels: ``0–1``, ``1–5`` …"""
        edges = self.band_edges
        return tuple(f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False))

    @property
    def leaving_age(self) -> int:
        """The age at which care ends ``[years]``."""
        return self.band_edges[-1]

    def category_of(self, codes: NDArray[np.str_]) -> Counts:
        """The category index of each PLACE code; codes in no category are the catch-all (last)."""
        lookup = {code: index for index, (_name, listed) in enumerate(self.categories) for code in listed}
        unique, inverse = np.unique(codes, return_inverse=True)
        mapped = np.array([lookup.get(str(code), len(self.categories)) for code in unique], dtype=np.int64)
        return mapped[inverse.reshape(-1)] if len(unique) else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Episodes:
    """Episodes of care (one row per SSDA903 episode) and each child's date of birth.

    ``child[i]`` indexes ``dob``; ``start``/``end`` ``[day]`` (``end == OPEN`` while open);
    ``place`` the PLACE code, ``legal_status`` the LS code of the episode.
    """

    child: Counts
    start: Days
    end: Days
    place: NDArray[np.str_]
    legal_status: NDArray[np.str_]
    dob: Days = field(repr=False)

    def __post_init__(self) -> None:
        size = len(self.child)
        for name in ("start", "end", "place", "legal_status"):
            if len(getattr(self, name)) != size:
                raise ValueError(f"Episodes: '{name}' has {len(getattr(self, name))} values, 'child' has {size}")
        if size and (self.child.min() < 0 or self.child.max() >= len(self.dob)):
            raise ValueError(f"Episodes: 'child' must index 'dob' (0 to {len(self.dob) - 1})")
        if size and bool(np.any(self.end < self.start)):
            row = int(np.argmax(self.end < self.start))
            raise ValueError(f"Episodes: episode {row} ends before it starts")

    def __len__(self) -> int:
        return len(self.child)


def episodes_from_lists(
    dobs: Sequence[dt.date],
    rows: Sequence[tuple[int, dt.date, dt.date | None, str, str]],
) -> Episodes:
    """Build :class:`Episodes` from dates of birth and ``(child, start, end or None, PLACE, LS)`` rows."""
    return Episodes(
        child=np.array([r[0] for r in rows], dtype=np.int64),
        start=np.array([day(r[1]) for r in rows], dtype=np.int64),
        end=np.array([OPEN if r[2] is None else day(r[2]) for r in rows], dtype=np.int64),
        place=np.array([r[3] for r in rows], dtype="<U4"),
        legal_status=np.array([r[4] for r in rows], dtype="<U4"),
        dob=np.array([day(d) for d in dobs], dtype=np.int64),
    )
