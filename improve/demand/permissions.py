"""The demand room's permissions, folded into the one permission table through the registry.

Everyone in the programme sees the demand pages' aggregate figures (``view``), with counts under
5 suppressed. Only the analyst loads a return and sees child-level rows (pseudonyms, dates of
birth, episodes) and the data-quality problems row by row.
"""

from __future__ import annotations

from improve.core.registry import PermissionRule
from improve.programmes.models import Role

LOAD_DEMAND = "load_demand"
SEE_CHILDREN = "see_children"

RULES: tuple[PermissionRule, ...] = (
    PermissionRule(LOAD_DEMAND, frozenset({Role.ANALYST}), description="load a statutory return (SSDA903)"),
    PermissionRule(SEE_CHILDREN, frozenset({Role.ANALYST}), description="see child-level rows and problems row by row"),
)
