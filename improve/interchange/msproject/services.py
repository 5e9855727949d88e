"""Import an MS Project file into a programme's plan, through the workbook import.

:func:`msproject_import` turns the file's tasks into the workbook's sheets
(:func:`~improve.interchange.msproject.convert.convert`) and runs the workbook import on them: a
dry run for the preview, then the real import, all or nothing, audited as any workbook import.
Problems are told in MS Project's terms (``task 42 'Union consultation': finish before start``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from improve.core.audit import Actor
from improve.interchange.msproject.convert import Conversion, Mapped, Options, convert, describe
from improve.interchange.msproject.export import ExportPlan, project_from_sheets
from improve.interchange.msproject.reader import ProjectData
from improve.interchange.msproject.writer import write_project
from improve.interchange.services import ImportResult, workbook_export, workbook_import
from improve.programmes.models import Programme

__all__ = ["MsProjectResult", "Options", "msproject_export", "msproject_export_plan", "msproject_import"]


@dataclass
class MsProjectResult:
    """What importing the file did, or would do (``result`` is None when the file's own problems stop it)."""

    problems: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    mapped: list[Mapped] = field(default_factory=list)
    result: ImportResult | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def applied(self) -> bool:
        return bool(self.result and self.result.applied)

    @property
    def has_changes(self) -> bool:
        return bool(self.result and self.result.has_changes)


def msproject_conversion(*, programme: Programme, project: ProjectData, options: Options) -> Conversion:
    return convert(project, workbook_export(programme=programme), options)


def msproject_import(
    *, actor: Actor, programme: Programme, project: ProjectData, options: Options, dry_run: bool = False
) -> MsProjectResult:
    """Bring ``programme``'s plan into line with the MS Project file read as ``project``.

    Nothing is written when anything is wrong (or with ``dry_run``); plan lines missing from the
    file are archived, as a workbook without them would do.
    """
    conversion = msproject_conversion(programme=programme, project=project, options=options)
    out = MsProjectResult(problems=list(conversion.problems), dropped=conversion.dropped, mapped=conversion.mapped)
    if out.problems:
        return out
    result = workbook_import(actor=actor, sheets=conversion.sheets, dry_run=dry_run, expect_slug=programme.slug)
    out.result = result
    out.problems = [describe(p, conversion.labels) for p in result.problems]
    if result.problems_not_listed:
        out.problems.append(f"… {result.problems_not_listed_text} problems")
    return out


def msproject_export_plan(*, programme: Programme) -> ExportPlan:
    """The programme's current plan laid out as an MS Project plan (see :mod:`.export`)."""
    return project_from_sheets(workbook_export(programme=programme), today=programme.as_at)


def msproject_export(*, programme: Programme, fmt: str = "mspdi") -> bytes:
    """The programme's current plan as an MS Project XML (``mspdi``) or ``mpx`` file's bytes.

    Written by MPXJ in a child process (:func:`~.writer.write_project`); raises
    :class:`~.writer.ProjectWriteError` with a message fit for a person when it cannot be written.
    """
    return write_project(msproject_export_plan(programme=programme), fmt=fmt)
