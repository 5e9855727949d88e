"""The room registry: what each room contributes to the shared machinery.

A room is one Django app. In its ``AppConfig.ready()`` it registers a :class:`Room` saying, in its
own code, what it brings: its navigation entries, its permission rules, its workbook sheets, its
example-data sheets and (for the board pack) its report sections. The shared machinery —
navigation, the permission table, the workbook, the board pack — walks the registry and names no
room. Adding a room touches its own folder, ``INSTALLED_APPS`` and one ``include()`` in the URLs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from improve.core.audit import Actor


@dataclass(frozen=True)
class NavEntry:
    """A tab in a programme's navigation bar.

    ``url_name`` is reversed with the programme's slug; ``current`` lists the URL names (of any
    namespace, ``ns:name``) under which the tab shows as the current page; ``perm`` is the
    permission a member needs to see the tab.
    """

    label: str
    url_name: str
    perm: str = "view"
    order: int = 100
    current: frozenset[str] = frozenset()

    def is_current(self, view_name: str) -> bool:
        return view_name == self.url_name or view_name in self.current


@dataclass(frozen=True)
class PermissionRule:
    """Which roles hold a permission; ``scoped`` roles hold it only for the strands they lead."""

    name: str
    roles: frozenset[str]
    scoped: frozenset[str] = frozenset()
    description: str = ""


@dataclass(frozen=True)
class OverviewPanel:
    """A block a room adds to the programme overview (e.g. the RAID room's overdue actions).

    ``template`` is rendered with the page's context plus ``panel`` (this object); ``context``
    holds what the room's selector found. ``order`` places it among the other rooms' panels.

    The overview keeps panels in the cache until the programme's audit trail grows (or the date
    or the member changes): a panel may show only what the programme's audited rows, the status
    date and the member's role give, and ``context`` must be picklable.
    """

    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    order: int = 100


#: A room's overview hook: called with (programme, as-at date, the member's access); returns a
#: panel, or None when the room has nothing to show this member.
OverviewHook = Callable[[Any, dt.date, Any], "OverviewPanel | None"]


@dataclass(frozen=True)
class ApprovedChange:
    """What an approved change request does to money, for the rooms that keep the money.

    The governance room approves changes; a finance room plugs in a handler
    (``Room.change_handlers``) that turns ``cost`` into budget-line movements. Handlers are called
    inside the approval's transaction: one that raises undoes the approval. ``actor`` is who
    approved it (for the audit trail of what a handler writes); ``approved_by`` names them and
    the board as the change's record shows it.
    """

    programme_id: int
    reference: str
    title: str
    cost: Decimal  # [£] extra cost; negative: a saving
    days: int  # delay in days; negative: sooner
    decided_on: dt.date
    strand_code: str = ""
    actor: Actor | None = None
    approved_by: str = ""


#: A room's handler of an approved change (see :class:`ApprovedChange`).
ChangeHandler = Callable[[ApprovedChange], None]


@dataclass(frozen=True)
class PackContext:
    """What a board-pack section is asked about.

    ``as_at`` is the pack's status date (the month's last day, or the meeting's date); the pack
    covers ``period_start``..``as_at``. ``since`` is the status date of the board's last issued
    pack (or the period's start when there is none): "what changed" reports changes after it.
    ``board_id`` is the board the pack is for (None for a programme-wide pack). ``role`` is the
    role of whoever will read it: a section shows child-level or restricted figures only when the
    role may see them, and suppresses small counts otherwise.
    """

    programme: Any
    as_at: dt.date
    period_start: dt.date
    since: dt.date
    board_id: int | None = None
    role: str = "board_member"


@dataclass(frozen=True)
class PackSection:
    """A section a room offers to board packs.

    ``build`` returns the room's :class:`improve.core.document.Section` for the context, or None
    when the room has no data for it (the pack then leaves the section out). ``changes`` returns
    the room's facts for the pack's "what changed since the last pack" (items slipped, risks
    moved, spend lines past tolerance) as :class:`improve.core.document.Change` s. ``key`` is
    stable (a board's chosen sections are stored by key); ``order`` is the default place in a
    pack whose board has not chosen.
    """

    key: str
    title: str
    build: Callable[[PackContext], Any]
    changes: Callable[[PackContext], Iterable[Any]] | None = None
    order: int = 100
    description: str = ""


#: A room's figure check: called with a programme, yields the relations its printed figures must
#: keep (:class:`improve.modelling.figures.Relation`: a printed total and its parts, a difference,
#: an equality), each naming its table, row and column. The check walks every room's.
FigureCheck = Callable[[Any], Iterable[Any]]


#: A room's example data: called by ``improve load-example`` after the example's workbook is
#: imported, with (programme, the example's folder, actor). The room reads its own files in the
#: folder (none: it does nothing) and returns a line saying what it loaded, or None.
ExampleHook = Callable[[Any, Path, "Actor"], "str | None"]


@dataclass(frozen=True)
class ForecastYear:
    """One financial year of a forecast series ``[£]``: the mean and central intervals.

    ``start_year`` is the calendar year the financial year starts in (2019 for 2019/20);
    ``intervals`` maps a level ``[%]`` (50, 80, 95) to ``(low, high)``; ``days`` is how many of
    the year's days the forecast covers (a part year covers fewer than 365).
    """

    start_year: int
    mean: Decimal
    intervals: Mapping[int, tuple[Decimal, Decimal]]
    days: int


@dataclass(frozen=True)
class ForecastSeries:
    """A named series of money per financial year that a room forecasts (e.g. placement spend).

    ``key`` is stable across new forecasts (a budget line links to the key and always shows the
    newest figures); ``provenance`` says where the figures come from in words (which run, made
    when and by whom, on what data); ``made_at`` is when they were made; ``synthetic`` is True
    when the data behind them is made up (a demo), so whoever shows them can say so. ``room`` is
    the title of the room that offers it (filled in by :meth:`Registry.forecast_series`).
    """

    key: str
    title: str
    years: tuple[ForecastYear, ...]
    provenance: str
    made_at: dt.datetime
    synthetic: bool = False
    room: str = ""

    def year(self, start_year: int) -> ForecastYear | None:
        return next((y for y in self.years if y.start_year == start_year), None)


#: A room's forecasts of money: called with a programme, yields its :class:`ForecastSeries`.
ForecastSource = Callable[[Any], Iterable[ForecastSeries]]


@dataclass(frozen=True)
class ChildrenInCare:
    """Projected children in care by category at dates, with intervals ``[children]``.

    For a caseload calculator (the workforce room): ``dates`` are the month ends projected (the
    first is the start); ``mean[category][i]`` and ``intervals[level][category][i] = (low, high)``
    for each date, with ``"total"`` among the categories (its interval is of the total, not a sum
    of the categories' intervals). The figures are unsuppressed aggregates: a room that shows them
    to anyone but an analyst must suppress small counts itself. ``provenance`` and ``synthetic`` as
    for :class:`ForecastSeries`.
    """

    categories: tuple[str, ...]
    dates: tuple[dt.date, ...]
    mean: Mapping[str, tuple[float, ...]]
    intervals: Mapping[int, Mapping[str, tuple[tuple[float, float], ...]]]
    provenance: str
    made_at: dt.datetime
    synthetic: bool = False

    def on(self, day: dt.date) -> int | None:
        """The index of the last date on or before ``day`` (None before the first)."""
        found = [i for i, d in enumerate(self.dates) if d <= day]
        return found[-1] if found else None


#: A room's projection of children in care: called with a programme, returns one or None.
CareProjection = Callable[[Any], "ChildrenInCare | None"]


@dataclass(frozen=True)
class Room:
    label: str
    title: str
    nav: tuple[NavEntry, ...] = ()
    permissions: tuple[PermissionRule, ...] = ()
    #: the room's part of the programme workbook (an :class:`improve.core.workbook.WorkbookPart`)
    workbook: Any = None
    #: board-pack sections the room offers (see :class:`PackSection`)
    sections: tuple[PackSection, ...] = ()
    #: models whose every write is audited through the room's services (for the audit test)
    audited_models: tuple[type, ...] = ()
    #: blocks the room adds to the programme overview
    overview: tuple[OverviewHook, ...] = ()
    #: called with each approved change request's impact (a finance room moves budget lines)
    change_handlers: tuple[ChangeHandler, ...] = ()
    #: the tables of printed figures the room holds, for the figure check (see :data:`FigureCheck`)
    figure_checks: tuple[FigureCheck, ...] = ()
    #: the roles a member of a programme may hold (declared by the room that keeps membership);
    #: every room's permission rules must name only these
    roles: tuple[str, ...] = ()
    #: ``access(user, slug)``: the user's standing in the programme ``slug`` (an object with
    #: ``programme``, ``role``, ``can(perm)``, ``require(perm)`` and ``perms``), or None for a
    #: non-member; declared by the room that keeps membership (see :func:`improve.core.access.programme_view`)
    access: Callable[[Any, str], Any] | None = None
    #: example data the room loads with an example programme (see :data:`ExampleHook`)
    examples: tuple[ExampleHook, ...] = ()
    #: forecasts of money the room offers other rooms (a budget line may follow one)
    forecasts: tuple[ForecastSource, ...] = ()
    #: the room's projection of children in care, for a caseload calculator (see :class:`ChildrenInCare`)
    children_in_care: CareProjection | None = None


@dataclass
class Registry:
    _rooms: dict[str, Room] = field(default_factory=dict)
    #: what every page asks for, worked out once per change of the rooms
    _nav: list[NavEntry] | None = None
    _permissions: dict[str, PermissionRule] | None = None

    def _changed(self) -> None:
        self._nav = None
        self._permissions = None

    def register(self, room: Room) -> Room:
        """Add (or replace, by label) a room. Permission names must be unique across rooms."""
        taken = {
            r.name: other.label
            for other in self._rooms.values()
            if other.label != room.label
            for r in other.permissions
        }
        for rule in room.permissions:
            if rule.name in taken:
                raise ValueError(f"Permission '{rule.name}' of room {room.label} is already {taken[rule.name]}'s")
        self._rooms[room.label] = room
        self._changed()
        return room

    def unregister(self, label: str) -> None:
        self._rooms.pop(label, None)
        self._changed()

    def rooms(self) -> Iterator[Room]:
        return iter(list(self._rooms.values()))

    def nav(self) -> list[NavEntry]:
        if self._nav is None:
            self._nav = sorted((e for room in self.rooms() for e in room.nav), key=lambda e: (e.order, e.label))
        return self._nav

    def permissions(self) -> dict[str, PermissionRule]:
        """Every room's permission rules, by name; each names only roles a member may hold."""
        if self._permissions is None:
            known = self.roles()
            for room in self.rooms():
                for rule in room.permissions:
                    if known and not rule.roles | rule.scoped <= known:
                        unknown = ", ".join(sorted((rule.roles | rule.scoped) - known))
                        raise ValueError(f"Permission '{rule.name}' of room {room.label} names unknown roles {unknown}")
            self._permissions = {rule.name: rule for room in self.rooms() for rule in room.permissions}
        return self._permissions

    def roles(self) -> frozenset[str]:
        """The roles a programme member may hold (empty until the membership room registers)."""
        return frozenset(role for room in self.rooms() for role in room.roles)

    def programme_access(self, user: Any, slug: str) -> Any:
        """The user's standing in the programme ``slug``, or None (see :attr:`Room.access`)."""
        for room in self.rooms():
            if room.access is not None:
                return room.access(user, slug)
        raise LookupError("No room keeps programme membership (none declares Room.access)")

    def sheets(self) -> list[Any]:
        """Every room's workbook sheets (their :class:`~improve.core.workbook.SheetSpec`)."""
        return [sheet for room in self.rooms() if room.workbook is not None for sheet in room.workbook.sheets]

    def overview_panels(self, programme: Any, as_at: dt.date, access: Any) -> list[OverviewPanel]:
        """Every room's overview panels for this programme and member, in order."""
        panels = [panel for room in self.rooms() for hook in room.overview if (panel := hook(programme, as_at, access))]
        return sorted(panels, key=lambda p: (p.order, p.title))

    def change_approved(self, change: ApprovedChange) -> None:
        """Tell every room that keeps money about an approved change, in the order rooms registered."""
        for room in self.rooms():
            for handler in room.change_handlers:
                handler(change)

    def figure_checks(self) -> list[FigureCheck]:
        """Every room's figure checks, in the order rooms registered."""
        return [check for room in self.rooms() for check in room.figure_checks]

    def pack_sections(self) -> list[PackSection]:
        """Every room's board-pack sections, in their default order. Keys are unique."""
        found: dict[str, PackSection] = {}
        for room in self.rooms():
            for section in room.sections:
                if section.key in found:
                    raise ValueError(f"Board-pack section '{section.key}' of room {room.label} is offered twice")
                found[section.key] = section
        return sorted(found.values(), key=lambda s: (s.order, s.title))

    def load_examples(self, programme: Any, folder: Path, actor: Actor) -> list[str]:
        """Let every room load its example data for ``programme`` from ``folder``; what each said it did."""
        return [said for room in self.rooms() for hook in room.examples if (said := hook(programme, folder, actor))]

    def forecast_series(self, programme: Any) -> dict[str, ForecastSeries]:
        """Every room's forecast series for the programme, by key (keys are unique)."""
        found: dict[str, ForecastSeries] = {}
        for room in self.rooms():
            for source in room.forecasts:
                for series in source(programme):
                    if series.key in found:
                        raise ValueError(f"Forecast series '{series.key}' of room {room.label} is offered twice")
                    found[series.key] = series if series.room else replace(series, room=room.title)
        return found

    def children_in_care(self, programme: Any) -> ChildrenInCare | None:
        """The projected children in care of the programme, from the room that projects them (or None)."""
        for room in self.rooms():
            if room.children_in_care is not None and (found := room.children_in_care(programme)) is not None:
                return found
        return None

    def audited_models(self) -> list[type]:
        return [model for room in self.rooms() for model in room.audited_models]


#: The one registry of the installation.
registry = Registry()
