"""A small synthetic world with known true rates, to check that the projection's intervals are honest.

This is not the data room's SSDA903 generator: it draws children one day at a time from the
rates it is given (so the truth is known exactly), with real birthdays, and returns their
episodes. :func:`coverage` fits the model on a reference window of such a history, projects
what follows, and counts how often the realised numbers fall inside the 95 % interval — over
many independent histories this should be close to 95 %.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from improve.modelling.demand.episodes import OPEN, Classification, Episodes, Floats, add_months, birthdays
from improve.modelling.demand.population import cohort_on, daily_stock, estimate_rates
from improve.modelling.demand.projection import band_days, simulate, summarise

#: A PLACE code standing for each default category in synthetic histories.
PLACE_FOR = {"fostering": "U4", "residential": "K2", "supported": "H5", "other": "Z1"}


@dataclass(frozen=True)
class Truth:
    """True rates: entries ``(bands, categories)`` ``[children per day]``; moves ``(b, k, k2)`` and
    exits ``(b, k)`` ``[per child per day]``."""

    entry: Floats
    move: Floats
    exit: Floats


def council_truth(scale: float = 1.0) -> Truth:
    """Plausible rates for a council of about ``400 × scale`` children in care (England's mix, roughly)."""
    # Entries per year by band (0–1, 1–5, 5–10, 10–16, 16–18) and category.
    per_year = np.array(
        [
            [38.0, 0.5, 0.0, 4.0],
            [30.0, 0.5, 0.0, 4.0],
            [26.0, 1.0, 0.0, 3.0],
            [42.0, 7.0, 1.0, 6.0],
            [18.0, 4.0, 14.0, 4.0],
        ]
    )
    exit_per_year = np.array(
        [
            [0.45, 0.3, 0.3, 0.9],
            [0.40, 0.3, 0.3, 0.9],
            [0.25, 0.3, 0.3, 0.8],
            [0.18, 0.35, 0.4, 0.6],
            [0.30, 0.4, 0.5, 0.6],
        ]
    )
    move_per_year = np.zeros((5, 4, 4))
    move_per_year[:, 0, 1] = [0.0, 0.005, 0.02, 0.06, 0.04]  # fostering → residential
    move_per_year[:, 1, 0] = [0.0, 0.1, 0.1, 0.12, 0.05]  # residential → fostering
    move_per_year[3:, 0, 2] = [0.02, 0.15]  # fostering → supported
    move_per_year[3:, 1, 2] = [0.03, 0.25]
    move_per_year[:, 3, 0] = 0.6  # other (mostly placed with parents or for adoption) → fostering
    return Truth(per_year * scale / 365.25, move_per_year / 365.25, exit_per_year / 365.25)


def simulate_history(truth: Truth, classification: Classification, first: int, last: int, seed: int) -> Episodes:
    """Episodes of a world run from an empty start at ``first`` to ``last`` ``[day]`` under ``truth``.

    Entries arrive as Poisson flows, each child at an age drawn evenly over its band; each day
    each child may move or leave with the competing probabilities of its band × category; a child
    leaves at 18 on its birthday. Open episodes stay open (``OPEN``).
    """
    rng = np.random.default_rng(seed)
    names = classification.names
    places = np.array([PLACE_FOR.get(name, "Z1") for name in names])
    bands, cats = truth.exit.shape
    edges = band_days(classification)
    total = truth.move.sum(axis=-1) + truth.exit
    factor = -np.expm1(-total) / np.where(total > 0, total, 1.0)
    cumulative = np.cumsum(np.concatenate([truth.exit[..., None], truth.move], axis=-1) * factor[..., None], axis=-1)
    dobs: list[np.ndarray] = []
    records: list[tuple[np.ndarray, ...]] = []
    child = np.zeros(0, dtype=np.int64)
    category = np.zeros(0, dtype=np.int64)
    since = np.zeros(0, dtype=np.int64)
    edge_days = np.zeros((0, bands + 1), dtype=np.int64)
    known = 0
    for today in range(first, last):
        # Ageing out at 18.
        out = edge_days[:, -1] <= today
        if out.any():
            records.append((child[out], since[out], np.full(int(out.sum()), today), category[out]))
            keep = ~out
            child, category, since, edge_days = child[keep], category[keep], since[keep], edge_days[keep]
        # Entries.
        arrivals = rng.poisson(truth.entry)
        band_of, cat_of = np.nonzero(arrivals)
        counts = arrivals[band_of, cat_of]
        if counts.sum():
            band_new = np.repeat(band_of, counts)
            age = rng.integers(edges[band_new], edges[band_new + 1])
            dob = today - age
            new_edges = birthdays(dob, classification.band_edges)
            # Keep the band the exact birthdays give (the age-in-days scale can differ by a day).
            ok = (new_edges[:, 0] <= today) & (new_edges[:, -1] > today)
            dob, new_edges = dob[ok], new_edges[ok]
            n = len(dob)
            dobs.append(dob)
            child = np.concatenate([child, np.arange(known, known + n)])
            category = np.concatenate([category, np.repeat(cat_of, counts)[ok]])
            since = np.concatenate([since, np.full(n, today)])
            edge_days = np.concatenate([edge_days, new_edges])
            known += n
        # Events.
        if len(child):
            band = (edge_days[:, 1:] <= today).sum(axis=1)
            u = rng.random(len(child))
            outcome = (u[:, None] >= cumulative[band, category]).sum(axis=1)  # 0 exit, 1 + k move to k, cats+1 none
            ends = outcome <= cats
            if ends.any():
                records.append((child[ends], since[ends], np.full(int(ends.sum()), today + 1), category[ends]))
                moved = ends & (outcome >= 1)
                category = np.where(moved, outcome - 1, category)
                since = np.where(moved, today + 1, since)
                stay = ~ends | moved
                child, category, since, edge_days = child[stay], category[stay], since[stay], edge_days[stay]
    records.append((child, since, np.full(len(child), OPEN), category))
    ids = np.concatenate([r[0] for r in records])
    cat = np.concatenate([r[3] for r in records])
    return Episodes(
        child=ids,
        start=np.concatenate([r[1] for r in records]),
        end=np.concatenate([r[2] for r in records]),
        place=places[cat],
        legal_status=np.full(len(ids), "C2"),
        dob=np.concatenate(dobs) if dobs else np.zeros(0, dtype=np.int64),
    )


@dataclass(frozen=True)
class Coverage:
    """How often the realised numbers fell inside the interval: by category and for the total ``[share]``."""

    level: int
    by_category: Floats
    total: float
    histories: int


def coverage(
    truth: Truth,
    classification: Classification,
    *,
    histories: int,
    start: int,
    burn_in_months: int = 72,
    reference_months: int = 12,
    months: int = 12,
    draws: int = 1000,
    level: int = 95,
    seed: int = 0,
) -> Coverage:
    """Fit, project ``months`` and score ``histories`` independent synthetic worlds (module note)."""
    first = add_months(start, -burn_in_months)
    end = add_months(start, months)
    inside_cat = np.zeros(len(classification.names))
    inside_total = 0
    for h in range(histories):
        episodes = simulate_history(truth, classification, first, end + 1, seed=seed * 100_003 + h)
        rates = estimate_rates(episodes, classification, add_months(start, -reference_months), start)
        projection = simulate(cohort_on(episodes, classification, start), rates, months, draws=draws, seed=h)
        actual = daily_stock(episodes, classification, end, end)[0]
        final = projection.snapshots[:, -1]
        low, high = summarise(final.sum(axis=1)).intervals[level]
        got = actual.sum(axis=0)
        inside_cat += (got >= low) & (got <= high)
        t_low, t_high = summarise(final.sum(axis=(1, 2))).intervals[level]
        inside_total += int(t_low <= got.sum() <= t_high)
    return Coverage(level, inside_cat / histories, inside_total / histories, histories)
