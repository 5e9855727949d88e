"""What-ifs: fewer entries, a different placement mix, other unit costs — compared with the baseline.

A :class:`Scenario` changes what was counted in the reference window before the projection:

- ``entry_factor`` multiplies every entry count (0.9: 10 % fewer children coming into care, e.g.
  from an early-help model);
- ``shift_share`` of the entries into ``shift_from`` and of the moves into it go to ``shift_to``
  instead (e.g. 0.2: a fifth of those who would have gone to a children's home are fostered);
  a child in ``shift_to`` who would have moved to ``shift_from`` stays;
- ``unit_costs`` replaces weekly unit costs ``[£ per week]`` for the categories it names.

Counts are scaled rather than rates so the rates' posterior keeps its relative uncertainty. The
scenario and the baseline are simulated with the same seed and compared path by path: the
differences ``[children]`` and ``[£]`` have their own intervals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from improve.modelling.demand.costs import WEEKLY_UNIT_COSTS, MoneyInterval, Spend, money, spend
from improve.modelling.demand.population import Cohort, Rates
from improve.modelling.demand.projection import DRAWS, Interval, Projection, simulate, summarise


@dataclass(frozen=True)
class Scenario:
    """A named change to the baseline (see the module note)."""

    name: str
    entry_factor: float = 1.0
    shift_share: float = 0.0
    shift_from: str = "residential"
    shift_to: str = "fostering"
    unit_costs: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.entry_factor < 0:
            raise ValueError(f"Scenario '{self.name}': the entry factor must be 0 or more, not {self.entry_factor}")
        if not 0 <= self.shift_share <= 1:
            raise ValueError(f"Scenario '{self.name}': the shift share must be between 0 and 1, not {self.shift_share}")


BASELINE = Scenario("baseline")


def apply(rates: Rates, scenario: Scenario) -> Rates:
    """``rates`` as the scenario would have them."""
    names = rates.classification.names
    for name in (scenario.shift_from, scenario.shift_to):
        if scenario.shift_share and name not in names:
            listed = ", ".join(names)
            raise ValueError(f"Scenario '{scenario.name}': no placement category '{name}'; use one of {listed}")
    entries = rates.entries * scenario.entry_factor
    moves = rates.moves.copy()
    if scenario.shift_share:
        source, target = names.index(scenario.shift_from), names.index(scenario.shift_to)
        shifted = entries[:, source] * scenario.shift_share
        entries[:, source] -= shifted
        entries[:, target] += shifted
        redirected = moves[:, :, source] * scenario.shift_share
        moves[:, :, source] -= redirected
        moves[:, :, target] += redirected
        moves[:, target, target] = 0.0  # staying put is no move
    return replace(rates, entries=entries, moves=moves)


def unit_costs_for(scenario: Scenario, base: Mapping[str, Decimal] = WEEKLY_UNIT_COSTS) -> dict[str, Decimal]:
    """The weekly unit costs ``[£ per week]`` under the scenario."""
    return {**base, **scenario.unit_costs}


@dataclass(frozen=True)
class Outcome:
    """A scenario's projection and spend."""

    scenario: Scenario
    projection: Projection
    spend: Spend


def run(
    cohort: Cohort,
    rates: Rates,
    months: int,
    scenario: Scenario = BASELINE,
    *,
    unit_costs: Mapping[str, Decimal] = WEEKLY_UNIT_COSTS,
    draws: int = DRAWS,
    seed: int = 0,
) -> Outcome:
    """Project under ``scenario`` and cost it."""
    projection = simulate(cohort, apply(rates, scenario), months, draws=draws, seed=seed)
    return Outcome(scenario, projection, spend(projection, unit_costs_for(scenario, unit_costs)))


@dataclass(frozen=True)
class Comparison:
    """Scenario − baseline, path by path: children at each month end, and spend per financial year."""

    children: Interval  # total, (months + 1,) [children]
    by_category: Interval  # (months + 1, categories) [children]
    years: tuple[str, ...]
    spend: tuple[MoneyInterval, ...]  # per financial year [£]


def compare(baseline: Outcome, other: Outcome) -> Comparison:
    """The scenario's differences from the baseline (both run with the same seed and horizon)."""
    if baseline.projection.snapshots.shape != other.projection.snapshots.shape:
        raise ValueError("Compare projections with the same start, horizon and number of draws")
    by_category = (other.projection.snapshots.sum(axis=2) - baseline.projection.snapshots.sum(axis=2)).astype(float)
    yearly = other.spend.yearly.sum(axis=2) - baseline.spend.yearly.sum(axis=2)
    return Comparison(
        summarise(by_category.sum(axis=2)),
        summarise(by_category),
        baseline.spend.years,
        tuple(money(yearly[:, y]) for y in range(yearly.shape[1])),
    )
