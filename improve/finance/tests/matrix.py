"""The money room's part of the role × URL matrix: sample objects and its URL keywords."""

from __future__ import annotations

from typing import Any

from improve.finance.models import SavingsEvidence
from improve.finance.tests.world import savings_plan, small_budget, unplaced_change


def world(programme: Any) -> None:
    from improve.finance import services
    from improve.finance.tests.world import SYSTEM

    budget = small_budget(programme)
    services.trajectory_figure_save(
        actor=SYSTEM,
        programme=programme,
        data={"year": budget["y1"], "order": 1, "kind": "opening", "label": "18/19 Budget", "text": "£32.9m"},
    )
    savings_plan(programme)
    unplaced_change(programme)


def sample_value(name: str, key: str, programme: Any) -> Any:
    if not name.startswith("finance:"):
        return None
    if key == "year":
        return "2019-20"
    if key == "number":
        return 1
    if key == "reference":
        return "CR-1"
    if key == "evidence":
        return SavingsEvidence.objects.filter(programme=programme, plan__code="1").values_list("pk", flat=True).first()
    return None
