"""Reads of the RAID log, with their joins in place so pages make a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from improve.core.models import without_bookkeeping
from improve.programmes.models import Owner, PlanItem, Programme, Strand
from improve.raid import scoring
from improve.raid.models import (
    CLOSED_ACTIONS,
    Action,
    Issue,
    IssueStatus,
    LogEntry,
    Risk,
    RiskAppetite,
    RiskStatus,
)

BASES = ("residual", "inherent")


def _appetite() -> Subquery:
    return Subquery(
        RiskAppetite.objects.filter(programme=OuterRef("programme"), category=OuterRef("category")).values("max_score")[
            :1
        ]
    )


def _linked(qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.prefetch_related(
        Prefetch("strands", queryset=Strand.all_objects.only("id", "code", "name", "order")),
    )


def risks(programme: Programme, *, archived: bool = False) -> QuerySet[Risk]:
    """The programme's risks, highest residual score first, with owner, strands and appetite."""
    manager = Risk.all_objects.filter(archived_at__isnull=False) if archived else Risk.objects.all()
    qs = manager.filter(programme=programme).select_related("owner").annotate(appetite=_appetite())
    return _linked(without_bookkeeping(qs, "owner")).order_by("-residual_score", "reference")


@dataclass
class RiskFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    owner: str = ""
    strand: str = ""
    above_appetite: bool = False
    review_overdue: bool = False
    basis: str = ""
    likelihood: int | None = None
    impact: int | None = None


def filter_risks(qs: QuerySet[Risk], f: RiskFilters, *, today: dt.date) -> QuerySet[Risk]:
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(reference__iexact=f.q) | Q(event__icontains=f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.owner:
        qs = qs.filter(owner__name=f.owner)
    if f.strand:
        qs = qs.filter(strands__code=f.strand)
    if f.above_appetite:
        qs = qs.filter(appetite__isnull=False, residual_score__gt=F("appetite"))  # type: ignore[misc]
    if f.review_overdue:
        qs = qs.filter(status=RiskStatus.OPEN, review_on__lt=today)
    basis = f.basis if f.basis in BASES else "residual"
    if f.likelihood:
        qs = qs.filter(**{f"{basis}_likelihood": f.likelihood})
    if f.impact:
        qs = qs.filter(**{f"{basis}_impact": f.impact})
    return qs.distinct() if f.strand else qs


def risk(programme: Programme, reference: str) -> Risk:
    """One risk of the programme (current or archived), with its links."""
    qs = Risk.all_objects.filter(programme=programme).select_related("owner").annotate(appetite=_appetite())
    return qs.prefetch_related("strands", "plan_items", "issues").get(reference=reference)


def actions_of(parent: Risk | Issue) -> QuerySet[Action]:
    key = "risk" if isinstance(parent, Risk) else "issue"
    return Action.objects.filter(**{key: parent}).select_related("owner").order_by("due_on", "reference")


def issues(programme: Programme, *, archived: bool = False) -> QuerySet[Issue]:
    manager = Issue.all_objects.filter(archived_at__isnull=False) if archived else Issue.objects.all()
    qs = manager.filter(programme=programme).select_related("owner")
    return _linked(without_bookkeeping(qs, "owner")).order_by("reference")


@dataclass
class IssueFilters:
    q: str = ""
    status: str = ""
    priority: str = ""
    escalation: str = ""
    owner: str = ""
    strand: str = ""


def filter_issues(qs: QuerySet[Issue], f: IssueFilters) -> QuerySet[Issue]:
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(reference__iexact=f.q) | Q(description__icontains=f.q))
    for name in ("status", "priority", "escalation"):
        if getattr(f, name):
            qs = qs.filter(**{name: getattr(f, name)})
    if f.owner:
        qs = qs.filter(owner__name=f.owner)
    if f.strand:
        qs = qs.filter(strands__code=f.strand).distinct()
    return qs


def issue(programme: Programme, reference: str) -> Issue:
    qs = Issue.all_objects.filter(programme=programme).select_related("owner", "from_risk")
    return qs.prefetch_related("strands", "plan_items").get(reference=reference)


def action(programme: Programme, reference: str) -> Action:
    qs = Action.all_objects.filter(programme=programme).select_related("owner", "risk__owner", "issue__owner")
    return qs.prefetch_related("risk__strands", "issue__strands").get(reference=reference)


def log_entries(programme: Programme, kind: str, *, archived: bool = False) -> QuerySet[LogEntry]:
    manager = LogEntry.all_objects.filter(archived_at__isnull=False) if archived else LogEntry.objects.all()
    qs = manager.filter(programme=programme, kind=kind).select_related("owner")
    qs = without_bookkeeping(qs, "owner").prefetch_related(
        Prefetch("plan_items", queryset=PlanItem.all_objects.only("id", "uid", "title"))
    )
    return qs.order_by("reference")


def filter_log(qs: QuerySet[LogEntry], criteria: Mapping[str, Any]) -> QuerySet[LogEntry]:
    if criteria.get("q"):
        q = criteria["q"]
        qs = qs.filter(Q(title__icontains=q) | Q(reference__iexact=q) | Q(description__icontains=q))
    if criteria.get("status"):
        qs = qs.filter(status=criteria["status"])
    return qs


def log_entry(programme: Programme, kind: str, reference: str) -> LogEntry:
    qs = LogEntry.all_objects.filter(programme=programme, kind=kind).select_related("owner")
    return qs.prefetch_related("plan_items").get(reference=reference)


def appetites(programme: Programme) -> dict[str, int]:
    """The maximum acceptable score per category (only the categories that have one)."""
    return dict(RiskAppetite.objects.filter(programme=programme).values_list("category", "max_score"))


def owners(programme: Programme) -> QuerySet[Owner]:
    return without_bookkeeping(Owner.objects.filter(programme=programme))


def strands(programme: Programme) -> QuerySet[Strand]:
    return without_bookkeeping(Strand.objects.filter(programme=programme))


def plan_items_by_uid(programme: Programme, uids: list[str]) -> dict[str, PlanItem]:
    return {i.uid: i for i in PlanItem.objects.filter(programme=programme, uid__in=uids).only("id", "uid", "title")}


def owners_by_pk(programme: Programme) -> dict[str, Owner]:
    return {str(o.pk): o for o in owners(programme)}


# --- the heat map ---------------------------------------------------------------------------------


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return scoring.band(self.score)


@dataclass
class HeatMap:
    basis: str
    #: rows from impact 5 down to 1, each with likelihood 1 to 5
    rows: list[list[HeatCell]] = field(default_factory=list)
    total: int = 0

    def by_band(self) -> dict[str, int]:
        out = dict.fromkeys(scoring.BANDS, 0)
        for row in self.rows:
            for cell in row:
                out[cell.band] += cell.count
        return out


def heat_map(programme: Programme, *, basis: str = "residual") -> HeatMap:
    """Open risks counted by likelihood × impact, before (inherent) or after (residual) mitigation; one query."""
    basis = basis if basis in BASES else "residual"
    counts = {
        (row[f"{basis}_likelihood"], row[f"{basis}_impact"]): row["n"]
        for row in Risk.objects.filter(programme=programme, status=RiskStatus.OPEN)
        .values(f"{basis}_likelihood", f"{basis}_impact")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = [
        [HeatCell(likelihood, impact, counts.get((likelihood, impact), 0)) for likelihood in scoring.LEVELS]
        for impact in reversed(scoring.LEVELS)
    ]
    return HeatMap(basis=basis, rows=rows, total=sum(counts.values()))


# --- the overview ---------------------------------------------------------------------------------


@dataclass
class Overdue:
    actions: list[Action]
    action_count: int
    reviews: list[Risk]
    review_count: int
    open_risks: int
    open_issues: int


def overdue(programme: Programme, *, today: dt.date, listed: int = 5) -> Overdue:
    """Actions past their due date and open risks past their review date, judged at ``today``."""
    late_actions = (
        Action.objects.filter(programme=programme, due_on__lt=today)
        .exclude(status__in=CLOSED_ACTIONS)
        .filter(
            Q(risk__archived_at__isnull=True, risk__isnull=False)
            | Q(issue__archived_at__isnull=True, issue__isnull=False)
        )
    )
    late_reviews = Risk.objects.filter(programme=programme, status=RiskStatus.OPEN, review_on__lt=today)
    counts = Risk.objects.filter(programme=programme).aggregate(open=Count("id", filter=Q(status=RiskStatus.OPEN)))
    return Overdue(
        actions=list(late_actions.select_related("risk", "issue", "owner").order_by("due_on", "reference")[:listed]),
        action_count=late_actions.count(),
        reviews=list(late_reviews.select_related("owner").order_by("review_on", "reference")[:listed]),
        review_count=late_reviews.count(),
        open_risks=counts["open"],
        open_issues=Issue.objects.filter(programme=programme, status=IssueStatus.OPEN).count(),
    )
