"""``improve board-pack --programme SLUG --board SLUG --month YYYY-MM --format pdf -o FILE``.

Writes the board's pack for the month: the issued pack's kept file if it was issued, else a draft
built from the data as it is now. ``--board`` takes the board's slug (its name as a slug,
``childrens-improvement-board``) or its code (``cib``). Bad input exits with status 2.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.programmes import selectors as programmes
from improve.programmes.models import Programme
from improve.reporting import formats, packs, selectors


class Command(BaseCommand):
    help = "Write a board's pack for a month as PDF, Word, Excel or HTML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", required=True, metavar="SLUG", help="the programme's slug")
        parser.add_argument(
            "--board", required=True, metavar="SLUG", help="the board's slug or code (see: improve boards)"
        )
        parser.add_argument("--month", required=True, metavar="YYYY-MM", help="the month the pack reports on")
        parser.add_argument("--format", default="pdf", choices=list(formats.FORMATS), help="the file's format")
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the pack")

    def handle(self, *args: Any, **options: Any) -> None:
        slug, name, fmt = options["programme"], options["board"], options["format"]
        try:
            programme = programmes.programme_by_slug(slug)
        except Programme.DoesNotExist as exc:
            raise CommandError(f"There is no programme '{slug}'", returncode=2) from exc
        board = selectors.board_named(programme, name)
        if board is None:
            known = ", ".join(selectors.board_slug(b) for b in selectors.boards_for(programme)) or "none"
            raise CommandError(f"{programme.name} has no board '{name}': its boards are {known}", returncode=2)
        try:
            month = packs.parse_month(options["month"])
        except ValueError as exc:
            raise CommandError(f"--month: {exc}", returncode=2) from exc
        data = selectors.pack_file(board, month, fmt)
        state = "issued"
        if selectors.issued_pack(board, month) is None:
            state = "draft"
            try:
                data = formats.render(packs.pack_build(programme, board, month=month), fmt)
            except formats.FormatUnavailableError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        elif data is None:
            raise CommandError(f"The issued pack was not made as {formats.FORMATS[fmt].label}", returncode=2)
        output = Path(options["output"])
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}", returncode=2) from exc
        self.stdout.write(f"Wrote the {state} {board.name} pack for {month:%B %Y} to {output} ({len(data):,} bytes)")
