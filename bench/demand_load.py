"""Benchmark: the demand room's data — synthesise a council's SSDA903 return and load it.

A council of 60,000 children aged 0–17 for 10 collection years (about Barking and Dagenham's
size): synthesise and write the CSV files, then read, check and load them (lenient) into a
throwaway database, then read them back as the projection's episode table. Optionally
(``--nation``) the generator alone for 12,000,000 children (England) for 10 years. Prints
times and the process's peak memory; asserts nothing. Uses a throwaway SQLite database (or
BENCH_DATABASE_URL).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
tmp = Path(tempfile.mkdtemp(prefix="improve-bench-demand-"))
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from improve.core.audit import SYSTEM  # noqa: E402
from improve.demand import selectors, services, synthetic  # noqa: E402
from improve.programmes.models import Programme  # noqa: E402


def peak() -> str:
    return f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"


def main() -> None:
    call_command("migrate", verbosity=0)
    programme = Programme.objects.create(slug="bench-demand", council="Bench Council", name="Bench")
    t0 = time.perf_counter()
    data = synthetic.synthesise(children_0_17=60_000, years=10, seed=1)
    t1 = time.perf_counter()
    written = synthetic.write_return(data, tmp / "return")
    t2 = time.perf_counter()
    result = services.demand_load(actor=SYSTEM, programme=programme, folder=tmp / "return", strict=False)
    t3 = time.perf_counter()
    table = selectors.episode_table(programme)
    t4 = time.perf_counter()
    assert result.load is not None
    rows = sum(e for _c, e in written.values())
    print(f"council 60,000 children × 10 years: {data.dob.size:,} children looked after, {rows:,} episode rows")
    print(f"  synthesise {t1 - t0:.2f} s, write CSV {t2 - t1:.2f} s")
    print(
        f"  read + check + load {t3 - t2:.2f} s ({result.load.children:,} children, {result.load.episodes:,} episodes, "
        f"{result.load.problem_count} problems)"
    )
    print(f"  episode table for the model {t4 - t3:.2f} s ({len(table.start):,} episodes)")
    print(f"  peak memory {peak()}")
    if "--nation" in sys.argv:
        t0 = time.perf_counter()
        nation = synthetic.synthesise(children_0_17=12_000_000, years=10, seed=1)
        t1 = time.perf_counter()
        print(
            f"nation 12,000,000 children × 10 years: {nation.dob.size:,} children looked after, "
            f"{nation.start.size:,} episodes; synthesised in {t1 - t0:.2f} s; peak memory {peak()}"
        )


if __name__ == "__main__":
    main()
