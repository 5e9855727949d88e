"""Who may do what in a programme: the one permission table, and the decorator every page uses.

Roles are per programme (:class:`~improve.programmes.models.Membership`). Each room contributes
its own permission rules through the registry (:class:`improve.core.registry.PermissionRule`);
this module folds them into one table. A view of a programme is wrapped by
:func:`programme_view`, which records the permission on the view; the role × URL test matrix
reads those rules from the URL configuration, so a page without a rule fails the tests.

A workstream lead's edit rights reach only the strands they lead (``scoped`` roles).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied

from improve.core import access as core_access
from improve.core.access import View
from improve.core.registry import PermissionRule, registry
from improve.programmes.models import Membership, Programme, Role


class Perm(enum.StrEnum):
    """The programme room's own permissions (other rooms name theirs as plain strings)."""

    VIEW = "view"
    EDIT_PLAN = "edit_plan"
    EDIT_PROGRAMME = "edit_programme"
    MANAGE_BASELINES = "manage_baselines"
    IMPORT = "import"
    EXPORT = "export"
    MANAGE_MEMBERS = "manage_members"


EVERY_ROLE = frozenset(Role)
PLAN_KEEPERS = frozenset({Role.SRO, Role.PROGRAMME_MANAGER, Role.PMO_OFFICER})

RULES: tuple[PermissionRule, ...] = (
    PermissionRule(Perm.VIEW, EVERY_ROLE, description="see the programme"),
    PermissionRule(Perm.EXPORT, EVERY_ROLE - {Role.VIEWER}, description="download the workbook"),
    PermissionRule(
        Perm.EDIT_PLAN,
        PLAN_KEEPERS | {Role.WORKSTREAM_LEAD},
        scoped=frozenset({Role.WORKSTREAM_LEAD}),
        description="change plan lines and dependencies",
    ),
    PermissionRule(Perm.EDIT_PROGRAMME, PLAN_KEEPERS, description="change the definition, strands, stages, owners"),
    PermissionRule(Perm.MANAGE_BASELINES, PLAN_KEEPERS, description="take baselines"),
    PermissionRule(Perm.IMPORT, frozenset({Role.PROGRAMME_MANAGER, Role.PMO_OFFICER}), description="import a workbook"),
    PermissionRule(Perm.MANAGE_MEMBERS, frozenset({Role.SRO, Role.PROGRAMME_MANAGER}), description="manage members"),
)


def table() -> dict[str, PermissionRule]:
    """Every room's permission rules, by name."""
    return registry.permissions()


def role_allows(
    role: str, perm: str, *, strand_id: int | None = None, strand_ids: frozenset[int] = frozenset()
) -> bool:
    """Whether ``role`` holds ``perm``; for strand-scoped roles, on ``strand_id``.

    With ``strand_id=None`` a scoped role is allowed if it leads any strand (it may open the
    page; the object it touches is checked again).
    """
    rule = table().get(str(perm))
    if rule is None:
        raise KeyError(f"No room declares the permission '{perm}'")
    if role not in rule.roles:
        return False
    if role in rule.scoped:
        return bool(strand_ids) if strand_id is None else strand_id in strand_ids
    return True


@dataclass(frozen=True)
class Access:
    """A signed-in user's standing in one programme."""

    membership: Membership
    strand_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def programme(self) -> Programme:
        return self.membership.programme

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, perm: str, *, strand_id: int | None = None) -> bool:
        return role_allows(self.role, perm, strand_id=strand_id, strand_ids=self.strand_ids)

    @cached_property
    def perms(self) -> dict[str, bool]:
        """Each permission the role holds anywhere in the programme (for templates)."""
        return {name: self.can(name) for name in table()}

    def require(self, perm: str, *, strand_id: int | None = None) -> None:
        if not self.can(perm, strand_id=strand_id):
            raise PermissionDenied(f"Your role cannot {str(perm).replace('_', ' ')} here.")

    def editable_strand_ids(self, all_ids: list[int]) -> list[int]:
        return [sid for sid in all_ids if self.can(Perm.EDIT_PLAN, strand_id=sid)]


class ProgrammeRequest(core_access.ProgrammeRequest):
    """A request to a programme page of this room: its ``access`` is an :class:`Access`."""

    access: Access


def programme_access(user: Any, slug: str) -> Access | None:
    """The user's access to the programme ``slug``, or None if they are not a member."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.select_related("programme").filter(user=user, programme__slug=slug).first()
    if membership is None:
        return None
    if membership.role not in scoped_roles():  # the strands they lead matter only to a scoped role
        return Access(membership=membership)
    return Access(membership=membership, strand_ids=frozenset(membership.strands.values_list("pk", flat=True)))


def scoped_roles() -> frozenset[str]:
    """The roles whose permissions reach only the strands they lead, in any room's rule."""
    return frozenset(role for rule in table().values() for role in rule.scoped)


def programme_view(perm: str) -> Callable[[View], View]:
    """:func:`improve.core.access.programme_view`, refusing a permission no room declares."""
    if str(perm) not in {r.name for r in RULES} and str(perm) not in table():
        raise KeyError(f"No room declares the permission '{perm}'")
    return core_access.programme_view(perm)
