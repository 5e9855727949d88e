"""``improve demand load DIR --programme SLUG [--strict]`` and ``improve demand synthesise … OUT/``.

``load`` reads, checks and loads an SSDA903 return (improve/demand/reader.py); ``synthesise``
writes a synthetic one calibrated to England (improve/demand/synthetic.py). NumPy is imported
only by ``synthesise``, so ``load`` starts as fast as any other command.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.core.audit import Actor, Via

SHOWN = 50


class Command(BaseCommand):
    help = "The demand room's data: load an SSDA903 return, or synthesise one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load an SSDA903 return (a folder of CSV files)")
        load.add_argument("folder", metavar="DIR")
        load.add_argument("--programme", required=True, metavar="SLUG")
        load.add_argument("--strict", action="store_true", help="refuse the whole load if any problem is found")
        synth = sub.add_parser("synthesise", help="write a synthetic SSDA903 return calibrated to England")
        synth.add_argument("out", metavar="OUT")
        synth.add_argument("--children-0-17", dest="children", type=int, required=True, metavar="N")
        synth.add_argument("--years", type=int, default=10, metavar="Y")
        synth.add_argument("--seed", type=int, default=0, metavar="S")
        synth.add_argument("--last-year", type=int, default=2024, help="the last collection year, ending 31 March")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "load":
            self._load(Path(options["folder"]), options["programme"], strict=options["strict"])
        else:
            self._synthesise(
                Path(options["out"]), options["children"], options["years"], options["seed"], options["last_year"]
            )

    def _load(self, folder: Path, slug: str, *, strict: bool) -> None:
        from improve.demand import services
        from improve.programmes.models import Programme

        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f"There is no programme '{slug}'")
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder")
        started = time.perf_counter()
        result = services.demand_load(
            actor=Actor(user=None, via=Via.COMMAND), programme=programme, folder=folder, strict=strict
        )
        for problem in result.problems[:SHOWN]:
            self.stderr.write(str(problem))
        if len(result.problems) > SHOWN:
            self.stderr.write(f"… and {len(result.problems) - SHOWN} more problems")
        if result.load is None:
            why = (
                "strict mode refuses a return with problems"
                if strict and result.problems
                else "no child could be loaded"
            )
            raise CommandError(f"Nothing was loaded: {why} ({len(result.problems)} problems)")
        load = result.load
        replaced = f"; replaced {', '.join(result.replaced)}" if result.replaced else ""
        self.stdout.write(
            f"Loaded SSDA903 {load.years} into {slug}: {load.children:,} children, {load.episodes:,} episodes; "
            f"{load.children_rejected:,} children left out for {load.problem_count:,} problems{replaced} "
            f"({time.perf_counter() - started:.2f} s)."
        )

    def _synthesise(self, out: Path, children: int, years: int, seed: int, last_year: int) -> None:
        from improve.demand import synthetic

        started = time.perf_counter()
        try:
            data = synthetic.synthesise(children_0_17=children, years=years, seed=seed, last_year=last_year)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        made = time.perf_counter()
        written = synthetic.write_return(data, out)
        done = time.perf_counter()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # [bytes] (Linux reports KiB)
        episodes = sum(e for _c, e in written.values())
        self.stdout.write(
            f"Synthesised {years} years ({data.first_year - 1}/{data.first_year % 100:02d} to "
            f"{last_year - 1}/{last_year % 100:02d}) for {children:,} children: {data.dob.size:,} children looked "
            f"after, {episodes:,} episode rows in {out}. Generated in {made - started:.2f} s, written in "
            f"{done - made:.2f} s; peak memory of the process {peak / 2**20:.0f} MiB."
        )
