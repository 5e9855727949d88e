"""``improve member add``: give someone a role in a programme from the command line.

The first member of a new programme has to come from here (nobody can open its Members page yet).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.core.audit import Actor
from improve.programmes import selectors
from improve.programmes.models import Programme, Role
from improve.programmes.services import member_add


class Command(BaseCommand):
    help = "Give a person a role in a programme (creating their account if they are new)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a member")
        add.add_argument("--programme", required=True, help="the programme's slug")
        add.add_argument("--email", required=True)
        add.add_argument("--name", default="", help="full name (needed for a new person)")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--strand", action="append", default=[], help="strand code a workstream lead leads")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            programme = selectors.programme_by_slug(options["programme"])
        except Programme.DoesNotExist as exc:
            raise CommandError(f"There is no programme '{options['programme']}'") from exc
        codes = {s.code: s for s in selectors.strands_for(programme)}
        unknown = [c for c in options["strand"] if c not in codes]
        if unknown:
            raise CommandError(f"Unknown strand code(s) {', '.join(unknown)}: use one of {', '.join(codes)}")
        if options["role"] == Role.WORKSTREAM_LEAD and not options["strand"]:
            raise CommandError("A workstream lead needs at least one --strand")
        try:
            membership, temporary = member_add(
                actor=Actor(user=None, via="command"),
                programme=programme,
                email=options["email"],
                full_name=options["name"] or options["email"],
                role=options["role"],
                strands=[codes[c] for c in options["strand"]],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{membership.user.email} is now {membership.get_role_display()} of {programme.slug}")
        if temporary:
            self.stdout.write(f"Temporary password (shown once; pass it on securely): {temporary}")
