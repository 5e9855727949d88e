"""The board-pack sections of highlight reports and the dashboard (offered in the room's ``sections``).

- ``highlight-reports``: each strand's accepted report for the pack's month — or, marked as not
  yet accepted, its latest state — as blocks with written RAG statuses.
- ``dashboard``: the programme & PMO dashboard as at the pack's status date.
- ``changes``: reports returned or overdue, and each strand's overall RAG that changed since the
  last pack.
"""

from __future__ import annotations

from collections.abc import Iterable

from improve.core.document import (
    Block,
    BulletList,
    Cell,
    Change,
    Column,
    Heading,
    Note,
    Paragraph,
    Rag,
    Section,
    Status,
    Table,
)
from improve.core.registry import PackContext, PackSection
from improve.reporting import dashboard as dashboards
from improve.reporting.highlights import selectors
from improve.reporting.models import HighlightReport, ReportState, month_end, month_label

AREA = "Highlight reports"
RAGS: dict[str, Rag] = {"red": "Red", "amber": "Amber", "green": "Green", "": ""}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip().lstrip("-•* ").strip() for line in text.splitlines() if line.strip())


def _text(title: str, text: str, empty: str) -> list[Block]:
    items = _lines(text)
    return [Heading(title, 4), BulletList(items) if items else Paragraph(empty)]


def report_blocks(report: HighlightReport) -> list[Block]:
    """One report as blocks: its heading, state, four RAGs, texts and slipped lines."""
    strand = report.strand
    out: list[Block] = [Heading(f"{strand.code} {strand.name}", 3)]
    if report.state != ReportState.ACCEPTED:
        out.append(
            Note(
                f"Not yet accepted: this is the latest version of the report, {report.get_state_display().lower()}"
                + (f" (returned because: {report.return_reason})" if report.state == ReportState.RETURNED else "")
                + ".",
                "warning",
            )
        )
    out += [
        Status("Overall", RAGS[report.overall_rag], "" if report.overall_rag else "Not given"),
        Status("Schedule", RAGS[report.schedule_rag], "" if report.schedule_rag else "Not given"),
        Status("Cost", RAGS[report.cost_rag], "" if report.cost_rag else "Not given"),
        Status("Risk", RAGS[report.risk_rag], "" if report.risk_rag else "Not given"),
    ]
    out += _text("Achievements this period", report.achievements, "None given.")
    out += _text("Planned for next period", report.next_period, "None given.")
    out += _text("Decisions needed", report.decisions_needed, "None.")
    out += _text("Escalations", report.escalations, "None.")
    slipped = (report.facts or {}).get("slipped") or []
    if slipped:
        shown = selectors.shown_facts({"slipped": slipped})["slipped"]
        out.append(
            Table(
                caption=f"{strand.code} {strand.name}: lines slipped since {report.facts.get('compared_with', '')}",
                columns=(Column("Line"), Column("Was"), Column("Now"), Column("Days later", True)),
                rows=tuple(
                    (
                        Cell(f"{r['uid']} {r['title']}"),
                        Cell(r["was"], "date"),
                        Cell(r["end"], "date"),
                        Cell(int(r["days"]), "number", unit="days"),
                    )
                    for r in shown
                ),
            )
        )
    return out


def build_highlights(ctx: PackContext) -> Section | None:
    period = selectors.first_of_month(ctx.period_start)
    found = selectors.for_pack(ctx.programme, period)
    if not any(report for _strand, report in found):
        return None
    blocks: list[Block] = []
    accepted = sum(1 for _s, r in found if r is not None and r.state == ReportState.ACCEPTED)
    blocks.append(Paragraph(f"{accepted} of {len(found)} reports accepted."))
    for strand, report in found:
        if report is None:
            blocks += [
                Heading(f"{strand.code} {strand.name}", 3),
                Note(f"No report for {month_label(period)}.", "warning"),
            ]
        else:
            blocks += report_blocks(report)
    return Section(
        "highlight-reports",
        "Highlight reports",
        tuple(blocks),
        summary=f"Each {ctx.programme.strand_word.lower()}'s report for {month_label(period)}, as its lead wrote it.",
    )


def build_dashboard(ctx: PackContext) -> Section:
    found = dashboards.dashboard(ctx.programme, as_at=ctx.as_at)
    return Section(
        "dashboard",
        "Programme & PMO dashboard",
        dashboards.blocks(found),
        summary=f"As at {ctx.as_at:%d/%m/%Y}, from the plan, the RAID log, change requests, the budget and the "
        "highlight reports.",
    )


def changes(ctx: PackContext) -> Iterable[Change]:
    programme = ctx.programme
    period = selectors.first_of_month(ctx.period_start)
    out: list[Change] = []
    for strand, report in selectors.for_pack(programme, period):
        if report is not None and report.state == ReportState.RETURNED:
            out.append(
                Change(
                    AREA,
                    f"{strand.code} {strand.name}: the {report.month} report was returned ({report.return_reason})",
                )
            )
    for o in selectors.grid(programme, period, period, as_at=ctx.as_at).overdue:
        out.append(
            Change(
                AREA,
                f"{o.strand.code} {o.strand.name}: the {month_label(o.period)} report is overdue "
                f"(due {o.due:%d/%m/%Y}; {o.state.lower()})",
            )
        )
    # the month of the last pack (none: the month before this one); a month not over by then has no
    # reports in that pack, so the month before it
    before = selectors.first_of_month(ctx.since)
    if ctx.since >= ctx.period_start:
        before = selectors.previous_month(period)
    elif month_end(before) > ctx.since:
        before = selectors.previous_month(before)
    rags = selectors.overall_rags(programme, before, period)
    for strand in selectors.strands_for(programme).order_by("order", "code"):
        was, now = rags.get((strand.pk, before), ""), rags.get((strand.pk, period), "")
        if was and now and was != now:
            out.append(
                Change(
                    AREA,
                    f"{strand.code} {strand.name}: overall RAG {RAGS[was]} in {month_label(before)}, "
                    f"{RAGS[now]} in {month_label(period)}",
                )
            )
    return out


SECTIONS = (
    PackSection(
        "dashboard",
        "Programme & PMO dashboard",
        build_dashboard,
        None,
        order=20,
        description="Milestones, RAG by strand over time, top risks, open issues, changes awaiting decision, money",
    ),
    PackSection(
        "highlight-reports",
        "Highlight reports",
        build_highlights,
        changes,
        order=25,
        description="Each strand's highlight report for the month, with its RAGs",
    ),
)
