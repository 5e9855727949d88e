"""Reads of the RAID log, with their joins in place so pages make a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from improve.core.audit import Via
from improve.core.models import AuditEvent, without_bookkeeping
from improve.programmes.models import Owner, PlanItem, Programme, Strand
from improve.raid import scoring
from improve.raid.models import (
    CLOSED_ACTIONS,
    Action,
    ActionStatus,
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


#: What the risk register reads of a risk and its owner: what it shows, sorts and checks (who may
#: change it) — not the cause, event, effect and notes texts nor the bookkeeping.
RISK_LIST_FIELDS = (
    "id",
    "programme_id",
    "archived_at",
    "reference",
    "title",
    "category",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "target_likelihood",
    "target_impact",
    "residual_score",
    "review_on",
    "status",
    "owner",
    "owner__name",
    "owner__user_id",
)


#: The register's order: risks not yet scored first (a board wants them scored before it can weigh
#: them), then the highest score now, then by reference.
RISK_ORDER = (F("residual_score").desc(nulls_first=True), "reference")


def risks(programme: Programme, *, archived: bool = False) -> QuerySet[Risk]:
    """The programme's risks, not yet scored first, then highest residual score, with owner and strands.

    Only the columns the register uses are read; the appetite of each category comes from
    :func:`appetites` (one small query), not from a subquery on every row.
    """
    manager = Risk.all_objects.filter(archived_at__isnull=False) if archived else Risk.objects.all()
    qs = manager.filter(programme=programme).select_related("owner").only(*RISK_LIST_FIELDS)
    return _linked(qs).order_by(*RISK_ORDER)


def above_appetite(appetites: Mapping[str, int]) -> Q:
    """Risks whose residual score is above their category's appetite (none if no appetite is set)."""
    q = Q(pk__in=[])
    for category, max_score in appetites.items():
        q |= Q(category=category, residual_score__gt=max_score)
    return q


@dataclass
class RiskFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    owner: str = ""
    strand: str = ""
    above_appetite: bool = False
    not_scored: bool = False
    review_overdue: bool = False
    basis: str = ""
    likelihood: int | None = None
    impact: int | None = None


def filter_risks(qs: QuerySet[Risk], f: RiskFilters, *, today: dt.date, appetites: Mapping[str, int]) -> QuerySet[Risk]:
    """``qs`` narrowed by ``f``; ``appetites`` (category → highest acceptable score) for "above appetite"."""
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
        qs = qs.filter(above_appetite(appetites))
    if f.review_overdue:
        qs = qs.filter(status=RiskStatus.OPEN, review_on__lt=today)
    basis = f.basis if f.basis in BASES else "residual"
    if f.not_scored:
        qs = qs.filter(**{f"{basis}_score__isnull": True})
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


#: What the issue register reads of an issue and its owner (not its long texts nor bookkeeping).
ISSUE_LIST_FIELDS = (
    "id",
    "programme_id",
    "archived_at",
    "reference",
    "title",
    "priority",
    "escalation",
    "status",
    "raised_on",
    "owner",
    "owner__name",
    "owner__user_id",
)


def issues(programme: Programme, *, archived: bool = False) -> QuerySet[Issue]:
    manager = Issue.all_objects.filter(archived_at__isnull=False) if archived else Issue.objects.all()
    qs = manager.filter(programme=programme).select_related("owner").only(*ISSUE_LIST_FIELDS)
    return _linked(qs).order_by("reference")


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
    """The owners to choose from (forms and filters): their names and whom they belong to."""
    return Owner.objects.filter(programme=programme).only("id", "programme_id", "name", "user_id")


def strands(programme: Programme) -> QuerySet[Strand]:
    """The strands to choose from (forms and filters)."""
    return Strand.objects.filter(programme=programme).only("id", "programme_id", "code", "name", "order")


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
    #: open risks scored on this basis (those on the grid)
    total: int = 0
    #: open risks not yet scored on this basis: off the grid, named beside it
    not_scored: list[Risk] = field(default_factory=list)

    def by_band(self) -> dict[str, int]:
        out = dict.fromkeys(scoring.BANDS, 0)
        for row in self.rows:
            for cell in row:
                out[cell.band] += cell.count
        return out


def heat_map(programme: Programme, *, basis: str = "residual") -> HeatMap:
    """Open risks counted by likelihood × impact, before (inherent) or after (residual) mitigation,
    and those not yet scored on that basis listed apart; two queries."""
    basis = basis if basis in BASES else "residual"
    open_risks = Risk.objects.filter(programme=programme, status=RiskStatus.OPEN)
    counts = {
        (row[f"{basis}_likelihood"], row[f"{basis}_impact"]): row["n"]
        for row in open_risks.filter(**{f"{basis}_score__isnull": False})
        .values(f"{basis}_likelihood", f"{basis}_impact")
        .annotate(n=Count("id"))
        .order_by()
    }
    not_scored = open_risks.filter(**{f"{basis}_score__isnull": True}).only("id", "reference", "title")
    rows = [
        [HeatCell(likelihood, impact, counts.get((likelihood, impact), 0)) for likelihood in scoring.LEVELS]
        for impact in reversed(scoring.LEVELS)
    ]
    return HeatMap(
        basis=basis, rows=rows, total=sum(counts.values()), not_scored=list(not_scored.order_by("reference"))
    )


# --- the overview ---------------------------------------------------------------------------------


@dataclass
class Overdue:
    actions: list[Action]
    action_count: int
    reviews: list[Risk]
    review_count: int
    open_risks: int
    open_issues: int
    #: open risks not yet scored (counted in ``open_risks``)
    not_scored: int = 0


def overdue(programme: Programme, *, today: dt.date, listed: int = 5) -> Overdue:
    """Actions past their due date and open risks past their review date, judged at ``today``.

    Five queries whatever the size of the log: one count over the risks (open, late reviews), one
    over the issues, one over the late actions, and the first ``listed`` of each list, reading only
    the columns the panel shows.
    """
    late_actions = (
        Action.objects.filter(programme=programme, due_on__lt=today)
        .exclude(status__in=CLOSED_ACTIONS)
        # a missing parent reads as NULL too: the one parent there is must not be archived
        .filter(risk__archived_at__isnull=True, issue__archived_at__isnull=True)
    )
    late_review = Q(status=RiskStatus.OPEN, review_on__lt=today)
    counts = Risk.objects.filter(programme=programme).aggregate(
        open=Count("id", filter=Q(status=RiskStatus.OPEN)),
        late=Count("id", filter=late_review),
        not_scored=Count("id", filter=Q(status=RiskStatus.OPEN, residual_score__isnull=True)),
    )
    actions = (
        late_actions.select_related("risk", "issue", "owner")
        .only("id", "reference", "title", "due_on", "risk__reference", "issue__reference", "owner__name")
        .order_by("due_on", "reference")
    )
    reviews = (
        Risk.objects.filter(late_review, programme=programme)
        .only("id", "reference", "title", "review_on")
        .order_by("review_on", "reference")
    )
    return Overdue(
        actions=list(actions[:listed]),
        action_count=late_actions.count(),
        reviews=list(reviews[:listed]),
        review_count=counts["late"],
        open_risks=counts["open"],
        open_issues=Issue.objects.filter(programme=programme, status=IssueStatus.OPEN).count(),
        not_scored=counts["not_scored"],
    )


# --- the board pack: the log as it stood at a date ------------------------------------------------


def day_end(day: dt.date) -> dt.datetime:
    """The first moment after ``day`` in the programme's time zone (audit times are compared with it)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def pack_risks(programme: Programme) -> list[Risk]:
    """Every current risk of the programme with its owner's name, by reference; one query."""
    fields = (
        "id",
        "programme_id",
        "reference",
        "title",
        "category",
        "residual_likelihood",
        "residual_impact",
        "residual_score",
        "status",
        "closed_on",
        "created_at",
        "owner__name",
    )
    return list(Risk.objects.filter(programme=programme).select_related("owner").only(*fields).order_by("reference"))


def pack_issues(programme: Programme) -> list[Issue]:
    """Every current issue of the programme with its owner's name and its risk's reference; one query."""
    fields = (
        "id",
        "programme_id",
        "reference",
        "title",
        "priority",
        "escalation",
        "status",
        "raised_on",
        "resolved_on",
        "created_at",
        "owner__name",
        "from_risk__reference",
    )
    qs = Issue.objects.filter(programme=programme).select_related("owner", "from_risk").only(*fields)
    return list(qs.order_by("reference"))


def pack_actions_due_before(programme: Programme, day: dt.date) -> list[Action]:
    """Current actions due before ``day`` that were not done before it (or are still open), with their
    owner and risk or issue; cancelled ones are left out. One query."""
    qs = (
        Action.objects.filter(programme=programme, due_on__lt=day)
        .exclude(status=ActionStatus.CANCELLED)
        .exclude(status=ActionStatus.DONE, done_on__lte=day)
        .filter(risk__archived_at__isnull=True, issue__archived_at__isnull=True)
        .select_related("owner", "risk", "issue")
        .only(
            "id",
            "reference",
            "title",
            "due_on",
            "status",
            "done_on",
            "owner__name",
            "risk__reference",
            "issue__reference",
        )
    )
    return list(qs.order_by("due_on", "reference"))


def entered_by_hand(programme: Programme, model: type[Risk] | type[Issue]) -> dict[int, dt.datetime]:
    """When each of the programme's risks (or issues) was entered other than by a workbook import.

    A risk has no raised date of its own: one entered in the product was raised when it was
    entered; one brought in by a workbook carries no date, and counts as raised before any pack.
    One query on the audit trail.
    """
    rows = AuditEvent.objects.filter(
        programme_id=programme.pk, object_type=model._meta.label_lower, action=AuditEvent.Action.CREATE
    ).exclude(via=Via.WORKBOOK)
    return {int(pk): at for pk, at in rows.values_list("object_id", "at")}


@dataclass(frozen=True)
class Rescore:
    """A change of a risk's score now (residual), from the audit trail."""

    risk_id: int
    at: dt.datetime
    before: tuple[int, int] | None  # (likelihood, impact); None: not scored
    after: tuple[int, int] | None


_LEVELS = re.compile(r"likelihood (\d)\D.*impact (\d)")


def _levels(display: object) -> tuple[int, int] | None:
    found = _LEVELS.search(display) if isinstance(display, str) else None
    return (int(found.group(1)), int(found.group(2))) if found else None


def risk_rescores(programme: Programme) -> list[Rescore]:
    """Every change of the programme's risks' scores now, oldest first; one query on the audit trail."""
    rows = AuditEvent.objects.filter(
        programme_id=programme.pk, object_type=Risk._meta.label_lower, action=AuditEvent.Action.UPDATE
    ).order_by("at", "id")
    out = []
    for pk, at, before, after in rows.values_list("object_id", "at", "before", "after"):
        was, now = (before or {}).get("residual"), (after or {}).get("residual")
        if was != now and "residual" in (after or {}):
            out.append(Rescore(int(pk), at, _levels(was), _levels(now)))
    return out
