"""Who may do what with board packs: every member reads them; plan keepers build and issue them."""

from __future__ import annotations

import enum

from improve.core.registry import PermissionRule
from improve.programmes.permissions import EVERY_ROLE, PLAN_KEEPERS


class PackPerm(enum.StrEnum):
    READ = "read_packs"
    BUILD = "build_packs"


RULES: tuple[PermissionRule, ...] = (
    PermissionRule(PackPerm.READ, EVERY_ROLE, description="read board packs, issued and draft"),
    PermissionRule(
        PackPerm.BUILD,
        PLAN_KEEPERS,
        description="choose a board's pack sections and issue its packs (PMO officer, programme manager, SRO)",
    ),
)
