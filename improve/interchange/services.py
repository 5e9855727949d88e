"""Import and export of the programme workbook (``docs/workbook.md``), walking the room registry.

Each room brings its part of the workbook (:class:`improve.core.workbook.WorkbookPart`): its
sheets, how its rows are exported, the rules checked across its rows, and how an import is
written. This module names no sheet: it reads every part's sheets, checks them all, and writes
nothing if anything is wrong; otherwise it brings the programme into line in one transaction,
part by part in the registry's order, with one audit event per object written.

Every row is turned into canonical values and compared with the same canonical values that the
export makes from the database, so importing an exported workbook changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.db import transaction

from improve.core.audit import Actor, Via, change_count
from improve.core.audit import record_many as audit_record_many
from improve.core.registry import registry
from improve.core.workbook import (
    Checker,
    ImportContext,
    ImportResult,
    Plan,
    Problem,
    SheetChanges,
    SheetSpec,
    WorkbookPart,
    refused,
    result_sheets,
    sort_problems,
)
from improve.interchange.limits import MAX_PROBLEMS_LISTED
from improve.interchange.workbook import collector_paused, sheets_from_dicts, write_workbook, xlsx_bytes

VIA = Via.WORKBOOK

__all__ = ["ImportResult", "Problem", "SheetChanges", "workbook_export", "workbook_import"]


def parts() -> list[WorkbookPart]:
    """Every room's part of the workbook, the part that identifies the programme first."""
    found: list[WorkbookPart] = [room.workbook for room in registry.rooms() if room.workbook is not None]
    return sorted(found, key=lambda part: not part.identifies)


def sheet_specs() -> list[SheetSpec]:
    """Every sheet of the workbook, in workbook order."""
    return [spec for part in parts() for spec in part.sheets]


def workbook_export(*, programme: Any) -> dict[str, list[dict[str, Any]]]:
    """The programme as workbook sheets: ``{sheet: [{column: canonical value}]}``.

    Archived rows are left out (a workbook holds what is current). Values are canonical: text as
    ``str``, whole numbers as ``int``, dates as :class:`datetime.date`, ``"TBD"``, or ``None``.
    """
    sheets: dict[str, list[dict[str, Any]]] = {}
    for part in parts():
        sheets.update(part.export(programme))
    return sheets


#: How long an exported workbook is kept at most (a newer change makes it unused at once). [s]
EXPORT_CACHE_SECONDS = 10 * 60


def workbook_export_xlsx(*, programme: Any) -> bytes:
    """The programme workbook as .xlsx bytes.

    The same programme always gives the same bytes, so they are kept in Django's cache under the
    programme and its :func:`~improve.core.audit.change_count`: any write to the programme, in any
    room, is audited under it and makes a new key, so a kept workbook is never one that is out of date.
    """
    key = f"interchange:xlsx:{programme.pk}:{programme.created_at.timestamp()}:{change_count(programme.pk)}"
    kept = cache.get(key)
    if isinstance(kept, bytes):
        return kept
    data = _export_xlsx(programme)
    cache.set(key, data, EXPORT_CACHE_SECONDS)
    return data


@collector_paused()
def _export_xlsx(programme: Any) -> bytes:
    return xlsx_bytes(workbook_export(programme=programme))


@collector_paused()
def workbook_export_to(*, programme: Any, target: str | os.PathLike[str]) -> Path:
    """Write the workbook to ``target``: an ``.xlsx`` file, or else a folder of CSV files."""
    return write_workbook(workbook_export(programme=programme), target)


def _permission_words(perm: str) -> str:
    """``perm`` as the message of a refused import row says it: what it lets a member do, and who."""
    rule = registry.permissions().get(perm)
    if rule is None:
        return perm
    who = ", ".join(sorted(role.replace("_", " ") for role in rule.roles))
    return f"{rule.description or perm} ({who})"


@collector_paused()
@transaction.atomic
def workbook_import(
    *,
    actor: Actor,
    sheets: Mapping[str, Any],
    dry_run: bool = False,
    expect_slug: str | None = None,
    may: Callable[[str], bool] | None = None,
) -> ImportResult:
    """Check the workbook ``sheets`` and, if nothing is wrong, bring the programme into line.

    ``sheets`` is what :func:`improve.interchange.workbook.read_workbook` returns, or
    ``{sheet: [row dict, ...]}`` as :func:`workbook_export` returns. With ``dry_run`` nothing is
    written; the result says what would be created, changed and removed. ``expect_slug`` (the
    programme page an upload was made on) must match the workbook's slug. ``may(perm)`` says
    whether the member importing holds a permission: rows they change in sheets their role does not
    keep are refused (:func:`improve.core.workbook.refused`), nothing written; None (a command run on
    the server) checks nothing.
    """
    workbook_parts = parts()
    specs = [spec for part in workbook_parts for spec in part.sheets]
    checker = Checker(specs, sheets_from_dicts(sheets))
    checker.read()
    ctx = ImportContext(actor=actor.through(VIA), dry_run=dry_run, expect_slug=expect_slug, lock=not dry_run)
    ctx.slug = next((part.slug(checker) for part in workbook_parts if part.identifies), "")
    for part in workbook_parts:
        part.load(ctx)
    by_key = checker.keys()
    for part in workbook_parts:
        part.check(checker, ctx, by_key)
    problems = sort_problems(checker.problems, specs)
    result = ImportResult(
        slug=ctx.slug,
        problems=problems[:MAX_PROBLEMS_LISTED],
        problems_not_listed=max(len(problems) - MAX_PROBLEMS_LISTED, 0),
        dry_run=dry_run,
        programme=ctx.programme,
        warnings=sort_problems(checker.warnings, specs),
    )
    if problems:
        return result
    plan = Plan()
    for part in workbook_parts:
        part.compare(ctx, by_key, plan)
    result.sheets = result_sheets(plan, specs)
    if may is not None and (not_theirs := refused(plan, specs, may, _permission_words)):
        result.problems = not_theirs[:MAX_PROBLEMS_LISTED]
        result.problems_not_listed = max(len(not_theirs) - MAX_PROBLEMS_LISTED, 0)
        return result
    if dry_run or not result.has_changes:
        return result
    for part in workbook_parts:
        part.write(ctx, plan, checker.rows)
    audit_record_many(ctx.events)
    result.applied = True
    result.programme = ctx.programme
    result.events = len(ctx.events)
    return result
