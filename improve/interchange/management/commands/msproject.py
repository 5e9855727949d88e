"""``improve msproject export --programme SLUG -o FILE.xml [--format mspdi|mpx]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.interchange import selectors
from improve.interchange.msproject.services import msproject_export, msproject_export_plan
from improve.interchange.msproject.writer import FORMATS, ProjectWriteError


class Command(BaseCommand):
    help = "Export a programme's plan as an MS Project file (MS Project XML, or MPX)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export}")
        export = sub.add_parser("export", help="write a programme's plan as MS Project XML (or MPX)")
        export.add_argument("--programme", required=True, metavar="SLUG", help="the programme's slug")
        export.add_argument("-o", "--output", required=True, metavar="FILE.xml", help="the file to write")
        export.add_argument(
            "--format",
            choices=sorted(FORMATS),
            default="mspdi",
            help="mspdi: MS Project XML, which MS Project and ProjectLibre open (the default); mpx: the older MPX",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["programme"]
        programme = selectors.programme_by_slug(slug)
        if programme is None:
            raise CommandError(f"There is no programme '{slug}'")
        try:
            data = msproject_export(programme=programme, fmt=options["format"])
        except ProjectWriteError as exc:
            raise CommandError(str(exc)) from exc
        target = Path(options["output"])
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Could not write {target}: {exc.strerror}") from exc
        plan = msproject_export_plan(programme=programme)
        self.stdout.write(f"Exported the plan of {slug} to {target} ({len(plan.tasks)} tasks)")
        for note in plan.left_out:
            self.stderr.write(f"Not in the file: {note}")
