"""What the demand room brings to the shared machinery (see :mod:`improve.core.registry`)."""

from __future__ import annotations

from improve.core.registry import NavEntry, Room
from improve.demand import examples, links, models, sections
from improve.demand.permissions import RULES

ROOM = Room(
    label="demand",
    title="Demand",
    nav=(
        NavEntry(
            "Demand",
            "demand:quality",
            "view",
            70,
            frozenset(
                {
                    "demand:children",
                    "demand:load",
                    "demand:projections",
                    "demand:projection",
                    "demand:projection_new",
                    "demand:unit_costs",
                    "demand:unit_cost_edit",
                }
            ),
        ),
    ),
    permissions=RULES,
    sections=(sections.SECTION,),
    examples=(examples.load_example,),
    forecasts=(links.forecasts,),
    children_in_care=links.children_in_care,
    # Children and episodes are written in bulk with their load: the load's event counts them.
    audited_models=(models.Load, models.UnitCost, models.ProjectionRun),
)
