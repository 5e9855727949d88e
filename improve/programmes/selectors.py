"""Reads of the plan, with their joins in place so pages make a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from improve.programmes.models import (
    CLOSED_STATUSES,
    Baseline,
    Dependency,
    ItemKind,
    Owner,
    PlanItem,
    Programme,
    Project,
    Stage,
    Status,
    Strand,
)


def programmes_for_user(user: Any) -> QuerySet[Programme]:
    return Programme.objects.filter(memberships__user=user).order_by("council", "name")


def programme_by_slug(slug: str) -> Programme:
    return Programme.objects.get(slug=slug)


def strands_for(programme: Programme) -> QuerySet[Strand]:
    return Strand.objects.filter(programme=programme).select_related("lead")


def stages_for(programme: Programme) -> QuerySet[Stage]:
    return Stage.objects.filter(programme=programme).select_related("owner")


def owners_for(programme: Programme) -> QuerySet[Owner]:
    return Owner.objects.filter(programme=programme)


def owners_with_counts(programme: Programme) -> QuerySet[Owner]:
    return owners_for(programme).annotate(line_count=Count("items", filter=Q(items__archived=False)))


def projects_for(programme: Programme) -> QuerySet[Project]:
    return Project.objects.filter(programme=programme).select_related("strand", "lead")


def owner_in(programme: Programme, pk: int) -> Owner:
    return Owner.objects.get(programme=programme, pk=pk)


def project_in(programme: Programme, code: str) -> Project:
    return Project.objects.select_related("strand", "lead").get(programme=programme, code=code)


def plan_items(programme: Programme, *, include_archived: bool = False) -> QuerySet[PlanItem]:
    qs = PlanItem.objects.filter(programme=programme).select_related("strand", "owner", "project", "parent")
    if not include_archived:
        qs = qs.filter(archived=False)
    return qs.order_by("strand__order", "strand__code", "order", "id")


def plan_item(programme: Programme, uid: str) -> PlanItem:
    return PlanItem.objects.select_related("strand", "owner", "project", "parent", "programme").get(
        programme=programme, uid=uid
    )


@dataclass
class PlanFilters:
    strand: str = ""
    owner: str = ""
    team: str = ""
    status: str = ""
    kind: str = ""
    overdue: bool = False
    tbd: bool = False
    q: str = ""

    @property
    def active(self) -> bool:
        return any([self.strand, self.owner, self.team, self.status, self.kind, self.overdue, self.tbd, self.q])


def filter_plan(qs: QuerySet[PlanItem], f: PlanFilters, *, today: dt.date) -> QuerySet[PlanItem]:
    if f.strand:
        qs = qs.filter(strand__code=f.strand)
    if f.owner:
        qs = qs.filter(owner_tbd=True) if f.owner == "TBD" else qs.filter(owner__name=f.owner)
    if f.team:
        qs = qs.filter(team=f.team)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.overdue:
        qs = qs.filter(end_date__lt=today).exclude(status__in=CLOSED_STATUSES)
    if f.tbd:
        qs = qs.filter(Q(start_tbd=True) | Q(end_tbd=True) | Q(owner_tbd=True))
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(uid__iexact=f.q) | Q(notes__icontains=f.q))
    return qs


@dataclass
class StrandGroup:
    strand: Strand
    items: list[PlanItem] = field(default_factory=list)


def group_by_strand(items: list[PlanItem], strands: list[Strand]) -> list[StrandGroup]:
    groups = {s.pk: StrandGroup(s) for s in strands}
    for item in items:
        groups[item.strand_id].items.append(item)
    return [g for g in groups.values() if g.items]


def team_names(programme: Programme) -> list[str]:
    return sorted(
        {
            t
            for t in PlanItem.objects.filter(programme=programme, archived=False)
            .values_list("team", flat=True)
            .distinct()
            if t
        }
    )


@dataclass
class Overview:
    total: int
    by_status: dict[str, int]
    by_rag: dict[str, int]
    by_kind: dict[str, int]
    overdue: list[PlanItem]
    upcoming_gates: list[PlanItem]
    tbd_count: int
    strand_rows: list[dict[str, Any]]


def overview(programme: Programme, *, today: dt.date, horizon_days: int = 60) -> Overview:
    items = list(plan_items(programme))
    strands = list(strands_for(programme))
    by_strand: dict[int, Counter[str]] = {s.pk: Counter() for s in strands}
    for i in items:
        c = by_strand[i.strand_id]
        c["total"] += 1
        c[i.status] += 1
        if i.rag:
            c[f"rag_{i.rag}"] += 1
        if i.is_overdue(today):
            c["overdue"] += 1
    overdue = [i for i in items if i.is_overdue(today)]
    overdue.sort(key=lambda i: i.end_date or today)
    horizon = today + dt.timedelta(days=horizon_days)
    upcoming = [
        i
        for i in items
        if i.kind == ItemKind.GATE and i.end_date and today <= i.end_date <= horizon and i.status not in CLOSED_STATUSES
    ]
    upcoming.sort(key=lambda i: i.end_date or today)
    return Overview(
        total=len(items),
        by_status=dict(Counter(i.status for i in items)),
        by_rag=dict(Counter(i.rag or "none" for i in items)),
        by_kind=dict(Counter(i.kind for i in items)),
        overdue=overdue,
        upcoming_gates=upcoming,
        tbd_count=sum(1 for i in items if i.start_tbd or i.end_tbd or i.owner_tbd),
        strand_rows=[{"strand": s, **by_strand[s.pk]} for s in strands],
    )


def item_dependencies(item: PlanItem) -> tuple[list[Dependency], list[Dependency]]:
    """(links where item is the successor, links where it is the predecessor)."""
    deps = list(
        Dependency.objects.filter(Q(successor=item) | Q(predecessor=item)).select_related("predecessor", "successor")
    )
    return [d for d in deps if d.successor_id == item.pk], [d for d in deps if d.predecessor_id == item.pk]


def dependencies_for(programme: Programme) -> QuerySet[Dependency]:
    return Dependency.objects.filter(programme=programme)


def baselines_for(programme: Programme) -> QuerySet[Baseline]:
    return Baseline.objects.filter(programme=programme).select_related("created_by")


@dataclass
class Slip:
    item: PlanItem
    baseline_start: dt.date | None
    baseline_end: dt.date | None
    baseline_end_tbd: bool
    days_slipped: int | None
    change: str


def baseline_comparison(baseline: Baseline) -> dict[str, list[Any]]:
    """Compare the current plan with ``baseline``.

    Slipped: the end date is later than the baseline end (days slipped), or a dated end became
    TBD. Also lists items added since the baseline and items removed (archived or gone).
    """
    current = {i.uid: i for i in plan_items(baseline.programme)}
    frozen = {b.uid: b for b in baseline.items.all()}
    slipped: list[Slip] = []
    improved: list[Slip] = []
    for uid, b in frozen.items():
        item = current.get(uid)
        if item is None:
            continue
        if b.end_date and item.end_tbd:
            slipped.append(Slip(item, b.start_date, b.end_date, b.end_tbd, None, "End date is now TBD"))
        elif b.end_date and item.end_date and item.end_date != b.end_date:
            days = (item.end_date - b.end_date).days
            target = slipped if days > 0 else improved
            target.append(Slip(item, b.start_date, b.end_date, b.end_tbd, days, "Later" if days > 0 else "Earlier"))
    slipped.sort(key=lambda s: (s.days_slipped is not None, -(s.days_slipped or 0)))
    added = [i for uid, i in current.items() if uid not in frozen]
    removed = [b for uid, b in frozen.items() if uid not in current]
    return {"slipped": slipped, "improved": improved, "added": added, "removed": removed, "compared": [len(frozen)]}


STATUS_ORDER = [s.value for s in Status]


def item_uid_map(programme: Programme) -> dict[str, int]:
    return dict(PlanItem.objects.filter(programme=programme).values_list("uid", "pk"))


def items_by_uids(programme: Programme, uids: list[str]) -> dict[str, PlanItem]:
    return {i.uid: i for i in PlanItem.objects.filter(programme=programme, uid__in=uids)}


def dependency_in(programme: Programme, pk: int) -> Dependency:
    return Dependency.objects.select_related("predecessor", "successor").get(programme=programme, pk=pk)


def baseline_in(programme: Programme, pk: int) -> Baseline:
    return Baseline.objects.select_related("programme", "created_by").get(programme=programme, pk=pk)


def strand_in(programme: Programme, code: str) -> Strand:
    return Strand.objects.select_related("lead").get(programme=programme, code=code)


def stage_in(programme: Programme, code: str) -> Stage:
    return Stage.objects.select_related("owner").get(programme=programme, code=code)
