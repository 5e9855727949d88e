"""How the read API knows who is asking: a personal token (``Authorization: Bearer …``) or the session.

A token is accepted only in the ``Authorization`` header (never in the address, where it would
be logged). An unknown or revoked token is refused with 401 and a JSON error; a request with no
token is the signed-in user's, through the session, as the pages are.
"""

from __future__ import annotations

from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from improve.interchange.api import selectors, services

KEYWORD = "Bearer"


class BearerTokenAuthentication(authentication.BaseAuthentication):  # type: ignore[misc]  # DRF is untyped
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, secret = header.strip().partition(" ")
        if keyword.lower() != KEYWORD.lower():
            raise exceptions.AuthenticationFailed(
                "Send the token in the Authorization header as 'Bearer <token>'.", code="bad_header"
            )
        secret = secret.strip()
        if not secret or " " in secret:
            raise exceptions.AuthenticationFailed("The Authorization header has no token after 'Bearer'.")
        token = selectors.token_by_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not known: make a new one on your API tokens page.")
        if token.revoked:
            raise exceptions.AuthenticationFailed(
                "This token has been revoked: make a new one on your API tokens page."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The account this token belongs to is not active.")
        services.api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):  # type: ignore[misc]
    """The signed-in user's session; CSRF is checked on writes (the API has none: it is read-only)."""
