"""The governance room's workbook sheets: boards, their members, the reporting chain and documents.

All optional (``required_sheet=False``). Meetings are not a sheet: they are generated from the
boards' cadences (:func:`improve.governance.services.calendar_generate`). Rows are written through
the room's services, so the web, the workbook and the command line obey the same rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from improve.core.services import model_archive, model_create, model_delete, model_restore, model_update
from improve.core.validators import KEY_MAX_LENGTH, validate_key
from improve.core.workbook import CHOICE, DATE, INT, MAX_INT, Checker, Column, ImportContext, Plan, Row, SheetSpec, diff
from improve.governance import cadence as cadence_rules
from improve.governance import services
from improve.governance.models import Board, BoardMember, Document, DocumentSignoff, DocumentVersion, ReportLink
from improve.programmes.graph import find_cycle
from improve.programmes.models import Owner

YES_NO = ("yes", "no")
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

BOARDS = SheetSpec(
    "boards",
    (
        Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=12),
        Column("name", required=True, max_length=200, width=40),
        Column("chair", max_length=200, width=24),
        Column("parent", max_length=KEY_MAX_LENGTH, width=12),
        Column("cadence", max_length=200, width=36),
        Column("first_meeting", DATE, width=12),
        Column("starts_at", max_length=5, width=8),
        Column("duration_minutes", INT, minimum=5, maximum=720, default=90, width=8),
        Column("tolerance_days", INT, minimum=0, maximum=MAX_INT, width=8),
        Column("tolerance_cost", max_length=20, width=12),
        Column("tolerance_scope", CHOICE, choices=YES_NO, width=8),
        Column("tolerance_note", multiline=True, width=50),
        Column("themes_per_meeting", INT, minimum=0, maximum=20, default=0, width=8),
        Column("order", INT, minimum=0, maximum=MAX_INT, default_position=True, width=8),
        Column("notes", multiline=True, width=50),
    ),
    key=("code",),
    required_sheet=False,
)
BOARD_MEMBERS = SheetSpec(
    "board_members",
    (Column("board", required=True, max_length=KEY_MAX_LENGTH), Column("member", required=True, max_length=200)),
    key=("board", "member"),
    required_sheet=False,
    removal="removed",
)
REPORTS = SheetSpec(
    "reports",
    (
        Column("receiver", required=True, max_length=KEY_MAX_LENGTH, width=12),
        Column("report", required=True, max_length=200, width=50),
        Column("sender", max_length=KEY_MAX_LENGTH, width=12),
        Column("due_working_days", INT, minimum=0, maximum=60, default=0, width=8),
    ),
    key=("receiver", "report"),
    required_sheet=False,
    removal="removed",
)
DOCUMENTS = SheetSpec(
    "documents",
    (
        Column("code", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=12),
        Column("title", required=True, max_length=300, width=50),
        Column("kind", max_length=100, width=20),
    ),
    key=("code",),
    required_sheet=False,
)
DOCUMENT_VERSIONS = SheetSpec(
    "document_versions",
    (
        Column("document", required=True, max_length=KEY_MAX_LENGTH, width=12),
        Column("version", required=True, max_length=20, width=8),
        Column("date", DATE, required=True, width=12),
        Column("author", max_length=200, width=24),
        Column("summary", multiline=True, width=50),
    ),
    key=("document", "version"),
    required_sheet=False,
    removal="removed",
)
DOCUMENT_SIGNOFFS = SheetSpec(
    "document_signoffs",
    (
        Column("document", required=True, max_length=KEY_MAX_LENGTH, width=12),
        Column("version", required=True, max_length=20, width=8),
        Column("kind", CHOICE, required=True, choices=tuple(DocumentSignoff.Kind.values), width=10),
        Column("name", required=True, max_length=200, width=30),
        Column("role", max_length=200, width=40),
        Column("date", DATE, width=12),
        Column("status", CHOICE, required=True, choices=tuple(DocumentSignoff.Status.values), width=10),
        Column("note", max_length=300, width=40),
    ),
    key=("document", "version", "kind", "name"),
    required_sheet=False,
    removal="removed",
)
SHEETS = (BOARDS, BOARD_MEMBERS, REPORTS, DOCUMENTS, DOCUMENT_VERSIONS, DOCUMENT_SIGNOFFS)


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _board_row(b: Board) -> dict[str, Any]:
    return {
        "code": b.code,
        "name": b.name,
        "chair": b.chair.name if b.chair is not None else "",
        "parent": b.parent.code if b.parent is not None else "",
        "cadence": b.cadence,
        "first_meeting": b.first_meeting,
        "starts_at": b.starts_at.strftime("%H:%M"),
        "duration_minutes": b.duration_minutes,
        "tolerance_days": b.tolerance_days,
        "tolerance_cost": _money_text(b.tolerance_cost),
        "tolerance_scope": "yes" if b.tolerance_scope else "no",
        "tolerance_note": b.tolerance_note,
        "themes_per_meeting": b.themes_per_meeting,
        "order": b.order,
        "notes": b.notes,
    }


def _report_row(r: ReportLink) -> dict[str, Any]:
    return {
        "receiver": r.receiver.code,
        "report": r.report,
        "sender": r.sender.code if r.sender is not None else "",
        "due_working_days": r.due_working_days,
    }


def _version_row(v: DocumentVersion) -> dict[str, Any]:
    return {"document": v.document.code, "version": v.version, "date": v.date, "author": v.author, "summary": v.summary}


def _signoff_row(s: DocumentSignoff) -> dict[str, Any]:
    return {
        "document": s.document.code,
        "version": s.version,
        "kind": s.kind,
        "name": s.name,
        "role": s.role,
        "date": s.date,
        "status": s.status,
        "note": s.note,
    }


class GovernanceWorkbook:
    label = "governance"
    sheets = SHEETS
    identifies = False

    def slug(self, checker: Checker) -> str:
        return ""

    # -- reading what is there --

    def load(self, ctx: ImportContext) -> None:
        p = ctx.programme
        boards = list(Board.all_objects.filter(programme=p).select_related("chair", "parent")) if p else []
        ctx.state[self.label] = {
            "boards": boards,
            "members": list(BoardMember.objects.filter(board__programme=p).select_related("board", "owner"))
            if p
            else [],
            "reports": list(ReportLink.objects.filter(programme=p).select_related("sender", "receiver")) if p else [],
            "documents": list(Document.all_objects.filter(programme=p)) if p else [],
            "versions": list(DocumentVersion.objects.filter(document__programme=p).select_related("document"))
            if p
            else [],
            "signoffs": list(DocumentSignoff.objects.filter(document__programme=p).select_related("document"))
            if p
            else [],
        }

    def export(self, programme: Any) -> dict[str, list[dict[str, Any]]]:
        boards = list(
            Board.objects.filter(programme=programme).select_related("chair", "parent").order_by("order", "code")
        )
        return {
            "boards": [_board_row(b) for b in boards],
            "board_members": [{"board": b.code, "member": o.name} for b in boards for o in b.members.order_by("name")],
            "reports": [
                _report_row(r)
                for r in ReportLink.objects.filter(programme=programme)
                .select_related("sender", "receiver")
                .order_by("receiver__order", "receiver__code", "id")
            ],
            "documents": [
                {"code": d.code, "title": d.title, "kind": d.kind}
                for d in Document.objects.filter(programme=programme).order_by("code")
            ],
            "document_versions": [
                _version_row(v)
                for v in DocumentVersion.objects.filter(document__programme=programme)
                .select_related("document")
                .order_by("document__code", "date", "id")
            ],
            "document_signoffs": [
                _signoff_row(s)
                for s in DocumentSignoff.objects.filter(document__programme=programme)
                .select_related("document")
                .order_by("document__code", "id")
            ],
        }

    # -- checking --

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        owners = {k[0] for k in by_key.get("owners", {})}
        boards = {k[0] for k in by_key["boards"]}
        edges = []
        for row in checker.rows["boards"]:
            chair = row.get("chair")
            if row.good("chair") and chair not in owners:
                checker.add("boards", row.number, "chair", f"'{chair}' is not on the owners sheet: add it there first")
            parent = row.get("parent")
            if row.good("parent"):
                if parent not in boards:
                    checker.add("boards", row.number, "parent", f"'{parent}' is not a board code on the boards sheet")
                elif parent == row.get("code"):
                    checker.add("boards", row.number, "parent", "A board cannot report to itself")
                else:
                    edges.append((str(row.get("code")), str(parent)))
            if row.good("cadence"):
                try:
                    first = row.get("first_meeting")
                    cadence_rules.parse(str(row.get("cadence")), first if isinstance(first, dt.date) else None)
                except cadence_rules.CadenceError as exc:
                    checker.add("boards", row.number, "cadence", str(exc))
            if row.good("starts_at") and not TIME_RE.match(str(row.get("starts_at"))):
                checker.add("boards", row.number, "starts_at", "Enter a time on the 24-hour clock, like 10:00")
            elif not row.good("starts_at"):
                row.values["starts_at"] = "10:00"
            elif len(str(row.get("starts_at"))) == 4:
                row.values["starts_at"] = "0" + str(row.get("starts_at"))
            cost = str(row.get("tolerance_cost") or "").replace("£", "").replace(",", "").strip()
            if cost:
                try:
                    value = Decimal(cost)
                    if value < 0 or not value.is_finite():
                        raise InvalidOperation
                    row.values["tolerance_cost"] = f"{value.quantize(Decimal('0.01')):.2f}"
                except InvalidOperation:
                    checker.add(
                        "boards", row.number, "tolerance_cost", f"'{cost}' is not an amount in £: enter one like 50000"
                    )
            if not row.good("tolerance_scope"):
                row.values["tolerance_scope"] = "no"
        cycle = find_cycle(edges)
        if cycle:
            first = by_key["boards"].get((cycle[0],))
            checker.add(
                "boards",
                first.number if first else None,
                "parent",
                f"The boards make a loop: {' → '.join(str(c) for c in cycle)}. "
                "Give one of them a higher board, or none",
            )
        for row in checker.rows["board_members"]:
            if row.good("board") and row.get("board") not in boards:
                checker.add("board_members", row.number, "board", f"'{row.get('board')}' is not on the boards sheet")
            if row.good("member") and row.get("member") not in owners:
                checker.add("board_members", row.number, "member", f"'{row.get('member')}' is not on the owners sheet")
        for row in checker.rows["reports"]:
            for column in ("receiver", "sender"):
                if row.good(column) and row.get(column) not in boards:
                    checker.add("reports", row.number, column, f"'{row.get(column)}' is not on the boards sheet")
            if row.good("sender") and row.get("sender") == row.get("receiver"):
                checker.add("reports", row.number, "sender", "A board does not send a report to itself")
        documents = {k[0] for k in by_key["documents"]}
        versions = set(by_key["document_versions"])
        for row in checker.rows["document_versions"]:
            if row.good("document") and row.get("document") not in documents:
                checker.add(
                    "document_versions",
                    row.number,
                    "document",
                    f"'{row.get('document')}' is not on the documents sheet",
                )
        for row in checker.rows["document_signoffs"]:
            if row.good("document") and row.get("document") not in documents:
                checker.add(
                    "document_signoffs",
                    row.number,
                    "document",
                    f"'{row.get('document')}' is not on the documents sheet",
                )
            elif row.good("version") and versions and (row.get("document"), row.get("version")) not in versions:
                # A signoff may name a version the revision history does not list (B&D's 2.1 and 2.2): allowed.
                pass
            kind, status = row.get("kind"), row.get("status")
            if kind == "review" and status not in ("reviewed", "pending"):
                checker.add("document_signoffs", row.number, "status", "A review is pending or reviewed")
            if kind == "approval" and status == "reviewed":
                checker.add("document_signoffs", row.number, "status", "An approval is pending, approved or rejected")

    # -- comparing --

    def compare(self, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
        state = ctx.state[self.label]
        diff(plan, BOARDS, by_key["boards"], [(b, _board_row(b)) for b in state["boards"]])
        diff(
            plan,
            BOARD_MEMBERS,
            by_key["board_members"],
            [(m, {"board": m.board.code, "member": m.owner.name}) for m in state["members"]],
            archived=lambda _x: False,
        )
        diff(
            plan, REPORTS, by_key["reports"], [(r, _report_row(r)) for r in state["reports"]], archived=lambda _x: False
        )
        diff(
            plan,
            DOCUMENTS,
            by_key["documents"],
            [(d, {"code": d.code, "title": d.title, "kind": d.kind}) for d in state["documents"]],
        )
        diff(
            plan,
            DOCUMENT_VERSIONS,
            by_key["document_versions"],
            [(v, _version_row(v)) for v in state["versions"]],
            archived=lambda _x: False,
        )
        diff(
            plan,
            DOCUMENT_SIGNOFFS,
            by_key["document_signoffs"],
            [(s, _signoff_row(s)) for s in state["signoffs"]],
            archived=lambda _x: False,
        )

    # -- writing --

    def write(self, ctx: ImportContext, plan: Plan, rows: Mapping[str, list[Row]]) -> None:
        actor, programme = ctx.actor, ctx.programme
        owners = {o.name: o for o in Owner.objects.filter(programme=programme)}
        boards = {b.code: b for b in Board.all_objects.filter(programme=programme)}

        def board_data(values: Mapping[str, Any], *, with_parent: bool) -> services.BoardData:
            cost = values["tolerance_cost"]
            hours, minutes = (int(x) for x in str(values["starts_at"]).split(":"))
            data: services.BoardData = {
                "code": values["code"],
                "name": values["name"],
                "chair": owners.get(values["chair"]),
                "cadence": values["cadence"],
                "first_meeting": values["first_meeting"],
                "starts_at": dt.time(hours, minutes),
                "duration_minutes": values["duration_minutes"],
                "tolerance_days": values["tolerance_days"],
                "tolerance_cost": Decimal(cost) if cost else None,
                "tolerance_scope": values["tolerance_scope"] == "yes",
                "tolerance_note": values["tolerance_note"],
                "themes_per_meeting": values["themes_per_meeting"],
                "order": values["order"],
                "notes": values["notes"],
            }
            if with_parent:
                data["parent"] = boards.get(values["parent"]) if values["parent"] else None
            return data

        # New boards parents first, each with its parent; changed boards get their parent afterwards.
        pending = list(plan.created["boards"])
        while pending:
            ready = [r for r in pending if not r.values["parent"] or r.values["parent"] in boards]
            for row in ready or pending:  # a parent that is neither new nor known was reported by check()
                boards[row.values["code"]] = services.board_save(
                    actor=actor, programme=programme, data=board_data(row.values, with_parent=True)
                )
            pending = [r for r in pending if r not in (ready or pending)]
        for board, row, _changes in plan.changed["boards"]:
            if board.archived:
                model_restore(actor=actor, instance=board)
            boards[board.code] = services.board_save(
                actor=actor, programme=programme, board=board, data=board_data(row.values, with_parent=True)
            )
        for board in plan.removed["boards"]:
            model_archive(actor=actor, instance=board, reason="Not in the imported workbook")

        for seat in plan.removed["board_members"]:
            model_delete(actor=actor, instance=seat)
        for row in plan.created["board_members"]:
            model_create(
                actor=actor,
                instance=BoardMember(board=boards[row.values["board"]]),
                fields={"owner"},
                data={"owner": owners[row.values["member"]]},
            )

        for link in plan.removed["reports"]:
            model_delete(actor=actor, instance=link)
        for row in plan.created["reports"]:
            v = row.values
            services.report_link_save(
                actor=actor,
                programme=programme,
                sender=boards.get(v["sender"]) if v["sender"] else None,
                receiver=boards[v["receiver"]],
                report=v["report"],
                due_working_days=v["due_working_days"],
            )
        for link, row, _changes in plan.changed["reports"]:
            v = row.values
            services.report_link_save(
                actor=actor,
                programme=programme,
                link=link,
                sender=boards.get(v["sender"]) if v["sender"] else None,
                receiver=boards[v["receiver"]],
                report=v["report"],
                due_working_days=v["due_working_days"],
            )

        documents = {d.code: d for d in Document.all_objects.filter(programme=programme)}
        for row in plan.created["documents"]:
            documents[row.values["code"]] = services.document_save(actor=actor, programme=programme, **row.values)
        for document, row, _changes in plan.changed["documents"]:
            if document.archived:
                model_restore(actor=actor, instance=document)
            services.document_save(actor=actor, programme=programme, document=document, **row.values)
        for document in plan.removed["documents"]:
            model_archive(actor=actor, instance=document, reason="Not in the imported workbook")
        for version in plan.removed["document_versions"]:
            model_delete(actor=actor, instance=version)
        for row in plan.created["document_versions"]:
            v = dict(row.values)
            services.document_version_add(actor=actor, document=documents[v.pop("document")], **v)
        for version, row, _changes in plan.changed["document_versions"]:
            v = dict(row.values)
            v.pop("document")
            model_update(actor=actor, instance=version, fields=set(v), data=v)
        for signoff in plan.removed["document_signoffs"]:
            model_delete(actor=actor, instance=signoff)
        for row in plan.created["document_signoffs"]:
            v = dict(row.values)
            services.document_signoff_add(actor=actor, document=documents[v.pop("document")], **v)
        for signoff, row, _changes in plan.changed["document_signoffs"]:
            v = dict(row.values)
            v.pop("document")
            try:
                model_update(actor=actor, instance=signoff, fields=set(v), data=v)
            except ValidationError:  # pragma: no cover - checked above
                raise


GOVERNANCE_WORKBOOK = GovernanceWorkbook()

__all__ = ["GOVERNANCE_WORKBOOK", "SHEETS"]
