"""Writes to accounts: users and their per-programme roles, audited like everything else."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
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


@transaction.atomic
def member_add(
    *, actor: Actor, programme: Any, email: str, full_name: str, role: str, strands: Iterable[Any] = ()
) -> tuple[Membership, str]:
    """Give ``email`` a role in the programme, creating the user if new.

    Returns the membership and, for a new user, a temporary password to pass on (empty otherwise).
    """
    temporary = ""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        temporary = secrets.token_urlsafe(12)
        user = user_ensure(actor=actor, email=email.strip(), full_name=full_name, password=temporary)
    if Membership.objects.filter(user=user, programme=programme).exists():
        raise ValidationError({"email": f"{user.email} is already a member of this programme"})
    return membership_grant(actor=actor, user=user, programme=programme, role=role, strands=strands), temporary


@transaction.atomic
def member_remove(*, actor: Actor, membership: Membership) -> None:
    before = _values(membership)
    audit_record(
        actor=actor, programme_id=membership.programme_id, obj=membership, action="delete", before=before, after=None
    )
    membership.delete()


@transaction.atomic
def password_change_record(*, actor: Actor, user: User) -> None:
    """Audit a password change (never the password itself)."""
    audit_record(
        actor=actor,
        programme_id=None,
        obj=user,
        action="update",
        before={"password": "(old)"},
        after={"password": "(changed)"},
    )


# Whoever asks for a reset link is not signed in; the person who follows it has shown they hold the mailbox.
RESET_VIA = "password reset"


@transaction.atomic
def password_reset_request_record(*, user: User) -> None:
    """Audit that a reset link was e-mailed to ``user`` (never the link or its token)."""
    audit_record(
        actor=Actor(user=None, via=RESET_VIA),
        programme_id=None,
        obj=user,
        action="update",
        before={"password": "(unchanged)"},
        after={"password": "(reset link e-mailed)"},
    )


@transaction.atomic
def password_reset_record(*, user: User) -> None:
    """Audit a password set through a reset link (never the password itself), and lift any sign-in
    lockout on the address: whoever followed the link holds the mailbox and the new password."""
    axes_reset(username=user.email)
    audit_record(
        actor=Actor(user=user, via=RESET_VIA),
        programme_id=None,
        obj=user,
        action="update",
        before={"password": "(old)"},
        after={"password": "(reset by e-mail link)"},
    )
