"""The RAID room's part of the programme workbook.

Sheets (all optional): ``risk_appetite``, ``risks``, ``issues``, ``raid_actions`` (the actions of
both), and one per simpler log: ``assumptions``, ``raid_dependencies``, ``constraints``,
``exclusions``, ``lessons``. Owners, strands and plan lines are named by their keys in the same
workbook (owner name, strand code, plan line uid). Likelihood and impact take 1–5 or L / M / H and
are kept as 1–5; lists of strands or plan lines are codes separated by ``;``.

Every row is checked with the models' own rules (``clean()``) before anything is written, and
written through the room's services, so an import obeys what a form obeys and is audited the same.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from improve.core.validators import KEY_MAX_LENGTH, validate_key, validate_plan_date
from improve.core.workbook import (
    _BAD,
    CHOICE,
    DATE,
    INT,
    Checker,
    Column,
    ImportContext,
    Plan,
    Row,
    SheetSpec,
    diff,
)
from improve.core.workbook import known as _known
from improve.core.writer import UPDATE_BATCH, RowWriter
from improve.programmes.models import Owner, PlanItem, Programme, Strand
from improve.raid import scoring, services
from improve.raid.models import (
    LOGS,
    Action,
    ActionStatus,
    Category,
    Escalation,
    Issue,
    IssueStatus,
    LogEntry,
    LogSpec,
    Priority,
    Risk,
    RiskAppetite,
    RiskStatus,
)

SPLIT_RE = re.compile(r"[;,\s]+")
LEVEL_COLUMNS = (
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "target_likelihood",
    "target_impact",
)


def _choices(cls: type) -> tuple[str, ...]:
    return tuple(str(v) for v in cls.values)  # type: ignore[attr-defined]


def _level_validator(value: Any) -> None:
    try:
        scoring.parse_level(value)
    except scoring.LevelError as exc:
        raise ValidationError(str(exc)) from exc


def _ref(name: str = "reference", required: bool = True) -> Column:
    return Column(
        name,
        required=required,
        max_length=KEY_MAX_LENGTH,
        validator=validate_key if name == "reference" else None,
        width=10,
    )


def _level(name: str, required: bool) -> Column:
    return Column(name, required=required, max_length=20, validator=_level_validator, width=9)


def _date(name: str) -> Column:
    return Column(name, DATE, validator=validate_plan_date, width=12)


APPETITE = SheetSpec(
    "risk_appetite",
    (
        Column("category", CHOICE, required=True, choices=_choices(Category), width=14),
        Column("max_score", INT, required=True, minimum=scoring.MIN_SCORE, maximum=scoring.MAX_SCORE, width=10),
    ),
    key=("category",),
    required_sheet=False,
)
RISKS = SheetSpec(
    "risks",
    (
        _ref(),
        Column("title", required=True, max_length=300, width=40),
        Column("category", CHOICE, required=True, choices=_choices(Category), width=12),
        Column("owner", max_length=200, width=24),
        Column("cause", multiline=True, width=40),
        Column("event", multiline=True, width=40),
        Column("effect", multiline=True, width=40),
        _level("inherent_likelihood", False),  # all four empty: not yet scored
        _level("inherent_impact", False),
        _level("residual_likelihood", False),
        _level("residual_impact", False),
        _level("target_likelihood", False),
        _level("target_impact", False),
        _date("proximity"),
        _date("review"),
        Column("status", CHOICE, required=True, choices=_choices(RiskStatus), width=12),
        _date("closed"),
        Column("strands", max_length=500, width=10),
        Column("plan_items", max_length=2000, width=12),
        Column("notes", multiline=True, width=40),
    ),
    key=("reference",),
    required_sheet=False,
)
ISSUES = SheetSpec(
    "issues",
    (
        _ref(),
        Column("title", required=True, max_length=300, width=40),
        Column("description", multiline=True, width=40),
        Column("impact", multiline=True, width=40),
        Column("priority", CHOICE, required=True, choices=_choices(Priority), width=10),
        Column("owner", max_length=200, width=24),
        Column("escalation", CHOICE, required=True, choices=_choices(Escalation), width=12),
        Column("status", CHOICE, required=True, choices=_choices(IssueStatus), width=10),
        _date("raised"),
        _date("resolved"),
        _ref("from_risk", required=False),
        Column("strands", max_length=500, width=10),
        Column("plan_items", max_length=2000, width=12),
        Column("notes", multiline=True, width=40),
    ),
    key=("reference",),
    required_sheet=False,
)
ACTIONS = SheetSpec(
    "raid_actions",
    (
        _ref(),
        _ref("risk", required=False),
        _ref("issue", required=False),
        Column("action", required=True, multiline=True, width=50),
        Column("owner", max_length=200, width=24),
        _date("due"),
        Column("status", CHOICE, required=True, choices=_choices(ActionStatus), width=12),
        _date("done"),
    ),
    key=("reference",),
    required_sheet=False,
)


def _log_sheet(spec: LogSpec) -> SheetSpec:
    columns = [
        _ref(),
        Column("title", required=True, max_length=300, width=40),
        Column("description", multiline=True, width=60),
        Column("owner", max_length=200, width=24),
    ]
    if spec.partner:
        columns.append(Column("partner", max_length=300, width=30))
    columns += [Column("status", CHOICE, required=True, choices=spec.status_values, width=12), _date("raised")]
    if spec.review:
        columns.append(_date("review"))
    if spec.plan_items:
        columns.append(Column("plan_items", max_length=2000, width=12))
    return SheetSpec(spec.sheet, tuple(columns), key=("reference",), required_sheet=False)


LOG_SHEETS: dict[str, SheetSpec] = {kind: _log_sheet(spec) for kind, spec in LOGS.items()}
SHEETS: tuple[SheetSpec, ...] = (APPETITE, RISKS, ISSUES, ACTIONS, *LOG_SHEETS.values())


# --- canonical rows from the database (also the export) ------------------------------------------


def _key_sort(value: str) -> tuple[int, str]:
    return (len(value), value)


def _joined(values: Iterable[str]) -> str:
    return "; ".join(sorted(set(values), key=_key_sort))


def _owner(obj: Any) -> str:
    return obj.owner.name if obj.owner is not None else ""


def _level_value(value: int | None) -> int | None:
    return value


def _risk_row(r: Risk) -> dict[str, Any]:
    return {
        "reference": r.reference,
        "title": r.title,
        "category": r.category,
        "owner": _owner(r),
        "cause": r.cause,
        "event": r.event,
        "effect": r.effect,
        **{name: getattr(r, name) for name in LEVEL_COLUMNS},
        "proximity": r.proximity,
        "review": r.review_on,
        "status": r.status,
        "closed": r.closed_on,
        "strands": _joined(s.code for s in r.strands.all()),
        "plan_items": _joined(i.uid for i in r.plan_items.all()),
        "notes": r.notes,
    }


def _issue_row(i: Issue) -> dict[str, Any]:
    return {
        "reference": i.reference,
        "title": i.title,
        "description": i.description,
        "impact": i.impact,
        "priority": i.priority,
        "owner": _owner(i),
        "escalation": i.escalation,
        "status": i.status,
        "raised": i.raised_on,
        "resolved": i.resolved_on,
        "from_risk": i.from_risk.reference if i.from_risk is not None else "",
        "strands": _joined(s.code for s in i.strands.all()),
        "plan_items": _joined(p.uid for p in i.plan_items.all()),
        "notes": i.notes,
    }


def _action_row(a: Action) -> dict[str, Any]:
    return {
        "reference": a.reference,
        "risk": a.risk.reference if a.risk is not None else "",
        "issue": a.issue.reference if a.issue is not None else "",
        "action": a.title,
        "owner": _owner(a),
        "due": a.due_on,
        "status": a.status,
        "done": a.done_on,
    }


def _appetite_row(a: RiskAppetite) -> dict[str, Any]:
    return {"category": a.category, "max_score": a.max_score}


def _log_row(e: LogEntry) -> dict[str, Any]:
    sheet = LOG_SHEETS[e.kind]
    row = {
        "reference": e.reference,
        "title": e.title,
        "description": e.description,
        "owner": _owner(e),
        "partner": e.partner,
        "status": e.status,
        "raised": e.raised_on,
        "review": e.review_on,
        "plan_items": _joined(p.uid for p in e.plan_items.all()),
    }
    return {k: row[k] for k in sheet.column_names}


@dataclass
class RaidState:
    appetites: list[RiskAppetite] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    logs: dict[str, list[LogEntry]] = field(default_factory=dict)


def raid_state(programme: Programme | None, *, archived: bool = True) -> RaidState:
    """Every RAID row of the programme (archived ones too, unless ``archived=False``), links in place."""
    if programme is None:
        return RaidState(logs={kind: [] for kind in LOGS})

    def rows(model: type[models.Model], *related: str, prefetch: tuple[str, ...] = ()) -> list[Any]:
        manager = model.all_objects if archived else model.objects  # type: ignore[attr-defined]
        qs = manager.filter(programme=programme).select_related(*related).prefetch_related(*prefetch)
        return list(qs.order_by("pk"))

    entries = rows(LogEntry, "owner", prefetch=("plan_items",))
    return RaidState(
        appetites=rows(RiskAppetite),
        risks=rows(Risk, "owner", prefetch=("strands", "plan_items")),
        issues=rows(Issue, "owner", "from_risk", prefetch=("strands", "plan_items")),
        actions=rows(Action, "owner", "risk", "issue"),
        logs={kind: [e for e in entries if e.kind == kind] for kind in LOGS},
    )


def _current(objs: Iterable[Any]) -> list[Any]:
    return [o for o in objs if not o.archived]


def export_sheets(programme: Programme) -> dict[str, list[dict[str, Any]]]:
    state = raid_state(programme, archived=False)
    out = {
        "risk_appetite": [
            _appetite_row(a) for a in sorted(state.appetites, key=lambda a: Category.values.index(a.category))
        ],
        "risks": [_risk_row(r) for r in state.risks],
        "issues": [_issue_row(i) for i in state.issues],
        "raid_actions": [
            _action_row(a)
            for a in state.actions
            if not (a.risk is not None and a.risk.archived) and not (a.issue is not None and a.issue.archived)
        ],
    }
    for kind, sheet in LOG_SHEETS.items():
        out[sheet.name] = [_log_row(e) for e in state.logs[kind]]
    return out


# --- checking --------------------------------------------------------------------------------------

#: model field -> sheet column, where they differ
COLUMN_OF: dict[str, str] = {
    "review_on": "review",
    "closed_on": "closed",
    "raised_on": "raised",
    "resolved_on": "resolved",
    "due_on": "due",
    "done_on": "done",
    "title": "title",
}


def _model_rules(checker: Checker, sheet: str, row: Row, instance: models.Model, exclude: list[str]) -> None:
    """Report the model's own rules (``clean_fields`` and ``clean``) on the row, by column."""
    errors: dict[str, list[str]] = {}
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors:
        try:
            instance.clean()
        except ValidationError as exc:
            errors.update(exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
    spec = checker.spec_by_name[sheet]
    reported = {p.column for p in checker.problems if p.sheet == sheet and p.row == row.number}
    for name, messages in errors.items():
        column = COLUMN_OF.get(name, name)
        if sheet == "raid_actions" and name == "title":
            column = "action"
        if column not in spec.by_name:
            column = ""
        elif row.values.get(column) is _BAD or column in reported:
            continue  # already reported
        for message in messages:
            checker.add(sheet, row.number, column, message)


def _split(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return [v for v in SPLIT_RE.split(value.strip()) if v]


def _value(row: Row, column: str) -> Any:
    value = row.get(column)
    return None if value is _BAD else value


class RaidWorkbook:
    """The RAID room's part of the programme workbook (see :class:`improve.core.workbook.WorkbookPart`)."""

    label = "raid"
    sheets = SHEETS
    identifies = False

    def slug(self, checker: Checker) -> str:
        return ""

    def load(self, ctx: ImportContext) -> None:
        ctx.state[self.label] = raid_state(ctx.programme)

    def export(self, programme: Any) -> dict[str, list[dict[str, Any]]]:
        return export_sheets(programme)

    # -- checking --

    def check(self, checker: Checker, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]]) -> None:
        state: RaidState = ctx.state[self.label]
        rows = checker.rows
        add = checker.add

        def names(sheet: str, archived: Iterable[str] = ()) -> set[str] | None:
            if sheet in checker.broken or sheet not in by_key:
                return None
            return {str(k[0]) for k in by_key[sheet]} | set(archived)

        owners = names("owners")
        strands = names("strands")
        old_items = (
            set(PlanItem.all_objects.filter(programme=ctx.programme).values_list("uid", flat=True))
            if ctx.programme
            else set()
        )
        items = names("plan_items", old_items)
        risks = names("risks")
        issues = names("issues")

        def ref(sheet: str, row: Row, column: str, known: set[str] | None, what: str) -> None:
            value = row.get(column)
            if known is None or value is _BAD or value in ("", None) or value in known:
                return
            message = f"'{value}' is not {what}"
            near = _known(known).get(str(value).casefold())
            if near:
                message += f" (did you mean '{near}'?)"
            add(sheet, row.number, column, message)

        def refs(sheet: str, row: Row, column: str, known: set[str] | None, what: str) -> None:
            value = row.get(column)
            if value is _BAD or not isinstance(value, str):
                return
            parts = _split(value)
            row.values[column] = _joined(parts)  # canonical: sorted, "; "-separated
            if known is None:
                return
            missing = [p for p in parts if p not in known]
            if missing:
                add(sheet, row.number, column, f"{', '.join(repr(m) for m in missing)}: not {what}")

        in_owners = "in the owners sheet"
        in_strands = "a code in the strands sheet"
        in_items = "a uid in the plan_items sheet"

        for row in rows.get("risks", []):
            for name in LEVEL_COLUMNS:
                try:
                    row.values[name] = scoring.parse_level(row.get(name)) if row.get(name) is not _BAD else _BAD
                except scoring.LevelError:
                    row.values[name] = _BAD  # reported by the column's validator
            ref("risks", row, "owner", owners, in_owners)
            refs("risks", row, "strands", strands, in_strands)
            refs("risks", row, "plan_items", items, in_items)
            levels = {n: row.values[n] for n in LEVEL_COLUMNS if isinstance(row.values[n], int)}
            instance = Risk(
                reference=_value(row, "reference") or "x",
                title=_value(row, "title") or "x",
                category=_value(row, "category") or Category.OTHER,
                status=_value(row, "status") or RiskStatus.OPEN,
                closed_on=_value(row, "closed"),
                **levels,
            )
            unrated = [n for n in LEVEL_COLUMNS if n not in levels and not n.startswith("target")]
            _model_rules(checker, "risks", row, instance, exclude=["programme", "owner", *unrated])
        for row in rows.get("issues", []):
            ref("issues", row, "owner", owners, in_owners)
            ref("issues", row, "from_risk", risks, "a reference in the risks sheet")
            refs("issues", row, "strands", strands, in_strands)
            refs("issues", row, "plan_items", items, in_items)
            instance_i = Issue(
                reference=_value(row, "reference") or "x",
                title=_value(row, "title") or "x",
                priority=_value(row, "priority") or Priority.MEDIUM,
                escalation=_value(row, "escalation") or Escalation.PROGRAMME,
                status=_value(row, "status") or IssueStatus.OPEN,
                raised_on=_value(row, "raised"),
                resolved_on=_value(row, "resolved"),
            )
            _model_rules(checker, "issues", row, instance_i, exclude=["programme", "owner", "from_risk"])
        for row in rows.get("raid_actions", []):
            ref("raid_actions", row, "owner", owners, in_owners)
            ref("raid_actions", row, "risk", risks, "a reference in the risks sheet")
            ref("raid_actions", row, "issue", issues, "a reference in the issues sheet")
            risk, issue = row.get("risk"), row.get("issue")
            if risk in ("", None) and issue in ("", None):
                add("raid_actions", row.number, "risk", "Give the risk or the issue this action belongs to")
            elif risk not in ("", None, _BAD) and issue not in ("", None, _BAD):
                add(
                    "raid_actions", row.number, "issue", "An action belongs to one risk or one issue: clear one of them"
                )
            instance_a = Action(
                reference=_value(row, "reference") or "x",
                title=_value(row, "action") or "x",
                status=_value(row, "status") or ActionStatus.OPEN,
                due_on=_value(row, "due"),
                done_on=_value(row, "done"),
                risk_id=0,
            )
            _model_rules(checker, "raid_actions", row, instance_a, exclude=["programme", "owner", "risk", "issue"])
        for kind, sheet in LOG_SHEETS.items():
            for row in rows.get(sheet.name, []):
                ref(sheet.name, row, "owner", owners, in_owners)
                if "plan_items" in sheet.by_name:
                    refs(sheet.name, row, "plan_items", items, in_items)
                entry = LogEntry(
                    kind=kind,
                    reference=_value(row, "reference") or "x",
                    title=_value(row, "title") or "x",
                    status=_value(row, "status") or LOGS[kind].status_values[0],
                    partner=_value(row, "partner") or "",
                    raised_on=_value(row, "raised"),
                    review_on=_value(row, "review"),
                )
                _model_rules(checker, sheet.name, row, entry, exclude=["programme", "owner"])
        self._check_removals(checker, state)

    def _check_removals(self, checker: Checker, state: RaidState) -> None:
        """A sheet left out of the workbook would archive every row of it: say so instead."""
        existing: dict[str, list[Any]] = {
            "risk_appetite": state.appetites,
            "risks": state.risks,
            "issues": state.issues,
            "raid_actions": state.actions,
            **{LOG_SHEETS[kind].name: entries for kind, entries in state.logs.items()},
        }
        for name, objs in existing.items():
            current = _current(objs)
            if name not in checker.present and current:
                checker.add(
                    name,
                    None,
                    "",
                    f"The workbook has no '{name}' sheet, so all {len(current)} rows of it would be "
                    f"archived: add the sheet (with just its header row to archive them all)",
                )

    # -- comparing --

    def compare(self, ctx: ImportContext, by_key: dict[str, dict[tuple[Any, ...], Row]], plan: Plan) -> None:
        state: RaidState = ctx.state[self.label]
        diff(plan, APPETITE, by_key["risk_appetite"], [(a, _appetite_row(a)) for a in state.appetites])
        diff(plan, RISKS, by_key["risks"], [(r, _risk_row(r)) for r in state.risks])
        diff(plan, ISSUES, by_key["issues"], [(i, _issue_row(i)) for i in state.issues])
        diff(plan, ACTIONS, by_key["raid_actions"], [(a, _action_row(a)) for a in state.actions])
        for kind, sheet in LOG_SHEETS.items():
            diff(plan, sheet, by_key[sheet.name], [(e, _log_row(e)) for e in state.logs[kind]])

    # -- writing --

    def write(self, ctx: ImportContext, plan: Plan, rows: Mapping[str, list[Row]]) -> None:
        """Write the plan in bulk (a few queries per sheet, not several per row), its audit events
        into ``ctx.events``. Every row has passed the models' own rules in :meth:`check`; the risk
        appetite (a handful of rows) goes through its service."""
        if not plan.touches(self.sheets):
            return
        programme: Programme = ctx.programme
        actor = ctx.actor
        for row in plan.created["risk_appetite"]:
            services.appetite_set(
                actor=actor, programme=programme, category=row.values["category"], max_score=row.values["max_score"]
            )
        for _obj, row, _changes in plan.changed["risk_appetite"]:
            services.appetite_set(
                actor=actor, programme=programme, category=row.values["category"], max_score=row.values["max_score"]
            )
        for obj in plan.removed["risk_appetite"]:
            services.appetite_set(actor=actor, programme=programme, category=obj.category, max_score=None)
        writer = _Writer(ctx, plan)
        writer.run()
        ctx.events.extend(writer.events)


#: the fields a row of each sheet sets (beyond the links), for bulk_update
RISK_WRITES = (
    "reference",
    "title",
    "category",
    "owner",
    "cause",
    "event",
    "effect",
    *LEVEL_COLUMNS,
    "inherent_score",
    "residual_score",
    "proximity",
    "review_on",
    "status",
    "closed_on",
    "notes",
)
ISSUE_WRITES = (
    "reference",
    "title",
    "description",
    "impact",
    "priority",
    "owner",
    "escalation",
    "status",
    "raised_on",
    "resolved_on",
    "from_risk",
    "notes",
)
ACTION_WRITES = ("reference", "risk", "issue", "title", "owner", "due_on", "status", "done_on")
LOG_WRITES = ("reference", "title", "description", "owner", "partner", "status", "raised_on", "review_on")


#: sheet column -> model field, where they differ
FIELD_OF: dict[str, str] = {
    "review": "review_on",
    "closed": "closed_on",
    "raised": "raised_on",
    "resolved": "resolved_on",
    "due": "due_on",
    "done": "done_on",
}


def _fields_of(sheet: str, column: str, writes: tuple[str, ...]) -> str:
    """The model field a changed column writes (a link column writes none: "modified_at", written anyway)."""
    name = "title" if sheet == "raid_actions" and column == "action" else FIELD_OF.get(column, column)
    return name if name in writes else "modified_at"


def _prefetched(obj: models.Model, name: str, objs: list[Any]) -> None:
    """Put ``objs`` in ``obj``'s prefetch cache of the many-to-many ``name`` (as a prefetch would),
    so its audit values read the links just written without a query."""
    manager = getattr(obj, name)
    qs = manager.model._base_manager.all()
    qs._result_cache = list(objs)
    qs._prefetch_done = True
    cache = getattr(obj, "_prefetched_objects_cache", None)
    if cache is None:
        cache = obj._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    cache[name] = qs


class _Writer(RowWriter):
    """The RAID rows of one import, written in bulk with one audit event per row written.

    The same rules hold as through the services: every row passed ``clean_fields`` and ``clean``
    when checked, owners, strands and plan lines are this programme's (looked up by key), and each
    event's "after" shows the row's links. A row back in its sheet after being archived is
    restored; a row gone from its sheet is archived ("not in the workbook").
    """

    def __init__(self, ctx: ImportContext, plan: Plan) -> None:
        super().__init__(ctx.actor, ctx.programme)
        self.programme: Programme = ctx.programme
        self.plan = plan
        state = state_of(ctx)
        self.owners = {o.name: o for o in Owner.objects.filter(programme=self.programme)}
        self.strands = {s.code: s for s in Strand.objects.filter(programme=self.programme)}
        self.items = {i.uid: i for i in PlanItem.all_objects.filter(programme=self.programme).only("id", "uid")}
        self.risk_by_ref: dict[str, Risk] = {r.reference: r for r in state.risks}
        self.issue_by_ref: dict[str, Issue] = {i.reference: i for i in state.issues}

    def owner(self, v: Mapping[str, Any]) -> Owner | None:
        return self.owners.get(v.get("owner") or "")

    def run(self) -> None:
        self.sync("risks", Risk, RISK_WRITES, self.fill_risk, self.risk_by_ref, links=("strands", "plan_items"))
        self.sync("issues", Issue, ISSUE_WRITES, self.fill_issue, self.issue_by_ref, links=("strands", "plan_items"))
        self.sync("raid_actions", Action, ACTION_WRITES, self.fill_action, None, links=())
        for kind, sheet in LOG_SHEETS.items():
            links = ("plan_items",) if "plan_items" in sheet.by_name else ()
            self.sync(sheet.name, LogEntry, LOG_WRITES, self.fill_log(kind, sheet), None, links=links)
        for name, model in (
            ("raid_actions", Action),
            ("issues", Issue),
            ("risks", Risk),
            *[(s.name, LogEntry) for s in LOG_SHEETS.values()],
        ):
            self.archive(name, model)

    # -- filling a row's object --

    def fill_risk(self, obj: Risk, v: Mapping[str, Any]) -> None:
        obj.reference, obj.title, obj.category = v["reference"], v["title"], v["category"]
        obj.owner = self.owner(v)
        obj.cause, obj.event, obj.effect, obj.notes = v["cause"], v["event"], v["effect"], v["notes"]
        for name in LEVEL_COLUMNS:
            setattr(obj, name, v[name])
        obj.proximity, obj.review_on, obj.status, obj.closed_on = v["proximity"], v["review"], v["status"], v["closed"]
        obj.set_scores()

    def fill_issue(self, obj: Issue, v: Mapping[str, Any]) -> None:
        obj.reference, obj.title, obj.description, obj.impact = (
            v["reference"],
            v["title"],
            v["description"],
            v["impact"],
        )
        obj.priority, obj.escalation, obj.status = v["priority"], v["escalation"], v["status"]
        obj.owner = self.owner(v)
        obj.raised_on, obj.resolved_on, obj.notes = v["raised"], v["resolved"], v["notes"]
        obj.from_risk = self.risk_by_ref[v["from_risk"]] if v["from_risk"] else None

    def fill_action(self, obj: Action, v: Mapping[str, Any]) -> None:
        obj.reference, obj.title, obj.status = v["reference"], v["action"], v["status"]
        obj.owner = self.owner(v)
        obj.due_on, obj.done_on = v["due"], v["done"]
        obj.risk = self.risk_by_ref[v["risk"]] if v["risk"] else None
        obj.issue = self.issue_by_ref[v["issue"]] if v["issue"] else None

    def fill_log(self, kind: str, sheet: SheetSpec) -> Callable[[LogEntry, Mapping[str, Any]], None]:
        def fill(obj: LogEntry, v: Mapping[str, Any]) -> None:
            obj.kind = kind
            obj.reference, obj.title, obj.description = v["reference"], v["title"], v["description"]
            obj.owner = self.owner(v)
            obj.status, obj.raised_on = v["status"], v["raised"]
            obj.partner = v["partner"] if "partner" in sheet.by_name else ""
            obj.review_on = v["review"] if "review" in sheet.by_name else None

        return fill

    def linked(self, v: Mapping[str, Any], name: str) -> list[Any]:
        if name == "strands":
            return [self.strands[c] for c in _split(v.get("strands"))]
        return [self.items[u] for u in _split(v.get("plan_items"))]

    # -- create, update, archive --

    def sync(
        self,
        name: str,
        model: type[Risk] | type[Issue] | type[Action] | type[LogEntry],
        writes: tuple[str, ...],
        fill: Callable[[Any, Mapping[str, Any]], None],
        registry: dict[str, Any] | None,
        *,
        links: tuple[str, ...],
    ) -> None:
        new: list[tuple[Any, Row]] = []
        for row in self.plan.created[name]:
            obj = model(programme=self.programme)
            fill(obj, row.values)
            new.append((obj, row))
            if registry is not None:
                registry[obj.reference] = obj

        def link_new() -> None:
            self.set_links(model, [(o, r, True) for o, r in new], links)
            unlinked = [f.name for f in model._meta.many_to_many if f.name not in links]
            for obj, _row in new:
                for name_ in unlinked:  # a new row has no links its sheet does not give
                    _prefetched(obj, name_, [])

        self.create_rows([o for o, _ in new], then=link_new)
        changed = self.plan.changed[name]
        fields: set[str] = set()
        for _obj, _row, changes in changed:
            fields.update(_fields_of(name, c.column, writes) for c in changes)
            if any(c.column in LEVEL_COLUMNS for c in changes):
                fields.update(("inherent_score", "residual_score"))

        def refill(obj: Any, row: Row) -> None:
            fill(obj, row.values)
            if registry is not None:
                registry[obj.reference] = obj

        rows = [(obj, row) for obj, row, _changes in changed]
        self.update_rows(
            model,
            rows,
            fill=refill,
            fields=fields,
            then=lambda: self.set_links(model, [(o, r, False) for o, r in rows], links),
        )

    def set_links(self, model: type[models.Model], rows: list[tuple[Any, Row, bool]], links: tuple[str, ...]) -> None:
        """Set the many-to-many ``links`` of ``rows`` (new or changed) as their sheet names them:
        one delete and one insert per link table."""
        for name in links:
            field = model._meta.get_field(name)
            through = field.remote_field.through  # type: ignore[union-attr]
            source = field.m2m_field_name()  # type: ignore[union-attr]
            target = field.m2m_reverse_field_name()  # type: ignore[union-attr]
            wanted = {id(obj): self.linked(row.values, name) for obj, row, _new in rows}
            stale = []
            add = []
            for obj, _row, is_new in rows:
                now = {o.pk for o in wanted[id(obj)]}
                had = set() if is_new else {o.pk for o in getattr(obj, name).all()}
                stale += [(obj.pk, pk) for pk in had - now]
                add += [through(**{f"{source}_id": obj.pk, f"{target}_id": pk}) for pk in sorted(now - had)]
                _prefetched(obj, name, wanted[id(obj)])
            if stale:
                q = models.Q(pk__in=[])
                for obj_pk, pk in stale:
                    q |= models.Q(**{f"{source}_id": obj_pk, f"{target}_id": pk})
                through._base_manager.filter(q).delete()
            if add:
                through._base_manager.bulk_create(add, batch_size=UPDATE_BATCH)

    def archive(self, name: str, model: type[models.Model]) -> None:
        self.archive_rows(model, self.plan.removed[name])


def state_of(ctx: ImportContext) -> RaidState:
    found: RaidState = ctx.state[RaidWorkbook.label]
    return found


RAID_WORKBOOK = RaidWorkbook()

__all__ = ["RAID_WORKBOOK", "SHEETS", "Callable", "dt"]
