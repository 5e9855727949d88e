"""The demand room's part of the role × URL matrix: a load to show, and its URL keyword."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from improve.demand.models import Load, ProjectionRun


def tiny_results() -> dict[str, Any]:
    """A real projection's results for three children (quick: 20 paths, 3 months)."""
    from improve.demand.projections import compute
    from improve.modelling.demand.episodes import episodes_from_lists

    episodes = episodes_from_lists(
        [dt.date(2010, 5, 1), dt.date(2014, 2, 3), dt.date(2008, 9, 9)],
        [
            (0, dt.date(2019, 6, 1), None, "U1", "C2"),
            (1, dt.date(2020, 1, 10), dt.date(2020, 8, 1), "K2", "C1"),
            (2, dt.date(2020, 2, 1), None, "U4", "C2"),
        ],
    )
    return compute(
        episodes,
        start=dt.date(2021, 3, 31),
        months=3,
        draws=20,
        data_start=dt.date(2019, 4, 1),
        data_end=dt.date(2021, 3, 31),
        unit_costs={name: Decimal(500) for name in ("fostering", "residential", "supported", "other")},
    )


def world(programme: Any) -> None:
    Load.objects.create(
        programme=programme,
        first_year=2021,
        last_year=2021,
        mode="lenient",
        source="matrix",
        children=3,
        episodes=7,
        problem_count=2,
        problem_kinds={"code": 2},
        problems=[{"file": "episodes.csv", "row": 5, "column": "PLACE", "kind": "code", "message": "'U9' is not"}],
    )

    ProjectionRun.objects.create(
        programme=programme,
        start=dt.date(2021, 3, 31),
        months=3,
        draws=20,
        data_end=dt.date(2021, 3, 31),
        unit_costs={"fostering": "500.00"},
        results=tiny_results(),
    )


def sample_value(name: str, key: str, programme: Any) -> Any:
    if name.startswith("demand:") and key == "load":
        return Load.objects.filter(programme=programme).values_list("pk", flat=True).first()
    if name.startswith("demand:") and key == "run":
        return ProjectionRun.objects.filter(programme=programme).values_list("pk", flat=True).first()
    if name.startswith("demand:") and key == "category":
        return "residential"
    return None
