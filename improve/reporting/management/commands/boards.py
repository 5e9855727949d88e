"""``improve boards --programme SLUG``: a programme's boards, with the slug and code ``board-pack`` takes."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.programmes import selectors as programmes
from improve.programmes.models import Programme
from improve.reporting import selectors


class Command(BaseCommand):
    help = "List a programme's boards with their slugs and codes (for improve board-pack --board)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, metavar="SLUG", help="the programme's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["programme"]
        try:
            programme = programmes.programme_by_slug(slug)
        except Programme.DoesNotExist as exc:
            raise CommandError(f"There is no programme '{slug}'", returncode=2) from exc
        boards = list(selectors.boards_for(programme))
        if not boards:
            self.stdout.write(f"{programme.name} has no boards.")
            return
        rows = [(selectors.board_slug(b), b.code, b.name) for b in boards]
        width = max(len(r[0]) for r in rows)
        code_width = max(len(r[1]) for r in rows)
        self.stdout.write(f"{'slug':<{width}}  {'code':<{code_width}}  name")
        for board_slug, code, name in rows:
            self.stdout.write(f"{board_slug:<{width}}  {code:<{code_width}}  {name}")
