"""Writes to accounts: users and their per-programme roles, audited like everything else."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from improve.accounts.audit import Actor, audit_record
from improve.accounts.models import Membership, User


@transaction.atomic
def user_ensure(*, actor: Actor, email: str, full_name: str, password: str, job_title: str = "") -> User:
    """Create the user, or bring an existing one's name and password up to date."""
    email = email.lower()
    user = User.objects.filter(email=email).first()
    before = None if user is None else {"email": user.email, "full_name": user.full_name, "job_title": user.job_title}
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name, job_title=job_title)
    else:
        user.full_name, user.job_title = full_name, job_title
        user.set_password(password)
        user.full_clean()
        user.save()
    after = {"email": user.email, "full_name": user.full_name, "job_title": user.job_title}
    if before != after:
        audit_record(
            actor=actor,
            programme_id=None,
            obj=user,
            action="create" if before is None else "update",
            before=before,
            after=after,
        )
    return user


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, programme: Any, role: str, strands: Iterable[Any] = ()) -> Membership:
    membership = Membership.objects.filter(user=user, programme=programme).first()
    before = None if membership is None else _values(membership)
    if membership is None:
        membership = Membership(user=user, programme=programme, role=role)
    membership.role = role
    membership.full_clean()
    membership.save()
    membership.strands.set(list(strands))
    after = _values(membership)
    if before != after:
        audit_record(
            actor=actor,
            programme_id=programme.pk,
            obj=membership,
            action="create" if before is None else "update",
            before=before,
            after=after,
        )
    return membership


def _values(m: Membership) -> dict[str, Any]:
    return {"user": m.user.email, "role": m.get_role_display(), "strands": sorted(str(s) for s in m.strands.all())}
