"""Project the children in care forward, day by day, with intervals that are honest (pure, vectorised).

The model is a multi-state population: each child in care is in one age band × placement
category; each day, in this order,

1. **ageing**: children whose birthday takes them into the next band move there, and those
   reaching the leaving age (18) leave care;
2. **entries**: new children arrive in each band × category, a Poisson flow
   ``[children per day]``;
3. **events**: each child, independently, moves to another category or leaves care, with the
   competing daily probabilities ``p_j = r_j / R · (1 − e^(−R))`` from the rates ``r_j``
   ``[per day]`` (``R`` their sum).

**Expected values** come from a deterministic twin of this process kept by age in days
(:func:`expected_path`): the children in care at the start are placed at their exact ages,
entries are spread over the ages in each band as the reference window's entries were (by whole
year, evenly within it), and the whole array shifts by one day each day. Its ratio of children
on the last day of a band to all in the band gives the ageing probability per band × category
per day, which the simulation uses: so a large group of 15-year-olds at the start crosses into
16–18 over the following year, not at an average rate.

**Uncertainty** is simulated with ``draws`` paths, vectorised across draws (arrays of shape
``(draws, bands, categories)``). Each day each cell draws how many children leave it — ageing
out of the band or one of the events, ``Binomial(n, 1 − (1 − h)(1 − p_event))`` — and those
are shared among their destinations by a multinomial; entries are Poisson. The draws are exact,
and cheap where most cells see nothing on most days: each cell keeps an exponential variate ``E``
(its "clock") and a day's ``n·hazard`` is taken off it; the cell's next departure comes when the
clock runs out (``P(none today) = e^(−n·hazard)``, and by the exponential's lack of memory what is
left of ``E`` after a quiet day is again exponential, so one variate serves many days). On the day
it runs out, the first departure comes a share ``E / (n·hazard)`` into the day, the cell draws a
new variate, and only such cells draw the rest — each of the other ``n − 1`` children leaves in the
rest of the day with probability ``1 − e^(−hazard·(1 − E / (n·hazard)))``, one binomial — and give
each departing child a destination. Small entry flows are drawn for the whole horizon at once
(:func:`_arrivals`: a path's entries on a day are Poisson in its total rate, each going to a cell
in proportion to its rate); large ones day by day. Cells with a large population use NumPy's
binomial sampler outcome by outcome. Children who arrive in a
cell by a move are not at risk of a second event the same day. Because every child's move is
a draw within one path, a move between placements changes two categories and leaves the
total as it was: the total's interval is computed from each path's total, so it carries the
covariance between categories.

The ageing of the children already in care is applied as a probability (from the twin), not
on each child's own birthday: the expected numbers ageing are right, but the paths vary a
little more than the known birthdays would allow — the intervals err on the wide side there.

**Parameter uncertainty**: rates estimated from finite data are not known exactly. Each path
draws its own rates from their posterior (:func:`draw_rates`): a count ``n`` over an exposure
``E`` gives a Gamma(``n + r·E0``, ``E + E0``) rate, where the weak prior is centred on the rate
``r`` pooled over all age bands for the same category and destination (zero where that was
never seen) and worth an exposure ``E0`` of 2 % (``PRIOR_WEIGHT``) of the category's mean
exposure per band. Ignoring this makes intervals too narrow; the
calibration check (:mod:`~improve.modelling.demand.calibration`) measures the coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from improve.modelling.demand.episodes import Classification, Counts, Floats, Int32s, add_months
from improve.modelling.demand.population import Cohort, Rates

#: Interval levels reported ``[%]``.
LEVELS: tuple[int, ...] = (50, 80, 95)
#: Paths simulated by default.
DRAWS = 1000
#: The prior's weight in the rate posteriors, as a share of the window's exposure per band.
PRIOR_WEIGHT = 0.02
#: Days in a year, to put band edges on the age-in-days scale of the expected path ``[days]``.
YEAR_DAYS = 365.25


@dataclass(frozen=True)
class RateSet:
    """Rates for ``draws`` paths: entries ``(draws, b, k)`` ``[children per day]``, moves ``(draws, b, k, k2)``
    and exits ``(draws, b, k)`` ``[per child per day]``."""

    entry: Floats
    move: Floats
    exit: Floats

    def mean(self) -> RateSet:
        """One set: the mean over the draws."""
        return RateSet(
            self.entry.mean(0, keepdims=True), self.move.mean(0, keepdims=True), self.exit.mean(0, keepdims=True)
        )


def _posterior(counts: Floats, exposure: Floats, weight: float) -> tuple[Floats, Floats]:
    """Gamma posterior (shape, rate) of Poisson rates with a weak prior centred on the rate pooled over bands.

    The prior's exposure is ``weight`` × the category's mean exposure per band, so it moves a
    well-measured rate by about ``weight`` of its distance from the pooled rate, gives a cell
    never seen in the window a small rate (a share ``weight`` of the pooled one), and leaves
    a cell with no exposure at all as uncertain as the pooled rate over a little exposure.
    """
    bands = counts.shape[0]
    total_counts = counts.sum(axis=0, keepdims=True)
    total_exposure = exposure.sum(axis=0, keepdims=True)
    pooled = np.divide(total_counts, total_exposure, out=np.zeros_like(total_counts), where=total_exposure > 0)
    prior_exposure = weight * total_exposure / bands
    return counts + pooled * prior_exposure, exposure + prior_exposure


def posterior_mean(rates: Rates, prior: float = PRIOR_WEIGHT) -> RateSet:
    """The rates' posterior means (one set; used for the expected path)."""
    return _rate_set(rates, prior, None, 1)


def draw_rates(rates: Rates, draws: int, rng: np.random.Generator, prior: float = PRIOR_WEIGHT) -> RateSet:
    """``draws`` rate sets from the rates' Gamma posteriors (see the module's note)."""
    return _rate_set(rates, prior, rng, draws)


def _rate_set(rates: Rates, prior: float, rng: np.random.Generator | None, draws: int) -> RateSet:
    bands = rates.entries.shape[0]
    entry_exposure = np.full(rates.entries.shape, float(rates.days))
    exposure = np.broadcast_to(rates.exposure[:, :, None], rates.moves.shape)
    found = []
    for counts, seen in ((rates.entries, entry_exposure), (rates.moves, exposure), (rates.exits, rates.exposure)):
        shape, rate = _posterior(counts, seen, prior)
        if rng is None:
            mean = np.divide(shape, rate, out=np.zeros_like(shape), where=rate > 0)
            found.append(mean[None])
        else:
            scale = np.divide(1.0, rate, out=np.zeros_like(rate), where=rate > 0)
            sample = rng.gamma(np.maximum(shape, 1e-300), scale, size=(draws, *shape.shape))
            found.append(np.where(shape > 0, sample, 0.0))
    entry, move, exit_ = found
    diagonal = np.arange(move.shape[-1])
    move[..., diagonal, diagonal] = 0.0
    assert entry.shape[1] == bands
    return RateSet(entry, move, exit_)


def _daily_probabilities(move: Floats, exit_: Floats) -> tuple[Floats, Floats]:
    """Competing daily probabilities ``(p_move (…, k, k2), p_exit (…, k))`` from rates ``[per day]``."""
    total = move.sum(axis=-1) + exit_
    factor = np.divide(-np.expm1(-total), total, out=np.ones_like(total), where=total > 0)
    return move * factor[..., None], exit_ * factor


def band_days(classification: Classification) -> Counts:
    """The band edges on the age-in-days scale ``[days]``."""
    return np.round(np.array(classification.band_edges) * YEAR_DAYS).astype(np.int64)


def entry_age_profile(rates: Rates) -> Floats:
    """How entries to each band spread over its ages in days: shape ``(bands, age days)``, rows sum to 1.

    By the window's entries per whole year of age, evenly within a year; evenly over the band
    where the band had no entries.
    """
    edges = band_days(rates.classification)
    ages = np.arange(edges[-1])
    year = np.minimum((ages / YEAR_DAYS).astype(np.int64), len(rates.entry_ages) - 1)
    year_days = np.bincount(year, minlength=len(rates.entry_ages)).astype(float)
    weight = rates.entry_ages[year] / year_days[year]
    profile = np.zeros((len(edges) - 1, len(ages)))
    for b in range(len(edges) - 1):
        inside = (ages >= edges[b]) & (ages < edges[b + 1])
        share = weight * inside
        profile[b] = share / share.sum() if share.sum() > 0 else inside / inside.sum()
    return profile


@dataclass(frozen=True)
class Expected:
    """The deterministic twin: expected children ``(days + 1, bands, categories)`` ``[children]`` (row 0 the
    start), and the ageing probability of each band × category on each day ``(days, bands, categories)``."""

    stock: Floats
    ageing: Floats


def expected_path(cohort: Cohort, rates: Rates, days: int, rate_set: RateSet | None = None) -> Expected:
    """Expected children in care for ``days`` days after ``cohort.on``, kept by age in days (module note)."""
    classification = rates.classification
    bands, cats = len(classification.bands), len(classification.names)
    edges = band_days(classification)
    ages = int(edges[-1])
    chosen = (rate_set or posterior_mean(rates)).mean()
    p_move, p_exit = _daily_probabilities(chosen.move[0], chosen.exit[0])
    keep = p_move.copy()
    stay = 1.0 - p_move.sum(axis=-1) - p_exit
    diagonal = np.arange(cats)
    keep[:, diagonal, diagonal] = stay
    inflow = np.einsum("bk,ba->ak", chosen.entry[0], entry_age_profile(rates))
    starts, lasts = edges[:-1], edges[1:] - 1
    state = np.zeros((ages, cats))
    # Each child at its age, kept inside the band its exact birthdays put it in.
    at = np.clip(cohort.age_days, edges[cohort.band], edges[cohort.band + 1] - 1)
    np.add.at(state, (at, cohort.category), 1.0)
    stock = np.zeros((days + 1, bands, cats))
    ageing = np.zeros((days, bands, cats))
    stock[0] = np.add.reduceat(state, starts, axis=0)
    for t in range(days):
        in_band = stock[t]
        ageing[t] = np.divide(state[lasts], in_band, out=np.zeros_like(in_band), where=in_band > 0)
        state[1:] = state[:-1].copy()
        state[0] = 0.0
        state += inflow
        for b in range(bands):
            part = slice(int(starts[b]), int(lasts[b]) + 1)
            state[part] = state[part] @ keep[b]
        stock[t + 1] = np.add.reduceat(state, starts, axis=0)
    return Expected(stock, ageing)


@dataclass(frozen=True)
class Projection:
    """Simulated paths and the expected path from day ``start`` for ``len(days)`` days.

    ``days`` ``[day]`` are the projected days (``start + 1`` … end); ``daily[d, t, k]`` children in
    category ``k`` on day ``days[t]`` in path ``d``; ``month_ends`` the days of the monthly
    snapshots (the start, then each month after it) and ``snapshots[d, m, b, k]`` the children
    then; ``expected`` the deterministic twin.
    """

    classification: Classification
    start: int
    days: Counts
    month_ends: Counts
    daily: Int32s
    snapshots: Int32s
    expected: Expected

    @property
    def draws(self) -> int:
        return int(self.daily.shape[0])

    def expected_at(self, on: int) -> Floats:
        """The expected children by band × category on day ``on`` ``[children]``."""
        stock: Floats = self.expected.stock[on - self.start]
        return stock


def simulate(
    cohort: Cohort,
    rates: Rates,
    months: int,
    *,
    draws: int = DRAWS,
    seed: int = 0,
    parameter_uncertainty: bool = True,
    month_ends: Counts | None = None,
) -> Projection:
    """Simulate ``draws`` paths for ``months`` calendar months after ``cohort.on`` (see the module note).

    Deterministic for a ``seed``. ``parameter_uncertainty=False`` gives every path the posterior
    mean rates (process noise only).
    """
    classification = rates.classification
    bands, cats = len(classification.bands), len(classification.names)
    start = cohort.on
    if month_ends is None:
        month_ends = np.array([add_months(start, m) for m in range(months + 1)], dtype=np.int64)
    horizon = int(month_ends[-1] - start)
    rng = np.random.default_rng(seed)
    chosen = draw_rates(rates, draws, rng) if parameter_uncertainty else _repeat(posterior_mean(rates), draws)
    expected = expected_path(cohort, rates, horizon, chosen)
    p_move, p_exit = _daily_probabilities(chosen.move, chosen.exit)
    p_event = p_move.sum(axis=-1) + p_exit  # (draws, b, k)
    # What an event is: leaving care, or a move to each category.
    outcomes = np.concatenate([p_exit[..., None], p_move], axis=-1)  # (draws, b, k, 1 + k)
    event_shares = np.divide(
        outcomes, p_event[..., None], out=np.zeros_like(outcomes), where=p_event[..., None] > 0
    ).reshape(-1, cats + 1)
    per_draw = bands * cats
    log_no_event = np.log1p(-np.minimum(p_event, 1.0 - 1e-12)).reshape(draws, per_draw)
    entry_flat = chosen.entry.reshape(-1)
    arriving = np.flatnonzero(entry_flat > 0)
    lam = entry_flat[arriving]

    state = np.broadcast_to(cohort.stock(bands, cats), (draws, bands, cats)).copy()
    flat = state.reshape(-1)  # a view: the cells (draw, band, category) in a row
    snapshots = np.zeros((draws, len(month_ends), bands, cats), dtype=np.int32)
    snapshots[:, 0] = state
    snapshot_at = {int(d - start): i for i, d in enumerate(month_ends)}
    few = np.flatnonzero(lam <= ENTRY_WALK)
    many = np.flatnonzero(lam > ENTRY_WALK)
    few_cells, few_lam, many_cells, many_lam = arriving[few], lam[few], arriving[many], lam[many]
    onward_cell = np.tile(np.arange(per_draw) < (bands - 1) * cats, draws)  # the last band's leave care at 18
    first_of_band = (np.arange(flat.size) // cats) * cats
    event_hazard = -log_no_event  # (draws, cells per draw): −log P(no event in a day) per child
    # −log P(a child does not age out of its band today), by day and cell of a path.
    age_hazard = -np.log1p(-np.minimum(expected.ageing, 1.0 - 1e-12)).reshape(horizon, per_draw)
    # Where each departing child goes, given it does not age: leaving care, then each category.
    event_bounds = np.cumsum(event_shares, axis=1)
    # Each cell's next departure comes when its cumulative hazard (children × hazard, summed over the
    # days) passes an exponential variate; ``clock`` is what is left of the variate (module note).
    clock = rng.standard_exponential(flat.size)
    arrivals, arrival_days = _arrivals(rng, few_cells, few_lam, per_draw, horizon)
    kept = np.empty((horizon, flat.size), dtype=np.int32)  # each day's state, summed over bands at the end
    for t in range(horizon):
        # Entries.
        if arrival_days[t + 1] > arrival_days[t]:
            np.add.at(flat, arrivals[arrival_days[t] : arrival_days[t + 1]], 1)
        if len(many_cells):
            flat[many_cells] += rng.poisson(many_lam)
        # Departures (ageing into the next band or out at 18, leaving care, moving): per cell, a
        # binomial for how many go, then a multinomial for where.
        ageing = expected.ageing[t].reshape(-1)
        hazard = (event_hazard + age_hazard[t]).reshape(-1)
        at_risk = flat.copy()  # children who arrive in a cell today by a move are not at risk there today
        expected_out = at_risk * hazard
        crowded = np.flatnonzero(expected_out > DEPARTURE_WALK)
        # Crowded cells (a large population): NumPy's binomials, outcome by outcome.
        if len(crowded):
            cells = crowded
            p_leave = -np.expm1(-hazard[cells])
            left = rng.binomial(at_risk[cells], p_leave)
            flat[cells] -= left
            age_share = np.minimum(ageing[cells % per_draw] / p_leave, 1.0)
            older = rng.binomial(left, age_share)
            go_on = onward_cell[cells]
            flat[cells[go_on] + cats] += older[go_on]
            left -= older
            shares = event_shares[cells]
            rest_share = np.ones(len(cells))
            left -= _split(rng, left, shares[:, 0], rest_share)
            rest_share -= shares[:, 0]
            for k in range(cats):
                if not shares[:, k + 1].any():
                    continue
                moved = _split(rng, left, shares[:, k + 1], rest_share)
                rest_share -= shares[:, k + 1]
                left -= moved
                # Several categories of one draw and band move into category k: add, do not assign.
                flat += np.bincount(first_of_band[cells] + k, weights=moved, minlength=flat.size).astype(np.int64)
            expected_out[cells] = 0.0  # done: no sparse draw for these
        # Sparse cells: the few with a departure (see the module's note).
        hit = np.flatnonzero(clock < expected_out)
        clock -= expected_out
        if len(hit):
            cells = hit
            # The cell's first departure comes a share τ = clock / (n × hazard) into the day; each of the
            # other n − 1 children leaves in the rest of it with probability 1 − e^(−hazard × (1 − τ)).
            rest = -clock[cells] / expected_out[cells]  # 1 − τ
            clock[cells] = rng.standard_exponential(len(cells))  # the next departure's variate
            p_leave = -np.expm1(-hazard[cells])
            # Binomial(n − 1, p_rest) by inversion from one uniform (as :func:`binomial` does for a small
            # mean: here at most DEPARTURE_WALK), walking up only where another child leaves too.
            others = (at_risk[cells] - 1).astype(np.float64)
            p_rest = -np.expm1(-hazard[cells] * rest)
            u = rng.random(len(cells))
            none = np.exp(others * np.log1p(-p_rest))  # P(no other child leaves today)
            left = np.ones(len(cells), dtype=np.int64)
            more = np.flatnonzero(u > none)
            if len(more):
                left[more] += _walk(u[more], others[more], p_rest[more], none[more], binomial=True)
            flat[cells] -= left
            # Each departing child's destination: one uniform against the shares of ageing, leaving, moving.
            age_share = np.minimum(ageing[cells % per_draw] / p_leave, 1.0)
            child = np.repeat(np.arange(len(cells)), left)
            share = age_share[child]
            events = event_bounds[cells, -1][child]  # 1, or 0 where the cell has no events but ageing
            u = rng.random(len(child)) * (share + (1.0 - share) * events)
            aged = u < share
            onward = aged & onward_cell[cells[child]]
            flat += np.bincount(cells[child[onward]] + cats, minlength=flat.size)
            event = np.flatnonzero(~aged)
            at = cells[child[event]]
            v = (u[event] - share[event]) / (1.0 - share[event])  # uniform on [0, 1) again, given no ageing
            pick = (v[:, None] >= event_bounds[at]).sum(axis=1)
            moved = pick >= 1  # 0 is leaving care; k + 1 a move to category k
            flat += np.bincount(first_of_band[at[moved]] + np.minimum(pick[moved], cats) - 1, minlength=flat.size)
        kept[t] = flat
        if t + 1 in snapshot_at:
            snapshots[:, snapshot_at[t + 1]] = state
    daily = kept.reshape(horizon, draws, bands, cats).sum(axis=2, dtype=np.int32).transpose(1, 0, 2).copy()
    days = np.arange(start + 1, start + horizon + 1, dtype=np.int64)
    return Projection(classification, start, days, month_ends, daily, snapshots, expected)


def _arrivals(
    rng: np.random.Generator, cells: Counts, lam: Floats, per_draw: int, horizon: int
) -> tuple[Counts, Counts]:
    """Every day's entries into the cells of small entry rates, drawn at once, exactly.

    ``cells`` (flat indices, in order; cell ``c`` is in path ``c // per_draw``) receive Poisson
    flows ``lam`` ``[children per day]``. By Poisson splitting, a path's entries on a day are
    Poisson(its total rate), each going to one of its cells with probability ``lam / total``.
    Returns each entry's cell, by day, and where each day's entries begin (``horizon + 1`` bounds).
    """
    if not len(cells):
        return np.zeros(0, dtype=np.int64), np.zeros(horizon + 1, dtype=np.int64)
    path = cells // per_draw
    paths = int(path[-1]) + 1
    total = np.bincount(path, weights=lam, minlength=paths)
    counts = rng.poisson(np.broadcast_to(total, (horizon, paths)))
    cumulative = np.cumsum(lam)
    first = np.searchsorted(path, np.arange(paths))
    last = np.searchsorted(path, np.arange(paths), side="right") - 1
    before = np.concatenate([[0.0], cumulative])[first]
    who = np.repeat(np.tile(np.arange(paths), horizon), counts.ravel())
    at = np.searchsorted(cumulative, before[who] + rng.random(len(who)) * total[who], side="right")
    at = np.clip(at, first[who], last[who])  # a uniform within a rounding error of its path's end
    bounds = np.concatenate([[0], np.cumsum(counts.sum(axis=1))])
    return cells[at], bounds


#: Entries per cell per day above which NumPy's Poisson sampler is used rather than a walk ``[children]``.
ENTRY_WALK = 1.0
#: Departures per cell per day above which NumPy's binomials are used rather than a walk ``[children]``.
DEPARTURE_WALK = 2.0


def _split(rng: np.random.Generator, left: Counts, share: Floats, rest: Floats) -> Counts:
    """How many of ``left`` take an outcome of probability ``share`` among outcomes summing to ``rest``."""
    p = np.divide(share, rest, out=np.ones_like(share), where=rest > 1e-12)
    moved = np.where(p >= 1.0, left, 0)
    drawn = np.flatnonzero((left > 0) & (p > 0) & (p < 1.0))  # most outcomes are impossible for some cells
    if len(drawn):
        moved[drawn] = rng.binomial(left[drawn], p[drawn])
    return moved


#: Above this mean a count is drawn by NumPy's own sampler; below it, by inversion (:func:`binomial`).
INVERSION_MEAN = 8.0


def binomial(rng: np.random.Generator, n: Counts, p: Floats) -> Counts:
    """Binomial(``n``, ``p``) counts, element by element, exactly; fast when most are zero.

    Most cells of a daily step see no event, so one uniform per cell is compared with
    ``P(0) = (1 − p)^n`` and only the rest walk up the distribution (inversion); cells with a
    large mean use NumPy's binomial sampler.
    """
    return _inverted(rng, n.astype(np.float64), p, binomial=True, whole=n)


def poisson(rng: np.random.Generator, lam: Floats) -> Counts:
    """Poisson(``lam``) counts, element by element, exactly; fast when most are zero (see :func:`binomial`)."""
    return _inverted(rng, lam, np.zeros_like(lam), binomial=False, whole=None)


def _inverted(rng: np.random.Generator, n: Floats, p: Floats, *, binomial: bool, whole: Counts | None) -> Counts:
    mean = n * p if binomial else n
    out = np.zeros(len(n), dtype=np.int64)
    big = mean > INVERSION_MEAN
    if binomial:
        certain = p >= 1.0
        out[certain] = n[certain]
        big &= ~certain
    if big.any():
        if binomial and whole is not None:
            out[big] = rng.binomial(whole[big], p[big])
        else:
            out[big] = rng.poisson(n[big])
    small = np.flatnonzero(~big & (mean > 0) & (p < 1.0 if binomial else True))
    if len(small):
        nn, pp = n[small], p[small]
        pmf = np.exp(nn * np.log1p(-pp)) if binomial else np.exp(-nn)
        out[small] = _walk(rng.random(len(small)), nn, pp, pmf, binomial=binomial)
    return out


def _walk(u: Floats, n: Floats, p: Floats, pmf: Floats, *, binomial: bool) -> Counts:
    """Inversion: the smallest ``k`` whose CDF reaches ``u``, from ``pmf = P(0)`` upwards.

    ``n`` and ``p`` are the binomial's trials and probability (``p < 1``), or for a Poisson
    ``n`` is the mean and ``p`` is unused.
    """
    pmf = pmf.copy()
    cdf = pmf.copy()
    k = np.zeros(len(u), dtype=np.int64)
    live = np.flatnonzero(u > cdf)
    ratio = p[live] / (1.0 - p[live]) if binomial else None
    while len(live):
        k[live] += 1
        step = k[live].astype(np.float64)
        if ratio is not None:
            pmf[live] *= (n[live] - step + 1.0) / step * ratio
        else:
            pmf[live] *= n[live] / step
        cdf[live] += pmf[live]
        going = (u[live] > cdf[live]) & (pmf[live] > 0)
        if binomial:
            going &= k[live] < n[live]
        live = live[going]
        if ratio is not None:
            ratio = ratio[going]
    return k


def _repeat(rate_set: RateSet, draws: int) -> RateSet:
    return RateSet(
        np.repeat(rate_set.entry, draws, axis=0),
        np.repeat(rate_set.move, draws, axis=0),
        np.repeat(rate_set.exit, draws, axis=0),
    )


@dataclass(frozen=True)
class Interval:
    """The mean and central intervals of some quantity over the paths: ``intervals[level] = (low, high)``."""

    mean: Floats
    intervals: dict[int, tuple[Floats, Floats]]


def summarise(samples: Floats | Int32s, levels: tuple[int, ...] = LEVELS) -> Interval:
    """Mean and central ``levels`` ``[%]`` intervals over axis 0 (the paths).

    Each bound is a value some path took — the lower one rounded down among the paths, the upper
    one up — so an interval of counts is whole children and holds at least its level of the paths
    (interpolating between counts would cut it short).
    """
    values = np.asarray(samples, dtype=float)
    lows = np.quantile(values, [0.5 - level / 200 for level in levels], axis=0, method="lower")
    highs = np.quantile(values, [0.5 + level / 200 for level in levels], axis=0, method="higher")
    return Interval(values.mean(axis=0), {level: (lows[i], highs[i]) for i, level in enumerate(levels)})


def by_category(projection: Projection) -> Interval:
    """Children by category at each month end ``(months + 1, categories)`` ``[children]``."""
    return summarise(projection.snapshots.sum(axis=2))


def total(projection: Projection) -> Interval:
    """All children in care at each month end ``(months + 1,)`` ``[children]``, from each path's total."""
    return summarise(projection.snapshots.sum(axis=(2, 3)))
