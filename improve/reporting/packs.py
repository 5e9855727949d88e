"""Assembling a board pack: walk the registry's sections for one board and month (or meeting).

:func:`pack_build` asks every section the board carries, in the board's order, with one
:class:`~improve.core.registry.PackContext`; a section with nothing to say (``build`` returns
None) is left out, and the summary says which were left out. The reporting room's own
**summary** section comes first by default: the generated "what changed since the last pack",
every section's ``changes`` grouped by area — facts, not prose.

This module names no room: a room offers sections through :attr:`Room.sections`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from improve.core.document import Block, BulletList, Change, Heading, Note, Pack, Paragraph, Section
from improve.core.registry import PackContext, PackSection, registry
from improve.governance.models import Board, Meeting
from improve.programmes.models import Programme
from improve.reporting import selectors

SUMMARY = "summary"


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def parse_month(text: str) -> dt.date:
    """``2019-10`` → 01/10/2019; anything else is refused with what would be accepted."""
    try:
        year, month = text.strip().split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return dt.date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"'{text}' is not a month: write it as YYYY-MM, e.g. 2019-10") from None


@dataclass(frozen=True)
class Chosen:
    """A section as a board's pack carries it: the registry's section and whether it is in."""

    section: PackSection
    included: bool
    order: int


def chosen_sections(board: Board) -> list[Chosen]:
    """Every section the registry offers, in the board's order, each marked carried or not.

    With no choice stored: all, in the registry's order. A section offered since the board chose
    is carried, after the chosen ones.
    """
    offered = registry.pack_sections()
    stored = {c.key: c for c in selectors.section_choices(board)}
    if not stored:
        return [Chosen(s, True, i + 1) for i, s in enumerate(offered)]
    last = max(c.order for c in stored.values())
    found = []
    for i, section in enumerate(offered):
        choice = stored.get(section.key)
        if choice is None:
            found.append(Chosen(section, True, last + 1 + i))
        else:
            found.append(Chosen(section, choice.included, choice.order))
    return sorted(found, key=lambda c: (c.order, c.section.order, c.section.title))


def context_for(
    programme: Programme, board: Board, *, month: dt.date | None = None, meeting: Meeting | None = None
) -> PackContext:
    """The pack's context: status date = the month's last day or the meeting's date; "since" = the
    status date of the board's last issued pack before it, else the period's start."""
    if meeting is not None:
        as_at = meeting.date
        previous = selectors.previous_meeting(board, as_at)
        period_start = previous.date + dt.timedelta(days=1) if previous is not None else as_at.replace(day=1)
    elif month is not None:
        period_start, as_at = month.replace(day=1), month_end(month)
    else:
        raise ValueError("A board pack is for a month or a meeting")
    last = selectors.last_issued_before(board, as_at)
    since = last.as_at if last is not None else period_start
    return PackContext(
        programme=programme, as_at=as_at, period_start=period_start, since=since, board_id=board.pk, role="board_member"
    )


#: "what changed" facts the summary lists in each area before it counts the rest (each room gives
#: its most telling first, e.g. the plan its longest slips); the rest are in the area's section
SUMMARY_LISTED = 12


def changes_since(ctx: PackContext, sections: Iterable[PackSection]) -> dict[str, list[str]]:
    """Every section's "what changed" facts, grouped by area (areas in the order first met)."""
    return {area: texts for area, (texts, _) in _changes_by_area(ctx, sections).items()}


def _changes_by_area(ctx: PackContext, sections: Iterable[PackSection]) -> dict[str, tuple[list[str], list[str]]]:
    """Each area's facts, and the titles of the sections that gave them."""
    grouped: dict[str, tuple[list[str], list[str]]] = {}
    for section in sections:
        if section.changes is None or section.key == SUMMARY:
            continue
        for change in section.changes(ctx) or ():
            assert isinstance(change, Change)
            texts, titles = grouped.setdefault(change.area, ([], []))
            texts.append(change.text)
            if section.title not in titles:
                titles.append(section.title)
    return grouped


def summary_build(ctx: PackContext, sections: Iterable[PackSection] | None = None) -> Section:
    """The pack's summary: what changed since the last pack, by area; facts only."""
    offered = registry.pack_sections() if sections is None else list(sections)
    grouped = _changes_by_area(ctx, offered)
    blocks: list[Block] = [Heading(f"What changed since {ctx.since:%d/%m/%Y}")]
    if not grouped:
        blocks.append(Paragraph(f"No changes recorded since {ctx.since:%d/%m/%Y}."))
    for area, (texts, titles) in grouped.items():
        blocks.append(Heading(area, level=4))
        blocks.append(BulletList(tuple(texts[:SUMMARY_LISTED])))
        if len(texts) > SUMMARY_LISTED:
            where = " and ".join(f"the {title} section" for title in titles)
            blocks.append(Paragraph(f"… and {len(texts) - SUMMARY_LISTED} more changes, listed in {where}."))
    return Section(
        key=SUMMARY,
        title="Summary",
        blocks=tuple(blocks),
        summary=f"Changes recorded after {ctx.since:%d/%m/%Y} up to the status date {ctx.as_at:%d/%m/%Y}.",
    )


SUMMARY_SECTION = PackSection(
    key=SUMMARY,
    title="Summary",
    build=summary_build,
    order=0,
    description='What changed since the last pack: every section\'s facts ("items slipped", "risks moved"), by area.',
)


def _title(board: Board, ctx: PackContext, meeting: Meeting | None) -> str:
    if meeting is not None:
        return f"{board.name}: meeting of {meeting.date:%d/%m/%Y}"
    return f"{board.name}: {ctx.as_at:%B %Y}"


def pack_build(
    programme: Programme,
    board: Board,
    *,
    month: dt.date | None = None,
    meeting: Meeting | None = None,
    status: str = "Draft",
) -> Pack:
    """The board's pack for a month (or a meeting), built now from live data.

    Sections come in the board's chosen order; one whose ``build`` returns None is left out. When
    sections are left out, the summary says which; when nothing at all has data, the pack still
    has its summary saying so.
    """
    ctx = context_for(programme, board, month=month, meeting=meeting)
    carried = [c.section for c in chosen_sections(board) if c.included]
    built: list[Section] = []
    missing: list[str] = []
    summary_at: int | None = None
    for section in carried:
        if section.key == SUMMARY:
            summary_at = len(built)
            continue
        result = section.build(ctx)
        if result is None:
            missing.append(section.title)
        else:
            assert isinstance(result, Section)
            built.append(result)
    if summary_at is not None or not built:
        summary = summary_build(ctx, carried)
        if missing:
            summary = replace(
                summary,
                blocks=(
                    *summary.blocks,
                    Heading("Not in this pack", level=3),
                    Note(
                        f"No data for {ctx.period_start:%d/%m/%Y} to {ctx.as_at:%d/%m/%Y} in: {', '.join(missing)}.",
                        "warning",
                    ),
                ),
            )
        if summary_at is None and not built and not missing:
            summary = replace(
                summary, blocks=(*summary.blocks, Note("This board's pack carries no sections.", "warning"))
            )
        built.insert(summary_at if summary_at is not None else 0, summary)
    return Pack(
        title=_title(board, ctx, meeting),
        programme=programme.name,
        council=programme.council,
        board=board.name,
        as_at=ctx.as_at,
        period_start=ctx.period_start,
        status=status,
        sections=tuple(built),
    )
