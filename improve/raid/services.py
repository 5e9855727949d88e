"""Writes to the RAID log. Each is atomic, validates (the models' ``clean()``), and is audited
through :mod:`improve.core.services`; the web pages and the workbook import both call these.

Links to strands and plan lines are many-to-many: they are set after the row is saved, and the
row's audit event shows them (one event per write, links included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction

from improve.core import audit
from improve.core.audit import Actor
from improve.core.models import AuditEvent, VersionedModel
from improve.core.services import (
    EditConflict,
    model_archive,
    model_create,
    model_restore,
    model_update,
    version_claim,
)
from improve.programmes.models import Owner, PlanItem, Programme, Strand
from improve.raid.models import (
    LOGS,
    Action,
    ActionStatus,
    Category,
    Issue,
    IssueStatus,
    LogEntry,
    Risk,
    RiskAppetite,
    RiskStatus,
)

__all__ = ["EditConflict"]


class RiskData(TypedDict, total=False):
    reference: str
    title: str
    cause: str
    event: str
    effect: str
    category: str
    owner: Owner | None
    inherent_likelihood: int
    inherent_impact: int
    residual_likelihood: int
    residual_impact: int
    target_likelihood: int | None
    target_impact: int | None
    proximity: dt.date | None
    review_on: dt.date | None
    status: str
    closed_on: dt.date | None
    notes: str


class IssueData(TypedDict, total=False):
    reference: str
    title: str
    description: str
    impact: str
    priority: str
    owner: Owner | None
    escalation: str
    status: str
    raised_on: dt.date | None
    resolved_on: dt.date | None
    from_risk: Risk | None
    notes: str


class ActionData(TypedDict, total=False):
    reference: str
    title: str
    owner: Owner | None
    due_on: dt.date | None
    status: str
    done_on: dt.date | None


class LogData(TypedDict, total=False):
    reference: str
    title: str
    description: str
    owner: Owner | None
    partner: str
    status: str
    raised_on: dt.date | None
    review_on: dt.date | None


def _fields(data_type: type) -> frozenset[str]:
    return frozenset(data_type.__annotations__)


RISK_FIELDS = _fields(RiskData)
ISSUE_FIELDS = _fields(IssueData)
ACTION_FIELDS = _fields(ActionData)
LOG_FIELDS = _fields(LogData)

Linked = TypeVar("Linked", Risk, Issue, LogEntry)


def _check_in_programme(programme: Programme, *, owner: Owner | None = None, **named: Iterable[Any]) -> None:
    """Every related row must belong to ``programme``."""
    if owner is not None and owner.programme_id != programme.pk:
        raise ValidationError({"owner": "Choose an owner of this programme"})
    for field, objs in named.items():
        if any(o.programme_id != programme.pk for o in objs):
            raise ValidationError({field: "Choose only from this programme"})


def _set_links(
    obj: Linked, *, strands: Iterable[Strand] | None = None, plan_items: Iterable[PlanItem] | None = None
) -> None:
    if strands is not None:
        getattr(obj, "strands").set(list(strands))  # noqa: B009 - risks and issues, not log entries
    if plan_items is not None:
        obj.plan_items.set(list(plan_items))


def _with_links_on_create(obj: Linked, actor: Actor, **links: Any) -> Linked:
    """Set the links of a row just created and show them in its create event."""
    if not any(v is not None for v in links.values()):
        return obj
    _set_links(obj, **links)
    event = audit.history_for(obj).filter(action=AuditEvent.Action.CREATE).first()
    if event is not None:
        event.after = audit.snapshot(audit.audit_values(obj))
        event.save(update_fields=["after"])
    return obj


def _update_with_links(
    *,
    actor: Actor,
    instance: Linked,
    fields: frozenset[str],
    data: Any,
    expected_version: int | None,
    links: dict[str, Any],
    check: Any = None,
) -> Linked:
    """Change a row and its links: one audit event, and one step of its version, for both."""
    before = audit.audit_values(instance)
    saved, changed = model_update(
        actor=actor, instance=instance, fields=fields, data=data, expected_version=expected_version, check=check
    )
    if not any(v is not None for v in links.values()):
        return saved
    _set_links(saved, **links)
    after = audit.audit_values(saved)
    if after == before:
        return saved
    if changed:
        event = audit.history_for(saved).filter(action=AuditEvent.Action.UPDATE).first()
        if event is not None:
            event.after = audit.snapshot(after)
            event.save(update_fields=["after"])
        return saved
    # Only the links changed: the row's version still moves on, so another editor sees it.
    if isinstance(saved, VersionedModel):
        version_claim(saved, saved.version if expected_version is None else expected_version)
    audit.record(actor=actor, obj=saved, action=AuditEvent.Action.UPDATE, before=before, after=after)
    return saved


# --- risks ---------------------------------------------------------------------------------------


def _risk_check(risk: Risk) -> None:
    _check_in_programme(risk.programme, owner=risk.owner)


@transaction.atomic
def risk_create(
    *,
    actor: Actor,
    programme: Programme,
    data: RiskData,
    strands: Iterable[Strand] = (),
    plan_items: Iterable[PlanItem] = (),
) -> Risk:
    strands, plan_items = list(strands), list(plan_items)
    _check_in_programme(programme, strands=strands, plan_items=plan_items)
    risk = model_create(
        actor=actor, instance=Risk(programme=programme), fields=RISK_FIELDS, data=data, check=_risk_check
    )
    return _with_links_on_create(risk, actor, strands=strands, plan_items=plan_items)


@transaction.atomic
def risk_update(
    *,
    actor: Actor,
    risk: Risk,
    data: RiskData,
    expected_version: int | None = None,
    strands: Iterable[Strand] | None = None,
    plan_items: Iterable[PlanItem] | None = None,
) -> Risk:
    """Change a risk. Raises :class:`EditConflict` if it changed since ``expected_version``."""
    current = Risk.all_objects.select_related("programme", "owner").get(pk=risk.pk)
    strands = list(strands) if strands is not None else None
    plan_items = list(plan_items) if plan_items is not None else None
    _check_in_programme(current.programme, strands=strands or [], plan_items=plan_items or [])
    return _update_with_links(
        actor=actor,
        instance=current,
        fields=RISK_FIELDS,
        data=data,
        expected_version=expected_version,
        links={"strands": strands, "plan_items": plan_items},
        check=_risk_check,
    )


@transaction.atomic
def risk_close(*, actor: Actor, risk: Risk, closed_on: dt.date) -> Risk:
    """Close an open risk on ``closed_on`` (it no longer threatens the programme)."""
    current = Risk.all_objects.get(pk=risk.pk)
    if not current.is_open:
        raise ValidationError({"status": f"Risk {current.reference} is already {current.get_status_display().lower()}"})
    return model_update(
        actor=actor,
        instance=current,
        fields={"status", "closed_on"},
        data={"status": RiskStatus.CLOSED, "closed_on": closed_on},
    )[0]


@transaction.atomic
def risk_reopen(*, actor: Actor, risk: Risk) -> Risk:
    current = Risk.all_objects.get(pk=risk.pk)
    return model_update(
        actor=actor,
        instance=current,
        fields={"status", "closed_on"},
        data={"status": RiskStatus.OPEN, "closed_on": None},
    )[0]


def next_reference(model: type[Issue] | type[Risk] | type[Action], programme: Programme, prefix: str) -> str:
    """The next free ``<prefix><n>`` reference (``I5``) in the programme."""
    taken = set(model.all_objects.filter(programme=programme).values_list("reference", flat=True))
    n = len(taken) + 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


@transaction.atomic
def risk_escalate_to_issue(
    *,
    actor: Actor,
    risk: Risk,
    raised_on: dt.date,
    reference: str = "",
    priority: str = "high",
    escalation: str = "programme",
) -> Issue:
    """The risk has happened: open an issue from it, linked back, and close the risk as "became an issue".

    The issue takes the risk's title, owner, links and open actions' descriptions as its impact;
    both keep their history, and each records the other.
    """
    current = Risk.all_objects.select_related("programme", "owner").get(pk=risk.pk)
    if not current.is_open:
        raise ValidationError(
            {
                "status": f"Risk {current.reference} is {current.get_status_display().lower()}: only an open risk can "
                "become an issue"
            }
        )
    if current.archived:
        raise ValidationError({"status": f"Risk {current.reference} is archived: restore it first"})
    programme = current.programme
    issue = issue_create(
        actor=actor,
        programme=programme,
        data={
            "reference": reference or next_reference(Issue, programme, "I"),
            "title": current.title,
            "description": "\n".join(t for t in (current.cause, current.event) if t),
            "impact": current.effect,
            "priority": priority,
            "owner": current.owner,
            "escalation": escalation,
            "status": IssueStatus.OPEN,
            "raised_on": raised_on,
            "from_risk": current,
            "notes": f"Raised from risk {current.reference}",
        },
        strands=list(current.strands.all()),
        plan_items=list(current.plan_items.all()),
    )
    model_update(
        actor=actor,
        instance=current,
        fields={"status", "closed_on", "notes"},
        data={
            "status": RiskStatus.BECAME_ISSUE,
            "closed_on": raised_on,
            "notes": "\n".join(t for t in (current.notes, f"Became issue {issue.reference}") if t),
        },
    )
    return issue


@transaction.atomic
def raid_archive(*, actor: Actor, instance: Risk | Issue | Action | LogEntry, reason: str = "") -> None:
    """Hide a risk, issue, action or log entry from every list; it keeps its history."""
    model_archive(actor=actor, instance=instance, reason=reason)


@transaction.atomic
def raid_restore(*, actor: Actor, instance: Risk | Issue | Action | LogEntry) -> None:
    model_restore(actor=actor, instance=instance)


# --- appetite ------------------------------------------------------------------------------------


@transaction.atomic
def appetite_set(*, actor: Actor, programme: Programme, category: str, max_score: int | None) -> RiskAppetite | None:
    """Set (or, with None, clear) the highest residual score the programme accepts for ``category``."""
    if category not in Category.values:
        raise ValidationError({"category": f"'{category}' is not a category: use one of {', '.join(Category.values)}"})
    current = RiskAppetite.all_objects.filter(programme=programme, category=category).first()
    if max_score is None:
        if current is not None and not current.archived:
            model_archive(actor=actor, instance=current, reason="appetite cleared")
        return None
    if current is None:
        return model_create(
            actor=actor,
            instance=RiskAppetite(programme=programme),
            fields={"category", "max_score"},
            data={"category": category, "max_score": max_score},
        )
    if current.archived:
        model_restore(actor=actor, instance=current)
    return model_update(actor=actor, instance=current, fields={"max_score"}, data={"max_score": max_score})[0]


# --- issues --------------------------------------------------------------------------------------


def _issue_check(issue: Issue) -> None:
    _check_in_programme(issue.programme, owner=issue.owner)
    if issue.from_risk is not None and issue.from_risk.programme_id != issue.programme_id:
        raise ValidationError({"from_risk": "Choose a risk of this programme"})


@transaction.atomic
def issue_create(
    *,
    actor: Actor,
    programme: Programme,
    data: IssueData,
    strands: Iterable[Strand] = (),
    plan_items: Iterable[PlanItem] = (),
) -> Issue:
    strands, plan_items = list(strands), list(plan_items)
    _check_in_programme(programme, strands=strands, plan_items=plan_items)
    issue = model_create(
        actor=actor, instance=Issue(programme=programme), fields=ISSUE_FIELDS, data=data, check=_issue_check
    )
    return _with_links_on_create(issue, actor, strands=strands, plan_items=plan_items)


@transaction.atomic
def issue_update(
    *,
    actor: Actor,
    issue: Issue,
    data: IssueData,
    expected_version: int | None = None,
    strands: Iterable[Strand] | None = None,
    plan_items: Iterable[PlanItem] | None = None,
) -> Issue:
    """Change an issue. Raises :class:`EditConflict` if it changed since ``expected_version``."""
    current = Issue.all_objects.select_related("programme", "owner", "from_risk").get(pk=issue.pk)
    strands = list(strands) if strands is not None else None
    plan_items = list(plan_items) if plan_items is not None else None
    _check_in_programme(current.programme, strands=strands or [], plan_items=plan_items or [])
    return _update_with_links(
        actor=actor,
        instance=current,
        fields=ISSUE_FIELDS,
        data=data,
        expected_version=expected_version,
        links={"strands": strands, "plan_items": plan_items},
        check=_issue_check,
    )


# --- actions -------------------------------------------------------------------------------------


def _action_check(action: Action) -> None:
    _check_in_programme(action.programme, owner=action.owner)


@transaction.atomic
def action_create(*, actor: Actor, parent: Risk | Issue, data: ActionData) -> Action:
    """Add an action to a risk (a mitigation) or an issue; its reference defaults to ``<parent>-<n>``."""
    programme = parent.programme
    if not data.get("reference"):
        taken = set(Action.all_objects.filter(programme=programme).values_list("reference", flat=True))
        n = 1
        while f"{parent.reference}-{n}" in taken:
            n += 1
        data = {**data, "reference": f"{parent.reference}-{n}"}
    instance = Action(programme=programme, risk=parent if isinstance(parent, Risk) else None)
    instance.issue = parent if isinstance(parent, Issue) else None
    return model_create(actor=actor, instance=instance, fields=ACTION_FIELDS, data=data, check=_action_check)


@transaction.atomic
def action_update(*, actor: Actor, action: Action, data: ActionData) -> Action:
    current = Action.all_objects.select_related("programme", "risk", "issue").get(pk=action.pk)
    return model_update(actor=actor, instance=current, fields=ACTION_FIELDS, data=data, check=_action_check)[0]


@transaction.atomic
def action_move(*, actor: Actor, action: Action, risk: Risk | None, issue: Issue | None) -> Action:
    """Move an action to another risk or issue (exactly one of the two)."""
    current = Action.all_objects.get(pk=action.pk)
    return model_update(actor=actor, instance=current, fields={"risk", "issue"}, data={"risk": risk, "issue": issue})[0]


@transaction.atomic
def action_complete(*, actor: Actor, action: Action, done_on: dt.date) -> Action:
    """Mark an action done on ``done_on``."""
    current = Action.all_objects.select_related("risk", "issue").get(pk=action.pk)
    if current.status == ActionStatus.DONE:
        raise ValidationError({"status": f"Action {current.reference} is already done"})
    return model_update(
        actor=actor,
        instance=current,
        fields={"status", "done_on"},
        data={"status": ActionStatus.DONE, "done_on": done_on},
    )[0]


# --- assumptions, dependencies, constraints, exclusions, lessons ----------------------------------


def _log_check(entry: LogEntry) -> None:
    _check_in_programme(entry.programme, owner=entry.owner)


@transaction.atomic
def log_entry_create(
    *, actor: Actor, programme: Programme, kind: str, data: LogData, plan_items: Iterable[PlanItem] = ()
) -> LogEntry:
    if kind not in LOGS:
        raise ValidationError({"kind": f"'{kind}' is not a kind of log entry: use one of {', '.join(LOGS)}"})
    plan_items = list(plan_items)
    if plan_items and not LOGS[kind].plan_items:
        raise ValidationError({"plan_items": f"Only dependencies wait on plan lines, not {LOGS[kind].plural}"})
    _check_in_programme(programme, plan_items=plan_items)
    if not data.get("status"):
        data = {**data, "status": LOGS[kind].status_values[0]}
    entry = model_create(
        actor=actor, instance=LogEntry(programme=programme, kind=kind), fields=LOG_FIELDS, data=data, check=_log_check
    )
    return _with_links_on_create(entry, actor, plan_items=plan_items if plan_items else None)


@transaction.atomic
def log_entry_update(
    *, actor: Actor, entry: LogEntry, data: LogData, plan_items: Iterable[PlanItem] | None = None
) -> LogEntry:
    current = LogEntry.all_objects.select_related("programme").get(pk=entry.pk)
    plan_items = list(plan_items) if plan_items is not None else None
    if plan_items and not current.spec.plan_items:
        raise ValidationError({"plan_items": f"Only dependencies wait on plan lines, not {current.spec.plural}"})
    _check_in_programme(current.programme, plan_items=plan_items or [])
    return _update_with_links(
        actor=actor,
        instance=current,
        fields=LOG_FIELDS,
        data=data,
        expected_version=None,
        links={"plan_items": plan_items},
        check=_log_check,
    )
