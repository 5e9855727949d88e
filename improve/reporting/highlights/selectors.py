"""Reads for highlight reports: the pre-fill from live data, due dates, the month × strand grid,
overdue reports. Other rooms are read through their own selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from improve.core.models import AuditEvent
from improve.finance import selectors as finance
from improve.governance import cadence
from improve.governance import selectors as governance
from improve.modelling import fiscal
from improve.programmes.models import (
    CLOSED_STATUSES,
    Baseline,
    BaselineItem,
    ItemKind,
    PlanItem,
    Programme,
    Status,
    Strand,
)
from improve.raid import selectors as raid
from improve.raid.models import Escalation, Issue, IssueStatus, RiskStatus
from improve.reporting.models import AWAITING_REVIEW, HighlightReport, ReportState, month_end, period_key

#: Working days after a month's end a report is due when no board in the reporting chain takes
#: highlight reports (the governance calendar decides when one does).
DEFAULT_DUE_WORKING_DAYS = 5

#: The words that name highlight reports in the reporting chain (governance's ``reports.csv``).
CHAIN_WORDS = "highlight report"


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(period: dt.date) -> dt.date:
    return month_end(period) + dt.timedelta(days=1)


def previous_month(period: dt.date) -> dt.date:
    return first_of_month(period - dt.timedelta(days=1))


def parse_period(text: str) -> dt.date | None:
    """ "2019-10" → 01/10/2019; None for anything else."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return None


# --- due dates ----------------------------------------------------------------------------------------


def _working_days_after(day: dt.date, count: int) -> dt.date:
    holidays = cadence.bank_holidays(day.year, day.year + 1)
    for _ in range(count):
        day = cadence.next_working_day(day + dt.timedelta(days=1), holidays)
    return day


def due_dates(programme: Programme, periods: Iterable[dt.date]) -> dict[dt.date, tuple[dt.date, str]]:
    """When each month's highlight reports are due, and why.

    From the governance calendar when it has one: the first meeting after the month's end of the
    board that takes highlight reports in the reporting chain, less the chain's due working days.
    Otherwise the month's end plus :data:`DEFAULT_DUE_WORKING_DAYS` working days. One read of the
    calendar for all the months.
    """
    wanted = sorted(set(periods))
    if not wanted:
        return {}
    found = [
        d
        for d in governance.deadlines(programme, month_end(wanted[0]), month_end(wanted[-1]) + dt.timedelta(days=70))
        if CHAIN_WORDS in d.link.report.lower()
    ]
    found.sort(key=lambda d: d.meeting.date)
    out: dict[dt.date, tuple[dt.date, str]] = {}
    for period in wanted:
        end = month_end(period)
        deadline = next((d for d in found if d.meeting.date > end), None)
        if deadline is not None and deadline.meeting.date <= end + dt.timedelta(days=62):
            days = deadline.link.due_working_days
            basis = (
                f"{days} working days before {deadline.meeting.board.name} on {deadline.meeting.date:%d/%m/%Y}"
                if days
                else f"for {deadline.meeting.board.name} on {deadline.meeting.date:%d/%m/%Y}"
            )
            out[period] = (deadline.due, basis)
        else:
            out[period] = (
                _working_days_after(end, DEFAULT_DUE_WORKING_DAYS),
                f"{DEFAULT_DUE_WORKING_DAYS} working days after the month's end (no board in the "
                "reporting chain takes highlight reports)",
            )
    return out


# --- the pre-fill -------------------------------------------------------------------------------------


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _previous_ends(programme: Programme, strand: Strand, period: dt.date) -> tuple[dict[str, str], str]:
    """Each line's end date the slips are measured from, and what it is.

    The previous month's report's snapshot when there is one; else the latest baseline taken
    before the month began; else nothing.
    """
    before = (
        HighlightReport.objects.filter(strand=strand, period=previous_month(period))
        .only("id", "snapshot", "period")
        .first()
    )
    if before is not None and before.snapshot:
        return dict(before.snapshot), f"the {before.month} report"
    baseline = Baseline.objects.filter(programme=programme, taken_on__lt=period).order_by("-taken_on", "-id").first()
    if baseline is None:
        return {}, ""
    ends = {
        uid: _iso(end)
        for uid, end in BaselineItem.objects.filter(baseline=baseline, end_date__isnull=False).values_list(
            "uid", "end_date"
        )
    }
    return ends, f"the baseline '{baseline.name}' of {baseline.taken_on:%d/%m/%Y}"


def prefill(programme: Programme, strand: Strand, period: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """What the live data say about ``strand`` as at the end of ``period``: (facts, snapshot).

    Facts: plan lines completed in the month, overdue, due next month, slipped since the last
    report (or baseline) with days, gates awaiting decisions, open risks above appetite, issues
    escalated to a board or higher in the month, and the strand's budget lines for the financial
    year. The snapshot is each line's end date, for next month's slips.
    """
    end = month_end(period)
    following = next_month(period)
    following_end = month_end(following)
    items = list(
        PlanItem.objects.filter(programme=programme, strand=strand)
        .only("id", "uid", "title", "kind", "status", "end_date", "end_tbd", "order")
        .order_by("order", "id")
    )

    def line(i: PlanItem, **extra: Any) -> dict[str, Any]:
        return {"uid": i.uid, "title": i.title, "end": _iso(i.end_date), **extra}

    open_items = [i for i in items if i.status not in CLOSED_STATUSES]
    completed = [line(i) for i in items if i.status == Status.COMPLETE and i.end_date and period <= i.end_date <= end]
    overdue = [line(i) for i in open_items if i.end_date and i.end_date <= end]
    due = [line(i) for i in open_items if i.end_date and following <= i.end_date <= following_end]
    gates = [
        line(i)
        for i in open_items
        if i.kind == ItemKind.GATE and (i.end_tbd or (i.end_date is not None and i.end_date <= following_end))
    ]
    previous, compared_with = _previous_ends(programme, strand, period)
    slipped = []
    for i in items:
        was = previous.get(i.uid)
        if was and i.end_date and i.end_date > dt.date.fromisoformat(was):
            slipped.append(line(i, was=was, days=(i.end_date - dt.date.fromisoformat(was)).days))
    slipped.sort(key=lambda s: -int(s["days"]))
    appetites = raid.appetites(programme)
    risks = [
        {
            "reference": r.reference,
            "title": r.title,
            "score": r.residual_score,
            "appetite": appetites[r.category],
        }
        for r in raid.risks(programme)
        .filter(strands=strand, status=RiskStatus.OPEN)
        .filter(raid.above_appetite(appetites))
        .distinct()
    ]
    escalated = [
        {"reference": i.reference, "title": i.title, "escalation": i.get_escalation_display()}
        for i in raid.issues(programme)
        .filter(strands=strand, status=IssueStatus.OPEN, escalation__in=[Escalation.BOARD, Escalation.CORPORATE])
        .filter(Q(raised_on__gte=period, raised_on__lte=end) | Q(pk__in=escalated_in(programme, period, end)))
        .distinct()
    ]
    facts: dict[str, Any] = {
        "as_at": end.isoformat(),
        "completed": completed,
        "overdue": overdue,
        "due": due,
        "slipped": slipped,
        "compared_with": compared_with,
        "gates": gates,
        "risks": risks,
        "escalated": escalated,
        "spend": strand_spend(programme, strand, end),
    }
    snapshot = {i.uid: _iso(i.end_date) for i in items if i.end_date}
    return facts, snapshot


def escalated_in(programme: Programme, first: dt.date, last: dt.date) -> list[int]:
    """The issues whose escalation was raised to a board or higher between ``first`` and ``last``,
    as the audit trail records each change (by the level's label, as the history shows it)."""
    high = {str(Escalation.BOARD.label), str(Escalation.CORPORATE.label)}
    changes = AuditEvent.objects.filter(
        programme_id=programme.pk,
        object_type=Issue._meta.label_lower,
        action=AuditEvent.Action.UPDATE,
        at__date__gte=first,
        at__date__lte=last,
    ).values_list("object_id", "before", "after")
    return [
        int(pk)
        for pk, before, after in changes
        if (after or {}).get("escalation") in high
        and (before or {}).get("escalation") != (after or {}).get("escalation")
    ]


def strand_spend(programme: Programme, strand: Strand, as_at: dt.date) -> dict[str, Any] | None:
    """The strand's budget lines' figures for the financial year of ``as_at`` [£], or None if it has none."""
    line_ids = set(finance.lines_for(programme).filter(strand=strand).values_list("pk", flat=True))
    if not line_ids:
        return None
    year = fiscal.start_year_of(as_at)
    summary = finance.budget_summary(programme)
    planned = projected = actual = Decimal("0.00")
    has_projection = has_actual = False
    for group in summary.groups:
        for row in group.lines:
            if row.line.pk not in line_ids:
                continue
            f = row.years.get(year)
            if f is None:
                continue
            planned += f.planned or 0
            if f.projected is not None:
                projected, has_projection = projected + f.projected, True
            if f.actual is not None:
                actual, has_actual = actual + f.actual, True
    return {
        "year": fiscal.label(year),
        "lines": len(line_ids),
        "planned": _money(planned),
        "projected": _money(projected) if has_projection else None,
        "actual": _money(actual) if has_actual else None,
        "variation": _money(projected - planned) if has_projection else None,
    }


# --- lists ---------------------------------------------------------------------------------------------


def reports_for(programme: Programme) -> QuerySet[HighlightReport]:
    return HighlightReport.objects.filter(programme=programme).select_related("strand")


def report_in(programme: Programme, code: str, period: dt.date) -> HighlightReport:
    return HighlightReport.objects.select_related("strand", "strand__lead", "submitted_by", "decided_by").get(
        programme=programme, strand__code=code, period=period
    )


def strands_for(programme: Programme) -> QuerySet[Strand]:
    return Strand.objects.filter(programme=programme).only("id", "programme_id", "code", "name", "order", "lead_id")


def strand_in(programme: Programme, code: str) -> Strand:
    return Strand.objects.get(programme=programme, code=code)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first_of_month(first)
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


@dataclass
class GridRow:
    period: dt.date
    cells: list[HighlightReport | None]

    @property
    def key(self) -> str:
        return period_key(self.period)


@dataclass
class Overdue:
    strand: Strand
    period: dt.date
    due: dt.date
    report: HighlightReport | None

    @property
    def key(self) -> str:
        return period_key(self.period)

    @property
    def state(self) -> str:
        return self.report.get_state_display() if self.report else "Not started"


@dataclass
class Grid:
    strands: list[Strand]
    rows: list[GridRow] = field(default_factory=list)
    overdue: list[Overdue] = field(default_factory=list)


#: what the grid reads of each report
GRID_FIELDS = ("id", "programme_id", "strand_id", "period", "state", "overall_rag", "due_on")


def grid(programme: Programme, first: dt.date, last: dt.date, *, as_at: dt.date) -> Grid:
    """Months ``first``..``last`` (newest first) × strands, and the reports overdue at ``as_at``.

    A report is overdue when its due date has passed and it has not been submitted (none started,
    a draft, or returned and not yet resubmitted). A fixed number of queries.
    """
    strands = list(strands_for(programme).order_by("order", "code"))
    by_pk = {s.pk: s for s in strands}
    months = months_between(first, last)
    # only what the grid and the overdue list show (a year of forty strands is 480 reports), each
    # given its strand from the list above rather than joined again
    found: dict[tuple[int, dt.date], HighlightReport] = {}
    for r in HighlightReport.objects.filter(programme=programme, period__gte=months[0], period__lte=months[-1]).only(
        *GRID_FIELDS
    ):
        if r.strand_id in by_pk:
            r.strand = by_pk[r.strand_id]
            found[(r.strand_id, r.period)] = r
    out = Grid(strands)
    for month in reversed(months):
        out.rows.append(GridRow(month, [found.get((s.pk, month)) for s in strands]))
    due = due_dates(programme, [m for m in months if month_end(m) < as_at])
    for month, (day, _basis) in sorted(due.items()):
        if day >= as_at:
            continue
        for s in strands:
            report = found.get((s.pk, month))
            if report is None or report.state in (ReportState.DRAFT, ReportState.RETURNED):
                out.overdue.append(Overdue(s, month, report.due_on if report else day, report))
    return out


def awaiting_review(programme: Programme) -> QuerySet[HighlightReport]:
    return (
        HighlightReport.objects.filter(programme=programme, state__in=AWAITING_REVIEW)
        .select_related("strand")
        .defer("facts", "snapshot")
        .order_by("period", "strand__order")
    )


def for_pack(programme: Programme, period: dt.date) -> list[tuple[Strand, HighlightReport | None]]:
    """Each strand with its report for ``period`` (None if it has none)."""
    strands = list(strands_for(programme).order_by("order", "code"))
    found = {r.strand_id: r for r in HighlightReport.objects.filter(programme=programme, period=period)}
    return [(s, found.get(s.pk)) for s in strands]


def overall_rags(programme: Programme, first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], str]:
    """The overall RAG of each (strand, month) report in the range that has one, in one query."""
    return {
        (strand_id, period): rag
        for strand_id, period, rag in HighlightReport.objects.filter(
            programme=programme, period__gte=first, period__lte=last
        )
        .exclude(Q(overall_rag="") | Q(state=ReportState.DRAFT))
        .values_list("strand_id", "period", "overall_rag")
    }


def shown_facts(facts: dict[str, Any]) -> dict[str, Any]:
    """A report's facts for a page: ISO dates as dates, sums of money as £ text."""
    from improve.modelling.money import pounds

    def row(r: dict[str, Any]) -> dict[str, Any]:
        out = dict(r)
        for name in ("end", "was"):
            if name in out:
                out[name] = dt.date.fromisoformat(out[name]) if out[name] else None
        return out

    shown: dict[str, Any] = {k: [row(r) for r in v] if isinstance(v, list) else v for k, v in facts.items()}
    spend = facts.get("spend")
    if spend:
        shown["spend"] = {
            **spend,
            **{
                k: pounds(Decimal(spend[k])) if spend.get(k) is not None else "Not entered"
                for k in ("planned", "projected", "actual", "variation")
            },
        }
    if facts.get("as_at"):
        shown["as_at"] = dt.date.fromisoformat(facts["as_at"])
    return shown
