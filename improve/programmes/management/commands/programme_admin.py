"""``improve programme-admin grant EMAIL | revoke EMAIL | list``: who the programme office administrators are.

The first administrator has to come from here (nobody can open the Administrators page yet).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.accounts import selectors
from improve.accounts.services import user_set_programme_admin
from improve.core.audit import Actor, Via


class Command(BaseCommand):
    help = "Make someone a programme office administrator (who may start programmes), stop them, or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        grant = sub.add_parser("grant", help="make an existing user an administrator")
        grant.add_argument("email")
        revoke = sub.add_parser("revoke", help="stop a user being an administrator")
        revoke.add_argument("email")
        sub.add_parser("list", help="list the administrators")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            admins = list(selectors.programme_admins())
            if not admins:
                self.stdout.write("There are no programme office administrators: `improve programme-admin grant EMAIL`")
            for user in admins:
                self.stdout.write(f"{user.email:<32} {user.full_name}")
            return
        email = options["email"]
        found = selectors.user_by_email(email)
        if found is None:
            raise CommandError(
                f"Nobody with the e-mail address {email} has an account: "
                "create one first (for example `improve member add`)"
            )
        user, admin = found, options["action"] == "grant"
        try:
            user_set_programme_admin(actor=Actor(user=None, via=Via.COMMAND), user=user, admin=admin)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if admin:
            self.stdout.write(f"{user.email} is a programme office administrator")
        else:
            self.stdout.write(f"{user.email} is not a programme office administrator")
