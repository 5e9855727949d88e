"""The governance room's workbook sheets: boards, their members, the reporting chain, meetings,
decisions, change requests and the plan lines each names, and documents.

All optional (``required_sheet=False``); a sheet left out while the programme has rows of it is a
problem, as for the plan's optional sheets, so nothing is removed by accident. Rows are checked by
the models' own ``clean()`` and written through the room's services, so the web, the workbook and
the command line obey the same rules.

Meetings are stored, so every current meeting is a row, those the cadence generated among them:
generating the calendar again keeps them, and importing the same workbook twice changes nothing.
Rows of a board that is not on the boards sheet (an archived board) are outside the workbook: left
out of the export and kept as they are by an import. Decisions and change requests are records:
importing one does not complete a gate or move a plan line (the plan's own sheets say where those
stand), and an existing change request keeps its state (it is decided on its page). A change
request without a board is routed as the web routes it, by the tolerances on the boards sheet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from improve.core.services import model_archive, model_create, model_delete, model_restore, model_update
from improve.core.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date
from improve.core.workbook import CHOICE, DATE, INT, MAX_INT, Checker, Column, ImportContext, Plan, Row, SheetSpec, diff
from improve.governance import cadence as cadence_rules
from improve.governance import services
from improve.governance.models import (
    Board,
    BoardMember,
    ChangeItem,
    ChangeRequest,
    Decision,
    Document,
    DocumentSignoff,
    DocumentVersion,
    Meeting,
    ReportLink,
)
from improve.programmes.graph import find_cycle
from improve.programmes.models import Owner, PlanItem, Programme, Strand

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
MEETINGS = SheetSpec(
    "meetings",
    (
        Column("board", required=True, max_length=KEY_MAX_LENGTH, width=12),
        Column("scheduled", DATE, required=True, validator=validate_plan_date, width=12),
        Column("date", DATE, required=True, validator=validate_plan_date, width=12),
        Column("starts_at", max_length=5, width=8),
        Column("from_cadence", CHOICE, choices=YES_NO, width=8),
        Column("moved_for", max_length=200, width=24),
        Column("cancelled", CHOICE, choices=YES_NO, width=8),
        Column("reason", max_length=300, width=30),
        Column("themes", max_length=500, width=16),
        Column("notes", multiline=True, width=40),
    ),
    key=("board", "scheduled"),
    required_sheet=False,
)
DECISIONS = SheetSpec(
    "decisions",
    (
        Column("ref", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
        Column("board", required=True, max_length=KEY_MAX_LENGTH, width=12),
        Column("meeting", DATE, required=True, width=12),
        Column("kind", CHOICE, choices=tuple(Decision.Kind.values), width=12),
        Column("outcome", CHOICE, choices=tuple(Decision.Outcome.values), width=12),
        Column("text", required=True, multiline=True, width=60),
        Column("gate", max_length=KEY_MAX_LENGTH, width=10),
    ),
    key=("ref",),
    removal="removed",
    required_sheet=False,
)
CHANGE_REQUESTS = SheetSpec(
    "change_requests",
    (
        Column("ref", required=True, max_length=KEY_MAX_LENGTH, validator=validate_key, width=10),
        Column("title", required=True, max_length=300, width=40),
        Column("description", multiline=True, width=50),
        Column("strand", max_length=KEY_MAX_LENGTH, width=8),
        Column("impact_days", INT, minimum=-3650, maximum=3650, default=0, width=8),
        Column("impact_cost", max_length=20, width=12),
        Column("impact_scope", multiline=True, width=40),
        Column("board", max_length=KEY_MAX_LENGTH, width=12),
        Column("routing", multiline=True, width=50),
        Column("state", CHOICE, choices=tuple(ChangeRequest.State.values), width=10),
        Column("raised_on", DATE, required=True, validator=validate_plan_date, width=12),
        Column("decided_on", DATE, validator=validate_plan_date, width=12),
        Column("decision_reason", multiline=True, width=40),
    ),
    key=("ref",),
    required_sheet=False,
)
CHANGE_ITEMS = SheetSpec(
    "change_items",
    (
        Column("change", required=True, max_length=KEY_MAX_LENGTH, width=10),
        Column("item", required=True, max_length=KEY_MAX_LENGTH, width=10),
        Column("new_start", DATE, validator=validate_plan_date, width=12),
        Column("new_end", DATE, validator=validate_plan_date, width=12),
    ),
    key=("change", "item"),
    removal="removed",
    key_separator=" → ",
    required_sheet=False,
)
SHEETS = (
    BOARDS,
    BOARD_MEMBERS,
    REPORTS,
    MEETINGS,
    DECISIONS,
    CHANGE_REQUESTS,
    CHANGE_ITEMS,
    DOCUMENTS,
    DOCUMENT_VERSIONS,
    DOCUMENT_SIGNOFFS,
)


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


def code_order(code: str) -> tuple[int, int, str]:
    """Codes in natural order: 2 before 10, numbers before words."""
    return (0, int(code), "") if code.isdigit() else (1, 0, code)


def themes_text(codes: list[str]) -> str:
    """A meeting's themes as one cell: their codes, in natural order, ``1, 3``."""
    return ", ".join(sorted(codes, key=code_order))


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _meeting_row(m: Meeting) -> dict[str, Any]:
    return {
        "board": m.board.code,
        "scheduled": m.scheduled,
        "date": m.date,
        "starts_at": m.starts_at.strftime("%H:%M") if m.starts_at is not None else "",
        "from_cadence": _yes(m.from_cadence),
        "moved_for": m.moved_for,
        "cancelled": _yes(m.cancelled),
        "reason": m.reason,
        "themes": themes_text([t.code for t in m.themes.all()]),
        "notes": m.notes,
    }


def _decision_row(d: Decision) -> dict[str, Any]:
    return {
        "ref": d.ref,
        "board": d.meeting.board.code,
        "meeting": d.meeting.scheduled,
        "kind": d.kind,
        "outcome": d.outcome,
        "text": d.text,
        "gate": d.gate.uid if d.gate is not None else "",
    }


def _change_row(c: ChangeRequest) -> dict[str, Any]:
    return {
        "ref": c.ref,
        "title": c.title,
        "description": c.description,
        "strand": c.strand.code if c.strand is not None else "",
        "impact_days": c.impact_days,
        "impact_cost": _money_text(c.impact_cost),
        "impact_scope": c.impact_scope,
        "board": c.board.code if c.board is not None else "",
        "routing": c.routing,
        "state": c.state,
        "raised_on": c.raised_on,
        "decided_on": c.decided_on,
        "decision_reason": c.decision_reason,
    }


def _change_item_row(i: ChangeItem) -> dict[str, Any]:
    return {"change": i.change.ref, "item": i.item.uid, "new_start": i.new_start, "new_end": i.new_end}


def _items_named(programme: Programme, uids: Iterable[str]) -> dict[str, PlanItem]:
    """The plan lines (archived too) that rows name, by ID: only those, not the whole plan."""
    wanted = {uid for uid in uids if uid}
    if not wanted:
        return {}
    lines = PlanItem.all_objects.filter(programme=programme)
    if len(wanted) <= 500:  # beyond that, one read of the whole plan beats a huge IN list
        lines = lines.filter(uid__in=wanted)
    return {i.uid: i for i in lines}


def _stored_items(
    ctx: ImportContext, rows: Iterable[Row], column: str, plan_rows: Mapping[tuple[Any, ...], Row]
) -> dict[str, PlanItem]:
    """The stored plan lines (archived ones, as the plan sheet leaves them out) that ``rows`` name in
    ``column`` and the plan_items sheet does not have: read only if some row names one."""
    if ctx.programme is None:
        return {}
    named = (str(row.get(column)) for row in rows if row.good(column))
    return _items_named(ctx.programme, (uid for uid in named if (uid,) not in plan_rows))


def _time(values: Mapping[str, Any]) -> dt.time | None:
    text = str(values.get("starts_at") or "")
    if not text:
        return None
    hours, minutes = (int(x) for x in text.split(":"))
    return dt.time(hours, minutes)


def _check_time(checker: Checker, sheet: str, row: Row, *, default: str) -> None:
    """``starts_at`` on the 24-hour clock, kept as ``HH:MM``; empty gives ``default``."""
    if not row.good("starts_at"):
        row.values["starts_at"] = default
    elif not TIME_RE.match(str(row.get("starts_at"))):
        checker.add(sheet, row.number, "starts_at", "Enter a time on the 24-hour clock, like 10:00")
        row.bad = True
    elif len(str(row.get("starts_at"))) == 4:
        row.values["starts_at"] = "0" + str(row.get("starts_at"))


def _check_money(checker: Checker, sheet: str, row: Row, column: str, *, negative: bool, empty: str) -> None:
    """An amount in £ (``50000``, ``£50,000``, ``-1,200.50`` if ``negative``), kept as ``50000.00``."""
    text = str(row.get(column) or "").replace("£", "").replace(",", "").strip()
    if not text:
        row.values[column] = empty
        return
    try:
        value = Decimal(text)
        if not value.is_finite() or (value < 0 and not negative) or abs(value) >= Decimal("1e12"):
            raise InvalidOperation
    except InvalidOperation:
        hint = "enter one like 50000" if not text.startswith("-") or negative else "enter 0 or more, like 50000"
        checker.add(sheet, row.number, column, f"'{text}' is not an amount in £: {hint}")
        row.bad = True
        return
    row.values[column] = f"{value.quantize(Decimal('0.01')):.2f}"


def _check_clean(checker: Checker, sheet: str, row: Row, instance: Model, columns: Mapping[str, str]) -> None:
    """The model's own rules (``clean()``) on a row, each problem on the column it is about."""
    try:
        instance.clean()
    except ValidationError as exc:
        by_field = getattr(exc, "error_dict", None)
        if by_field is None:
            checker.add(sheet, row.number, "", " ".join(exc.messages))
            return
        for name, errors in by_field.items():
            for error in errors:
                checker.add(sheet, row.number, columns.get(name, name), " ".join(ValidationError(error).messages))


def _choice(row: Row, column: str, default: str) -> None:
    if not row.good(column):
        row.values[column] = default


# The sheets whose rows an import removes if the sheet is left out, with how to count what is there.
_REMOVABLE = (
    ("boards", lambda st: [b for b in st["boards"] if not b.archived]),
    ("board_members", lambda st: st["members"]),
    ("reports", lambda st: st["reports"]),
    ("meetings", lambda st: [m for m in st["meetings"] if not m.archived and not m.board.archived]),
    ("decisions", lambda st: [d for d in st["decisions"] if not d.meeting.board.archived]),
    ("change_requests", lambda st: [c for c in st["changes"] if not c.archived]),
    ("change_items", lambda st: st["change_items"]),
    ("documents", lambda st: [d for d in st["documents"] if not d.archived]),
    ("document_versions", lambda st: st["versions"]),
    ("document_signoffs", lambda st: st["signoffs"]),
)


class GovernanceWorkbook:
    label = "governance"
    sheets = SHEETS
    identifies = False

    def slug(self, checker: Checker) -> str:
        return ""

    # -- reading what is there --

    def load(self, ctx: ImportContext) -> None:
        p = ctx.programme
        if p is None:
            ctx.state[self.label] = {name: [] for name in _STATE_NAMES}
            return
        ctx.state[self.label] = {
            "boards": list(Board.all_objects.filter(programme=p).select_related("chair", "parent")),
            "members": list(BoardMember.objects.filter(board__programme=p).select_related("board", "owner")),
            "reports": list(ReportLink.objects.filter(programme=p).select_related("sender", "receiver")),
            "meetings": list(
                Meeting.all_objects.filter(programme=p).select_related("board").prefetch_related("themes")
            ),
            "decisions": list(Decision.objects.filter(programme=p).select_related("meeting", "meeting__board", "gate")),
            "changes": list(ChangeRequest.all_objects.filter(programme=p).select_related("strand", "board")),
            "change_items": list(ChangeItem.objects.filter(change__programme=p).select_related("change", "item")),
            "documents": list(Document.all_objects.filter(programme=p)),
            "versions": list(DocumentVersion.objects.filter(document__programme=p).select_related("document")),
            "signoffs": list(DocumentSignoff.objects.filter(document__programme=p).select_related("document")),
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
            "meetings": [
                _meeting_row(m)
                for m in Meeting.objects.filter(programme=programme, board__archived_at__isnull=True)
                .select_related("board")
                .prefetch_related("themes")
                .order_by("date", "board__order", "board__code", "scheduled")
            ],
            "decisions": [
                _decision_row(d)
                for d in Decision.objects.filter(programme=programme, meeting__board__archived_at__isnull=True)
                .select_related("meeting", "meeting__board", "gate")
                .order_by("meeting__date", "meeting__board__order", "ref")
            ],
            "change_requests": [
                _change_row(c)
                for c in ChangeRequest.objects.filter(programme=programme)
                .select_related("strand", "board")
                .order_by("raised_on", "ref")
            ],
            "change_items": [
                _change_item_row(i)
                for i in ChangeItem.objects.filter(change__programme=programme, change__archived_at__isnull=True)
                .select_related("change", "item")
                .order_by("change__raised_on", "change__ref", "id")
            ],
            "documents": [
                {"code": d.code, "title": d.title, "kind": d.kind}
                for d in Document.objects.filter(programme=programme).order_by("code")
            ],
            "document_versions": [
                _version_row(v)
                for v in DocumentVersion.objects.filter(
                    document__programme=programme, document__archived_at__isnull=True
                )
                .select_related("document")
                .order_by("document__code", "date", "id")
            ],
            "document_signoffs": [
                _signoff_row(s)
                for s in DocumentSignoff.objects.filter(
                    document__programme=programme, document__archived_at__isnull=True
                )
                .select_related("document")
                .order_by("document__code", "id")
            ],
        }

    # -- checking --

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        state = ctx.state[self.label]
        for name, current in _REMOVABLE:
            found = current(state)
            if name not in checker.present and found:
                checker.add(
                    name,
                    None,
                    "",
                    f"The workbook has no '{name}' sheet, so all {len(found)} rows of it would be "
                    f"removed: add the sheet (with just its header row to remove them all)",
                )
        cycle = self._check_boards(checker, by_key)
        self._check_reports(checker, by_key)
        self._check_meetings(checker, by_key)
        self._check_decisions(checker, ctx, by_key)
        self._check_changes(checker, ctx, by_key, route=not cycle)
        self._check_documents(checker, by_key)

    def _check_boards(self, checker: Checker, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> bool:
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
            _check_time(checker, "boards", row, default="10:00")
            _check_money(checker, "boards", row, "tolerance_cost", negative=False, empty="")
            _choice(row, "tolerance_scope", "no")
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
        return bool(cycle)

    def _check_reports(self, checker: Checker, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        boards = {k[0] for k in by_key["boards"]}
        for row in checker.rows["reports"]:
            for column in ("receiver", "sender"):
                if row.good(column) and row.get(column) not in boards:
                    checker.add("reports", row.number, column, f"'{row.get(column)}' is not on the boards sheet")
            if row.good("sender") and row.get("sender") == row.get("receiver"):
                checker.add("reports", row.number, "sender", "A board does not send a report to itself")

    def _check_meetings(self, checker: Checker, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        boards = {k[0] for k in by_key["boards"]}
        strands = {k[0] for k in by_key.get("strands", {})}
        for row in checker.rows["meetings"]:
            if row.good("board") and row.get("board") not in boards:
                checker.add("meetings", row.number, "board", f"'{row.get('board')}' is not on the boards sheet")
            _check_time(checker, "meetings", row, default="")
            _choice(row, "from_cadence", "no")
            _choice(row, "cancelled", "no")
            codes = [c.strip() for c in re.split(r"[,;]", str(row.get("themes") or "")) if c.strip()]
            unknown = [c for c in codes if c not in strands]
            if unknown:
                checker.add(
                    "meetings",
                    row.number,
                    "themes",
                    f"{', '.join(unknown)} not on the strands sheet: give the themes' codes, like 1, 3",
                )
            elif len(set(codes)) != len(codes):
                checker.add("meetings", row.number, "themes", "A theme is taken once per meeting: name each once")
            else:
                row.values["themes"] = themes_text(codes)
            if not row.bad and isinstance(row.get("date"), dt.date) and isinstance(row.get("scheduled"), dt.date):
                v = row.values
                meeting = Meeting(
                    scheduled=v["scheduled"],
                    date=v["date"],
                    from_cadence=v["from_cadence"] == "yes",
                    moved_for=v["moved_for"],
                    cancelled=v["cancelled"] == "yes",
                    reason=v["reason"],
                )
                _check_clean(checker, "meetings", row, meeting, {})

    def _check_decisions(
        self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]
    ) -> None:
        meetings = by_key["meetings"]
        plan_rows = by_key.get("plan_items", {})
        archived_items = _stored_items(ctx, checker.rows["decisions"], "gate", plan_rows)
        for row in checker.rows["decisions"]:
            _choice(row, "kind", Decision.Kind.DECISION)
            _choice(row, "outcome", Decision.Outcome.AGREED)
            board, day = row.get("board"), row.get("meeting")
            meeting_row = meetings.get((board, day)) if row.good("board") and isinstance(day, dt.date) else None
            if row.good("board") and isinstance(day, dt.date) and meeting_row is None:
                checker.add(
                    "decisions",
                    row.number,
                    "meeting",
                    f"{board} has no meeting scheduled on {day:%d/%m/%Y} on the meetings sheet: "
                    "give the meeting's scheduled date",
                )
            gate = None
            if row.good("gate"):
                uid = str(row.get("gate"))
                gate_row = plan_rows.get((uid,))
                if gate_row is not None:
                    gate = PlanItem(uid=uid, kind=gate_row.get("kind"))
                elif uid in archived_items:
                    gate = archived_items[uid]
                else:
                    checker.add("decisions", row.number, "gate", f"'{uid}' is not on the plan_items sheet")
            if not row.bad:
                meeting = None
                if meeting_row is not None:
                    meeting = Meeting(date=meeting_row.get("date"), cancelled=meeting_row.get("cancelled") == "yes")
                decision = Decision(kind=row.get("kind"), outcome=row.get("outcome"), gate=gate, meeting=meeting)
                _check_clean(checker, "decisions", row, decision, {})

    def _sheet_boards(self, checker: Checker) -> list[Board]:
        """The boards as the sheet gives them (unsaved), with their tolerances and parents, for routing."""
        boards: dict[str, Board] = {}
        for number, row in enumerate(checker.rows["boards"], start=1):
            v = row.values
            if row.bad or not row.good("code"):
                continue
            boards[str(v["code"])] = Board(
                pk=number,
                code=v["code"],
                name=v["name"],
                order=v["order"] or 0,
                tolerance_days=v["tolerance_days"],
                tolerance_cost=Decimal(v["tolerance_cost"]) if v["tolerance_cost"] else None,
                tolerance_scope=v["tolerance_scope"] == "yes",
            )
        for row in checker.rows["boards"]:
            board = boards.get(str(row.get("code")))
            if board is not None:
                board.parent = boards.get(str(row.get("parent"))) if row.good("parent") else None
        return list(boards.values())

    def _check_changes(
        self,
        checker: Checker,
        ctx: ImportContext,
        by_key: dict[str, dict[tuple[Any, ...], Row]],
        *,
        route: bool,
    ) -> None:
        state = ctx.state[self.label]
        strands = {k[0] for k in by_key.get("strands", {})}
        boards = {k[0] for k in by_key["boards"]} | {b.code for b in state["boards"]}
        before = {c.ref: c for c in state["changes"]}
        sheet_boards: list[Board] | None = None
        for row in checker.rows["change_requests"]:
            if row.good("strand") and row.get("strand") not in strands:
                checker.add(
                    "change_requests", row.number, "strand", f"'{row.get('strand')}' is not on the strands sheet"
                )
            if row.good("board") and row.get("board") not in boards:
                checker.add("change_requests", row.number, "board", f"'{row.get('board')}' is not on the boards sheet")
            _check_money(checker, "change_requests", row, "impact_cost", negative=True, empty="0.00")
            _choice(row, "state", ChangeRequest.State.PENDING)
            existing = before.get(str(row.get("ref")))
            if existing is not None:
                problem = services.change_state_problem(existing.state, str(row.get("state")))
                if problem:
                    checker.add("change_requests", row.number, "state", problem)
            if row.bad:
                continue
            v = row.values
            change = ChangeRequest(
                impact_days=v["impact_days"] or 0,
                impact_cost=Decimal(v["impact_cost"]),
                impact_scope=v["impact_scope"],
                state=v["state"],
                decision_reason=v["decision_reason"],
            )
            _check_clean(checker, "change_requests", row, change, {})
            if not row.good("board") and route:
                if sheet_boards is None:
                    sheet_boards = self._sheet_boards(checker)
                board, why = services.route(
                    sheet_boards, days=change.impact_days, cost=change.impact_cost, scope=bool(change.impact_scope)
                )
                v["board"] = board.code if board is not None else ""
                v["routing"] = v["routing"] or why
        changes = {k[0] for k in by_key["change_requests"]}
        plan_rows = by_key.get("plan_items", {})
        archived_items = _stored_items(ctx, checker.rows["change_items"], "item", plan_rows)
        for row in checker.rows["change_items"]:
            if row.good("change") and row.get("change") not in changes:
                checker.add(
                    "change_items", row.number, "change", f"'{row.get('change')}' is not on the change_requests sheet"
                )
            uid = row.get("item")
            if row.good("item") and (uid,) not in plan_rows and uid not in archived_items:
                checker.add("change_items", row.number, "item", f"'{uid}' is not on the plan_items sheet")
            if not row.bad:
                _check_clean(
                    checker,
                    "change_items",
                    row,
                    ChangeItem(new_start=row.get("new_start"), new_end=row.get("new_end")),
                    {},
                )

    def _check_documents(self, checker: Checker, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        documents = {k[0] for k in by_key["documents"]}
        for sheet in ("document_versions", "document_signoffs"):
            for row in checker.rows[sheet]:
                if row.good("document") and row.get("document") not in documents:
                    checker.add(sheet, row.number, "document", f"'{row.get('document')}' is not on the documents sheet")
        # A signoff may name a version the revision history does not list (B&D's 2.1 and 2.2): allowed.
        for row in checker.rows["document_signoffs"]:
            if row.good("kind") and row.good("status"):
                signoff = DocumentSignoff(kind=row.get("kind"), status=row.get("status"))
                _check_clean(checker, "document_signoffs", row, signoff, {})

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
        # Rows of a board that is not on the sheet (archived) stay out of the workbook, as they are.
        on_sheet = {k[0] for k in by_key["boards"]}
        diff(
            plan,
            MEETINGS,
            by_key["meetings"],
            [(m, _meeting_row(m)) for m in state["meetings"] if m.board.code in on_sheet],
        )
        diff(
            plan,
            DECISIONS,
            by_key["decisions"],
            [(d, _decision_row(d)) for d in state["decisions"] if d.meeting.board.code in on_sheet],
            archived=lambda _x: False,
        )
        diff(plan, CHANGE_REQUESTS, by_key["change_requests"], [(c, _change_row(c)) for c in state["changes"]])
        diff(
            plan,
            CHANGE_ITEMS,
            by_key["change_items"],
            [(i, _change_item_row(i)) for i in state["change_items"] if not i.change.archived],
            archived=lambda _x: False,
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
            [(v, _version_row(v)) for v in state["versions"] if not v.document.archived],
            archived=lambda _x: False,
        )
        diff(
            plan,
            DOCUMENT_SIGNOFFS,
            by_key["document_signoffs"],
            [(s, _signoff_row(s)) for s in state["signoffs"] if not s.document.archived],
            archived=lambda _x: False,
        )

    # -- writing --

    def write(self, ctx: ImportContext, plan: Plan, rows: Mapping[str, list[Row]]) -> None:
        if not plan.touches(self.sheets):
            return
        boards = self._write_boards(ctx, plan)
        self._write_meetings(ctx, plan, boards)
        self._write_changes(ctx, plan, boards)
        self._write_documents(ctx, plan)

    def _write_boards(self, ctx: ImportContext, plan: Plan) -> dict[str, Board]:
        actor, programme = ctx.actor, ctx.programme
        owners = {o.name: o for o in Owner.objects.filter(programme=programme)}
        boards = {b.code: b for b in Board.all_objects.filter(programme=programme)}

        def board_data(values: Mapping[str, Any]) -> services.BoardData:
            cost = values["tolerance_cost"]
            return {
                "code": values["code"],
                "name": values["name"],
                "chair": owners.get(values["chair"]),
                "parent": boards.get(values["parent"]) if values["parent"] else None,
                "cadence": values["cadence"],
                "first_meeting": values["first_meeting"],
                "starts_at": _time(values) or dt.time(10, 0),
                "duration_minutes": values["duration_minutes"],
                "tolerance_days": values["tolerance_days"],
                "tolerance_cost": Decimal(cost) if cost else None,
                "tolerance_scope": values["tolerance_scope"] == "yes",
                "tolerance_note": values["tolerance_note"],
                "themes_per_meeting": values["themes_per_meeting"],
                "order": values["order"],
                "notes": values["notes"],
            }

        # New boards parents first, each with its parent; changed boards get their parent afterwards.
        pending = list(plan.created["boards"])
        while pending:
            ready = [r for r in pending if not r.values["parent"] or r.values["parent"] in boards]
            for row in ready or pending:  # a parent that is neither new nor known was reported by check()
                boards[row.values["code"]] = services.board_save(
                    actor=actor, programme=programme, data=board_data(row.values)
                )
            pending = [r for r in pending if r not in (ready or pending)]
        for board, row, _changes in plan.changed["boards"]:
            if board.archived:
                model_restore(actor=actor, instance=board)
            boards[board.code] = services.board_save(
                actor=actor, programme=programme, board=board, data=board_data(row.values)
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
        for link, row in [(None, r) for r in plan.created["reports"]] + [
            (x, r) for x, r, _c in plan.changed["reports"]
        ]:
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
        return boards

    def _write_meetings(self, ctx: ImportContext, plan: Plan, boards: dict[str, Board]) -> None:
        actor, programme = ctx.actor, ctx.programme
        strands = {s.code: s for s in Strand.objects.filter(programme=programme)}

        def data(v: Mapping[str, Any]) -> services.MeetingData:
            return {
                "scheduled": v["scheduled"],
                "date": v["date"],
                "starts_at": _time(v),
                "from_cadence": v["from_cadence"] == "yes",
                "moved_for": v["moved_for"],
                "cancelled": v["cancelled"] == "yes",
                "reason": v["reason"],
                "notes": v["notes"],
            }

        def themes(v: Mapping[str, Any]) -> list[Strand]:
            return [strands[c.strip()] for c in str(v["themes"]).split(",") if c.strip()]

        # Decisions go first, so a meeting they leave can be changed (uncancelled) or archived freely.
        for decision in plan.removed["decisions"]:
            model_delete(actor=actor, instance=decision)
        meetings = {(m.board.code, m.scheduled): m for m in ctx.state[self.label]["meetings"]}
        for row in plan.created["meetings"]:
            v = row.values
            meetings[(v["board"], v["scheduled"])] = services.meeting_save(
                actor=actor, board=boards[v["board"]], data=data(v), themes=themes(v)
            )
        for meeting, row, _changes in plan.changed["meetings"]:
            v = row.values
            services.meeting_save(actor=actor, board=meeting.board, meeting=meeting, data=data(v), themes=themes(v))
        for meeting in plan.removed["meetings"]:
            model_archive(actor=actor, instance=meeting, reason="Not in the imported workbook")

        changed = [(d, r) for d, r, _c in plan.changed["decisions"]]
        writing = [(None, r) for r in plan.created["decisions"]] + changed
        items = _items_named(programme, (row.values["gate"] for _d, row in writing))
        for decision, row in writing:
            v = row.values
            services.decision_save(
                actor=actor,
                decision=decision,
                meeting=meetings[(v["board"], v["meeting"])],
                ref=v["ref"],
                kind=v["kind"],
                outcome=v["outcome"],
                text=v["text"],
                gate=items.get(v["gate"]) if v["gate"] else None,
                complete_gate=False,
            )

    def _write_changes(self, ctx: ImportContext, plan: Plan, boards: dict[str, Board]) -> None:
        actor, programme = ctx.actor, ctx.programme
        strands = {s.code: s for s in Strand.objects.filter(programme=programme)}

        def data(v: Mapping[str, Any]) -> services.ChangeData:
            return {
                "ref": v["ref"],
                "title": v["title"],
                "description": v["description"],
                "strand": strands.get(v["strand"]) if v["strand"] else None,
                "impact_days": v["impact_days"],
                "impact_cost": Decimal(v["impact_cost"]),
                "impact_scope": v["impact_scope"],
                "board": boards.get(v["board"]) if v["board"] else None,
                "routing": v["routing"],
                "state": v["state"],
                "raised_on": v["raised_on"],
                "decided_on": v["decided_on"],
                "decision_reason": v["decision_reason"],
            }

        for line in plan.removed["change_items"]:
            model_delete(actor=actor, instance=line)
        changes = {c.ref: c for c in ctx.state[self.label]["changes"]}
        for row in plan.created["change_requests"]:
            changes[row.values["ref"]] = services.change_save(actor=actor, programme=programme, data=data(row.values))
        for change, row, _changes in plan.changed["change_requests"]:
            changes[change.ref] = services.change_save(
                actor=actor, programme=programme, change=change, data=data(row.values)
            )
        for change in plan.removed["change_requests"]:
            model_archive(actor=actor, instance=change, reason="Not in the imported workbook")
        items = _items_named(programme, (row.values["item"] for row in plan.created["change_items"]))
        for row in plan.created["change_items"]:
            v = row.values
            model_create(
                actor=actor,
                instance=ChangeItem(change=changes[v["change"]], item=items[v["item"]]),
                fields={"new_start", "new_end"},
                data={"new_start": v["new_start"], "new_end": v["new_end"]},
            )
        for line, row, _changes in plan.changed["change_items"]:
            v = {"new_start": row.values["new_start"], "new_end": row.values["new_end"]}
            model_update(actor=actor, instance=line, fields=set(v), data=v)

    def _write_documents(self, ctx: ImportContext, plan: Plan) -> None:
        actor, programme = ctx.actor, ctx.programme
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
            model_update(actor=actor, instance=signoff, fields=set(v), data=v)


_STATE_NAMES = (
    "boards",
    "members",
    "reports",
    "meetings",
    "decisions",
    "changes",
    "change_items",
    "documents",
    "versions",
    "signoffs",
)

GOVERNANCE_WORKBOOK = GovernanceWorkbook()

__all__ = ["GOVERNANCE_WORKBOOK", "SHEETS"]
