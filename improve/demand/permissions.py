"""The demand room's permissions, folded into the one permission table through the registry.

Everyone in the programme sees the demand pages' aggregate figures (``view``), with counts under
5 suppressed. Only the analyst loads a return and sees child-level rows (pseudonyms, dates of
birth, episodes) and the data-quality problems row by row, and downloads a projection's workbook
(its counts are not suppressed). The analyst, the finance lead and the programme manager run
projections; the analyst and the finance lead set the weekly unit costs.
"""

from __future__ import annotations

from improve.core.registry import PermissionRule, registry

# the programme room's roles, named as the registry knows them (it refuses a rule naming another)
ANALYST = "analyst"
FINANCE_LEAD = "finance_lead"
PROGRAMME_MANAGER = "programme_manager"

LOAD_DEMAND = "load_demand"
SEE_CHILDREN = "see_children"
RUN_PROJECTION = "run_projection"
EDIT_UNIT_COSTS = "edit_unit_costs"

RULES: tuple[PermissionRule, ...] = (
    PermissionRule(LOAD_DEMAND, frozenset({ANALYST}), description="load a statutory return (SSDA903)"),
    PermissionRule(SEE_CHILDREN, frozenset({ANALYST}), description="see child-level rows and problems row by row"),
    PermissionRule(
        RUN_PROJECTION,
        frozenset({ANALYST, FINANCE_LEAD, PROGRAMME_MANAGER}),
        description="run and store a demand projection (aggregate figures only)",
    ),
    PermissionRule(
        EDIT_UNIT_COSTS,
        frozenset({ANALYST, FINANCE_LEAD}),
        description="set the programme's weekly unit costs of placements",
    ),
)


def role_sees_children(role: str) -> bool:
    """Whether a member in ``role`` may see child-level rows and unsuppressed counts."""
    return role in registry.permissions()[SEE_CHILDREN].roles
