"""The demand room's part of the role × URL matrix: a load to show, and its URL keyword."""

from __future__ import annotations

from typing import Any

from improve.demand.models import Load


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


def sample_value(name: str, key: str, programme: Any) -> Any:
    if name.startswith("demand:") and key == "load":
        return Load.objects.filter(programme=programme).values_list("pk", flat=True).first()
    return None
