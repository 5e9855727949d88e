"""How django-axes sees a sign-in: who (the e-mail address), from where, and what a locked-out person is shown.

Settings (``AXES_*`` in ``improve/settings.py``) lock the combination of e-mail address and client
address after ``AXES_FAILURE_LIMIT`` wrong passwords, for ``AXES_COOLOFF_TIME``. Decision record 0011.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from improve.accounts.forms import SignInForm


def username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The e-mail address tried, as stored (lower-case), so ``Pmo@Example.org`` and ``pmo@example.org``
    count against one lock. The sign-in form sends it as ``username``."""
    value = (credentials or {}).get("username")
    if value is None:
        value = request.POST.get("username")
    return str(value).strip().lower() if value else None


def client_ip(request: HttpRequest) -> str:
    """The address the request came from.

    Behind ``PROXY_COUNT`` trusted reverse proxies, each of which appends the address it was called
    from to ``X-Forwarded-For``, the client is that many entries from the right; entries further left
    are whatever the client chose to send and are ignored. With no proxy, ``REMOTE_ADDR``.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    hops = settings.PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [a.strip() for a in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if a.strip()]
    return forwarded[-hops] if len(forwarded) >= hops else remote


def wait_words(delta: dt.timedelta | None) -> str:
    """``30 minutes``, ``1 hour``, ``1 hour 30 minutes``."""
    minutes = max(1, round((delta or dt.timedelta(0)).total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The sign-in page again, with an error summary that says why and for how long (HTTP 429).

    The form is unbound (a bound one would try the password once more); the address is kept.
    """
    form = SignInForm(request, initial={"username": username(request, credentials) or ""})
    message = (
        "You have entered a wrong password too many times. "
        f"Try again in {wait_words(get_cool_off(request))}, or reset your password."
    )
    context = {"form": form, "locked_out": message, "next": request.POST.get("next", "")}
    return render(request, "accounts/sign_in.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
