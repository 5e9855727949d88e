"""Who may do what: every permission check in the product lives in this module.

Each view is wrapped by exactly one of :func:`public`, :func:`signed_in` or
:func:`programme_view`; each wrapper records its rule on the view (``access_rule``), and the role ×
URL test matrix reads those rules from the URL configuration, so a page without a rule fails
the tests.

Roles are per programme (:class:`~improve.accounts.models.Membership`). A workstream lead's
edit rights reach only the strands they lead.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from improve.accounts.models import Membership, Role


class Perm(enum.StrEnum):
    VIEW = "view"
    EDIT_PLAN = "edit_plan"
    EDIT_PROGRAMME = "edit_programme"
    MANAGE_BASELINES = "manage_baselines"
    IMPORT = "import"
    EXPORT = "export"
    MANAGE_MEMBERS = "manage_members"


EVERY_ROLE = frozenset(Role)
PLAN_KEEPERS = frozenset({Role.SRO, Role.PROGRAMME_MANAGER, Role.PMO_OFFICER})

GRANTS: dict[Perm, frozenset[Role]] = {
    Perm.VIEW: EVERY_ROLE,
    Perm.EXPORT: EVERY_ROLE - {Role.VIEWER},
    Perm.EDIT_PLAN: PLAN_KEEPERS | {Role.WORKSTREAM_LEAD},
    Perm.EDIT_PROGRAMME: PLAN_KEEPERS,
    Perm.MANAGE_BASELINES: PLAN_KEEPERS,
    Perm.IMPORT: frozenset({Role.PROGRAMME_MANAGER, Role.PMO_OFFICER}),
    Perm.MANAGE_MEMBERS: frozenset({Role.SRO, Role.PROGRAMME_MANAGER}),
}

# Roles that hold a permission only for the strands they lead.
SCOPED_TO_STRANDS: dict[Perm, frozenset[Role]] = {
    Perm.EDIT_PLAN: frozenset({Role.WORKSTREAM_LEAD}),
}


def role_allows(
    role: str, perm: Perm, *, strand_id: int | None = None, strand_ids: frozenset[int] = frozenset()
) -> bool:
    """Whether ``role`` holds ``perm``; for strand-scoped roles, on ``strand_id``.

    With ``strand_id=None`` a scoped role is allowed if it leads any strand (it may open the
    page; the object it touches is checked again).
    """
    if role not in GRANTS[perm]:
        return False
    if role in SCOPED_TO_STRANDS.get(perm, frozenset()):
        return bool(strand_ids) if strand_id is None else strand_id in strand_ids
    return True


@dataclass(frozen=True)
class Access:
    """A signed-in user's standing in one programme."""

    membership: Membership
    strand_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def programme(self) -> Any:
        return self.membership.programme

    @property
    def role(self) -> str:
        return self.membership.role

    def can(self, perm: Perm | str, *, strand_id: int | None = None) -> bool:
        return role_allows(self.role, Perm(perm), strand_id=strand_id, strand_ids=self.strand_ids)

    @property
    def perms(self) -> dict[str, bool]:
        """Each permission the role holds anywhere in the programme (for templates)."""
        return {perm.value: self.can(perm) for perm in Perm}

    def require(self, perm: Perm | str, *, strand_id: int | None = None) -> None:
        if not self.can(perm, strand_id=strand_id):
            raise PermissionDenied(f"Your role cannot {Perm(perm).value.replace('_', ' ')} here.")

    def editable_strand_ids(self, all_ids: list[int]) -> list[int]:
        return [sid for sid in all_ids if self.can(Perm.EDIT_PLAN, strand_id=sid)]


def programme_access(user: Any, slug: str) -> Access | None:
    """The user's access to the programme ``slug``, or None if they are not a member."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.select_related("programme")
        .prefetch_related("strands")
        .filter(user=user, programme__slug=slug)
        .first()
    )
    if membership is None:
        return None
    return Access(membership=membership, strand_ids=frozenset(s.pk for s in membership.strands.all()))


View = Callable[..., HttpResponseBase]


def public(view: View) -> View:
    """Anyone, signed in or not (the sign-in page)."""
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def signed_in(view: View) -> View:
    """Any signed-in user; the view shows only what their memberships allow."""
    wrapped = login_required(view)
    wrapped.access_rule = "signed_in"  # type: ignore[attr-defined]
    return wrapped


def programme_view(perm: Perm) -> Callable[[View], View]:
    """A page of one programme (URL keyword ``slug``), open to roles holding ``perm``.

    Non-members get 404 (a programme's existence is not disclosed); members without the
    permission get 403. The view receives ``request.access``.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponseBase:
            access = programme_access(request.user, slug)
            if access is None:
                raise Http404("No such programme")
            access.require(perm)
            request.access = access  # type: ignore[attr-defined]
            return view(request, *args, slug=slug, **kwargs)

        guarded = login_required(wrapper)
        guarded.access_rule = perm  # type: ignore[attr-defined]
        return guarded

    return decorate
