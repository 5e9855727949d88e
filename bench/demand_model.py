"""Benchmark: the demand model (pure NumPy) for a council and for a nation, and its calibration.

Builds synthetic episode histories with known rates (:mod:`improve.modelling.demand.calibration`:
a council of about 400 children in care, a nation of about 80,000), then times rate estimation,
the children in care at the start, a 24-month projection with 1,000 draws, and the costs per
month and financial year; prints wall and CPU time (a shared machine disturbs CPU time far less)
and peak memory (NumPy's and Python's allocations, traced in a second run). Targets: the council end to end < 2 s,
the nation's projection < 10 s.

Then the calibration check: ``--histories`` independent council histories, each fitted on the
12 months before the start and projected 12 months; how often the 95 % interval held what the
synthetic world then did, by category and for the total.

Run: ``.venv/bin/python bench/demand_model.py [--histories 100] [--draws 1000] [--no-nation] [--seed 1]``.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from improve.modelling.demand.calibration import council_truth, coverage, simulate_history  # noqa: E402
from improve.modelling.demand.costs import spend  # noqa: E402
from improve.modelling.demand.episodes import Classification, add_months, day  # noqa: E402
from improve.modelling.demand.population import cohort_on, daily_stock, estimate_rates  # noqa: E402
from improve.modelling.demand.projection import simulate as project  # noqa: E402
from improve.modelling.demand.projection import total  # noqa: E402

START = day(dt.date(2025, 4, 1))
CLS = Classification()


def timed(label: str, work: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``work`` twice: timed (wall and CPU seconds), then traced for its peak memory.

    Tracing every allocation slows NumPy code, so the times come from the untraced run.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.start()
    work()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<42} {wall:7.2f} s wall {cpu:7.2f} s CPU   peak {peak / 2**20:7.1f} MiB")
    return result, cpu


def scale_run(name: str, scale: float, years: int, draws: int, target: str) -> None:
    print(f"\n{name}: synthetic history of {years} years (rates × {scale:g})")
    built = time.perf_counter()
    episodes = simulate_history(council_truth(scale), CLS, add_months(START, -12 * years), START + 1, seed=1)
    in_care = int(daily_stock(episodes, CLS, START, START)[0].sum())
    print(
        f"  built in {time.perf_counter() - built:.1f} s: {len(episodes):,} episodes, {in_care:,} in care at the start"
    )
    rates, t1 = timed(
        "rate estimation (12-month window)", lambda: estimate_rates(episodes, CLS, add_months(START, -12), START)
    )
    cohort, t2 = timed("children in care at the start", lambda: cohort_on(episodes, CLS, START))
    projection, t3 = timed(
        f"projection, 24 months, {draws:,} draws", lambda: project(cohort, rates, 24, draws=draws, seed=1)
    )
    costs, t4 = timed("costs per month and financial year", lambda: spend(projection))
    everyone = total(projection)
    low, high = everyone.intervals[95]
    print(f"  in care in 24 months: {everyone.mean[-1]:,.0f} (95 % {low[-1]:,.0f} – {high[-1]:,.0f})")
    print(f"  spend {costs.years[0]}: £{costs.year(0)[1].mean:,}")
    print(f"  end to end {t1 + t2 + t3 + t4:.2f} s CPU; target {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=100, help="synthetic histories for the calibration check")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--no-nation", action="store_true")
    parser.add_argument("--seed", type=int, default=1, help="seed of the calibration's histories")
    args = parser.parse_args()
    scale_run("Council (about 400 in care)", 1.0, 10, args.draws, "< 2 s end to end")
    if not args.no_nation:
        scale_run("Nation (about 80,000 in care)", 180.0, 8, args.draws, "< 10 s for the projection")
    if args.histories:
        print(f"\nCalibration: {args.histories} council histories, 12 months ahead, {args.draws:,} draws each")
        started = time.perf_counter()
        found = coverage(
            council_truth(),
            CLS,
            histories=args.histories,
            start=START,
            burn_in_months=96,
            draws=args.draws,
            seed=args.seed,
        )
        shares = ", ".join(f"{n} {s:.0%}" for n, s in zip(CLS.names, found.by_category, strict=True))
        print(f"  95 % interval held the truth: total {found.total:.0%}; {shares}")
        print(f"  ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
