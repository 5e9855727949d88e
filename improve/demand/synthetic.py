"""Synthetic SSDA903 returns for a council of a given child population, calibrated to England.

Pure NumPy, no Django: ``synthesise`` makes arrays of periods of care and their episodes,
``write_return`` writes one folder per collection year with Header, Episodes, UASC and Missing
CSV files, exactly as a council's case-management system exports them (DfE column names, dates
dd/mm/yyyy). The same arguments and seed give the same files, byte for byte.

Calibration (England, DfE *Children looked after in England including adoptions*, year ending
31 March 2024; shared DATA-SPECS.md):

- looked after at 31 March: 70 per 10,000 children under 18 (83,630 children);
- about 33,050 started and 33,620 ceased to be looked after in the year: starts are drawn as a
  Poisson process at ``33,050 / 83,630`` of the stock a year, and the length of a period of care
  so that the stock is ``starts × mean length`` (:data:`MEAN_YEARS` ≈ 2.53 years), capped at the
  18th birthday;
- age at entry (:data:`ENTRY_AGES`), placement mix by age (:data:`PLACEMENTS`: mostly foster
  care), legal statuses (:data:`FIRST_STATUS`, one later change such as an interim into a full
  care order), placement moves within a period (:data:`MOVES_PER_YEAR`), reasons for ending by
  age (:data:`ENDINGS`) — shares rounded from the same publication.

Periods start from 18 years before the first collection year, so the first year's stock already
holds children who came into care as babies. Short breaks (LS V3 / V4, :data:`SHORT_BREAK_SHARE`
of starts) are generated too; like the DfE's counts, the calibration leaves them out. Not
modelled: a child's second period of care (every period is a new child), siblings, returns
from adoption breakdown.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from improve.demand.tables import EPISODES, HEADER
from improve.modelling.demand.episodes import OPEN, date_of, day

IntArray = npt.NDArray[np.int64]

PER_10000 = 70.0  # [children looked after per 10,000 children under 18]
STARTS_PER_STOCK = 33_050 / 83_630  # [starts a year per child looked after]
ENDS_PER_STOCK = 33_620 / 83_630  # [ends a year per child looked after] (for the tests' tolerance)
MEAN_YEARS = 83_630 / 33_050  # [years] mean length of a period of care in a steady state
SHORT_BREAK_SHARE = 0.04  # [short-break periods per counted start]
MOVES_PER_YEAR = 0.45  # [placement moves a year of care]
YEAR_DAYS = 365.25

#: age at entry [years, from, to) and share of starts
ENTRY_AGES: tuple[tuple[int, int, float], ...] = (
    (0, 1, 0.19),
    (1, 5, 0.14),
    (5, 10, 0.15),
    (10, 16, 0.36),
    (16, 18, 0.16),
)

#: placement codes and shares by age band at the placement's start (under 10, 10–15, 16–17)
PLACEMENTS: tuple[tuple[tuple[str, float], ...], ...] = (
    (
        ("U1", 0.07),
        ("U3", 0.14),
        ("U2", 0.01),
        ("U4", 0.27),
        ("U5", 0.02),
        ("U6", 0.36),
        ("P1", 0.08),
        ("K2", 0.02),
        ("R3", 0.01),
        ("Z1", 0.02),
    ),
    (
        ("U1", 0.06),
        ("U3", 0.09),
        ("U4", 0.22),
        ("U6", 0.30),
        ("P1", 0.07),
        ("K2", 0.17),
        ("K1", 0.01),
        ("S1", 0.02),
        ("R2", 0.01),
        ("R5", 0.01),
        ("Z1", 0.04),
    ),
    (
        ("U1", 0.03),
        ("U3", 0.06),
        ("U4", 0.14),
        ("U6", 0.22),
        ("P1", 0.05),
        ("K2", 0.14),
        ("H5", 0.25),
        ("P2", 0.05),
        ("R5", 0.02),
        ("Z1", 0.04),
    ),
)
#: providers of each placement code, with shares
PROVIDERS: dict[str, tuple[tuple[str, float], ...]] = {
    **{code: (("PR1", 0.9), ("PR2", 0.1)) for code in ("U1", "U2", "U3")},
    **{code: (("PR1", 0.55), ("PR4", 0.4), ("PR5", 0.05)) for code in ("U4", "U5", "U6")},
    "P1": (("PR0", 1.0),),
    "K2": (("PR4", 0.8), ("PR1", 0.15), ("PR5", 0.05)),
    "K1": (("PR1", 0.5), ("PR2", 0.5)),
    "H5": (("PR4", 0.6), ("PR5", 0.25), ("PR1", 0.15)),
    "P2": (("PR1", 1.0),),
    "S1": (("PR5", 0.6), ("PR4", 0.4)),
    "R2": (("PR3", 1.0),),
    "R3": (("PR4", 0.5), ("PR1", 0.5)),
    "R5": (("PR3", 1.0),),
    "Z1": (("PR1", 1.0),),
    "A5": (("PR1", 0.7), ("PR2", 0.3)),
    "A6": (("PR1", 0.7), ("PR2", 0.3)),
}
#: Ofsted-registered settings: their episodes carry a URN
REGISTERED = frozenset({"K1", "K2", "H5", "S1"})

#: legal status at the start of a period, with shares
FIRST_STATUS: tuple[tuple[str, float], ...] = (
    ("V2", 0.52),
    ("C1", 0.30),
    ("L1", 0.06),
    ("L2", 0.05),
    ("J1", 0.03),
    ("C2", 0.04),
)
#: a later change of legal status: from → (to, probability, earliest day, latest day)
STATUS_CHANGE: dict[str, tuple[str, float, int, int]] = {
    "L1": ("C1", 0.8, 2, 10),
    "L2": ("C1", 0.9, 5, 21),
    "C1": ("C2", 0.9, 150, 400),
    "V2": ("C1", 0.2, 60, 300),
}
CIN_SHARES: tuple[tuple[str, float], ...] = (
    ("N1", 0.65),
    ("N2", 0.03),
    ("N3", 0.03),
    ("N4", 0.07),
    ("N5", 0.13),
    ("N6", 0.01),
    ("N7", 0.002),
    ("N8", 0.078),
)
MOVE_REASONS: tuple[tuple[str, float], ...] = (
    ("CARPL", 0.45),
    ("CREQB", 0.10),
    ("CREQO", 0.10),
    ("CHILD", 0.08),
    ("LAREQ", 0.08),
    ("CLOSE", 0.03),
    ("STAND", 0.03),
    ("ALLEG", 0.02),
    ("APPRR", 0.01),
    ("PLACE", 0.05),
    ("CUSTOD", 0.01),
    ("OTHER", 0.04),
)
#: reasons a period ends, by age at the end: under 5, 5–15, 16–17 (not at 18), at 18
ENDINGS: tuple[tuple[tuple[str, float], ...], ...] = (
    (
        ("E11", 0.22),
        ("E12", 0.06),
        ("E4A", 0.30),
        ("E4B", 0.04),
        ("E41", 0.06),
        ("E45", 0.03),
        ("E46", 0.03),
        ("E47", 0.07),
        ("E48", 0.05),
        ("E13", 0.04),
        ("E8", 0.08),
        ("E3", 0.01),
        ("E2", 0.01),
    ),
    (
        ("E4A", 0.40),
        ("E4B", 0.10),
        ("E41", 0.05),
        ("E45", 0.04),
        ("E47", 0.06),
        ("E48", 0.03),
        ("E13", 0.07),
        ("E8", 0.16),
        ("E3", 0.03),
        ("E9", 0.02),
        ("E14", 0.03),
        ("E16", 0.01),
    ),
    (
        ("E4A", 0.25),
        ("E4B", 0.10),
        ("E13", 0.10),
        ("E5", 0.15),
        ("E6", 0.08),
        ("E8", 0.18),
        ("E9", 0.04),
        ("E14", 0.05),
        ("E15", 0.03),
        ("E3", 0.02),
    ),
    (("E17", 0.25), ("E5", 0.35), ("E6", 0.15), ("E7", 0.03), ("E8", 0.22)),
)
ETHNIC: tuple[tuple[str, float], ...] = (
    ("WBRI", 0.70),
    ("WOTH", 0.05),
    ("MWBC", 0.04),
    ("MOTH", 0.04),
    ("BAFR", 0.04),
    ("BCRB", 0.02),
    ("AOTH", 0.03),
    ("APKN", 0.02),
    ("OOTH", 0.04),
    ("REFU", 0.02),
)
#: [probability of being unaccompanied asylum-seeking] for starts aged 14 or over
UASC_SHARE = 0.25
#: [children with a missing episode in a year of care]
MISSING_SHARE = 0.10


def _draw(rng: np.random.Generator, shares: Sequence[tuple[str, float]], size: int) -> npt.NDArray[np.str_]:
    codes = np.array([c for c, _ in shares])
    weights = np.array([w for _, w in shares], dtype=float)
    return codes[rng.choice(len(codes), size=size, p=weights / weights.sum())]


@dataclass(frozen=True)
class Synthetic:
    """Children and episodes, as columns. Days count from 01/01/1970, as the model's do
    (:func:`improve.modelling.demand.episodes.day`), so the arrays feed the model as they are.

    Children: ``dob`` [day], ``sex`` [1, 2], ``ethnic``, ``uasc`` [bool]. Episodes (in order of
    child, start): ``child`` [index], ``start`` and ``end`` [day; ``end`` is :data:`OPEN` while
    the episode is open at ``until``], ``rne``, ``ls``, ``cin``, ``place``, ``provider``, ``rec``,
    ``reason`` (for a placement change), ``urn``.
    """

    population: int
    first_year: int
    last_year: int
    dob: IntArray
    sex: IntArray
    ethnic: npt.NDArray[np.str_]
    uasc: npt.NDArray[np.bool_]
    child: IntArray
    start: IntArray
    end: IntArray
    rne: npt.NDArray[np.str_]
    ls: npt.NDArray[np.str_]
    cin: npt.NDArray[np.str_]
    place: npt.NDArray[np.str_]
    provider: npt.NDArray[np.str_]
    rec: npt.NDArray[np.str_]
    reason: npt.NDArray[np.str_]
    urn: npt.NDArray[np.str_]

    @property
    def until(self) -> int:
        return day(dt.date(self.last_year, 3, 31))

    def in_care(self, day: int, *, short_breaks: bool = False) -> int:
        """[children] looked after on ``day`` (an episode covers its start, not its end day)."""
        on = (self.start <= day) & (self.end > day)
        if not short_breaks:
            on &= ~np.isin(self.ls, ("V3", "V4"))
        return int(np.unique(self.child[on]).size)

    def starts_and_ends(self, year: int) -> tuple[int, int]:
        """[periods] started and ended in the collection year ending 31 March ``year`` (short breaks left out)."""
        first, last = day(dt.date(year - 1, 4, 1)), day(dt.date(year, 3, 31))
        counted = ~np.isin(self.ls, ("V3", "V4"))
        starts = (self.rne == "S") & (self.start >= first) & (self.start <= last) & counted
        ends = (self.rec != "X1") & (self.rec != "") & (self.end >= first) & (self.end <= last) & counted
        return int(starts.sum()), int(ends.sum())


def synthesise(*, children_0_17: int, years: int, seed: int, last_year: int = 2024) -> Synthetic:
    """A council of ``children_0_17`` [children], ``years`` collection years to 31 March ``last_year``."""
    if children_0_17 < 1 or years < 1:
        raise ValueError("The population and the number of years must be at least 1")
    rng = np.random.default_rng(seed)
    first_year = last_year - years + 1
    horizon_start = day(dt.date(first_year - 19, 4, 1))
    until = day(dt.date(last_year, 3, 31))
    span = until - horizon_start + 1
    starts_a_day = children_0_17 * PER_10000 / 10_000 * STARTS_PER_STOCK / YEAR_DAYS
    n = int(rng.poisson(starts_a_day * span * (1 + SHORT_BREAK_SHARE)))
    p_start = np.sort(rng.integers(horizon_start, until + 1, size=n))
    short = rng.random(n) < SHORT_BREAK_SHARE / (1 + SHORT_BREAK_SHARE)
    # age at entry [days]
    band = rng.choice(len(ENTRY_AGES), size=n, p=[w for *_r, w in ENTRY_AGES])
    low = np.array([a for a, _b, _w in ENTRY_AGES])[band] * YEAR_DAYS
    high = np.array([b for _a, b, _w in ENTRY_AGES])[band] * YEAR_DAYS
    age = (low + rng.random(n) * (high - low)).astype(np.int64)
    dob = p_start - age
    eighteen = np.array([day(_add_years(date_of(int(d)), 18)) for d in dob], dtype=np.int64)
    # length of the period [days]: a mixture of short stays and long ones, capped at the 18th birthday
    long_stay = rng.random(n) < 0.6
    length = np.where(long_stay, rng.exponential(LONG_MEAN_YEARS, n), rng.exponential(0.35, n)) * YEAR_DAYS
    length = np.maximum(length.astype(np.int64), 1)
    length = np.where(short, rng.integers(2, 15, size=n), length)
    p_end = np.minimum(p_start + length, eighteen)
    aged_out = (p_end == eighteen) & ~short
    keep = p_end > day(dt.date(first_year - 1, 4, 1))  # periods that reach the first collection year
    keep &= p_end > p_start
    idx = np.flatnonzero(keep)
    p_start, p_end, dob, eighteen = p_start[idx], p_end[idx], dob[idx], eighteen[idx]
    short, aged_out = short[idx], aged_out[idx]
    n = idx.size
    sex = rng.choice(np.array([1, 2], dtype=np.int64), size=n, p=[0.56, 0.44])
    age_at_start = p_start - dob
    uasc = (age_at_start >= 14 * YEAR_DAYS) & (rng.random(n) < UASC_SHARE) & ~short
    cin = np.where(uasc, "N8", _draw(rng, CIN_SHARES, n))
    ethnic = _draw(rng, ETHNIC, n)
    # legal status: the first, and at most one change
    first_ls = np.where(short, np.where(rng.random(n) < 0.7, "V3", "V4"), _draw(rng, FIRST_STATUS, n))
    first_ls = np.where(uasc, "V2", first_ls)
    # up to two changes (police protection → interim care order → full care order); long stays are
    # mostly under a care order in the end, as the DfE's counts at 31 March show
    status, at = first_ls, p_start
    changes: list[tuple[npt.NDArray[np.str_], IntArray]] = []
    for _stage in range(2):
        new_ls = np.full(n, "", dtype="<U2")
        change_at = np.full(n, OPEN, dtype=np.int64)
        for frm, (to, p, lo, hi) in STATUS_CHANGE.items():
            chance = np.where(long_stay[idx], max(p, 0.7), p) if frm == "V2" else p
            hit = (status == frm) & (rng.random(n) < chance) & (at != OPEN)
            when = at + rng.integers(lo, hi + 1, size=n)
            hit &= when < p_end
            new_ls[hit] = to
            change_at[hit] = when[hit]
        changes.append((new_ls, change_at))
        status, at = new_ls, change_at
    # placement moves within the period
    moves = rng.poisson(MOVES_PER_YEAR * (p_end - p_start) / YEAR_DAYS)
    moves = np.where(short, 0, np.minimum(moves, 12))
    move_period = np.repeat(np.arange(n), moves)
    move_day = (
        p_start[move_period] + 1 + (rng.random(move_period.size) * (p_end - p_start - 1)[move_period]).astype(np.int64)
    )
    # episodes: a period's start, each move and the status change, in order; one day holds one change
    (ls1, at1), (ls2, at2) = changes
    has1, has2 = at1 != OPEN, at2 != OPEN
    ev_period = np.concatenate([np.arange(n), move_period, np.flatnonzero(has1), np.flatnonzero(has2)])
    ev_day = np.concatenate([p_start, move_day, at1[has1], at2[has2]])
    ev_kind = np.concatenate(
        [np.zeros(n, np.int64), np.ones(move_period.size, np.int64), np.full(int(has1.sum() + has2.sum()), 2, np.int64)]
    )
    order = np.lexsort((ev_kind, ev_day, ev_period))
    ev_period, ev_day, ev_kind = ev_period[order], ev_day[order], ev_kind[order]
    same = np.zeros(ev_day.size, bool)
    same[1:] = (ev_period[1:] == ev_period[:-1]) & (ev_day[1:] == ev_day[:-1])
    # a move and a status change on one day: one episode, "B"
    both = np.zeros(ev_day.size, bool)
    both[:-1] = same[1:] & (ev_kind[:-1] == 1) & (ev_kind[1:] == 2)
    ev_period, ev_day, ev_kind, both = ev_period[~same], ev_day[~same], ev_kind[~same], both[~same]
    e = ev_period.size
    last = np.ones(e, bool)
    last[:-1] = ev_period[1:] != ev_period[:-1]
    e_end = np.where(last, p_end[ev_period], np.roll(ev_day, -1))
    spell_start_age = ev_day - dob[ev_period]
    spell_band = np.where(spell_start_age < 10 * YEAR_DAYS, 0, np.where(spell_start_age < 16 * YEAR_DAYS, 1, 2))
    spell_place = np.empty(e, dtype="<U2")
    for b, shares in enumerate(PLACEMENTS):
        pick = spell_band == b
        spell_place[pick] = _draw(rng, shares, int(pick.sum()))
    # the placement is that of the latest spell: a status change keeps the placement
    is_spell = ev_kind != 2
    spell_index = np.maximum.accumulate(np.where(is_spell, np.arange(e), 0))
    place = spell_place[spell_index]
    p_of = ev_period
    ls = np.where(ev_day >= at2[p_of], ls2[p_of], np.where(ev_day >= at1[p_of], ls1[p_of], first_ls[p_of]))
    rne = np.select([ev_kind == 0, both, ev_kind == 1], ["S", "B", "T"], "L")
    same_carer = (rne == "T") & (rng.random(e) < 0.1)
    rne = np.where(same_carer, "P", rne)
    reason = np.where(np.isin(rne, ("T", "P", "B")), _draw(rng, MOVE_REASONS, e), "")
    # endings
    end_age = p_end - dob
    end_band = np.where(aged_out, 3, np.where(end_age < 5 * YEAR_DAYS, 0, np.where(end_age < 16 * YEAR_DAYS, 1, 2)))
    ending = np.empty(n, dtype="<U3")
    for b, shares in enumerate(ENDINGS):
        pick = end_band == b
        ending[pick] = _draw(rng, shares, int(pick.sum()))
    ending = np.where(short, "E8", ending)
    ending = np.where(uasc & (ending == "E11"), "E8", ending)
    rec = np.where(last, ending[ev_period], "X1")
    # an adoption: the last placement is a placement for adoption
    adopted = last & np.isin(rec, ("E11", "E12"))
    place = np.where(adopted, np.where(rng.random(e) < 0.5, "A5", "A6"), place)
    ls = np.where(adopted, "E1", ls)
    provider = np.empty(e, dtype="<U3")
    for code, shares in PROVIDERS.items():
        pick = place == code
        provider[pick] = _draw(rng, shares, int(pick.sum()))
    urn = np.where(
        np.isin(place, tuple(REGISTERED)), np.char.add("SC", rng.integers(100000, 999999, e).astype("<U6")), ""
    )
    # what is still open at the end of the last year is open in the return
    open_now = e_end > until
    e_end = np.where(open_now, OPEN, e_end)
    rec = np.where(open_now, "", rec)
    return Synthetic(
        population=children_0_17,
        first_year=first_year,
        last_year=last_year,
        dob=dob,
        sex=sex,
        ethnic=ethnic,
        uasc=uasc,
        child=ev_period.astype(np.int64),
        start=ev_day,
        end=e_end,
        rne=rne,
        ls=ls,
        cin=cin[ev_period],
        place=place,
        provider=provider,
        rec=rec,
        reason=reason,
        urn=urn,
    )


#: [years] mean of the long stays, set so that the capped mean of all counted periods is MEAN_YEARS
LONG_MEAN_YEARS = 6.2


def _add_years(when: dt.date, years: int) -> dt.date:
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February
        return when.replace(year=when.year + years, day=28)


def folder_name(year: int) -> str:
    """The folder of the collection year ending 31 March ``year``: ``2019-20`` for 2020."""
    return f"{year - 1}-{year % 100:02d}"


def write_return(data: Synthetic, out: Path) -> dict[int, tuple[int, int]]:
    """Write one folder per collection year; return {year: (children, episodes)} written."""
    out.mkdir(parents=True, exist_ok=True)
    day0 = int(min(int(data.dob.min()), int(data.start.min())))
    day1 = data.until
    texts = np.array([date_of(d).strftime("%d/%m/%Y") for d in range(day0, day1 + 1)], dtype=object)

    def dates(days: IntArray) -> npt.NDArray[np.object_]:
        return np.asarray(texts[np.where(days == OPEN, 0, days - day0)], dtype=object)

    ids = np.char.add("C", np.char.zfill(np.arange(data.dob.size).astype("<U9"), 7))
    written: dict[int, tuple[int, int]] = {}
    for year in range(data.first_year, data.last_year + 1):
        first, last = day(dt.date(year - 1, 4, 1)), day(dt.date(year, 3, 31))
        rows = np.flatnonzero((data.start <= last) & (data.end >= first))
        closed = data.end[rows] <= last
        kids = np.unique(data.child[rows])
        folder = out / folder_name(year)
        folder.mkdir(exist_ok=True)
        dob_text = dates(data.dob[kids])
        with (folder / "header.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(HEADER.columns)
            w.writerows(
                zip(
                    ids[kids].tolist(),
                    data.sex[kids].tolist(),
                    dob_text.tolist(),
                    data.ethnic[kids].tolist(),
                    ["UN1"] * kids.size,
                    [""] * kids.size,
                    [""] * kids.size,
                    strict=True,
                )
            )
        dec = np.where(closed, dates(data.end[rows]), "")
        rec = np.where(closed, data.rec[rows], "")
        with (folder / "episodes.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(EPISODES.columns)
            w.writerows(
                zip(
                    ids[data.child[rows]].tolist(),
                    dates(data.start[rows]).tolist(),
                    data.rne[rows].tolist(),
                    data.ls[rows].tolist(),
                    data.cin[rows].tolist(),
                    data.place[rows].tolist(),
                    data.provider[rows].tolist(),
                    dec.tolist(),
                    rec.tolist(),
                    data.reason[rows].tolist(),
                    [""] * rows.size,
                    [""] * rows.size,
                    data.urn[rows].tolist(),
                    strict=True,
                )
            )
        uasc = kids[data.uasc[kids]]
        with (folder / "uasc.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(("CHILD", "SEX", "DOB", "DUC"))
            duc = [_add_years(date_of(int(d)), 18).strftime("%d/%m/%Y") for d in data.dob[uasc]]
            w.writerows(
                zip(ids[uasc].tolist(), data.sex[uasc].tolist(), dates(data.dob[uasc]).tolist(), duc, strict=True)
            )
        rng = np.random.default_rng([year, kids.size])
        missing = rows[(rng.random(rows.size) < MISSING_SHARE / 3) & (data.start[rows] >= first)]
        with (folder / "missing.csv").open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"))
            mis_start = np.minimum(data.start[missing] + 1, last)
            w.writerows(
                zip(
                    ids[data.child[missing]].tolist(),
                    dates(data.dob[data.child[missing]]).tolist(),
                    ["M"] * missing.size,
                    dates(mis_start).tolist(),
                    dates(np.minimum(mis_start + 2, last)).tolist(),
                    strict=True,
                )
            )
        written[year] = (int(kids.size), int(rows.size))
    return written
