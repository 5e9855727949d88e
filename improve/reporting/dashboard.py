"""The programme & PMO dashboard: one page (and one board-pack section) of the programme's state.

Milestones due and slipped, each strand's overall RAG over the last months (from the highlight
reports), top risks, open issues, change requests awaiting a decision, the money headline and
benefits. :func:`dashboard` reads it in a fixed number of queries, however big the programme
(``tests/test_dashboard.py``); :func:`blocks` writes it as board-pack blocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Case,
    F,
    IntegerField,
    Q,
    Value,
    When,
)

from improve.core.document import (
    RAG_ORDER,
    Block,
    Cell,
    Chart,
    Column,
    Heading,
    Note,
    Paragraph,
    Series,
    Table,
)
from improve.finance import sections as finance_sections
from improve.finance import selectors as finance
from improve.governance import selectors as governance
from improve.governance.models import ChangeRequest
from improve.modelling import fiscal
from improve.programmes.models import (
    ItemKind,
    Programme,
    Strand,
)
from improve.programmes.sections import watched_as_at
from improve.programmes.selectors import change_count
from improve.raid import selectors as raid
from improve.raid.models import Issue, IssueStatus, Risk, RiskStatus
from improve.reporting.highlights import selectors as highlights
from improve.reporting.models import month_end

#: how far ahead "due" looks [days], how many months of RAG, how many rows each list shows
HORIZON_DAYS = 30
RAG_MONTHS = 6
LISTED = 8

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "": ""}

#: How long a worked-out dashboard is kept at most (a newer change makes it unused at once). [s]
KEEP_SECONDS = 10 * 60


@dataclass(frozen=True)
class Milestone:
    uid: str
    title: str
    strand: str
    end: dt.date | None
    was: dt.date | None = None

    @property
    def days(self) -> int | None:
        return (self.end - self.was).days if self.end and self.was else None


@dataclass(frozen=True)
class Money:
    year: str
    budget: Decimal
    actual: Decimal | None
    projected: Decimal | None
    variation: Decimal | None


@dataclass
class Dashboard:
    programme: Programme
    as_at: dt.date
    due: list[Milestone] = field(default_factory=list)
    due_count: int = 0
    overdue_count: int = 0
    slipped: list[Milestone] = field(default_factory=list)
    slipped_count: int = 0
    baseline: str = ""
    months: list[dt.date] = field(default_factory=list)
    rags: list[tuple[Strand, list[str]]] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    open_risks: int = 0
    above_appetite: int = 0
    issues: list[Issue] = field(default_factory=list)
    open_issues: int = 0
    changes: list[ChangeRequest] = field(default_factory=list)
    money: Money | None = None
    benefits: list[str] = field(default_factory=list)

    @property
    def month_labels(self) -> list[str]:
        return [f"{m:%b %Y}" for m in self.months]


def _milestones(programme: Programme) -> Q:
    """The plan lines a board watches: milestones, governance gates and top-level deliverables."""
    return Q(programme=programme) & (Q(kind__in=[ItemKind.MILESTONE, ItemKind.GATE]) | Q(level=1))


PRIORITY_RANK = Case(
    When(priority="critical", then=Value(0)),
    When(priority="high", then=Value(1)),
    When(priority="medium", then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def _sum(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0.00")) if present else None


def dashboard(programme: Programme, *, as_at: dt.date | None = None) -> Dashboard:
    """The dashboard as at ``as_at`` (the programme's status date if not given)."""
    as_at = as_at or programme.as_at
    out = Dashboard(programme, as_at)
    # milestones: the plan as it stood at the date (a past month's dates come from the baseline
    # taken then, as in the board pack), slips measured since the month began
    horizon = as_at + dt.timedelta(days=HORIZON_DAYS)
    plan = watched_as_at(
        programme,
        as_at=as_at,
        since=as_at.replace(day=1) - dt.timedelta(days=1),
        horizon=horizon,
        where=_milestones(programme),
        listed=LISTED,
    )
    out.due = [Milestone(w.uid, w.title, w.strand_name, w.end) for w in plan.lines.due]
    out.due_count = plan.lines.due_count
    out.overdue_count = plan.lines.overdue_count
    if plan.compared is not None:
        out.baseline = f"{plan.compared.name} ({plan.compared.taken_on:%d/%m/%Y})"
        out.slipped = [Milestone(w.uid, w.title, w.strand_name, w.end, w.baseline_end) for w in plan.lines.slipped]
        out.slipped_count = plan.lines.slipped_count
    # RAG by strand over the last months, from the reports' overall RAG
    last = highlights.first_of_month(as_at)
    if month_end(last) > as_at:  # a month not yet over has no reports to show
        last = highlights.previous_month(last)
    first = last
    for _ in range(RAG_MONTHS - 1):
        first = highlights.previous_month(first)
    out.months = highlights.months_between(first, last)
    rags = highlights.overall_rags(programme, first, last)
    out.rags = [
        (s, [rags.get((s.pk, m), "") for m in out.months])
        for s in highlights.strands_for(programme).order_by("order", "code")
    ]
    # risks and issues
    appetites = raid.appetites(programme)
    open_risks = raid.risks(programme).filter(status=RiskStatus.OPEN)
    out.risks = list(open_risks.order_by(F("residual_score").desc(nulls_last=True), "reference")[:5])
    out.open_risks = open_risks.count()
    out.above_appetite = open_risks.filter(raid.above_appetite(appetites)).count()
    open_issues = raid.issues(programme).filter(status=IssueStatus.OPEN)
    out.issues = list(open_issues.annotate(rank=PRIORITY_RANK).order_by("rank", "reference")[:5])
    out.open_issues = open_issues.count()
    out.changes = list(
        governance.changes_register(programme).filter(state=ChangeRequest.State.PENDING).order_by("raised_on", "ref")
    )
    # money: the financial year of the date, actuals to the end of the last month ended by then
    summary = finance.budget_summary(programme)
    year = fiscal.start_year_of(as_at)
    totals = summary.figures.programme
    if year in summary.years and (year in totals.planned or year in totals.actual):
        lines = finance_sections.lines_as_at(summary, year, as_at)
        out.money = Money(
            fiscal.label(year),
            _sum([line.figures.planned for line in lines]) or Decimal("0.00"),
            _sum([line.figures.actual for line in lines]),
            _sum([line.figures.projected for line in lines]),
            _sum([line.figures.variation for line in lines]),
        )
    return out


def dashboard_kept(programme: Programme, *, as_at: dt.date | None = None) -> Dashboard:
    """:func:`dashboard`, kept in Django's cache until the programme changes (decision 0014's key).

    Kept under the programme, its status date, the date asked for and
    :func:`~improve.programmes.selectors.change_count`: every write to the programme, in any room
    (a plan line, a baseline, a risk, a highlight report, a budget amount), is audited under it,
    so any change makes a new key and a kept dashboard is never shown after it. The page uses it;
    a board pack is built from :func:`dashboard` itself.
    """
    as_at = as_at or programme.as_at
    status = programme.as_at.isoformat()
    key = f"reporting:dashboard:{programme.pk}:{status}:{as_at.isoformat()}:{change_count(programme)}"
    found = cache.get(key)
    if isinstance(found, Dashboard):
        return replace(found, programme=programme)
    found = dashboard(programme, as_at=as_at)
    cache.set(key, found, KEEP_SECONDS)
    return found


# --- as board-pack blocks ---------------------------------------------------------------------


def _date(day: dt.date | None) -> Cell:
    return Cell(day, "date") if day else Cell("TBD")


def _money(value: Decimal | None) -> Cell:
    return Cell(value, "money", unit="£000") if value is not None else Cell("Not entered")


def rag_chart(d: Dashboard) -> Chart:
    """Each strand's overall RAG month by month, as a "rag-grid" chart (its values index RAG_ORDER)."""
    series = tuple(Series(f"{s.code} {s.name}", tuple(RAG_ORDER.index(RAG_WORDS[r]) for r in row)) for s, row in d.rags)
    reds = [f"{s.code} {s.name}" for s, row in d.rags if row and row[-1] == "red"]
    ambers = [f"{s.code} {s.name}" for s, row in d.rags if row and row[-1] == "amber"]
    latest = d.month_labels[-1] if d.months else ""
    said = (
        f"In {latest}: red {', '.join(reds) or 'none'}; amber {', '.join(ambers) or 'none'}."
        if latest
        else "No months to show."
    )
    return Chart(
        title="Overall RAG by strand",
        chart="rag-grid",
        categories=tuple(d.month_labels),
        series=series,
        description=f"Each strand's overall RAG from its highlight reports, month by month. {said}",
        category_label="Month",
        series_label=d.programme.strand_word,
    )


def blocks(d: Dashboard) -> tuple[Block, ...]:
    """The dashboard as board-pack blocks, in the page's order."""
    out: list[Block] = [Heading("Milestones")]
    out.append(
        Paragraph(
            f"{d.due_count} due in the next {HORIZON_DAYS} days; {d.overdue_count} overdue; "
            + (f"{d.slipped_count} later than the baseline {d.baseline}." if d.baseline else "no baseline taken.")
        )
    )
    if d.due:
        out.append(
            Table(
                caption=f"Due by {d.as_at + dt.timedelta(days=HORIZON_DAYS):%d/%m/%Y}",
                columns=(Column("Line"), Column("Title"), Column("Strand"), Column("Due")),
                rows=tuple((Cell(m.uid), Cell(m.title), Cell(m.strand), _date(m.end)) for m in d.due),
            )
        )
    if d.slipped:
        out.append(
            Table(
                caption="Slipped against the baseline",
                columns=(
                    Column("Line"),
                    Column("Title"),
                    Column("Baseline end"),
                    Column("End now"),
                    Column("Days late", True),
                ),
                rows=tuple(
                    (Cell(m.uid), Cell(m.title), _date(m.was), _date(m.end), Cell(m.days, "number", unit="days"))
                    for m in d.slipped
                ),
            )
        )
    out += [Heading(f"RAG by {d.programme.strand_word.lower()} over time"), rag_chart(d)]
    out.append(Heading("Top risks"))
    out.append(Paragraph(f"{d.open_risks} open risks; {d.above_appetite} above the appetite for their category."))
    if d.risks:
        out.append(
            Table(
                caption="Open risks with the highest score now",
                columns=(Column("Risk"), Column("Title"), Column("Score now", True), Column("Owner")),
                rows=tuple(
                    (
                        Cell(r.reference),
                        Cell(r.title),
                        Cell(r.residual_score, "number") if r.residual_score else Cell("Not scored"),
                        Cell(r.owner.name if r.owner else ""),
                    )
                    for r in d.risks
                ),
            )
        )
    out.append(Heading("Open issues"))
    out.append(Paragraph(f"{d.open_issues} open issues."))
    if d.issues:
        out.append(
            Table(
                caption="Open issues by priority",
                columns=(Column("Issue"), Column("Title"), Column("Priority"), Column("Escalated to")),
                rows=tuple(
                    (
                        Cell(i.reference),
                        Cell(i.title),
                        Cell(i.get_priority_display()),
                        Cell(i.get_escalation_display()),
                    )
                    for i in d.issues
                ),
            )
        )
    out.append(Heading("Change requests awaiting a decision"))
    if d.changes:
        out.append(
            Table(
                caption="Change requests awaiting a decision",
                columns=(
                    Column("Change"),
                    Column("Title"),
                    Column("Board"),
                    Column("Delay", True),
                    Column("Cost", True),
                ),
                rows=tuple(
                    (
                        Cell(c.ref),
                        Cell(c.title),
                        Cell(c.board.name if c.board else "No board"),
                        Cell(c.impact_days, "number", unit="days"),
                        Cell(c.impact_cost, "money", unit="£"),
                    )
                    for c in d.changes
                ),
            )
        )
    else:
        out.append(Paragraph("None awaiting a decision."))
    out.append(Heading("Money"))
    if d.money is not None:
        m = d.money
        out.append(
            Table(
                caption=f"Programme budget {m.year}",
                columns=(Column("Measure"), Column("£000", True)),
                rows=(
                    (Cell("Budget (planned)"), _money(m.budget)),
                    (Cell("Actual to date"), _money(m.actual)),
                    (Cell("Projected"), _money(m.projected)),
                    (Cell("Variation (projected less planned)"), _money(m.variation)),
                ),
            )
        )
    else:
        out.append(Note("No budget is recorded for this financial year.", "warning"))
    out += [Heading("Benefits"), Paragraph("No benefits recorded.")]
    return tuple(out)
