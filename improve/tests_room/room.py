"""The test room's contributions: one workbook sheet ("notes") and one navigation entry.

Written as any room would write them, in its own folder, through core's registry and core's
workbook machinery; interchange is not touched.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from improve.core.audit import audit_values
from improve.core.audit import event as audit_event
from improve.core.registry import NavEntry, OverviewPanel, Room
from improve.core.validators import validate_key
from improve.core.workbook import Checker, Column, ImportContext, Plan, Row, SheetSpec, diff
from improve.tests_room.models import Note

NOTES = SheetSpec(
    "notes",
    (
        Column("code", required=True, max_length=40, validator=validate_key),
        Column("text", required=True, max_length=200),
    ),
    key=("code",),
    required_sheet=False,
)


def _row(note: Note) -> dict[str, Any]:
    return {"code": note.code, "text": note.text}


class NotesWorkbook:
    label = "tests_room"
    sheets = (NOTES,)
    identifies = False

    def slug(self, checker: Checker) -> str:
        return ""

    def load(self, ctx: ImportContext) -> None:
        ctx.state[self.label] = list(Note.all_objects.filter(programme=ctx.programme)) if ctx.programme else []

    def export(self, programme: Any) -> dict[str, list[dict[str, Any]]]:
        return {"notes": [_row(n) for n in Note.objects.filter(programme=programme).order_by("pk")]}

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        for row in checker.rows.get("notes", []):
            if row.good("text") and str(row.get("text")).lower() == "forbidden":
                checker.add("notes", row.number, "text", "A note cannot say 'forbidden'")

    def compare(self, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
        diff(plan, NOTES, by_key["notes"], [(n, _row(n)) for n in ctx.state[self.label]])

    def write(self, ctx: ImportContext, plan: Plan, rows: Any) -> None:
        for row in plan.created["notes"]:
            note = Note(programme=ctx.programme, **row.values)
            note.full_clean()
            note.save()
            ctx.events.append(
                audit_event(actor=ctx.actor, obj=note, action="create", before=None, after=audit_values(note))
            )
        for note, row, _changes in plan.changed["notes"]:
            before = audit_values(note)
            note.text, note.archived_at = row.values["text"], None
            note.full_clean()
            note.save()
            ctx.events.append(
                audit_event(actor=ctx.actor, obj=note, action="update", before=before, after=audit_values(note))
            )
        for note in plan.removed["notes"]:
            before = audit_values(note)
            note.archived_at = timezone.now()
            note.save()
            ctx.events.append(
                audit_event(actor=ctx.actor, obj=note, action="archive", before=before, after=audit_values(note))
            )


def _overview(programme: Any, as_at: Any, access: Any) -> OverviewPanel | None:
    notes = list(Note.objects.filter(programme=programme).order_by("code")[:5])
    if not notes:
        return None
    return OverviewPanel("Notes", "tests_room/_overview.html", {"notes": notes, "as_at": as_at}, order=50)


ROOM = Room(
    label="tests_room",
    title="Notes (test room)",
    nav=(NavEntry("Notes", "tests_room:notes", "view", 850),),
    workbook=NotesWorkbook(),
    audited_models=(Note,),
    overview=(_overview,),
)
