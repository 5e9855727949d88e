"""``improve workbook export --programme SLUG FILE.xlsx|FOLDER`` and ``improve workbook import``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from improve.core.audit import Actor
from improve.interchange import selectors, services
from improve.interchange.services import ImportResult
from improve.interchange.workbook import WorkbookError, read_workbook

VIA = services.VIA


def print_problems(command: BaseCommand, result: ImportResult) -> None:
    for problem in result.problems:
        command.stderr.write(str(problem))
    if result.problems_not_listed:
        command.stderr.write(
            f"… {result.problems_not_listed_text} problems, not listed: correct these and import the workbook again"
        )


def print_warnings(command: BaseCommand, result: ImportResult) -> None:
    """What the import lets through but the user should know (each with its sheet, row and column)."""
    for warning in result.warnings:
        command.stderr.write(f"Warning: {warning}")


def print_changes(command: BaseCommand, result: ImportResult) -> None:
    """What the import would create, change (with the fields) and remove, sheet by sheet."""
    if not result.has_changes:
        command.stdout.write("No changes")
        return
    for sheet in result.sheets:
        for key in sheet.created:
            command.stdout.write(f"Would create {sheet.sheet} {key}")
        for change in sheet.changed:
            fields = "; ".join(f"{f.column}: {_short(f.before)!r} → {_short(f.after)!r}" for f in change.fields)
            command.stdout.write(f"Would change {sheet.sheet} {change.key}: {fields}")
        verb = "archive" if sheet.sheet == "plan_items" else "remove"
        for key in sheet.removed:
            command.stdout.write(f"Would {verb} {sheet.sheet} {key}")


def sheet_counts(result: ImportResult) -> str:
    """``plan_items 3 created, 1 changed; owners 1 removed`` (sheets with changes only)."""
    parts = []
    for sheet in result.sheets:
        counts = [
            f"{len(v)} {word}"
            for v, word in ((sheet.created, "created"), (sheet.changed, "changed"), (sheet.removed, sheet.removal_word))
            if v
        ]
        if counts:
            parts.append(f"{sheet.sheet} {', '.join(counts)}")
    return "; ".join(parts) or "no changes"


def _short(text: str, limit: int = 80) -> str:
    text = text.replace("\n", " / ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def actor_for(email: str | None) -> Actor:
    if not email:
        return Actor(user=None, via=VIA)
    user = selectors.user_by_email(email)
    if user is None:
        raise CommandError(f"No user has the e-mail address {email}")
    return Actor(user=user, via=VIA)


class Command(BaseCommand):
    help = "Export a programme to a workbook (.xlsx or a folder of CSV files), or import one."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = sub.add_parser("export", help="write a programme's workbook")
        export.add_argument("--programme", required=True, metavar="SLUG", help="the programme's slug")
        export.add_argument(
            "path", metavar="FILE.xlsx|FOLDER", help="an .xlsx file, or a folder to hold one CSV file per sheet"
        )
        imp = sub.add_parser("import", help="check a workbook and bring its programme into line with it")
        imp.add_argument("path", metavar="FILE.xlsx|FOLDER")
        imp.add_argument("--dry-run", action="store_true", help="check and list what would change, write nothing")
        imp.add_argument("--user", metavar="EMAIL", help="record the changes as made by this user")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options["programme"], options["path"])
        else:
            self.import_(options["path"], dry_run=options["dry_run"], user=options.get("user"))

    def export(self, slug: str, path: str) -> None:
        programme = selectors.programme_by_slug(slug)
        if programme is None:
            raise CommandError(f"There is no programme '{slug}'")
        target = services.workbook_export_to(programme=programme, target=path)
        self.stdout.write(f"Exported {slug} to {target}")

    def import_(self, path: str, *, dry_run: bool, user: str | None) -> None:
        actor = actor_for(user)
        try:
            sheets = read_workbook(path)
        except (WorkbookError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        result = services.workbook_import(actor=actor, sheets=sheets, dry_run=dry_run)
        if result.problems:
            print_problems(self, result)
            n = result.problem_count
            raise CommandError(f"{n:,} problem{'s' if n != 1 else ''} in the workbook: nothing was imported")
        print_warnings(self, result)
        if dry_run:
            print_changes(self, result)
            self.stdout.write(f"Dry run of {result.slug}: {sheet_counts(result)}. Nothing was written.")
        else:
            self.stdout.write(f"Imported {result.slug}: {sheet_counts(result)}.")
