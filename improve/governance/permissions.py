"""Who may do what in the governance room: its permission rules, and the one object-level check.

Every member reads. Plan keepers (SRO, programme manager, PMO officer) manage boards, the
calendar and documents; they and workstream leads (for their own strands) raise change requests.
A board's decisions, and the changes routed to it, are recorded by the member who chairs it (the
member linked to the chair's owner record) or by an SRO or programme manager: :func:`may_decide`.
"""

from __future__ import annotations

import enum
from typing import Any

from django.core.exceptions import PermissionDenied

from improve.core.audit import Actor
from improve.core.registry import PermissionRule
from improve.programmes.models import Membership, Role
from improve.programmes.permissions import EVERY_ROLE, PLAN_KEEPERS


class GovPerm(enum.StrEnum):
    MANAGE = "manage_governance"
    RAISE_CHANGE = "raise_change"
    DECIDE = "record_decisions"
    REVOKE_FEEDS = "revoke_calendar_addresses"


#: Roles that decide for any board.
DECIDE_ANY = frozenset({Role.SRO, Role.PROGRAMME_MANAGER})

RULES: tuple[PermissionRule, ...] = (
    PermissionRule(GovPerm.MANAGE, PLAN_KEEPERS, description="manage boards, the meeting calendar and documents"),
    PermissionRule(
        GovPerm.RAISE_CHANGE,
        PLAN_KEEPERS | {Role.WORKSTREAM_LEAD},
        scoped=frozenset({Role.WORKSTREAM_LEAD}),
        description="raise change requests",
    ),
    PermissionRule(
        GovPerm.DECIDE,
        EVERY_ROLE - {Role.VIEWER},
        description="record a board's decisions and decide its change requests (its chair; SRO and "
        "programme manager for every board)",
    ),
    PermissionRule(
        GovPerm.REVOKE_FEEDS,
        frozenset({Role.SRO, Role.PROGRAMME_MANAGER}),
        description="stop another member's secret calendar address",
    ),
)


def may_decide(*, role: str, user_id: Any, board: Any) -> bool:
    """Whether a member (``role``, ``user_id``) records ``board``'s decisions: its chair in person,
    or an SRO or programme manager."""
    if role in DECIDE_ANY:
        return True
    chair = board.chair
    return chair is not None and chair.user_id is not None and chair.user_id == user_id


def require_decider(actor: Actor, board: Any) -> None:
    """Refuse a web write by someone who may not decide for ``board``.

    Commands and workbook imports (no signed-in person, or the import door, which only programme
    managers and PMO officers open) are not refused here.
    """
    if actor.user is None or actor.via != "web":
        return
    role = (
        Membership.objects.filter(programme_id=board.programme_id, user_id=actor.user_id)
        .values_list("role", flat=True)
        .first()
    )
    if role is None or not may_decide(role=role, user_id=actor.user_id, board=board):
        chair = board.chair.name if board.chair is not None else "no one yet"
        raise PermissionDenied(
            f"Only the chair of {board.name} ({chair}), an SRO or a programme manager can decide for this board"
        )
