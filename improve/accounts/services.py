"""Writes to accounts: users, audited like everything else (through core)."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction

from improve.accounts.models import User
from improve.core import audit
from improve.core.audit import Actor
from improve.core.models import AuditEvent


@transaction.atomic
def user_ensure(*, actor: Actor, email: str, full_name: str, password: str, job_title: str = "") -> User:
    """Create the user, or bring an existing one's name and password up to date."""
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    before = None if user is None else audit.audit_values(user)
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name, job_title=job_title)
    else:
        user.full_name, user.job_title = full_name, job_title
        user.set_password(password)
        user.full_clean()
        user.save()
    after = audit.audit_values(user)
    if before != after:
        action = AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE
        audit.record(actor=actor, obj=user, action=action, before=before, after=after)
    return user


@transaction.atomic
def user_set_programme_admin(*, actor: Actor, user: User, admin: bool) -> User:
    """Make ``user`` a programme office administrator, or stop them being one.

    From the web only another administrator may do this; the command line may always.
    Nobody takes the flag from themselves (there must be someone left to give it back).
    """
    if actor.user is not None and actor.via != audit.Via.COMMAND:
        if not getattr(actor.user, "is_programme_admin", False):
            raise ValidationError("Only a programme office administrator can change who is one")
        if actor.user.pk == user.pk and not admin:
            raise ValidationError("You cannot stop being an administrator yourself: ask another administrator")
    if user.is_programme_admin == admin:
        return user
    before = audit.audit_values(user)
    user.is_programme_admin = admin
    user.save(update_fields=["is_programme_admin"])
    audit.record(actor=actor, obj=user, action=AuditEvent.Action.UPDATE, before=before, after=audit.audit_values(user))
    return user


@transaction.atomic
def password_change_record(*, actor: Actor, user: User) -> None:
    """Audit a password change (never the password itself)."""
    audit.record(
        actor=actor,
        obj=user,
        action=AuditEvent.Action.UPDATE,
        before={"password": "(old)"},
        after={"password": "(changed)"},
    )


# Whoever asks for a reset link is not signed in; the person who follows it has shown they hold the mailbox.
RESET_VIA = "password reset"


@transaction.atomic
def password_reset_request_record(*, user: User) -> None:
    """Audit that a reset link was e-mailed to ``user`` (never the link or its token)."""
    audit.record(
        actor=Actor(user=None, via=RESET_VIA),
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
    audit.record(
        actor=Actor(user=user, via=RESET_VIA),
        obj=user,
        action="update",
        before={"password": "(old)"},
        after={"password": "(reset by e-mail link)"},
    )
