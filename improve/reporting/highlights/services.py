"""Writes of highlight reports: create (pre-filled), edit, submit, return, accept.

Every write goes through :mod:`improve.core.services` (validated, version-claimed, audited). The
workflow's rules live here, once: a report is edited only as a draft or when returned; it is
submitted only from those states; only a submitted (or resubmitted) report is returned or accepted.
Who may do each (the strand's lead, the PMO) is the permission table's and the views' business.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from improve.core.audit import Actor
from improve.core.services import model_create, model_update
from improve.programmes.models import Programme, Strand
from improve.reporting.highlights import selectors
from improve.reporting.models import (
    AWAITING_REVIEW,
    EDITABLE_STATES,
    HighlightReport,
    ReportState,
    month_label,
)

TEXT_FIELDS = ("achievements", "next_period", "decisions_needed", "escalations")
EDIT_FIELDS = ("overall_rag", "schedule_rag", "cost_rag", "risk_rag", *TEXT_FIELDS, "notes")


def _bullets(rows: list[dict[str, object]], text: str) -> str:
    return "\n".join(text.format(**row) for row in rows)


def _date(iso: object) -> str:
    return dt.date.fromisoformat(str(iso)).strftime("%d/%m/%Y") if iso else "TBD"


def _drafts(facts: dict[str, object]) -> dict[str, str]:
    """The report's text as first drafted from its facts (the lead rewrites it)."""

    def rows(name: str) -> list[dict[str, object]]:
        found = facts.get(name) or []
        return [{**r, "end": _date(r.get("end"))} for r in found] if isinstance(found, list) else []

    achievements = _bullets(rows("completed"), "Completed {uid} {title} ({end})")
    next_period = _bullets(rows("due"), "Due {uid} {title} ({end})")
    decisions = _bullets(rows("gates"), "Gate {uid} {title} ({end})")
    escalations = "\n".join(
        [_bullets(rows("escalated"), "Issue {reference} {title}: escalated to {escalation}")]
        + [_bullets(rows("risks"), "Risk {reference} {title}: score {score}, above the appetite of {appetite}")]
    ).strip()
    return {
        "achievements": achievements,
        "next_period": next_period,
        "decisions_needed": decisions,
        "escalations": escalations,
    }


@transaction.atomic
def highlight_create(
    *, actor: Actor, programme: Programme, strand: Strand, period: dt.date, notes: str = ""
) -> HighlightReport:
    """Start a strand's report for a month, pre-filled from the live data as at the month's end."""
    period = selectors.first_of_month(period)
    if HighlightReport.objects.filter(strand=strand, period=period).exists():
        raise ValidationError(
            {"period": f"{strand.code} {strand.name} already has a report for {month_label(period)}: open it instead"}
        )
    facts, snapshot = selectors.prefill(programme, strand, period)
    due_on, basis = selectors.due_dates(programme, [period])[period]
    report = HighlightReport(
        programme=programme, strand=strand, period=period, due_on=due_on, due_basis=basis, facts=facts
    )
    report.snapshot = snapshot
    return model_create(
        actor=actor,
        instance=report,
        fields={"notes", *TEXT_FIELDS},
        data={"notes": notes, **_drafts(facts)},
    )


def _refuse_unless(report: HighlightReport, states: frozenset[str], doing: str) -> None:
    if report.state in states:
        return
    why = {
        ReportState.ACCEPTED: "it has been accepted, and an accepted report never changes",
        ReportState.SUBMITTED: "it has been submitted and is awaiting the PMO's review",
        ReportState.RESUBMITTED: "it has been resubmitted and is awaiting the PMO's review",
        ReportState.DRAFT: "it is a draft that has not been submitted",
        ReportState.RETURNED: "it was returned to its lead, who must resubmit it first",
    }[ReportState(report.state)]
    raise ValidationError(f"{report} cannot be {doing}: {why}.")


@transaction.atomic
def highlight_update(
    *,
    actor: Actor,
    report: HighlightReport,
    expected_version: int,
    overall_rag: str,
    schedule_rag: str,
    cost_rag: str,
    risk_rag: str,
    achievements: str,
    next_period: str,
    decisions_needed: str,
    escalations: str,
    notes: str,
) -> tuple[HighlightReport, bool]:
    """Change a draft or returned report (EditConflict if someone saved since ``expected_version``)."""
    _refuse_unless(report, EDITABLE_STATES, "changed")
    data = {
        "overall_rag": overall_rag,
        "schedule_rag": schedule_rag,
        "cost_rag": cost_rag,
        "risk_rag": risk_rag,
        "achievements": achievements,
        "next_period": next_period,
        "decisions_needed": decisions_needed,
        "escalations": escalations,
        "notes": notes,
    }
    return model_update(actor=actor, instance=report, fields=EDIT_FIELDS, data=data, expected_version=expected_version)


@transaction.atomic
def highlight_submit(*, actor: Actor, report: HighlightReport, expected_version: int) -> HighlightReport:
    """Send a draft (or a returned report, again) to the PMO. Every RAG must be given."""
    _refuse_unless(report, EDITABLE_STATES, "submitted")
    state = ReportState.RESUBMITTED if report.state == ReportState.RETURNED else ReportState.SUBMITTED
    report, _ = model_update(
        actor=actor,
        instance=report,
        fields={"state", "submitted_on", "submitted_by"},
        data={"state": state, "submitted_on": timezone.now(), "submitted_by": actor.user},
        expected_version=expected_version,
    )
    return report


@transaction.atomic
def highlight_return(*, actor: Actor, report: HighlightReport, expected_version: int, reason: str) -> HighlightReport:
    """Send a submitted report back to its lead, saying why."""
    _refuse_unless(report, AWAITING_REVIEW, "returned")
    report, _ = model_update(
        actor=actor,
        instance=report,
        fields={"state", "return_reason", "decided_on", "decided_by"},
        data={
            "state": ReportState.RETURNED,
            "return_reason": reason.strip(),
            "decided_on": timezone.now(),
            "decided_by": actor.user,
        },
        expected_version=expected_version,
    )
    return report


@transaction.atomic
def highlight_accept(*, actor: Actor, report: HighlightReport, expected_version: int) -> HighlightReport:
    """Accept a submitted report: from now on it never changes."""
    _refuse_unless(report, AWAITING_REVIEW, "accepted")
    report, _ = model_update(
        actor=actor,
        instance=report,
        fields={"state", "decided_on", "decided_by"},
        data={"state": ReportState.ACCEPTED, "decided_on": timezone.now(), "decided_by": actor.user},
        expected_version=expected_version,
    )
    return report
