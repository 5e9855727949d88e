"""``improve check-figures --programme SLUG``: every printed figure against what its parts make.

Prints each disagreement larger than the rounding of the printed figures explains (table, row,
column, printed and recomputed figure, difference, allowance) and the single figures that explain
several; exits with status 1 when anything disagrees, 0 when everything agrees.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.finance import figurecheck
from improve.programmes import selectors
from improve.programmes.models import Programme


class Command(BaseCommand):
    help = "Check every figure kept as printed against what its parts make; exit status 1 if any disagree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, metavar="SLUG", help="the programme's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["programme"]
        try:
            programme = selectors.programme_by_slug(slug)
        except Programme.DoesNotExist as exc:
            raise CommandError(f"There is no programme '{slug}'") from exc
        outcome = figurecheck.run(programme)
        self.stdout.write(figurecheck.text_report(outcome, programme.name), ending="")
        if not outcome.agrees:
            sys.exit(1)
