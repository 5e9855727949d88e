"""The read API's writes: making and revoking personal API tokens (each audited).

A token's last use is bookkeeping, as a user's last sign-in is: it is stamped at most once a
minute and not recorded in the audit trail (an API client reading every register each hour would
otherwise fill the trail with nothing anyone changed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from improve.core.audit import Actor
from improve.core.services import model_archive, model_create
from improve.interchange.api.models import ApiToken

#: Every token starts with this, so a leaked one is easy to recognise (and to search for).
TOKEN_PREFIX = "io_"  # noqa: S105 - the start every token shares, not a secret
PREFIX_SHOWN = 10  # characters of a token shown in its owner's list: io_ and 7 more
#: How often a token's last use is stamped at most.
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_digest(secret: str) -> str:
    """The SHA-256 digest of a token, as it is kept."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Actor, user: Any, name: str) -> tuple[ApiToken, str]:
    """Make a token for ``user`` named ``name``; return it and its secret (shown once, never kept)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = model_create(
        actor=actor,
        instance=ApiToken(),
        fields=("user", "name", "digest", "prefix"),
        data={"user": user, "name": name.strip(), "digest": token_digest(secret), "prefix": secret[:PREFIX_SHOWN]},
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke ``token``: from now on it is refused (401). It stays listed, as revoked."""
    model_archive(actor=actor, instance=token, reason="revoked")
    return token


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Stamp the token's last use, if it was not stamped in the last minute (not audited: bookkeeping)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    ApiToken.all_objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
