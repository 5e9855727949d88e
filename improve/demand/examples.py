"""The demand room's example data: a synthetic SSDA903 history and a stored projection.

``improve load-example NAME`` walks the registry (:attr:`improve.core.registry.Room.examples`)
after importing the example's workbook; this room's hook reads ``demand.toml`` in the example's
folder (an example without one gets no demand data) and

1. synthesises a return for a council of the size it gives (:mod:`improve.demand.synthetic`,
   deterministic for its seed) and loads it as **synthetic** (every page that shows it says so);
   loading it again replaces it, as any load of the same years does;
2. removes the projections made from the example's earlier synthetic data, and stores a new one
   with the file's start, months, reference window, draws and seed.

``demand.toml``::

    [synthetic]            # the made-up council
    children_0_17 = 60000  # children aged 0-17
    years = 10             # collection years
    last_year = 2019       # the last collection year, ending 31 March
    seed = 2019

    [projection]
    start = 2019-03-31
    months = 36
    reference_months = 12
    draws = 300
    seed = 0
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from improve.core.audit import Actor
from improve.core.models import ProgrammeLike

FILE = "demand.toml"


class ExampleError(ValueError):
    """A ``demand.toml`` that cannot be used; the message names the key and what would do."""


@dataclass(frozen=True)
class ExampleSpec:
    children_0_17: int
    years: int
    last_year: int
    seed: int
    start: dt.date
    months: int
    reference_months: int
    draws: int
    projection_seed: int

    @property
    def source(self) -> str:
        return (
            f"synthetic: improve demand synthesise --children-0-17 {self.children_0_17} --years {self.years} "
            f"--seed {self.seed} --last-year {self.last_year}"
        )


def _int(table: dict[str, Any], section: str, key: str, default: int | None = None) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ExampleError(f"{FILE} [{section}] {key}: give a whole number of 0 or more (found {value!r})")
    return value


def read_spec(path: Path) -> ExampleSpec:
    """The example's ``demand.toml``; :class:`ExampleError` naming the key when it will not do."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ExampleError(f"{FILE} is not valid TOML: {exc}") from exc
    synth, project = data.get("synthetic", {}), data.get("projection", {})
    start = project.get("start")
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise ExampleError(f"{FILE} [projection] start: give a date as yyyy-mm-dd, e.g. 2019-03-31 (found {start!r})")
    return ExampleSpec(
        children_0_17=_int(synth, "synthetic", "children_0_17"),
        years=_int(synth, "synthetic", "years", 10),
        last_year=_int(synth, "synthetic", "last_year", 2024),
        seed=_int(synth, "synthetic", "seed", 0),
        start=start,
        months=_int(project, "projection", "months", 24),
        reference_months=_int(project, "projection", "reference_months", 12),
        draws=_int(project, "projection", "draws", 1000),
        projection_seed=_int(project, "projection", "seed", 0),
    )


def load_example(programme: ProgrammeLike, folder: Path, actor: Actor) -> str | None:
    """The room's :data:`~improve.core.registry.ExampleHook`: synthetic history and a projection."""
    from improve.demand import selectors, services, synthetic

    path = folder / FILE
    if not path.is_file():
        return None
    spec = read_spec(path)
    began = time.perf_counter()
    data = synthetic.synthesise(
        children_0_17=spec.children_0_17, years=spec.years, seed=spec.seed, last_year=spec.last_year
    )
    with tempfile.TemporaryDirectory(prefix="improve-example-903-") as tmp:
        synthetic.write_return(data, Path(tmp))
        loaded = services.demand_load(
            actor=actor,
            programme=programme,
            folder=Path(tmp),
            strict=True,
            source=spec.source,
            today=dt.date(spec.last_year, 6, 30),
            synthetic=True,
        )
    if loaded.load is None:
        raise ExampleError(f"The synthetic return did not load: {'; '.join(map(str, loaded.problems[:3]))}")
    for old in selectors.synthetic_runs(programme):
        services.projection_run_remove(actor=actor, run=old)
    run = services.projection_run(
        actor=actor,
        programme=programme,
        start=spec.start,
        months=spec.months,
        reference_months=spec.reference_months,
        draws=spec.draws,
        seed=spec.projection_seed,
    )
    return (
        f"Demand: a synthetic SSDA903 history ({loaded.load.years}, {loaded.load.children:,} children looked after, "
        f"made up for the demo) and a projection from {run.start:%d/%m/%Y} for {run.months} months with "
        f"{run.draws:,} paths ({time.perf_counter() - began:.1f} s)."
    )
