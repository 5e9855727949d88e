"""Reads of accounts: a programme's members."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from improve.accounts.models import Membership, User


def members_of(programme: Any) -> QuerySet[Membership]:
    return Membership.objects.filter(programme=programme).select_related("user").prefetch_related("strands")


def member_of(programme: Any, pk: int) -> Membership:
    return members_of(programme).get(pk=pk)


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
