"""Child identifiers are replaced, as they are read, by a keyed hash: HMAC-SHA256 with the installation's secret.

The key is ``IMPROVE_PSEUDONYM_KEY`` from the environment (settings ``DEMAND_PSEUDONYM_KEY``):
production refuses to start without it; development uses a fixed key that says it is one, and
the tests their own. The same CHILD gives the same pseudonym under one key (so a later year's
return joins the earlier one's), a different one under another key, and the CHILD cannot be
recovered from it without the key. Change the key and every stored return must be loaded again.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings


def pseudonymiser(key: str | None = None) -> Callable[[str], str]:
    """A function from a CHILD identifier to its pseudonym (64 hexadecimal digits)."""
    secret = (key if key is not None else settings.DEMAND_PSEUDONYM_KEY).encode()
    if not secret:
        raise ValueError("The pseudonym key is empty: set IMPROVE_PSEUDONYM_KEY")
    cache: dict[str, str] = {}

    def pseudonym(child: str) -> str:
        found = cache.get(child)
        if found is None:
            found = cache[child] = hmac.new(secret, child.strip().encode(), hashlib.sha256).hexdigest()
        return found

    return pseudonym
