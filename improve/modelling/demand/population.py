"""Who is in care, day by day, and the rates at which children enter, move and leave (pure, vectorised).

Every function works on whole arrays of episodes (sorting, ``searchsorted``, ``np.add.at``):
no Python loop over children or days.

Events, measured over a reference window ``first <= day < last``:

- an **entry** is an episode in scope that no episode of the same child ends into on its start
  day (the start of a period of care); it counts in the age band and category of its first day;
- a **move** is an episode whose same-day successor is in another category; a successor in the
  same category (a change of legal status, or of carer within fostering) is no event;
- an **exit** is an episode with no same-day successor that ends before the child's 18th
  birthday; leaving on or after it is ageing out, which the projection applies by birthday;
- **exposure** is the child-days spent in each band × category, cut at band birthdays.

Rates: entries ``[children per day]`` (a Poisson flow, not per child), moves and exits
``[per child per day]`` (count ÷ exposure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from improve.modelling.demand.episodes import Classification, Counts, Days, Episodes, Flags, Floats, birthdays


@dataclass(frozen=True)
class Prepared:
    """Episodes in scope, sorted by child then start, with what the counting needs."""

    child: Counts
    start: Days
    end: Days
    category: Counts
    edges: Days  # (episodes, bands + 1): the birthday at each band edge [day]
    ages: Days  # (episodes, leaving age + 1): the birthday at each whole year of age [day]
    has_predecessor: Flags
    has_successor: Flags
    successor_category: Counts  # -1 where there is none


def prepare(episodes: Episodes, classification: Classification) -> Prepared:
    """Drop out-of-scope legal statuses, sort, classify, and link same-day successors."""
    keep = ~np.isin(episodes.legal_status, list(classification.excluded_legal_statuses))
    child, start, end = episodes.child[keep], episodes.start[keep], episodes.end[keep]
    category = classification.category_of(episodes.place[keep])
    order = np.lexsort((end, start, child))
    child, start, end, category = child[order], start[order], end[order], category[order]
    linked = np.zeros(len(child), dtype=bool)
    if len(child) > 1:
        linked[:-1] = (child[1:] == child[:-1]) & (start[1:] == end[:-1])
    has_predecessor = np.zeros(len(child), dtype=bool)
    has_predecessor[1:] = linked[:-1]
    successor_category = np.full(len(child), -1, dtype=np.int64)
    successor_category[:-1] = np.where(linked[:-1], category[1:], -1)
    leaving = classification.leaving_age
    years = birthdays(episodes.dob, range(leaving + 1))
    return Prepared(
        child=child,
        start=start,
        end=end,
        category=category,
        edges=years[child][:, list(classification.band_edges)],
        ages=years[child],
        has_predecessor=has_predecessor,
        has_successor=linked,
        successor_category=successor_category,
    )


def _band_at(edges: Days, days: Days) -> Counts:
    """The band index on ``days`` for each row of ``edges``; -1 before birth, bands at or after leaving age."""
    band: Counts = (edges <= days[:, None]).sum(axis=1).astype(np.int64) - 1
    return band


def _segments(p: Prepared, first: int, last: int) -> tuple[Days, Days]:
    """Each episode's days in each band inside ``first <= day < last``: ``(lo, hi)`` of shape (episodes, bands)."""
    lo = np.maximum(np.maximum(p.start[:, None], p.edges[:, :-1]), first)
    hi = np.minimum(np.minimum(p.end[:, None], p.edges[:, 1:]), last)
    return lo, hi


def daily_stock(episodes: Episodes, classification: Classification, first: int, last: int) -> Counts:
    """Children in care on each day ``first <= day <= last``, by band × category ``[children]``.

    Shape ``(days, bands, categories)``; a child counts on a day its episode covers.
    """
    p = prepare(episodes, classification)
    bands, cats = len(classification.bands), len(classification.names)
    days = last - first + 1
    lo, hi = _segments(p, first, last + 1)
    rows, band = np.nonzero(hi > lo)
    cat = p.category[rows]
    change = np.zeros((days + 1, bands, cats), dtype=np.int64)
    np.add.at(change, (lo[rows, band] - first, band, cat), 1)
    np.add.at(change, (hi[rows, band] - first, band, cat), -1)
    return np.cumsum(change, axis=0)[:days]


@dataclass(frozen=True)
class Cohort:
    """The children in care on one day: each one's age ``[days]``, band and category."""

    on: int  # [day]
    age_days: Days
    band: Counts
    category: Counts

    def stock(self, bands: int, categories: int) -> Counts:
        """Counts by band × category ``[children]``."""
        counts = np.zeros((bands, categories), dtype=np.int64)
        np.add.at(counts, (self.band, self.category), 1)
        return counts


def cohort_on(episodes: Episodes, classification: Classification, on: int) -> Cohort:
    """The children in care on day ``on`` (episodes covering it, under the leaving age)."""
    p = prepare(episodes, classification)
    rows = np.nonzero((p.start <= on) & (p.end > on))[0]
    band = _band_at(p.edges[rows], np.full(len(rows), on, dtype=np.int64))
    inside = (band >= 0) & (band < len(classification.bands))
    rows, band = rows[inside], band[inside]
    return Cohort(on=on, age_days=on - p.edges[rows, 0], band=band, category=p.category[rows])


@dataclass(frozen=True)
class Rates:
    """What was counted over the reference window ``first <= day < last``, and the rates from it.

    ``entries[b, k]`` ``[children]``, ``exposure[b, k]`` ``[child-days]``, ``moves[b, k, k2]`` and
    ``exits[b, k]`` ``[events]``; ``entry_ages[y]`` entries at whole age ``y`` ``[children]``.
    """

    classification: Classification
    first: int
    last: int
    entries: Floats
    exposure: Floats
    moves: Floats
    exits: Floats
    entry_ages: Floats

    @property
    def days(self) -> int:
        """The window's length ``[days]``."""
        return self.last - self.first

    @property
    def entry_rate(self) -> Floats:
        """Entries ``[children per day]`` by band × category."""
        return self.entries / self.days

    @property
    def move_rate(self) -> Floats:
        """Moves ``[per child per day]`` from (band, category) to category; 0 where nobody was exposed."""
        return np.divide(
            self.moves, self.exposure[:, :, None], out=np.zeros_like(self.moves), where=self.exposure[:, :, None] > 0
        )

    @property
    def exit_rate(self) -> Floats:
        """Exits from care ``[per child per day]`` by band × category; 0 where nobody was exposed."""
        return np.divide(self.exits, self.exposure, out=np.zeros_like(self.exits), where=self.exposure > 0)


def estimate_rates(episodes: Episodes, classification: Classification, first: int, last: int) -> Rates:
    """Count entries, moves, exits and exposure over ``first <= day < last`` ``[day]``."""
    if last <= first:
        raise ValueError("The reference window must end after it starts")
    p = prepare(episodes, classification)
    bands, cats = len(classification.bands), len(classification.names)
    lo, hi = _segments(p, first, last)
    exposure = np.zeros((bands, cats))
    rows, band = np.nonzero(hi > lo)
    np.add.at(exposure, (band, p.category[rows]), (hi - lo)[rows, band])

    leaving_day = p.edges[:, -1]
    ends = (p.end >= first) & (p.end < last) & (p.end < leaving_day) & (p.end > p.edges[:, 0])
    end_band = _band_at(p.edges, p.end - 1)
    exits = np.zeros((bands, cats))
    out = ends & ~p.has_successor
    np.add.at(exits, (end_band[out], p.category[out]), 1)
    moves = np.zeros((bands, cats, cats))
    moved = ends & p.has_successor & (p.successor_category != p.category)
    np.add.at(moves, (end_band[moved], p.category[moved], p.successor_category[moved]), 1)

    starts = (p.start >= first) & (p.start < last) & ~p.has_predecessor
    starts &= (p.start >= p.edges[:, 0]) & (p.start < leaving_day)
    entries = np.zeros((bands, cats))
    np.add.at(entries, (_band_at(p.edges[starts], p.start[starts]), p.category[starts]), 1)
    entry_ages = np.zeros(classification.leaving_age)
    np.add.at(entry_ages, _band_at(p.ages[starts], p.start[starts]), 1)
    return Rates(classification, first, last, entries, exposure, moves, exits, entry_ages)
