"""Benchmark: a demand projection end to end — for a council and for a nation.

Council (60,000 children aged 0–17, 10 collection years, about Barking and Dagenham's size):
synthesise the SSDA903 return and write its CSV files; read, check and load them into a throwaway
database; read the episode table back; estimate the rates; project 24 months with 1,000 draws
(and cost and backtest it, as ``improve demand project`` does); then time the whole command,
``improve demand project --programme … --start … --months 24`` as a separate process.

Nation (12,000,000 children, about 80,000 in care; ``--nation``): synthesise; read and check the
CSV files (the loader's validation, without writing 3 million rows to a database); hand the
synthetic arrays straight to the model; estimate the rates; project 24 months with 1,000 draws;
cost it.

Targets: the council end to end < 2 s; the nation's projection with draws < 10 s. Prints wall
and CPU seconds (CPU time is steadier on a shared machine) and the process's peak memory;
asserts nothing. Uses a throwaway SQLite database (or BENCH_DATABASE_URL).

Run: ``.venv/bin/python bench/demand.py [--nation] [--draws 1000]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
tmp = Path(tempfile.mkdtemp(prefix="improve-bench-demandrun-"))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from improve.core.audit import SYSTEM  # noqa: E402
from improve.demand import examples, projections, selectors, services, synthetic  # noqa: E402
from improve.programmes.models import Programme  # noqa: E402

START = dt.date(2022, 3, 31)  # two years before the synthetic data ends (31/03/2024): 24 months of it
MONTHS = 24


def peak() -> str:
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"


def timed(label: str, work: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<52} {wall:7.2f} s wall {cpu:7.2f} s CPU")
    return result


def council(draws: int) -> None:
    from improve.modelling.demand.episodes import Classification, add_months, day
    from improve.modelling.demand.population import cohort_on, estimate_rates
    from improve.modelling.demand.projection import simulate

    call_command("migrate", verbosity=0)
    programme = Programme.objects.create(slug="bench-demandrun", council="Bench Council", name="Bench")
    print("council: 60,000 children aged 0–17, 10 collection years (2014/15 to 2023/24)")
    data = timed("synthesise", lambda: synthetic.synthesise(children_0_17=60_000, years=10, seed=1))
    timed("write the CSV files", lambda: synthetic.write_return(data, tmp / "council"))
    loaded = timed(
        "read + check + load (lenient)",
        lambda: services.demand_load(actor=SYSTEM, programme=programme, folder=tmp / "council", strict=False),
    )
    assert loaded.load is not None
    table = timed("episode table from the database", lambda: selectors.episode_table(programme))
    episodes = timed("… as the model's arrays", lambda: projections.episodes_of(table))
    cls = Classification()
    origin = day(START)
    rates = timed(
        "rate estimation (12-month window)", lambda: estimate_rates(episodes, cls, add_months(origin, -12), origin)
    )
    cohort = cohort_on(episodes, cls, origin)
    print(f"  {len(cohort.band):,} children in care on {START:%d/%m/%Y}; {loaded.load.episodes:,} episodes")
    timed(f"projection: {MONTHS} months, {draws:,} draws", lambda: simulate(cohort, rates, MONTHS, draws=draws))
    covered = selectors.data_range(programme)
    assert covered is not None
    timed(
        "projection + costs + backtest (what the command computes)",
        lambda: projections.compute(
            table, start=START, months=MONTHS, draws=draws, data_start=covered[0], data_end=covered[1],
            unit_costs=selectors.unit_costs(programme),
        ),
    )  # fmt: skip
    timed(
        "the B&D example's demand data (load-example's hook)",
        lambda: examples.load_example(
            Programme.objects.create(slug="bench-example", council="Example", name="Example"),
            REPO / "examples/barking-dagenham-2019",
            SYSTEM,
        ),
    )
    command = [
        str(REPO / ".venv/bin/improve"), "demand", "project", "--programme", programme.slug,
        "--start", f"{START:%d/%m/%Y}", "--months", str(MONTHS), "--draws", str(draws),
    ]  # fmt: skip
    # As a person's installation runs it: Python keeps the compiled modules (an environment that
    # sets PYTHONDONTWRITEBYTECODE recompiles every module of ours each time, about 0.5 s more).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(command[:3] + ["--help"], capture_output=True, env=env, check=False)  # noqa: S603
    for label, args in (
        ("whole command: improve demand --help", command[:3] + ["--help"]),
        ("whole command: improve demand project", command),
        ("… again (the stored run's backtest is taken)", command),
    ):
        wall = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)  # noqa: S603
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        print(
            f"  {label:<52} {time.perf_counter() - wall:7.2f} s wall {cpu:7.2f} s CPU"
            f"   peak {after.ru_maxrss / 1024:.0f} MiB"
        )
        if done.returncode:
            print(done.stderr)
    print(f"  peak memory of this process {peak()}")


def nation(draws: int, *, read_csv: bool) -> None:
    import numpy as np

    from improve.demand.pseudonym import pseudonymiser
    from improve.demand.reader import read_return
    from improve.modelling.demand import costs
    from improve.modelling.demand.episodes import Classification, Episodes, add_months, day
    from improve.modelling.demand.population import cohort_on, estimate_rates

    print("\nnation: 12,000,000 children aged 0–17, 10 collection years")
    data = timed("synthesise", lambda: synthetic.synthesise(children_0_17=12_000_000, years=10, seed=1))
    if read_csv:
        timed("write the CSV files", lambda: synthetic.write_return(data, tmp / "nation"))
        read = timed(
            "read + check (the loader's validation, no database)",
            lambda: read_return(tmp / "nation", pseudonymise=pseudonymiser(), today=dt.date(2024, 6, 1)),
        )
        print(f"  {sum(f.rows for f in read.files):,} rows read, {len(read.problems):,} problems")
        del read
    episodes = Episodes(  # the generator counts days as the model does
        child=data.child.astype(np.int64),
        start=data.start.astype(np.int64),
        end=data.end.astype(np.int64),
        place=data.place.astype("<U4"),
        legal_status=data.ls.astype("<U4"),
        dob=data.dob.astype(np.int64),
    )
    cls = Classification()
    origin = day(START)
    rates = timed(
        "rate estimation (12-month window)", lambda: estimate_rates(episodes, cls, add_months(origin, -12), origin)
    )
    cohort = timed("children in care at the start", lambda: cohort_on(episodes, cls, origin))
    print(f"  {len(cohort.band):,} children in care on {START:%d/%m/%Y}; {len(episodes):,} episodes")
    noop: Callable[[float], None] = lambda share: None  # noqa: E731
    projection = timed(
        f"projection: {MONTHS} months, {draws:,} draws (in batches)",
        lambda: projections._simulate(cohort, rates, MONTHS, draws=draws, seed=0, step=noop),
    )
    timed(
        "costs per month and financial year",
        lambda: costs.spend(projection, {k: Decimal(v) for k, v in costs.WEEKLY_UNIT_COSTS.items()}),
    )
    print(f"  peak memory of this process {peak()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nation", action="store_true", help="also the nation (several minutes)")
    parser.add_argument("--no-council", action="store_true")
    parser.add_argument("--no-csv", action="store_true", help="nation: skip writing and reading its CSV files")
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args()
    if not args.no_council:
        council(args.draws)
    if args.nation:
        nation(args.draws, read_csv=not args.no_csv)


if __name__ == "__main__":
    main()
