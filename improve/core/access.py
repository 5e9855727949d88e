"""Access rules on views. Every view carries exactly one rule, recorded as ``view.access_rule``.

Core knows these rules: :func:`public` (anyone, the sign-in page), :func:`secret_link` (whoever
holds a secret address), :func:`signed_in` and :func:`site_admin`. The
programme room adds ``programme_view(perm)`` for pages of one programme, with the one permission
table that every room contributes to. The role × URL test matrix reads the rules from the URL
configuration, so a page without a rule fails the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

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
