"""Reads of the plan, with their joins in place so pages make a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Collate
from django.utils import timezone

from improve.core.audit import change_count as audit_change_count
from improve.core.dates import format_plan_date
from improve.core.models import without_bookkeeping
from improve.core.registry import OverviewPanel, registry
from improve.core.validators import is_url_key
from improve.programmes import timeline
from improve.programmes.graph import dependency_slack
from improve.programmes.models import (
    CLOSED_STATUSES,
    Baseline,
    BaselineItem,
    Dependency,
    DependencyType,
    ItemKind,
    Membership,
    Owner,
    PlanItem,
    Programme,
    Project,
    Rag,
    Stage,
    Status,
    Strand,
)

if TYPE_CHECKING:
    from improve.programmes.permissions import Access


def programmes_for_user(user: Any) -> QuerySet[Programme]:
    return Programme.objects.filter(memberships__user=user).order_by("council", "name")


def programme_slugs() -> set[str]:
    """Every programme's short name (to refuse a new one that repeats it)."""
    return set(Programme.objects.values_list("slug", flat=True))


def programme_by_slug(slug: str) -> Programme:
    return Programme.objects.get(slug=slug)


def strands_for(programme: Programme) -> QuerySet[Strand]:
    return without_bookkeeping(Strand.objects.filter(programme=programme).select_related("lead"), "lead")


def stages_for(programme: Programme) -> QuerySet[Stage]:
    return without_bookkeeping(Stage.objects.filter(programme=programme).select_related("owner"), "owner")


def owners_for(programme: Programme) -> QuerySet[Owner]:
    return without_bookkeeping(Owner.objects.filter(programme=programme))


def owners_with_counts(programme: Programme) -> QuerySet[Owner]:
    return owners_for(programme).annotate(line_count=Count("items", filter=Q(items__archived_at__isnull=True)))


def projects_for(programme: Programme) -> QuerySet[Project]:
    related = ("strand", "lead")
    return without_bookkeeping(Project.objects.filter(programme=programme).select_related(*related), *related)


def owner_in(programme: Programme, pk: int) -> Owner:
    """An owner of the programme, current or archived."""
    return Owner.all_objects.get(programme=programme, pk=pk)


def project_in(programme: Programme, code: str) -> Project:
    """A project of the programme, current or archived."""
    return Project.all_objects.select_related("strand", "lead").get(programme=programme, code=code)


def plan_items(programme: Programme, *, include_archived: bool = False) -> QuerySet[PlanItem]:
    manager = PlanItem.all_objects if include_archived else PlanItem.objects
    related = ("strand", "owner", "project", "parent")
    qs = without_bookkeeping(manager.filter(programme=programme).select_related(*related), *related)
    return qs.order_by("strand__order", "strand__code", "order", "id")


def plan_item(programme: Programme, uid: str) -> PlanItem:
    related = ("strand", "owner", "project", "parent", "programme")
    return without_bookkeeping(PlanItem.all_objects.select_related(*related), *related).get(
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
    """The lines under their strands, in the strands' order; lines of a strand not in ``strands``
    (an archived line of an archived strand) come after, under their own strand."""
    groups = {s.pk: StrandGroup(s) for s in strands}
    for item in items:
        group = groups.get(item.strand_id)
        if group is None:
            group = groups[item.strand_id] = StrandGroup(item.strand)
        group.items.append(item)
    return [g for g in groups.values() if g.items]


#: What the plan page shows of a line (and of its strand and owner); nothing else is read.
PLAN_PAGE_FIELDS = (
    "uid",
    "level",
    "kind",
    "gate_type",
    "title",
    "strand",
    "strand__name",
    "strand__code",
    "strand__order",
    "owner",
    "owner__name",
    "owner_tbd",
    "team",
    "start_date",
    "start_tbd",
    "end_date",
    "end_tbd",
    "status",
    "rag",
    "percent_complete",
)


def plan_page_items(programme: Programme, *, archived: bool = False) -> QuerySet[PlanItem]:
    """The current (or the archived) lines of the plan for the plan page, in the plan's order.

    Only the columns the page shows are read (:data:`PLAN_PAGE_FIELDS`), and no project or parent
    line is joined: a page of 200 lines builds 600 objects, not 1,000, each with a third of the values.
    """
    qs = PlanItem.all_objects.filter(programme=programme, archived_at__isnull=not archived)
    return (
        qs.select_related("strand", "owner")
        .only(*PLAN_PAGE_FIELDS)
        .order_by("strand__order", "strand__code", "order", "id")
    )


def team_names(programme: Programme) -> list[str]:
    return list(
        PlanItem.objects.filter(programme=programme)
        .exclude(team="")
        .order_by("team")
        .values_list("team", flat=True)
        .distinct()
    )


@dataclass
class Overview:
    total: int
    by_status: dict[str, int]
    by_rag: dict[str, int]
    overdue_count: int
    overdue: list[PlanItem]
    upcoming_gates: list[PlanItem]
    tbd_count: int
    strand_rows: list[dict[str, Any]]


# The counts the overview shows. Each is one more test of every plan line in the database, so
# only these are made.
OVERVIEW_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE)
OVERVIEW_RAGS = (Rag.RED, Rag.AMBER)


def _progress_counts(today: dt.date) -> dict[str, Count]:
    overdue = Q(end_date__lt=today) & ~Q(status__in=CLOSED_STATUSES)
    counts = {"total": Count("id"), "overdue": Count("id", filter=overdue)}
    counts.update({status.value: Count("id", filter=Q(status=status)) for status in OVERVIEW_STATUSES})
    counts.update({f"rag_{rag.value}": Count("id", filter=Q(rag=rag)) for rag in OVERVIEW_RAGS})
    counts["tbd"] = Count("id", filter=Q(start_tbd=True) | Q(end_tbd=True) | Q(owner_tbd=True))
    return counts


def overview(programme: Programme, *, today: dt.date, horizon_days: int = 60, listed: int = 10) -> Overview:
    """Counts by status, RAG and strand (those the page shows), computed in the database; the first
    overdue lines and gates."""
    live = PlanItem.objects.filter(programme=programme)
    counts = _progress_counts(today)
    rows: list[dict[str, Any]] = list(live.values("strand_id").annotate(**counts).order_by())  # type: ignore[arg-type]
    per_strand = {row["strand_id"]: row for row in rows}
    totals = {key: sum(row[key] for row in per_strand.values()) for key in counts}  # every line has a strand
    strands = list(strands_for(programme))
    overdue = list(
        live.filter(end_date__lt=today)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("owner")
        .order_by("end_date", "order")[:listed]
    )
    horizon = today + dt.timedelta(days=horizon_days)
    upcoming = list(
        live.filter(kind=ItemKind.GATE, end_date__gte=today, end_date__lte=horizon)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("owner")
        .order_by("end_date", "order")[:listed]
    )
    return Overview(
        total=totals["total"],
        by_status={s.value: totals[s.value] for s in OVERVIEW_STATUSES},
        by_rag={r.value: totals[f"rag_{r.value}"] for r in OVERVIEW_RAGS},
        overdue_count=totals["overdue"],
        overdue=overdue,
        upcoming_gates=upcoming,
        tbd_count=totals["tbd"],
        strand_rows=[{"strand": s, **per_strand.get(s.pk, {})} for s in strands],
    )


def item_dependencies(item: PlanItem) -> tuple[list[Dependency], list[Dependency]]:
    """(links where item is the successor, links where it is the predecessor)."""
    deps = list(
        Dependency.objects.filter(Q(successor=item) | Q(predecessor=item)).select_related("predecessor", "successor")
    )
    for d in deps:
        p, q = d.predecessor, d.successor
        d.slack = dependency_slack(d.type, d.lag_days, p.start_date, p.end_date, q.start_date, q.end_date)  # type: ignore[attr-defined]
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


def item_uid_map(programme: Programme, uids: Iterable[str] | None = None) -> dict[str, int]:
    """The pk of each line (current or archived) by uid: of every line, or of those among ``uids``.

    A form checks only the uids it was sent, so it asks for those: a plan of thousands of lines
    is not read to check one or two (and not at all for an empty form).
    """
    qs = PlanItem.all_objects.filter(programme=programme)
    if uids is not None:
        wanted = {uid for uid in uids if uid}
        if not wanted:
            return {}
        qs = qs.filter(uid__in=wanted)
    return dict(qs.order_by().values_list("uid", "pk"))


def items_by_uids(programme: Programme, uids: list[str]) -> dict[str, PlanItem]:
    return {i.uid: i for i in PlanItem.all_objects.select_related("strand").filter(programme=programme, uid__in=uids)}


def dependency_in(programme: Programme, pk: int) -> Dependency:
    return Dependency.objects.select_related("predecessor", "successor").get(programme=programme, pk=pk)


def baseline_in(programme: Programme, pk: int) -> Baseline:
    return Baseline.objects.select_related("programme", "created_by").get(programme=programme, pk=pk)


def strand_in(programme: Programme, code: str) -> Strand:
    return Strand.all_objects.select_related("lead").get(programme=programme, code=code)


def stage_in(programme: Programme, code: str) -> Stage:
    return Stage.all_objects.select_related("owner").get(programme=programme, code=code)


def timeline_rows(
    programme: Programme,
    *,
    strand_word: str,
    item_url: str,
    filters: PlanFilters | None = None,
    today: dt.date | None = None,
) -> list[timeline.Row]:
    """Every current plan line as a timeline row, under a heading row per strand.

    Reads plain values (no model instances): the whole of a 3,550-line plan in one query.
    ``item_url`` has ``{uid}`` where the line's unique ID goes; ``filters`` narrow the lines as on
    the plan page.
    """
    items = plan_items(programme)
    if filters is not None and filters.active:
        items = filter_plan(items, filters, today=today or timezone.localdate())
    status_label = dict(Status.choices)
    rows: list[timeline.Row] = []
    current_strand = None
    fields = (
        "strand_id",
        "strand__name",
        "uid",
        "title",
        "start_date",
        "start_tbd",
        "end_date",
        "end_tbd",
        "kind",
        "rag",
        "level",
        "status",
        "owner__name",
        "owner_tbd",
    )
    for (
        strand_id,
        strand_name,
        uid,
        title,
        start,
        start_tbd,
        end,
        end_tbd,
        kind,
        rag,
        level,
        status,
        owner,
        owner_tbd,
    ) in items.values_list(*fields):
        if strand_id != current_strand:
            current_strand = strand_id
            rows.append(timeline.Row(key=f"strand-{strand_id}", label=f"{strand_word}: {strand_name}", heading=True))
        owner_text = "TBD" if owner_tbd else (owner or "")
        detail = (
            f"{format_plan_date(start, start_tbd) or '—'} to {format_plan_date(end, end_tbd) or '—'}; "
            f"{status_label.get(status, status)}" + (f"; owner {owner_text}" if owner_text else "")
        )
        rows.append(
            timeline.Row(
                key=uid,
                label=f"{uid}  {title}",
                start=start,
                end=end,
                start_tbd=start_tbd,
                end_tbd=end_tbd,
                kind=kind,
                rag=rag,
                level=level,
                href=item_url.format(uid=quote(uid)) if is_url_key(uid) else "",
                detail=detail,
            )
        )
    return rows


def dependency_links(programme: Programme) -> list[tuple[str, str, str]]:
    """(predecessor uid, successor uid, type) for every dependency between current lines."""
    return list(
        Dependency.objects.filter(
            programme=programme, predecessor__archived_at__isnull=True, successor__archived_at__isnull=True
        ).values_list("predecessor__uid", "successor__uid", "type")
    )


@dataclass(frozen=True)
class BrokenLink:
    predecessor_uid: str
    predecessor_title: str
    successor_uid: str
    successor_title: str
    type: str
    lag_days: int
    days_short: int


class _DaysFrom(Func):
    """Whole days from the first date to the second, on SQLite and PostgreSQL; NULL if either is missing. [days]"""

    arity = 2
    output_field = IntegerField()

    def _sides(self, compiler: Any) -> tuple[str, str, list[Any]]:
        (start, start_params), (end, end_params) = (compiler.compile(e) for e in self.get_source_expressions())
        return start, end, [*end_params, *start_params]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        start, end, params = self._sides(compiler)
        return f"({end} - {start})", params  # PostgreSQL: date - date is a whole number of days

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        start, end, params = self._sides(compiler)
        return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)", params


def _slack() -> CombinedExpression:
    """:func:`improve.programmes.graph.dependency_slack` as an SQL expression (NULL when a date is missing). [days]"""
    fs, ss, ff = DependencyType.FS, DependencyType.SS, DependencyType.FF
    driver = Case(When(type__in=[fs, ff], then=F("predecessor__end_date")), default=F("predecessor__start_date"))
    driven = Case(When(type__in=[fs, ss], then=F("successor__start_date")), default=F("successor__end_date"))
    return _DaysFrom(driver, driven) - F("lag_days")


def broken_dependencies(programme: Programme, *, listed: int | None = None) -> tuple[int, list[BrokenLink]]:
    """How many dependencies the plan's dates do not respect, and the worst ``listed`` of them (all if None).

    Found in the database (one query), so a plan of thousands of lines brings back only what is shown.
    """
    broken = (
        Dependency.objects.filter(
            programme=programme, predecessor__archived_at__isnull=True, successor__archived_at__isnull=True
        )
        .annotate(slack=_slack())
        .filter(slack__lt=0)
        .annotate(broken_count=Window(Count("id")))
        .order_by("slack", "id")
        .values_list(
            "predecessor__uid",
            "predecessor__title",
            "successor__uid",
            "successor__title",
            "type",
            "lag_days",
            "slack",
            "broken_count",
        )
    )
    rows = list(broken if listed is None else broken[:listed])
    links = [
        BrokenLink(p_uid, p_title, s_uid, s_title, kind, lag, -slack)
        for p_uid, p_title, s_uid, s_title, kind, lag, slack, _ in rows
    ]
    return (rows[0][-1] if rows else 0), links


# --- the overview, kept between requests until the programme changes ------------------------------

#: How long a computed overview is kept at most (a newer change makes it unused at once). [s]
OVERVIEW_CACHE_SECONDS = 10 * 60


def change_count(programme: Programme) -> int:
    """How many writes to the programme its audit trail holds (:func:`improve.core.audit.change_count`)."""
    return audit_change_count(programme.pk)


@dataclass(frozen=True)
class OverviewFigures:
    """What the overview page computes from the plan: its counts and lists, and its broken dependencies."""

    summary: Overview
    broken_count: int
    broken: list[BrokenLink]


def overview_figures(
    programme: Programme, *, today: dt.date, broken_listed: int, changes: int | None = None
) -> OverviewFigures:
    """:func:`overview` and :func:`broken_dependencies` of the programme as at ``today``.

    Kept in Django's cache under the programme, the date and :func:`change_count` (``changes``, if
    the caller has counted already): any write to the programme (a plan line, a dependency, a
    strand, an owner, an import) makes a new key, so a kept copy is never shown after a change, and
    a new day makes a new key too.
    """
    changes = change_count(programme) if changes is None else changes
    key = f"programmes:overview:{programme.pk}:{today.isoformat()}:{broken_listed}:{changes}"
    figures = cache.get(key)
    if not isinstance(figures, OverviewFigures):
        count, broken = broken_dependencies(programme, listed=broken_listed)
        figures = OverviewFigures(overview(programme, today=today), count, broken)
        cache.set(key, figures, OVERVIEW_CACHE_SECONDS)
    return figures


def overview_panels(programme: Programme, *, today: dt.date, access: Access, changes: int) -> list[OverviewPanel]:
    """Every room's panels for the overview (:meth:`Registry.overview_panels`), kept like the figures.

    A panel shows the programme's data as at ``today`` to this member, so it is kept under the
    programme, the date, :func:`change_count` (``changes``) and the member's role and strands; any
    write to the programme, in any room, is audited under it and makes a new key.
    """
    strands = ",".join(str(pk) for pk in sorted(access.strand_ids))
    key = f"programmes:panels:{programme.pk}:{today.isoformat()}:{access.role}:{strands}:{changes}"
    kept = cache.get(key)
    if isinstance(kept, list):
        return kept
    panels = registry.overview_panels(programme, today, access)
    cache.set(key, panels, OVERVIEW_CACHE_SECONDS)
    return panels


def members_of(programme: Programme) -> QuerySet[Membership]:
    return Membership.objects.filter(programme=programme).select_related("user").prefetch_related("strands")


def member_of(programme: Programme, pk: int) -> Membership:
    return members_of(programme).get(pk=pk)


def archived_strands(programme: Programme) -> QuerySet[Strand]:
    return Strand.all_objects.filter(programme=programme, archived_at__isnull=False)


def archived_stages(programme: Programme) -> QuerySet[Stage]:
    return Stage.all_objects.filter(programme=programme, archived_at__isnull=False)


# --- the registers of the programme's definition (current or archived rows) -----------------------


def _current_lines(prefix: str) -> Count:
    """How many current plan lines refer to the row (``prefix``: the lines' relation to it)."""
    return Count(prefix, filter=Q(**{f"{prefix}__archived_at__isnull": True}))


def strands_register(programme: Programme, *, archived: bool) -> QuerySet[Strand]:
    qs = Strand.all_objects.filter(programme=programme, archived_at__isnull=not archived)
    return qs.select_related("lead").annotate(line_count=_current_lines("items")).order_by("order", "code", "id")


def stages_register(programme: Programme, *, archived: bool) -> QuerySet[Stage]:
    qs = Stage.all_objects.filter(programme=programme, archived_at__isnull=not archived)
    return qs.select_related("owner").order_by("order", "code", "id")


def projects_register(programme: Programme, *, archived: bool) -> QuerySet[Project]:
    qs = Project.all_objects.filter(programme=programme, archived_at__isnull=not archived)
    return (
        qs.select_related("strand", "lead")
        .annotate(line_count=_current_lines("items"))
        .order_by("strand__order", "strand__code", "code", "id")
    )


def owners_register(programme: Programme, *, archived: bool) -> QuerySet[Owner]:
    qs = Owner.all_objects.filter(programme=programme, archived_at__isnull=not archived)
    return qs.annotate(line_count=_current_lines("items")).order_by("name", "id")


def filter_definitions(qs: QuerySet[Any], criteria: dict[str, Any], *, search: tuple[str, ...]) -> QuerySet[Any]:
    """Narrow a definition register: ``q`` in any of the ``search`` fields, and a ``strand``
    (by code) or ``kind`` where the form has one."""
    if q := (criteria.get("q") or "").strip():
        match = Q()
        for name in search:
            match |= Q(**{f"{name}__icontains": q})
        qs = qs.filter(match)
    if criteria.get("strand"):
        qs = qs.filter(strand__code=criteria["strand"])
    if criteria.get("kind"):
        qs = qs.filter(kind=criteria["kind"])
    return qs


# --- the board pack's plan section: the plan as it stood at a date ---------------------------------

#: A line's dates: (start, start TBD, end, end TBD).
PlanDates = tuple[dt.date | None, bool, dt.date | None, bool]


@dataclass(frozen=True)
class BaselineTaken:
    """A baseline's name and the day it was taken (what the board pack chooses between)."""

    pk: int
    name: str
    taken_on: dt.date


def baselines_taken(programme: Programme) -> list[BaselineTaken]:
    """The programme's current baselines, earliest taken first; one query."""
    rows = Baseline.objects.filter(programme=programme).order_by("taken_on", "id")
    return [BaselineTaken(pk, name, taken) for pk, name, taken in rows.values_list("id", "name", "taken_on")]


def baseline_dates(baseline_id: int, *, uids: QuerySet[Any] | None = None) -> dict[str, PlanDates]:
    """The dates a baseline froze, by line uid (only of ``uids``, a query of uids, if given); one query."""
    found = BaselineItem.objects.filter(baseline_id=baseline_id)
    if uids is not None:
        found = found.filter(uid__in=uids)
    rows = found.values_list("uid", "start_date", "start_tbd", "end_date", "end_tbd")
    return {uid: (start, start_tbd, end, end_tbd) for uid, start, start_tbd, end, end_tbd in rows}


@dataclass(frozen=True)
class PackLine:
    """What the board pack reads of a current plan line (plain values, no model instance)."""

    uid: str
    title: str
    kind: str
    gate_type: str
    strand_id: int
    strand_name: str
    owner: str
    status: str
    rag: str
    dates: PlanDates
    #: entered into the plan within the window :func:`pack_lines` was asked about
    entered: bool = False


@dataclass(frozen=True)
class WatchedLine:
    """A line a dashboard lists: its end as at the date, and the compared baseline's end if slipped."""

    uid: str
    title: str
    strand_name: str
    end: dt.date | None
    baseline_end: dt.date | None = None


@dataclass(frozen=True)
class Watched:
    """The lines due (from the date to a horizon), overdue and slipped, counted; the first few listed."""

    due: list[WatchedLine]
    due_count: int
    overdue_count: int
    slipped: list[WatchedLine]
    slipped_count: int


def _bytewise(field: str) -> Any:
    """``field`` ordered as Python orders strings (by code point), whatever the database's collation."""
    name = {"postgresql": "C", "sqlite": "BINARY"}.get(connection.vendor)
    return Collate(F(field), name) if name else F(field)


def watched_lines(
    programme: Programme,
    *,
    where: Q,
    as_at: dt.date,
    horizon: dt.date,
    snapshot_id: int | None,
    compared_id: int | None,
    listed: int,
) -> Watched:
    """The current lines ``where`` picks that are due, overdue or slipped as at ``as_at``; three queries.

    The database picks them, however long the plan: a line's dates are the ``snapshot_id``
    baseline's when it holds the line, else the plan's own (as :func:`sections.plan_as_at` reads
    them); a line is still open at the date unless cancelled, or complete with an end on or before
    it. Due: open, ending from ``as_at`` to ``horizon``, soonest first (then in the plan's order).
    Overdue: open, ending before ``as_at``. Slipped: ending later than the ``compared_id``
    baseline froze (not now TBD), most days first, then by uid.
    """
    rows = PlanItem.objects.filter(programme=programme).filter(where)
    if snapshot_id is not None:
        frozen = BaselineItem.objects.filter(baseline_id=snapshot_id, uid=OuterRef("uid"))
        held = Exists(frozen)
        rows = rows.annotate(
            at_end=Case(
                When(held, then=Subquery(frozen.values("end_date")[:1])),
                default=F("end_date"),
                output_field=DateField(),
            ),
            at_end_tbd=Case(
                When(held, then=Subquery(frozen.values("end_tbd")[:1])),
                default=F("end_tbd"),
                output_field=BooleanField(),
            ),
        )
    else:
        rows = rows.annotate(at_end=F("end_date"), at_end_tbd=F("end_tbd"))
    open_at = ~Q(status__in=CLOSED_STATUSES) | Q(status=Status.COMPLETE, at_end__gt=as_at)
    due = open_at & Q(at_end__gte=as_at, at_end__lte=horizon)
    overdue = open_at & Q(at_end__lt=as_at)
    counts = {"due": Count("pk", filter=due), "overdue": Count("pk", filter=overdue)}
    slipped = Q(pk__in=[])
    if compared_id is not None:
        base = BaselineItem.objects.filter(baseline_id=compared_id, uid=OuterRef("uid"), end_date__isnull=False)
        rows = rows.annotate(base_end=Subquery(base.values("end_date")[:1], output_field=DateField()))
        slipped = Q(base_end__isnull=False, at_end_tbd=False, at_end__gt=F("base_end"))
        counts["slipped"] = Count("pk", filter=slipped)
    found = rows.aggregate(**counts)
    fields = ("uid", "title", "strand__name", "at_end")
    plan_order = ("strand__order", "strand__code", "order", "id")
    due_rows = rows.filter(due).order_by("at_end", *plan_order).values_list(*fields)[:listed]
    slipped_rows: list[tuple[str, str, str, dt.date, dt.date]] = []
    if compared_id is not None:
        later = _DaysFrom(F("base_end"), F("at_end"))
        slipped_rows = list(
            rows.filter(slipped).order_by(later.desc(), _bytewise("uid")).values_list(*fields, "base_end")[:listed]
        )
    return Watched(
        due=[WatchedLine(uid, title, strand or "", end) for uid, title, strand, end in due_rows],
        due_count=found["due"],
        overdue_count=found["overdue"],
        slipped=[WatchedLine(uid, title, strand or "", end, was) for uid, title, strand, end, was in slipped_rows],
        slipped_count=found.get("slipped", 0),
    )


def line_uids(programme: Programme, where: Q) -> QuerySet[PlanItem, Any]:
    """The uids of the current lines ``where`` picks, as a query to filter other tables by."""
    return PlanItem.objects.filter(programme=programme).filter(where).values("uid")


def _local_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in the installation's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def pack_lines(
    programme: Programme, *, where: Q | None = None, entered_between: tuple[dt.date, dt.date] | None = None
) -> list[PackLine]:
    """Every current line of the plan (or those ``where`` picks) in the plan's order, with its
    strand's and owner's names; one query. With ``entered_between=(after, until)`` each line says
    whether it was entered after the day ``after`` and by the end of ``until`` (the database
    compares the moments; nothing is worked out per line in Python)."""
    if entered_between is None:
        entered: Any = Value(False)
    else:
        after, until = entered_between
        window = Q(created_at__gte=_local_midnight(after + dt.timedelta(days=1))) & Q(
            created_at__lt=_local_midnight(until + dt.timedelta(days=1))
        )
        entered = ExpressionWrapper(window, output_field=BooleanField())
    fields = (
        "uid",
        "title",
        "kind",
        "gate_type",
        "strand_id",
        "strand__name",
        "owner__name",
        "owner_tbd",
        "status",
        "rag",
        "start_date",
        "start_tbd",
        "end_date",
        "end_tbd",
        "entered",
    )
    rows = (
        PlanItem.objects.filter(programme=programme)
        .filter(where or Q())
        .annotate(entered=entered)
        .order_by("strand__order", "strand__code", "order", "id")
        .values_list(*fields)
    )
    return [
        PackLine(
            uid=uid,
            title=title,
            kind=kind,
            gate_type=gate_type,
            strand_id=strand_id,
            strand_name=strand_name,
            owner="TBD" if owner_tbd else (owner or ""),
            status=status,
            rag=rag,
            dates=(start, start_tbd, end, end_tbd),
            entered=bool(new),
        )
        for (
            uid,
            title,
            kind,
            gate_type,
            strand_id,
            strand_name,
            owner,
            owner_tbd,
            status,
            rag,
            start,
            start_tbd,
            end,
            end_tbd,
            new,
        ) in rows
    ]
