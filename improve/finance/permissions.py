"""The money room's permissions, folded into the one permission table through the registry.

Everyone in the programme reads the money (``view``); the finance lead and the programme manager
change it; closing a period is the finance lead's alone.
"""

from __future__ import annotations

from improve.core.registry import PermissionRule
from improve.programmes.models import Role

EDIT_FINANCE = "edit_finance"
CLOSE_PERIODS = "close_periods"

RULES: tuple[PermissionRule, ...] = (
    PermissionRule(
        EDIT_FINANCE,
        frozenset({Role.FINANCE_LEAD, Role.PROGRAMME_MANAGER}),
        description="change budget lines, amounts, funding and allocations",
    ),
    PermissionRule(CLOSE_PERIODS, frozenset({Role.FINANCE_LEAD}), description="close a period"),
)
