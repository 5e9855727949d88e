"""Who may change what in the RAID log: the room's permission rules and its object-level checks,
in one place, for the pages and the workbook alike.

- Every member reads the RAID log (the programme room's ``view``).
- ``edit_raid``: the plan's keepers (SRO, programme manager, PMO officer) add, change, archive and
  escalate any risk or issue; a workstream lead does so for those linked to a strand they lead.
- ``update_raid``: any member opens the change pages of a risk, an issue or an action; what they
  may change is decided per row by :func:`can_change` — keepers all, workstream leads their
  strands', and anyone linked to the row's owner (``Owner.user``) that row and its actions.
- ``edit_raid_logs``: the keepers keep the assumptions, dependencies, constraints, exclusions,
  lessons and the risk appetite.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from improve.core.registry import PermissionRule, registry
from improve.programmes.models import Role
from improve.programmes.permissions import EVERY_ROLE, PLAN_KEEPERS, Access
from improve.raid.models import Action, Issue, LogEntry, Risk

EDIT_RAID = "edit_raid"
UPDATE_RAID = "update_raid"
EDIT_RAID_LOGS = "edit_raid_logs"

RULES: tuple[PermissionRule, ...] = (
    PermissionRule(
        EDIT_RAID,
        PLAN_KEEPERS | {Role.WORKSTREAM_LEAD},
        scoped=frozenset({Role.WORKSTREAM_LEAD}),
        description="add, archive and escalate risks and issues (workstream leads: of their strands)",
    ),
    PermissionRule(
        UPDATE_RAID,
        EVERY_ROLE,
        description="change a risk, issue or action: keepers any, workstream leads their strands', "
        "and anyone the one they own",
    ),
    PermissionRule(
        EDIT_RAID_LOGS,
        PLAN_KEEPERS,
        description="change assumptions, dependencies, constraints, exclusions, lessons and risk appetite",
    ),
)


def _holds_everywhere(access: Access, perm: str) -> bool:
    """Whether the member holds ``perm`` across the whole programme (not only on some strands)."""
    rule = registry.permissions().get(perm)
    return rule is not None and access.role in rule.roles and access.role not in rule.scoped


def leads_any(access: Access, strand_ids: set[int] | frozenset[int]) -> bool:
    """Whether the member may edit RAID rows linked to any of ``strand_ids``."""
    return any(access.can(EDIT_RAID, strand_id=sid) for sid in strand_ids)


def _strand_ids(obj: Risk | Issue) -> set[int]:
    return {s.pk for s in obj.strands.all()}  # prefetched by the selectors


def _owns(access: Access, owner_user_id: int | None) -> bool:
    return owner_user_id is not None and owner_user_id == access.membership.user_id


def _owner_user_id(obj: Any) -> int | None:
    owner = getattr(obj, "owner", None)
    return owner.user_id if owner is not None else None


def can_manage(access: Access, obj: Risk | Issue) -> bool:
    """Archive, restore, escalate: the keepers, and workstream leads of a linked strand."""
    return _holds_everywhere(access, EDIT_RAID) or leads_any(access, _strand_ids(obj))


def can_change(access: Access, obj: Risk | Issue | Action | LogEntry) -> bool:
    """Whether the member may change this risk, issue, action or log entry."""
    if isinstance(obj, LogEntry):
        return access.can(EDIT_RAID_LOGS)
    if isinstance(obj, Action):
        parent = obj.risk if obj.risk_id else obj.issue
        return _owns(access, _owner_user_id(obj)) or (parent is not None and can_change(access, parent))
    return can_manage(access, obj) or _owns(access, _owner_user_id(obj))


def can_add(access: Access, strand_ids: set[int]) -> bool:
    """Whether the member may add a risk or issue linked to ``strand_ids``."""
    return _holds_everywhere(access, EDIT_RAID) or leads_any(access, strand_ids)


def require_change(access: Access, obj: Risk | Issue | Action | LogEntry) -> None:
    if not can_change(access, obj):
        raise PermissionDenied(f"You cannot change {obj}: it is not yours, nor linked to a strand you lead.")


def require_manage(access: Access, obj: Risk | Issue) -> None:
    if not can_manage(access, obj):
        raise PermissionDenied(f"You cannot do this to {obj}: it is not linked to a strand you lead.")
