"""Reads for the workbook commands and pages (each room's part loads its own rows)."""

from __future__ import annotations

from improve.accounts.models import User
from improve.programmes.models import Programme


def programme_exists(slug: str) -> bool:
    return Programme.objects.filter(slug=slug).exists()


def programme_by_slug(slug: str) -> Programme | None:
    return Programme.objects.filter(slug=slug).first()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email.strip()).first()
