"""``improve demand load DIR --programme SLUG [--strict]``, ``improve demand synthesise … OUT/`` and
``improve demand project --programme SLUG --start DATE --months N [--reference-months M] [--draws K]
[--scenario NAME] [--out FILE.xlsx]``.

``load`` reads, checks and loads an SSDA903 return (improve/demand/reader.py); ``synthesise``
writes a synthetic one calibrated to England (improve/demand/synthetic.py). ``project`` fits,
projects, costs and backtests (improve/demand/projections.py), stores the run and prints the
numbers. NumPy is imported only when a command needs it, so ``load`` and ``--help`` start as fast as
any other command.
"""

from __future__ import annotations

import datetime as dt
import resource
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.core.audit import Actor, Via

SHOWN = 50


class Command(BaseCommand):
    help = "The demand room's data: load an SSDA903 return, synthesise one, or project children in care."
    # A projection is a command a person runs many times: skip Django's system checks (about a
    # third of a second; ``improve check`` and every other command still run them).
    requires_system_checks: list[str] = []

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

        project = sub.add_parser("project", help="project the children in care and their cost, and store the run")
        project.add_argument("--programme", required=True, metavar="SLUG")
        project.add_argument("--start", required=True, type=_uk_date, metavar="DATE", help="dd/mm/yyyy (or yyyy-mm-dd)")
        project.add_argument("--months", required=True, type=int, metavar="N", help="months to project")
        project.add_argument(
            "--reference-months", type=int, default=12, metavar="M", help="rates from the M months before the start"
        )
        project.add_argument("--draws", type=int, default=1000, metavar="K", help="simulated paths (default 1,000)")
        project.add_argument("--scenario", default="", metavar="NAME", help="compare a scenario with the baseline")
        project.add_argument("--seed", type=int, default=0)
        project.add_argument("--out", metavar="FILE.xlsx", help="also write the run to an Excel workbook")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "project":
            self._project(options)
        elif action == "load":
            self._load(Path(options["folder"]), options["programme"], strict=options["strict"])
        else:
            self._synthesise(
                Path(options["out"]), options["children"], options["years"], options["seed"], options["last_year"]
            )

    def _load(self, folder: Path, slug: str, *, strict: bool) -> None:
        from improve.core.models import programme_model
        from improve.demand import services

        programme = programme_model()._default_manager.filter(slug=slug).first()
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

    def _project(self, options: dict[str, Any]) -> None:
        from improve.core.models import programme_model
        from improve.demand import services

        slug = options["programme"]
        programme = programme_model()._default_manager.filter(slug=slug).first()
        if programme is None:
            raise CommandError(f"There is no programme '{slug}'")
        out = Path(options["out"]) if options["out"] else None
        if out is not None and out.suffix.lower() != ".xlsx":
            raise CommandError(f"--out {out}: give a file name ending .xlsx")
        started = time.perf_counter()
        bar = ProgressBar(stream=self.stderr._out)
        try:
            run = services.projection_run(
                actor=Actor(user=None, via=Via.COMMAND),
                programme=programme,
                start=options["start"],
                months=options["months"],
                reference_months=options["reference_months"],
                draws=options["draws"],
                scenario=options["scenario"],
                seed=options["seed"],
                progress=bar.step,
                parallel=True,
            )
        except ValidationError as exc:
            bar.close()
            raise CommandError(
                "; ".join(f"--{name.replace('_', '-')}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
            ) from exc
        bar.close()
        if run.synthetic:
            self.stdout.write("SYNTHETIC DATA: the loaded return was made up for a demonstration, not a council's.")
        for line in report_lines(run.results, start=run.start, months=run.months, draws=run.draws):
            self.stdout.write(line)
        if out is not None:
            from improve.demand.export import write_xlsx

            write_xlsx(run, out)
            self.stdout.write(f"Written to {out}.")
        self.stdout.write(f"Stored as run {run.pk} ({time.perf_counter() - started:.2f} s).")


def _uk_date(text: str) -> dt.date:
    import argparse

    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"'{text}' is not a date: give dd/mm/yyyy, e.g. 31/03/2024")


class ProgressBar:
    """A one-line bar on a terminal (nothing when output goes to a file or a pipe)."""

    WIDTH = 30

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.shown = bool(getattr(self.stream, "isatty", lambda: False)())
        self.drawn = False

    def step(self, share: float, what: str) -> None:
        if self.shown:
            filled = round(self.WIDTH * share)
            bar = "█" * filled + "·" * (self.WIDTH - filled)
            self.stream.write(f"\r{bar} {100 * share:3.0f}% {what:<12}")
            self.stream.flush()
            self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * (self.WIDTH + 18) + "\r")
            self.stream.flush()


def _signed(pounds: str) -> str:
    """A difference in £ with its sign before the pound sign: +£1,234 / −£1,234."""
    value = round(float(pounds))
    return f"{'+' if value > 0 else '−' if value < 0 else ''}£{abs(value):,}"


def _count(value: float) -> str:
    return f"{value:,.0f}"


def report_lines(results: dict[str, Any], *, start: dt.date, months: int, draws: int) -> list[str]:
    """What ``project`` prints: the start, the horizon by category with intervals, costs, backtest."""
    names = [*results["categories"], "total"]
    start_stock = results["start_stock"]
    lines = [f"In care on {start:%d/%m/%Y}: " + ", ".join(f"{n} {_count(start_stock[n])}" for n in names) + "."]
    end = results["months"][-1]
    when = dt.date.fromisoformat(end["date"])
    lines.append(f"Projected in care on {when:%d/%m/%Y} ({months} months, {draws:,} paths):")
    width = max(len(n) for n in names)
    lines.append(f"  {'':<{width}}  {'mean':>8}  {'50% interval':>15}  {'80% interval':>15}  {'95% interval':>15}")
    for name in names:
        cells = [
            f"{_count(end['intervals'][lv][name][0])}–{_count(end['intervals'][lv][name][1])}"
            for lv in ("50", "80", "95")
        ]
        lines.append(f"  {name:<{width}}  {end['mean'][name]:>8,.1f}  " + "  ".join(f"{c:>15}" for c in cells))
    lines.append("Projected spend by financial year (part years as projected; mean and 95% interval):")
    for year in results["spend_years"]:
        low, high = year["intervals"]["95"]["total"]
        lines.append(
            f"  {year['label']} ({year['days']} days): £{float(year['mean']['total']):,.0f} "
            f"(£{float(low):,.0f} to £{float(high):,.0f})"
        )
    backtest = results.get("backtest")
    if backtest:
        total = next(e for e in backtest["errors"] if e["name"] == "total")
        mape = "" if total["mape"] is None else f", {total['mape']:.1f}%"
        lines.append(
            f"Backtest (fitted to {dt.date.fromisoformat(backtest['origin']):%d/%m/%Y}, 12 months projected): "
            f"total off by {total['mae']:.1f} children on average{mape}; "
            f"{100 * total['coverage']['95']:.0f}% of month ends inside the 95% interval."
        )
    else:
        lines.append("Backtest: not enough data (it needs the reference window and 12 more months).")
    scenario = results.get("scenario")
    if scenario:
        diff = scenario["difference"]["months"][-1]
        low, high = diff["intervals"]["95"]["total"]
        lines.append(
            f"Scenario '{scenario['name']}' ({scenario['title']}): {diff['mean']['total']:+,.1f} children "
            f"at the horizon (95%: {low:+,.0f} to {high:+,.0f})"
        )
        for year in scenario["difference"]["spend_years"]:
            lo, hi = year["intervals"]["95"]
            lines.append(f"  {year['label']}: {_signed(year['mean'])} (95%: {_signed(lo)} to {_signed(hi)})")
    return lines
