"""The plan room's board-pack section: the plan as it stood at the pack's status date.

A pack for October 2019 shows the plan at 31/10/2019, even when the plan has moved on since. The
plan keeps only its latest dates, so the dates at the pack's date are read from the record nearest
to it (:func:`plan_as_at`):

- when the plan's own status date is on or before the pack's date, the plan itself, unless a
  baseline was taken after the status date and on or before the pack's date (a month-end
  baseline is then the later record);
- when the plan's status date is after the pack's date (the plan holds later knowledge), the
  latest baseline taken in the pack's period (after ``since``), else the plan itself.

Slippage is measured against the latest baseline taken on or before ``since`` (the last pack's
date), else the programme's first baseline taken by the pack's date; the section's summary says
which. Statuses are the plan's own: a line complete now whose end date (as at the pack's date) is
later than the pack's date is counted as not yet complete then.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db.models import Q

from improve.core.dates import format_plan_date
from improve.core.document import Block, BulletList, Cell, Chart, Column, Heading, Note, Paragraph, Section, Series
from improve.core.document import Change as PackChange
from improve.core.document import table as make_table
from improve.core.registry import PackContext, PackSection
from improve.programmes import selectors
from improve.programmes.models import CLOSED_STATUSES, ItemKind, Programme, Status
from improve.programmes.selectors import BaselineTaken, PackLine, PlanDates

KEY = "plan"
AREA = "Plan"

_STATUS_LABELS = dict(Status.choices)
_KIND_LABELS: dict[str, str] = {"deliverable": "Deliverable", "milestone": "Milestone", "gate": "Gate"}
_RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green"}


def uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def next_period(ctx: PackContext) -> tuple[dt.date, dt.date]:
    """The period after the pack's: the next calendar month(s) when the pack covers whole months,
    else as many days as the pack's period, starting the day after its status date."""
    start, end = ctx.period_start, ctx.as_at
    first = end + dt.timedelta(days=1)
    if start.day == 1 and first.day == 1 and end >= start:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        last = first.month - 1 + months - 1  # months after January of first.year, of the last month
        return first, _month_end(first.year + last // 12, last % 12 + 1)
    return first, end + (end - start) + dt.timedelta(days=1)


# --- the plan as at a date -----------------------------------------------------------------------


@dataclass(frozen=True)
class Slipped:
    line: PackLine
    baseline_end: dt.date
    #: days later than the baseline; None when the end is now TBD
    days: int | None


@dataclass
class PlanAsAt:
    """The plan at a pack's status date, and the baseline its slippage is measured against."""

    as_at: dt.date
    lines: list[PackLine]
    #: where the dates come from, in words ("baseline 'Month end 31/10/2019', taken on 31/10/2019")
    source: str
    snapshot: BaselineTaken | None
    compared: BaselineTaken | None
    #: why that baseline ("the latest taken on or before 30/09/2019")
    compared_why: str
    compared_dates: dict[str, PlanDates] = field(default_factory=dict)
    #: baselines taken after ``since`` and on or before ``as_at``
    taken_in_period: list[BaselineTaken] = field(default_factory=list)
    #: the lines the snapshot baseline holds (empty when the dates are the plan's own)
    snapshot_uids: frozenset[str] = frozenset()

    def status_of(self, line: PackLine) -> str:
        """The line's status at the pack's date (a line complete now but due later was not complete then)."""
        start, _, end, _ = line.dates
        if line.status == Status.COMPLETE and end is not None and end > self.as_at:
            return Status.IN_PROGRESS if start is not None and start <= self.as_at else Status.NOT_STARTED
        return line.status

    def slipped(self) -> list[Slipped]:
        """Lines whose end is later than the compared baseline's (or now TBD), most days first."""
        out: list[Slipped] = []
        for line in self.lines:
            frozen = self.compared_dates.get(line.uid)
            if frozen is None or frozen[2] is None:
                continue
            _, _, end, end_tbd = line.dates
            if end_tbd:
                out.append(Slipped(line, frozen[2], None))
            elif end is not None and end > frozen[2]:
                out.append(Slipped(line, frozen[2], (end - frozen[2]).days))
        return sorted(out, key=lambda s: (s.days is not None, -(s.days or 0), s.line.uid))

    def ending_between(self, start: dt.date, end: dt.date, *, kinds: Iterable[str] | None = None) -> list[PackLine]:
        wanted = set(kinds) if kinds is not None else None
        return [
            line
            for line in self.lines
            if line.dates[2] is not None and start <= line.dates[2] <= end and (wanted is None or line.kind in wanted)
        ]

    def completed_between(self, start: dt.date, end: dt.date) -> list[PackLine]:
        return [line for line in self.ending_between(start, end) if self.status_of(line) == Status.COMPLETE]

    def gates_awaiting(self) -> list[PackLine]:
        """Gates due on or before the pack's date and not yet decided (not complete or cancelled)."""
        return [
            line
            for line in self.lines
            if line.kind == ItemKind.GATE
            and line.dates[2] is not None
            and line.dates[2] <= self.as_at
            and self.status_of(line) not in CLOSED_STATUSES
        ]

    def added(self) -> list[PackLine]:
        """Lines new to the plan in the period: not in the compared baseline when the dates come
        from a later baseline; else entered after the period's ``since`` and by the pack's date."""
        if self.snapshot is not None and self.compared is not None:
            if self.snapshot.pk == self.compared.pk:
                return []
            new = self.snapshot_uids - set(self.compared_dates)
            return [line for line in self.lines if line.uid in new]
        return [line for line in self.lines if line.entered]


def _records(
    programme: Programme, *, as_at: dt.date, since: dt.date
) -> tuple[list[BaselineTaken], BaselineTaken | None, BaselineTaken | None, str]:
    """The baselines taken by ``as_at``; the one whose dates stand at ``as_at`` (None: the plan's own);
    the one slippage is compared with, and why that one (the module's note); one query."""
    baselines = [b for b in selectors.baselines_taken(programme) if b.taken_on <= as_at]
    threshold = programme.as_at if programme.as_at <= as_at else since
    later = [b for b in baselines if b.taken_on > threshold]
    snapshot = later[-1] if later else None
    before = [b for b in baselines if b.taken_on <= since]
    if before:
        return baselines, snapshot, before[-1], f"the latest taken on or before {uk(since)}"
    if baselines:
        return (
            baselines,
            snapshot,
            baselines[0],
            f"the programme's first baseline (none was taken on or before {uk(since)})",
        )
    return baselines, snapshot, None, ""


@dataclass(frozen=True)
class WatchedAsAt:
    """What a dashboard shows of the plan at a date: :class:`~selectors.Watched` and the baseline compared."""

    lines: selectors.Watched
    compared: BaselineTaken | None


def watched_as_at(
    programme: Programme, *, as_at: dt.date, since: dt.date, horizon: dt.date, where: Q, listed: int
) -> WatchedAsAt:
    """The lines ``where`` picks that are due by ``horizon``, overdue or slipped, with the dates as
    :func:`plan_as_at` reads them, counted and the first ``listed`` of each; four queries however
    long the plan (the database picks the lines; ``tests/test_watched.py`` checks it agrees with
    :func:`plan_as_at`)."""
    _, snapshot, compared, _ = _records(programme, as_at=as_at, since=since)
    found = selectors.watched_lines(
        programme,
        where=where,
        as_at=as_at,
        horizon=horizon,
        snapshot_id=snapshot.pk if snapshot else None,
        compared_id=compared.pk if compared else None,
        listed=listed,
    )
    return WatchedAsAt(found, compared)


def plan_as_at(programme: Programme, *, as_at: dt.date, since: dt.date, where: Q | None = None) -> PlanAsAt:
    """The plan at ``as_at`` (see the module's note for which record gives the dates); four queries at most.

    ``where`` keeps only the lines it picks (the dashboard reads only milestones, gates and
    top-level lines), and only their baseline dates are read.
    """
    baselines, snapshot, compared, why = _records(programme, as_at=as_at, since=since)
    status_date = programme.as_at
    lines = selectors.pack_lines(programme, where=where, entered_between=(since, as_at))
    uids = selectors.line_uids(programme, where) if where is not None else None
    snapshot_dates: dict[str, PlanDates] = {}
    if snapshot is not None:
        snapshot_dates = selectors.baseline_dates(snapshot.pk, uids=uids)
        lines = [replace(line, dates=snapshot_dates.get(line.uid, line.dates)) for line in lines]
        source = f"baseline '{snapshot.name}', taken on {uk(snapshot.taken_on)}"
    else:
        source = f"the plan itself (status date {uk(status_date)})"
    compared_dates: dict[str, PlanDates] = {}
    if compared is not None:
        same = snapshot is not None and compared.pk == snapshot.pk
        compared_dates = snapshot_dates if same else selectors.baseline_dates(compared.pk, uids=uids)
    return PlanAsAt(
        as_at=as_at,
        lines=lines,
        source=source,
        snapshot=snapshot,
        compared=compared,
        compared_why=why,
        compared_dates=compared_dates,
        taken_in_period=[b for b in baselines if since < b.taken_on],
        snapshot_uids=frozenset(snapshot_dates),
    )


# --- the section ---------------------------------------------------------------------------------


def _rag(value: str) -> Cell:
    return Cell(_RAG_WORDS.get(value, ""), kind="rag")


def _date(value: dt.date | None, tbd: bool = False) -> Cell:
    return Cell("TBD", kind="text") if tbd else Cell(value, kind="date")


def _line_table(caption: str, lines: list[PackLine], plan: PlanAsAt, *, note: str = "") -> Block:
    rows = [
        (
            Cell(line.uid),
            Cell(line.title),
            Cell(line.strand_name),
            Cell(_KIND_LABELS.get(line.kind, line.kind)),
            _date(line.dates[2], line.dates[3]),
            Cell(_STATUS_LABELS.get(plan.status_of(line), line.status)),
            _rag(line.rag),
        )
        for line in sorted(lines, key=lambda x: (x.dates[2] or dt.date.max, x.uid))
    ]
    columns = ("ID", "Line", "Strand", "Kind", "Due", "Status", "RAG")
    return make_table(caption, columns, rows, note=note)


def _status_chart(plan: PlanAsAt, strands: list[tuple[int, str]]) -> Chart | None:
    counts: dict[tuple[int, str], int] = {}
    for line in plan.lines:
        key = (line.strand_id, plan.status_of(line))
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return None
    statuses = [s for s in Status.values if any(counts.get((pk, s)) for pk, _ in strands)]
    series = tuple(Series(_STATUS_LABELS[s], tuple(counts.get((pk, s), 0) for pk, _ in strands)) for s in statuses)
    parts = []
    for pk, name in strands:
        found = [f"{counts[(pk, s)]} {_STATUS_LABELS[s].lower()}" for s in statuses if counts.get((pk, s))]
        parts.append(f"{name}: {', '.join(found) if found else 'no lines'}")
    return Chart(
        title=f"Plan lines by status in each strand, {uk(plan.as_at)}",
        chart="stacked-bar",
        categories=tuple(name for _, name in strands),
        series=series,
        unit="lines",
        description="Plan lines by status. " + "; ".join(parts) + ".",
    )


def _strands(plan: PlanAsAt) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for line in plan.lines:
        seen.setdefault(line.strand_id, line.strand_name)
    return list(seen.items())


def build(ctx: PackContext) -> Section | None:
    """The plan section: slipped lines, lines due this period and next, completed lines, gates
    awaiting a decision, and a chart of lines by status per strand; None for a plan with no lines."""
    plan = plan_as_at(ctx.programme, as_at=ctx.as_at, since=ctx.since)
    if not plan.lines:
        return None
    next_start, next_end = next_period(ctx)
    period = f"{uk(ctx.period_start)} to {uk(ctx.as_at)}"
    slipped = plan.slipped()
    due = plan.ending_between(ctx.period_start, ctx.as_at)
    completed = plan.completed_between(ctx.period_start, ctx.as_at)
    upcoming = plan.ending_between(next_start, next_end)
    gates = plan.gates_awaiting()

    blocks: list[Block] = []
    facts = [
        f"{len(plan.lines)} lines in the plan",
        f"{len(slipped)} slipped since baseline '{plan.compared.name}'"
        if plan.compared is not None
        else "slippage not measured: no baseline",
        f"{len(due)} due this period ({period}), {len(completed)} of them complete",
        f"{len(upcoming)} due next period ({uk(next_start)} to {uk(next_end)})",
        f"{len(gates)} gate{'' if len(gates) == 1 else 's'} awaiting a decision",
    ]
    blocks.append(BulletList(tuple(facts)))
    chart = _status_chart(plan, _strands(plan))
    if chart is not None:
        blocks.append(chart)

    blocks.append(Heading("Slipped lines"))
    if plan.compared is None:
        blocks.append(
            Note(
                f"The programme has no baseline taken on or before {uk(ctx.as_at)}, so slippage cannot be "
                "measured: take a baseline to measure it from.",
                tone="warning",
            )
        )
    elif slipped:
        rows = [
            (
                Cell(s.line.uid),
                Cell(s.line.title),
                Cell(s.line.strand_name),
                Cell(s.baseline_end, kind="date"),
                _date(s.line.dates[2], s.line.dates[3]),
                Cell(s.days, kind="number", unit="days") if s.days is not None else Cell("now TBD"),
                _rag(s.line.rag),
            )
            for s in slipped
        ]
        blocks.append(
            make_table(
                f"Lines later than baseline '{plan.compared.name}'",
                (
                    "ID",
                    "Line",
                    "Strand",
                    "Baseline end",
                    "End now",
                    Column("Days later", numeric=True),
                    "RAG",
                ),
                rows,
            )
        )
    else:
        blocks.append(Paragraph(f"No line ends later than in baseline '{plan.compared.name}'."))

    # Each line is listed once: a line due this period and complete is under "Completed this
    # period", so this table holds the exceptions, the lines due and not complete (docs/board-pack.md).
    blocks.append(Heading(f"Due this period ({period})"))
    open_due = [line for line in due if plan.status_of(line) != Status.COMPLETE]
    if open_due:
        done = len(due) - len(open_due)
        lines = "line due this period is" if done == 1 else "lines due this period are"
        note = f"The other {done} {lines} complete: see Completed this period." if done else ""
        blocks.append(_line_table(f"Lines due {period} and not complete", open_due, plan, note=note))
    elif due:
        lines = "The line due this period is" if len(due) == 1 else f"All {len(due)} lines due this period are"
        blocks.append(Paragraph(f"{lines} complete: see Completed this period."))
    else:
        blocks.append(Paragraph("No line was due this period."))

    blocks.append(Heading("Completed this period"))
    if completed:
        blocks.append(_line_table(f"Lines completed {period}", completed, plan))
    else:
        blocks.append(Paragraph("No line due this period is recorded as complete."))

    blocks.append(Heading(f"Due next period ({uk(next_start)} to {uk(next_end)})"))
    if upcoming:
        blocks.append(_line_table(f"Lines due {uk(next_start)} to {uk(next_end)}", upcoming, plan))
    else:
        blocks.append(Paragraph("No line is due next period."))

    blocks.append(Heading("Gates awaiting a decision"))
    if gates:
        gate_rows: list[tuple[Cell, ...]] = [
            (
                Cell(line.uid),
                Cell(line.title),
                Cell(line.strand_name),
                Cell(line.owner),
                Cell(line.dates[2], kind="date"),
                Cell((ctx.as_at - line.dates[2]).days if line.dates[2] else None, kind="number", unit="days"),
            )
            for line in sorted(gates, key=lambda x: (x.dates[2] or dt.date.max, x.uid))
        ]
        blocks.append(
            make_table(
                f"Gates due by {uk(ctx.as_at)} and not yet decided",
                ("ID", "Gate", "Strand", "Decided by", "Due", Column("Days since due", numeric=True)),
                gate_rows,
            )
        )
    else:
        blocks.append(Paragraph(f"No gate due by {uk(ctx.as_at)} is waiting for a decision."))

    compared = (
        f" Slippage is measured against baseline '{plan.compared.name}' (taken on "
        f"{uk(plan.compared.taken_on)}), {plan.compared_why}."
        if plan.compared is not None
        else ""
    )
    summary = (
        f"The plan as at {uk(ctx.as_at)}: dates from {plan.source}; statuses and RAG as the plan "
        f"records them (status date {uk(ctx.programme.as_at)}).{compared}"
    )
    return Section(key=KEY, title="Plan", blocks=tuple(blocks), summary=summary)


def changes(ctx: PackContext) -> list[PackChange]:
    """Since ``ctx.since``: lines slipped (with days and the new end), lines completed, lines added,
    and baselines taken."""
    plan = plan_as_at(ctx.programme, as_at=ctx.as_at, since=ctx.since)
    out: list[PackChange] = []
    for s in plan.slipped():
        what = f"{s.line.uid} '{s.line.title}'"
        if s.days is None:
            out.append(PackChange(AREA, f"{what} end date is now TBD (was {uk(s.baseline_end)})"))
        else:
            day = "day" if s.days == 1 else "days"
            out.append(PackChange(AREA, f"{what} slipped {s.days} {day}, to {uk(s.line.dates[2])}"))
    after = ctx.since + dt.timedelta(days=1)
    for line in plan.completed_between(after, ctx.as_at):
        out.append(PackChange(AREA, f"{line.uid} '{line.title}' completed (due {uk(line.dates[2])})"))
    for line in plan.added():
        due = format_plan_date(line.dates[2], line.dates[3])
        out.append(PackChange(AREA, f"{line.uid} '{line.title}' added to the plan" + (f", due {due}" if due else "")))
    for b in plan.taken_in_period:
        out.append(PackChange(AREA, f"Baseline '{b.name}' taken on {uk(b.taken_on)}"))
    return out


SECTION = PackSection(
    key=KEY,
    title="Plan",
    build=build,
    changes=changes,
    order=20,
    description="Lines slipped since the last baseline, due this period and next, completed, and gates "
    "awaiting a decision.",
)
