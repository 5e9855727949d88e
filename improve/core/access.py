"""Access rules on views. Every view carries exactly one rule, recorded as ``view.access_rule``.

Core knows these rules: :func:`public` (anyone, the sign-in page), :func:`secret_link` (whoever
holds a secret address), :func:`signed_in`, :func:`site_admin` and :func:`programme_view` (a page
of one programme, for roles holding a permission of the one table every room contributes to). The
room that keeps programme membership answers who stands where (``Room.access`` in the registry),
so a room on its floor guards its pages without importing it. The role × URL test matrix reads the rules from the URL
configuration, so a page without a rule fails the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django_htmx.middleware import HtmxDetails

from improve.core.registry import registry

View = Callable[..., HttpResponseBase]

PUBLIC = "public"
SIGNED_IN = "signed_in"
SITE_ADMIN = "site_admin"
SECRET_LINK = "secret_link"  # noqa: S105 - the name of an access rule, not a secret


def rule_of(view: Any) -> str | None:
    """The access rule a view carries, or None."""
    return getattr(view, "access_rule", None)


def mark(view: View, rule: str) -> View:
    view.access_rule = rule  # type: ignore[attr-defined]
    return view


def public(view: View) -> View:
    """Anyone, signed in or not (the sign-in page)."""
    return mark(view, PUBLIC)


def secret_link(view: View) -> View:
    """Whoever holds the secret in the address (a calendar subscription, which cannot sign in).

    The view looks the secret up itself and answers 404 to anything it does not know, signed in or
    not, so a guessed or revoked address discloses nothing.
    """
    return mark(view, SECRET_LINK)


def signed_in(view: View) -> View:
    """Any signed-in user; the view shows only what their memberships allow."""
    return mark(login_required(view), SIGNED_IN)


def site_admin(view: View) -> View:
    """A programme office administrator (a flag on the user): starts programmes."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not getattr(request.user, "is_programme_admin", False):
            raise PermissionDenied("Only a programme office administrator can do this.")
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "view")
    wrapper.__doc__ = view.__doc__
    return mark(login_required(wrapper), SITE_ADMIN)


class ProgrammeAccess(Protocol):
    """A signed-in member's standing in one programme (what :func:`programme_view` sets)."""

    @property
    def programme(self) -> Any: ...

    @property
    def role(self) -> str: ...

    @property
    def perms(self) -> dict[str, bool]: ...

    def can(self, perm: str, *, strand_id: int | None = None) -> bool: ...

    def require(self, perm: str, *, strand_id: int | None = None) -> None: ...


class ProgrammeRequest(HttpRequest):
    """A request to a programme page: :func:`programme_view` has set ``access``."""

    access: ProgrammeAccess
    htmx: HtmxDetails


def programme_view(perm: str) -> Callable[[View], View]:
    """A page of one programme (URL keyword ``slug``), open to roles holding ``perm``.

    Non-members get 404 (a programme's existence is not disclosed); members without the
    permission get 403. The view receives a :class:`ProgrammeRequest`.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, slug: str, **kwargs: Any) -> HttpResponseBase:
            access = registry.programme_access(request.user, slug) if request.user.is_authenticated else None
            if access is None:
                raise Http404("No such programme")
            access.require(perm)
            request.access = access  # type: ignore[attr-defined]
            return view(request, *args, slug=slug, **kwargs)

        return mark(login_required(wrapper), str(perm))

    return decorate
