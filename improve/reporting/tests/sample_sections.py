"""Board-pack sections for the tests and the benchmark, offered as a room would offer them.

The plan, RAID, governance and finance rooms write their own sections; these stand in for them
here, reading the plan as such a section would, so the pack is tested (and timed) at the size a
real one has: a table of every plan line due, a RAG chart, statuses, and "what changed" facts.
``register()`` adds them to the registry through a test-only room; ``unregister()`` takes it out.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from improve.core.document import (
    Cell,
    Change,
    Chart,
    Column,
    Heading,
    Note,
    Paragraph,
    Section,
    Series,
    Status,
    Table,
)
from improve.core.registry import PackContext, PackSection, Room, registry
from improve.programmes.models import PlanItem

LABEL = "reporting_samples"


def _items(ctx: PackContext) -> list[PlanItem]:
    return list(
        PlanItem.objects.filter(programme=ctx.programme, end_date__isnull=False, end_date__lte=ctx.as_at)
        .select_related("strand", "owner")
        .order_by("end_date", "uid")
    )


def plan_build(ctx: PackContext) -> Section | None:
    items = _items(ctx)
    if not items:
        return None
    rags = Counter(i.get_rag_display() or "" for i in items)
    strands = sorted({i.strand.code for i in items})
    by_strand = {s: Counter(i.get_rag_display() for i in items if i.strand.code == s) for s in strands}
    rows = tuple(
        (
            Cell(i.uid),
            Cell(i.title),
            Cell(i.strand.name),
            Cell(i.end_date, "date"),
            Cell(i.get_rag_display(), "rag"),
            Cell(i.percent_complete, "percent"),
            Cell(Decimal(i.percent_complete * 1000) - Decimal(50_000), "money", "£000"),
        )
        for i in items
    )
    worst = "Red" if rags["Red"] else "Amber" if rags["Amber"] else "Green"
    return Section(
        key="sample-plan",
        title="Plan: lines due by the status date",
        summary=f"From the plan as at {ctx.as_at:%d/%m/%Y}.",
        blocks=(
            Status("Overall", worst, f"{len(items)} lines due by {ctx.as_at:%d/%m/%Y}"),
            Paragraph("Each line due by the status date, with its RAG and how far it has got."),
            Chart(
                title="Lines due by strand and RAG",
                chart="stacked-bar",
                categories=tuple(strands),
                series=tuple(
                    Series(rag, tuple(by_strand[s][rag] for s in strands)) for rag in ("Red", "Amber", "Green")
                ),
                description=", ".join(
                    f"strand {s}: {by_strand[s]['Red']} red, {by_strand[s]['Amber']} amber, "
                    f"{by_strand[s]['Green']} green"
                    for s in strands
                ),
                unit="lines",
            ),
            Heading("Lines due"),
            Table(
                caption="Plan lines due by the status date",
                columns=(
                    Column("ID"),
                    Column("Line"),
                    Column("Strand"),
                    Column("Due"),
                    Column("RAG"),
                    Column("Done", numeric=True),
                    Column("Variance", numeric=True),
                ),
                rows=rows,
                note="Variance is sample data for the tests.",
            ),
        ),
    )


def plan_changes(ctx: PackContext) -> list[Change]:
    return [
        Change("Plan", f"{i.uid} '{i.title}' was due on {i.end_date:%d/%m/%Y} and is {i.get_status_display().lower()}")
        for i in _items(ctx)
        if i.end_date is not None and ctx.since < i.end_date <= ctx.as_at
    ]


def empty_build(ctx: PackContext) -> Section | None:
    return None


def notes_build(ctx: PackContext) -> Section:
    return Section(
        key="sample-notes",
        title="Notes for the board",
        blocks=(Note("Figures for September are provisional.", "warning"), Paragraph("Nothing else to report.")),
    )


SECTIONS = (
    PackSection("sample-plan", "Plan: lines due", plan_build, plan_changes, order=10, description="Plan lines due"),
    PackSection("sample-empty", "Workforce", empty_build, None, order=20, description="Never has data"),
    PackSection("sample-notes", "Notes for the board", notes_build, None, order=30, description="A note"),
)


def register() -> None:
    registry.register(Room(label=LABEL, title="Sample sections", sections=SECTIONS))


def unregister() -> None:
    registry.unregister(LABEL)
