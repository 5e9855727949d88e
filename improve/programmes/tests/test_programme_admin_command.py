"""``improve programme-admin`` and the demo administrator: the same audited service as the web."""

import io

import pytest
from django.core.management import CommandError, call_command

from improve.accounts.models import User
from improve.core.audit import Via
from improve.core.models import AuditEvent
from improve.programmes.models import Membership
from improve.programmes.tests.factories import UserFactory


def run(*args):
    out = io.StringIO()
    call_command("programme_admin", *args, stdout=out)
    return out.getvalue()


def test_the_command_grants_lists_and_revokes_through_the_audited_service(db):
    user = UserFactory(email="first@example.org", full_name="Fay First")
    assert "There are no programme office administrators" in run("list")
    assert "first@example.org is a programme office administrator" in run("grant", "FIRST@example.org")
    assert "first@example.org" in run("list") and "Fay First" in run("list")
    run("revoke", "first@example.org")
    user.refresh_from_db()
    assert not user.is_programme_admin
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk)).order_by("pk")
    assert [(e.via, e.actor_id, e.after["is_programme_admin"]) for e in events] == [
        (Via.COMMAND, None, True),
        (Via.COMMAND, None, False),
    ]


def test_the_command_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="Nobody with the e-mail address ghost@example.org has an account"):
        run("grant", "ghost@example.org")


def test_the_improve_command_knows_programme_admin():
    from django.core.management import get_commands

    from improve.cli import ALIASES

    assert get_commands()[ALIASES["programme-admin"]] == "improve.programmes"


def test_demo_users_include_an_administrator_with_no_role(programme):
    out = io.StringIO()
    call_command("demo_users", stdout=out)
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_programme_admin
    assert not Membership.objects.filter(user=admin).exists()
    assert not User.objects.filter(is_programme_admin=True).exclude(pk=admin.pk).exists()
    assert "admin@example.org" in out.getvalue()
