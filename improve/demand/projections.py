"""Projections of a programme's children in care and their cost: the room's side of the model.

:func:`compute` turns the episode table (:func:`improve.demand.selectors.episode_table`) into the
model's arrays, measures the rates over the reference window (the ``reference_months`` before the
start), projects ``months`` ahead with ``draws`` paths, costs them with the programme's weekly
unit costs, backtests the model on the loaded data, and compares a scenario with the baseline
when one is named. It returns plain data (:data:`Results`) for a
:class:`~improve.demand.models.ProjectionRun` — aggregate figures only, never a child:

- ``categories``: the placement categories, in order (``total`` is every category together);
- ``start_stock``: ``{category|total: children}`` in care on the start date;
- ``history``: ``[{date, category…, total}]`` children in care at each month end from the
  reference window's start to the earlier of the data's end and the horizon's (what happened);
- ``months``: ``[{date, mean: {category|total: children}, intervals: {"50"|"80"|"95":
  {category|total: [low, high]}}}]`` at the start and each month end after it;
- ``spend_months`` / ``spend_years``: ``[{label, days, mean: {…: "£"}, intervals: {…}}]``,
  money as strings of Decimal pounds to the penny;
- ``backtest``: None when the data is too short, else ``{origin, data_end, errors: [{name, mae,
  mape, coverage: {level: share}}], months: [{date, actual: {…}, mean: {…}, low95/high95: {…}}]}``;
- ``scenario``: None, or ``{name, title, description, months, spend_years, difference: {months:
  [{date, mean, intervals}], spend_years: [{label, mean, intervals}]}}``.

NumPy and the model are imported inside the functions, so a command that only loads data or
prints help starts without them.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from improve.demand.selectors import EpisodeTable
    from improve.modelling.demand.episodes import Classification, Episodes
    from improve.modelling.demand.projection import Interval, Projection
    from improve.modelling.demand.scenarios import Scenario

Results = dict[str, Any]
T = TypeVar("T")
#: Paths per batch on a long run: a run of more than :data:`LONG` child-paths (children in care at
#: the start × draws) is simulated in batches of this many paths (batch ``i`` seeded ``seed + i``),
#: so progress can be shown. A short run is one batch (batching costs a council about half a
#: second; a nation's 1,000 paths take 8.9 s CPU in one batch, 10.0 s in two, 10.5 s in four).
#: The result depends on the data and the parameters only, not on anyone watching.
BATCH = 500
LONG = 2_000_000
#: Paths of the backtest (12 months): enough for its coverage figures, and quick.
BACKTEST_DRAWS = 300
LEVELS = ("50", "80", "95")


@dataclass(frozen=True)
class ScenarioSpec:
    """A named what-if (see :mod:`improve.modelling.demand.scenarios`): entries ×, a placement-mix
    shift, unit costs × — each against the programme's own baseline."""

    name: str
    title: str
    description: str
    entry_factor: float = 1.0
    shift_share: float = 0.0
    shift_from: str = "residential"
    shift_to: str = "fostering"
    cost_factor: Decimal = Decimal("1")
    categories_costed: tuple[str, ...] = field(default=())


SCENARIOS: dict[str, ScenarioSpec] = {
    spec.name: spec
    for spec in (
        ScenarioSpec(
            "fewer-entries",
            "10% fewer children coming into care",
            "Entries at 90% of the reference window's, as an early-help model might achieve.",
            entry_factor=0.9,
        ),
        ScenarioSpec(
            "more-fostering",
            "A fifth of residential placements fostered instead",
            "20% of the children who would enter or move to a children's home are fostered instead.",
            shift_share=0.2,
        ),
        ScenarioSpec(
            "costs-up",
            "Unit costs 5% higher",
            "Every weekly unit cost 5% above the programme's own (placement prices rising).",
            cost_factor=Decimal("1.05"),
        ),
    )
}


class ProjectionError(ValueError):
    """Parameters the data cannot support; the message says what would be accepted."""


def model_scenario(spec: ScenarioSpec, unit_costs: Mapping[str, Decimal]) -> Scenario:
    from improve.modelling.demand.scenarios import Scenario

    costs = {}
    if spec.cost_factor != 1:
        named = spec.categories_costed or tuple(unit_costs)
        costs = {name: (unit_costs[name] * spec.cost_factor).quantize(Decimal("0.01")) for name in named}
    return Scenario(
        spec.name,
        entry_factor=spec.entry_factor,
        shift_share=spec.shift_share,
        shift_from=spec.shift_from,
        shift_to=spec.shift_to,
        unit_costs=costs,
    )


def episodes_of(table: EpisodeTable) -> Episodes:
    """The model's arrays from the room's episode table."""
    import numpy as np

    from improve.modelling.demand.episodes import EPOCH, OPEN, Episodes

    epoch = EPOCH.toordinal()
    return Episodes(
        child=np.array(table.child, dtype=np.int64),
        start=np.fromiter((d.toordinal() - epoch for d in table.start), dtype=np.int64, count=len(table.start)),
        end=np.fromiter(
            (OPEN if d is None else d.toordinal() - epoch for d in table.end), dtype=np.int64, count=len(table.end)
        ),
        place=np.array(table.placement, dtype="<U4"),
        legal_status=np.array(table.legal_status, dtype="<U4"),
        dob=np.fromiter((d.toordinal() - epoch for d in table.child_dob), dtype=np.int64, count=len(table.child_dob)),
    )


def check(*, start: dt.date, reference_months: int, data_start: dt.date, data_end: dt.date) -> None:
    """Refuse a start the data cannot support, saying which dates would do."""
    from improve.modelling.demand.episodes import add_months, date_of, day

    if start > data_end:
        raise ProjectionError(
            f"The start {start:%d/%m/%Y} is after the loaded data ends ({data_end:%d/%m/%Y}): "
            f"start on or before {data_end:%d/%m/%Y}"
        )
    window = date_of(add_months(day(start), -reference_months))
    if window < data_start:
        earliest = date_of(add_months(day(data_start), reference_months))
        raise ProjectionError(
            f"A {reference_months}-month reference window before {start:%d/%m/%Y} starts {window:%d/%m/%Y}, "
            f"before the loaded data begins ({data_start:%d/%m/%Y}): start on or after {earliest:%d/%m/%Y} "
            "or use a shorter window"
        )


def _by_name(names: tuple[str, ...], values: Any, total: Any) -> dict[str, float]:
    return {**{name: round(float(values[k]), 2) for k, name in enumerate(names)}, "total": round(float(total), 2)}


def _month_rows(names: tuple[str, ...], days: Any, by_cat: Interval, tot: Interval) -> list[dict[str, Any]]:
    from improve.modelling.demand.episodes import date_of

    rows = []
    for m, d in enumerate(days):
        rows.append(
            {
                "date": date_of(int(d)).isoformat(),
                "mean": _by_name(names, by_cat.mean[m], tot.mean[m]),
                "intervals": {
                    str(level): {
                        **{name: [float(low[m, k]), float(high[m, k])] for k, name in enumerate(names)},
                        "total": [float(tot.intervals[level][0][m]), float(tot.intervals[level][1][m])],
                    }
                    for level, (low, high) in by_cat.intervals.items()
                },
            }
        )
    return rows


def _money_rows(spend: Any, *, yearly: bool) -> list[dict[str, Any]]:
    rows = []
    labels = spend.years if yearly else [f"{y}-{m:02d}" for y, m in spend.months]
    days = spend.year_days if yearly else spend.month_days
    for label, day_count, (by_cat, tot) in zip(
        labels, days, spend.by_year() if yearly else spend.by_month(), strict=True
    ):
        everything = {**by_cat, "total": tot}
        rows.append(
            {
                "label": label,
                "days": int(day_count),
                "mean": {name: str(v.mean) for name, v in everything.items()},
                "intervals": {
                    str(level): {
                        name: [str(v.intervals[level][0]), str(v.intervals[level][1])] for name, v in everything.items()
                    }
                    for level in tot.intervals
                },
            }
        )
    return rows


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def in_another_process(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` now in a forked copy of this process; the function returned waits for its
    result (or raises its exception). The copy shares nothing afterwards and touches no database:
    ``work`` must be pure computation on what is already in memory."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run() -> None:
        try:
            send.send((True, work()))
        except BaseException as exc:  # noqa: BLE001 (handed back to the parent to raise)
            send.send((False, exc))
        finally:
            send.close()

    process = context.Process(target=run, daemon=True)
    process.start()
    send.close()

    def result() -> T:
        try:
            ok, value = receive.recv()
        except EOFError as exc:
            process.join()
            raise ProjectionError(
                f"The backtest's process stopped without an answer (exit code {process.exitcode})"
            ) from exc
        process.join()
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    return result


def batch_size(children: int, draws: int) -> int:
    """Paths per batch for ``children`` in care at the start (see :data:`BATCH`)."""
    return BATCH if children * draws > LONG else draws


def _simulate(
    cohort: Any, rates: Any, months: int, *, draws: int, seed: int, step: Callable[[float], None]
) -> Projection:
    """``draws`` paths in batches (see :data:`BATCH`), joined; ``step(share done)`` after each."""
    import dataclasses

    import numpy as np

    from improve.modelling.demand.projection import simulate

    parts = []
    batch = batch_size(len(cohort.band), draws)
    for i, first in enumerate(range(0, draws, batch)):
        parts.append(simulate(cohort, rates, months, draws=min(batch, draws - first), seed=seed + i))
        step(min(first + batch, draws) / draws)
    if len(parts) == 1:
        return parts[0]
    return dataclasses.replace(
        parts[0],
        daily=np.concatenate([p.daily for p in parts]),
        snapshots=np.concatenate([p.snapshots for p in parts]),
    )


def compute(
    table: EpisodeTable | Episodes,
    *,
    start: dt.date,
    months: int,
    reference_months: int = 12,
    draws: int = 1000,
    seed: int = 0,
    data_start: dt.date,
    data_end: dt.date,
    unit_costs: Mapping[str, Decimal],
    scenario: ScenarioSpec | None = None,
    classification: Classification | None = None,
    progress: Callable[[float, str], None] | None = None,
    backtest: Mapping[str, Any] | None = None,
    parallel: bool = False,
) -> Results:
    """Fit, project, cost, backtest (and compare a scenario); return :data:`Results`.

    ``progress(share, what)`` is told the share of the work done (0 to 1) as it goes. ``backtest``:
    a stored run's backtest of the same data, reference window and seed, used rather than
    computed again (it does not depend on the start or the horizon). ``parallel``: work the
    backtest out in a second process while this one projects (the same figures, sooner on a
    machine of two or more cores; for a command, not a web request).
    """
    import numpy as np

    from improve.modelling.demand import backtest as bt
    from improve.modelling.demand import costs as model_costs
    from improve.modelling.demand import scenarios
    from improve.modelling.demand.episodes import Classification, Episodes, add_months, date_of, day
    from improve.modelling.demand.population import cohort_on, daily_stock, estimate_rates
    from improve.modelling.demand.projection import by_category, total

    check(start=start, reference_months=reference_months, data_start=data_start, data_end=data_end)

    # Shares of the work: the projection (and the scenario's) dominate; rates, costs, backtest are quick.
    shares = {"rates": 0.05, "projection": 0.8, "costs": 0.03, "backtest": 0.12, "scenario": 0.8}
    if scenario is None:
        del shares["scenario"]
    whole = sum(shares.values())

    def step(what: str) -> Callable[[float], None]:
        order = list(shares)
        before = sum(shares[name] for name in order[: order.index(what)])

        def report(part: float) -> None:
            if progress is not None:
                progress((before + part * shares[what]) / whole, what)

        return report

    classification = classification or Classification()
    episodes = table if isinstance(table, Episodes) else episodes_of(table)
    names = classification.names
    origin = day(start)
    rates = estimate_rates(episodes, classification, add_months(origin, -reference_months), origin)
    cohort = cohort_on(episodes, classification, origin)
    step("rates")(1.0)
    baseline_costs = dict(unit_costs)
    last = day(data_end)
    backtest_origin = add_months(last, -12)
    backtest_wanted = backtest is None and add_months(backtest_origin, -reference_months) >= day(data_start)

    def work_out_backtest() -> Any:
        return bt.backtest(
            episodes, classification, last, reference_months=reference_months, draws=BACKTEST_DRAWS, seed=seed
        )

    backtest_found = in_another_process(work_out_backtest) if backtest_wanted and parallel and _can_fork() else None
    base = _simulate(cohort, rates, months, draws=draws, seed=seed, step=step("projection"))
    base_spend = model_costs.spend(base, baseline_costs)
    step("costs")(1.0)

    ends = [add_months(origin, m) for m in range(-reference_months, months + 1)]
    ends = [d for d in ends if d <= last]
    stock = daily_stock(episodes, classification, ends[0], ends[-1])[np.array(ends) - ends[0]].sum(axis=1)
    history = [
        {"date": date_of(d).isoformat(), **_by_name(names, stock[i], stock[i].sum())} for i, d in enumerate(ends)
    ]
    start_stock = cohort.stock(len(classification.bands), len(names)).sum(axis=0)

    results: Results = {
        "categories": list(names),
        "start_stock": _by_name(names, start_stock, start_stock.sum()),
        "history": history,
        "months": _month_rows(names, base.month_ends, by_category(base), total(base)),
        "spend_months": _money_rows(base_spend, yearly=False),
        "spend_years": _money_rows(base_spend, yearly=True),
        "backtest": None,
        "scenario": None,
    }
    if backtest is not None:
        results["backtest"] = dict(backtest)
    elif backtest_wanted:
        found = backtest_found() if backtest_found is not None else work_out_backtest()
        results["backtest"] = {
            "origin": date_of(found.origin).isoformat(),
            "data_end": data_end.isoformat(),
            "errors": [
                {
                    "name": e.name,
                    "mae": round(e.mae, 2),
                    "mape": None if e.mape is None else round(e.mape, 1),
                    "coverage": {str(level): round(share, 3) for level, share in e.coverage.items()},
                }
                for e in found.errors
            ],
            "months": [
                {
                    "date": date_of(int(d)).isoformat(),
                    "actual": _by_name(names, found.actual[m], found.actual_total[m]),
                    "mean": _by_name(names, found.projected.mean[m], found.projected_total.mean[m]),
                    "low95": _by_name(
                        names, found.projected.intervals[95][0][m], found.projected_total.intervals[95][0][m]
                    ),
                    "high95": _by_name(
                        names, found.projected.intervals[95][1][m], found.projected_total.intervals[95][1][m]
                    ),
                }
                for m, d in enumerate(found.month_ends)
            ],
        }
    step("backtest")(1.0)

    if scenario is not None:
        chosen = model_scenario(scenario, baseline_costs)
        try:
            changed = scenarios.apply(rates, chosen)
        except ValueError as exc:
            raise ProjectionError(str(exc)) from exc
        other = _simulate(cohort, changed, months, draws=draws, seed=seed, step=step("scenario"))
        other_spend = model_costs.spend(other, scenarios.unit_costs_for(chosen, baseline_costs))
        comparison = scenarios.compare(
            scenarios.Outcome(scenarios.BASELINE, base, base_spend), scenarios.Outcome(chosen, other, other_spend)
        )
        difference_months = _month_rows(names, base.month_ends, comparison.by_category, comparison.children)
        results["scenario"] = {
            "name": scenario.name,
            "title": scenario.title,
            "description": scenario.description,
            "unit_costs": {k: str(v) for k, v in scenarios.unit_costs_for(chosen, baseline_costs).items()},
            "months": _month_rows(names, other.month_ends, by_category(other), total(other)),
            "spend_years": _money_rows(other_spend, yearly=True),
            "difference": {
                "months": difference_months,
                "spend_years": [
                    {
                        "label": label,
                        "mean": str(m.mean),
                        "intervals": {str(level): [str(lo), str(hi)] for level, (lo, hi) in m.intervals.items()},
                    }
                    for label, m in zip(comparison.years, comparison.spend, strict=True)
                ],
            },
        }
    return results
