"""``improve load-example NAME [--replace]``: load an example programme from ``examples/NAME``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from improve.core.audit import Actor
from improve.core.models import programme_model
from improve.core.registry import registry
from improve.interchange import selectors, services
from improve.interchange.management.commands.workbook import print_problems, sheet_counts
from improve.interchange.workbook import WorkbookError, read_workbook


def examples_dir() -> Path:
    return Path(settings.REPO_DIR) / "examples"


def available_examples() -> list[str]:
    folder = examples_dir()
    return (
        sorted(p.name for p in folder.iterdir() if p.is_dir() and (p / "programme.csv").exists())
        if folder.is_dir()
        else []
    )


def _count(n: int, word: str) -> str:
    if n == 1:
        return f"1 {word}"
    return f"{n} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


class Command(BaseCommand):
    help = "Load one of the example programmes in examples/ (a workbook as CSV files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", metavar="NAME", help="the example's folder name, e.g. havering-2019")
        parser.add_argument(
            "--replace", action="store_true", help="if the programme exists, bring it into line with the example"
        )

    def handle(self, *args: Any, name: str, replace: bool, **options: Any) -> None:
        names = available_examples()
        if name not in names:
            listed = ", ".join(names) or "none"
            raise CommandError(f"There is no example called '{name}'. Available examples: {listed}")
        try:
            sheets = read_workbook(examples_dir() / name)
        except WorkbookError as exc:
            raise CommandError(str(exc)) from exc
        actor = Actor(user=None, via=services.VIA)
        check = services.workbook_import(actor=actor, sheets=sheets, dry_run=True)
        if check.problems:
            print_problems(self, check)
            raise CommandError(f"The example '{name}' has problems: nothing was loaded")
        exists = selectors.programme_exists(check.slug)
        if exists and not replace:
            raise CommandError(
                f"The programme '{check.slug}' already exists. Use --replace to bring it into line "
                f"with the example (rows missing from the example are removed; plan items archived)."
            )
        # The workbook and every room's own example data in one transaction: all of it, or nothing.
        with transaction.atomic():
            result = services.workbook_import(actor=actor, sheets=sheets)
            if result.problems:
                print_problems(self, result)
                raise CommandError(f"The example '{name}' has problems: nothing was loaded")
            # Each room's own example data (e.g. the demand room's synthetic return), after the workbook.
            programme = programme_model()._default_manager.get(slug=result.slug)
            said = registry.load_examples(programme, examples_dir() / name, actor)
        if not exists:
            counts = {s.sheet: len(s.created) for s in result.sheets}
            words = [
                ("strands", "strand"),
                ("stages", "stage"),
                ("owners", "owner"),
                ("projects", "project"),
                ("plan_items", "plan item"),
                ("dependencies", "dependency"),
                ("baselines", "baseline"),
            ]
            self.stdout.write(
                f"Loaded {result.slug}: " + ", ".join(_count(counts[sheet], word) for sheet, word in words) + "."
            )
        else:
            self.stdout.write(f"Replaced {result.slug} with the example: {sheet_counts(result)}.")
        for line in said:
            self.stdout.write(line)
