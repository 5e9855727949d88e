"""Reads of accounts: users."""

from __future__ import annotations

from django.db.models import QuerySet

from improve.accounts.models import User


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()


def programme_admins() -> QuerySet[User]:
    """The programme office administrators, by name."""
    return User.objects.filter(is_programme_admin=True, is_active=True).order_by("full_name", "email")


def user_by_pk(pk: int) -> User:
    return User.objects.get(pk=pk)
