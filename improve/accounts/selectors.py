"""Reads of accounts: users."""

from __future__ import annotations

from improve.accounts.models import User


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
