"""The governance room's board-pack sections: change requests for decision, the decisions log, and
the board's meetings and report deadlines in the next period.

Everything is as at the pack's date: a change request raised after it is left out, and one decided
after it is still awaiting its decision then.
"""

from __future__ import annotations

import datetime as dt

from improve.core.document import Block, Cell, Column, Paragraph, Section
from improve.core.document import Change as PackChange
from improve.core.document import table as make_table
from improve.core.registry import PackContext, PackSection
from improve.governance import selectors
from improve.governance.models import Board, ChangeRequest, Meeting, money
from improve.programmes.sections import next_period

AREA = "Governance"


def uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _for(board: Board | None) -> str:
    return f"the {board.name}" if board is not None else "all boards"


def _awaiting(change: ChangeRequest, as_at: dt.date) -> bool:
    return change.state == ChangeRequest.State.PENDING or (change.decided_on is not None and change.decided_on > as_at)


def _impact(change: ChangeRequest) -> str:
    parts = []
    if change.impact_days:
        parts.append(
            f"{change.impact_days} days' delay" if change.impact_days > 0 else f"{-change.impact_days} days sooner"
        )
    if change.impact_cost:
        parts.append(
            f"{money(change.impact_cost)} extra cost"
            if change.impact_cost > 0
            else f"{money(-change.impact_cost)} saving"
        )
    if change.impact_scope.strip():
        parts.append("a change of scope")
    return ", ".join(parts)


# --- change requests -----------------------------------------------------------------------------


def build_changes(ctx: PackContext) -> Section | None:
    """Change requests awaiting a decision of the pack's board at its date, and those it decided in
    the period; None when there are neither."""
    board = selectors.pack_board(ctx.programme, ctx.board_id)
    found = [
        c
        for c in selectors.pack_change_requests(ctx.programme, raised_by=ctx.as_at)
        if board is None or c.board_id == board.pk
    ]
    awaiting = [c for c in found if _awaiting(c, ctx.as_at)]
    decided = [
        c
        for c in found
        if not _awaiting(c, ctx.as_at) and c.decided_on is not None and ctx.period_start <= c.decided_on <= ctx.as_at
    ]
    if not awaiting and not decided:
        return None
    blocks: list[Block] = []
    if board is not None:
        above = f"; above them a change goes to the {board.parent.name}" if board.parent is not None else ""
        blocks.append(Paragraph(f"The {board.name} may agree {board.tolerance_display}{above}."))
    if awaiting:
        blocks.append(
            make_table(
                f"Change requests awaiting a decision, {uk(ctx.as_at)}",
                (
                    "Ref",
                    "Change",
                    "Strand",
                    Column("Delay (days)", numeric=True),
                    Column("Extra cost", numeric=True),
                    "Scope",
                    "Raised",
                    "Why this board",
                ),
                [
                    (
                        Cell(c.ref),
                        Cell(c.title),
                        Cell(c.strand.name if c.strand else ""),
                        Cell(c.impact_days, kind="number", unit="days"),
                        Cell(c.impact_cost, kind="money", unit="£"),
                        Cell(c.impact_scope),
                        Cell(c.raised_on, kind="date"),
                        Cell(
                            c.routing
                            if board is not None
                            else f"{c.board.name if c.board else 'No board'}: {c.routing}"
                        ),
                    )
                    for c in awaiting
                ],
                note="Extra cost in £ (negative: a saving); delay in days (negative: sooner).",
            )
        )
    else:
        blocks.append(Paragraph(f"No change request was awaiting a decision at {uk(ctx.as_at)}."))
    if decided:
        blocks.append(
            make_table(
                f"Change requests decided {uk(ctx.period_start)} to {uk(ctx.as_at)}",
                ("Ref", "Change", "Impact", "Decision", "Decided on", "By", "Reason"),
                [
                    (
                        Cell(c.ref),
                        Cell(c.title),
                        Cell(_impact(c)),
                        Cell(c.get_state_display()),
                        Cell(c.decided_on, kind="date"),
                        Cell(c.board.name if c.board else ""),
                        Cell(c.decision_reason),
                    )
                    for c in decided
                ],
            )
        )
    summary = (
        f"Change requests for {_for(board)} as at {uk(ctx.as_at)}: those awaiting a decision then, and those "
        f"decided from {uk(ctx.period_start)}."
    )
    return Section(key="change-requests", title="Change requests for decision", blocks=tuple(blocks), summary=summary)


def changes_of_changes(ctx: PackContext) -> list[PackChange]:
    """Change requests raised or decided since ``ctx.since`` (every board's)."""
    out = []
    for c in selectors.pack_change_requests(ctx.programme, raised_by=ctx.as_at):
        what = f"Change request {c.ref} '{c.title}'"
        if ctx.since < c.raised_on:
            to = f", to the {c.board.name}" if c.board is not None else ""
            out.append(PackChange(AREA, f"{what} raised: {_impact(c)}{to}"))
        if c.decided_on is not None and ctx.since < c.decided_on <= ctx.as_at and not _awaiting(c, ctx.as_at):
            by = f" by the {c.board.name}" if c.board is not None else ""
            out.append(PackChange(AREA, f"{what} {c.get_state_display().lower()}{by} on {uk(c.decided_on)}"))
    return out


# --- the decisions log ---------------------------------------------------------------------------


def build_decisions(ctx: PackContext) -> Section | None:
    """The decisions and endorsements of every board in the pack's period; None when there were none."""
    decisions = selectors.pack_decisions(ctx.programme, ctx.period_start, ctx.as_at)
    if not decisions:
        return None
    rows = [
        (
            Cell(d.ref),
            Cell(d.meeting.date, kind="date"),
            Cell(d.meeting.board.name),
            Cell(d.get_kind_display()),
            Cell(d.get_outcome_display()),
            Cell(d.text),
            Cell(f"{d.gate.uid} {d.gate.title}" if d.gate is not None else ""),
        )
        for d in decisions
    ]
    period = f"{uk(ctx.period_start)} to {uk(ctx.as_at)}"
    block = make_table(
        f"Decisions and endorsements, {period}",
        ("Ref", "Meeting", "Board", "Kind", "Outcome", "Decision", "Plan gate"),
        rows,
    )
    return Section(
        key="decisions",
        title="Decisions log",
        blocks=(block,),
        summary=f"Decisions and endorsements recorded at every board's meetings from {period}.",
    )


def changes_of_decisions(ctx: PackContext) -> list[PackChange]:
    """Decisions taken since ``ctx.since``."""
    after = ctx.since + dt.timedelta(days=1)
    return [
        PackChange(
            AREA,
            f"Decision {d.ref} of the {d.meeting.board.name} on {uk(d.meeting.date)} "
            f"({d.get_outcome_display().lower()}): {d.text}",
        )
        for d in selectors.pack_decisions(ctx.programme, after, ctx.as_at)
    ]


def _meeting_note(meeting: Meeting) -> str:
    if meeting.cancelled:
        return "Cancelled" + (f": {meeting.reason}" if meeting.reason else "")
    if meeting.moved:
        why = meeting.moved_for or meeting.reason
        return f"Moved from {uk(meeting.scheduled)}" + (f" ({why})" if why else "")
    return ""


# --- the next period's meetings and report deadlines ------------------------------------------------


def build_calendar(ctx: PackContext) -> Section | None:
    """The board's meetings (every board's, for a programme-wide pack) and the reports due into or out of
    them in the next period; None when there are none."""
    start, end = next_period(ctx)
    board = selectors.pack_board(ctx.programme, ctx.board_id)
    meetings = list(selectors.meetings_between(ctx.programme, start, end, board=board))
    deadlines = [
        d
        for d in selectors.deadlines(ctx.programme, start, end)
        if board is None or board.pk in (d.link.receiver_id, d.link.sender_id)
    ]
    if not meetings and not deadlines:
        return None
    period = f"{uk(start)} to {uk(end)}"
    blocks: list[Block] = []
    if meetings:
        blocks.append(
            make_table(
                f"Meetings, {period}",
                ("Date", "Board", "Time", "Note"),
                [
                    (
                        Cell(m.date, kind="date"),
                        Cell(m.board.name),
                        Cell(m.held_at.strftime("%H:%M")),
                        Cell(_meeting_note(m)),
                    )
                    for m in meetings
                ],
            )
        )
    else:
        blocks.append(Paragraph(f"No meeting of {_for(board)} is set for {period}."))
    if deadlines:
        blocks.append(
            make_table(
                f"Reports due, {period}",
                ("Due", "Report", "From", "To", "Meeting"),
                [
                    (
                        Cell(d.due, kind="date"),
                        Cell(d.link.report),
                        Cell(d.link.sender.name if d.link.sender else ""),
                        Cell(d.link.receiver.name),
                        Cell(d.meeting.date, kind="date"),
                    )
                    for d in deadlines
                ],
            )
        )
    return Section(
        key="meetings",
        title="Meetings and report deadlines",
        blocks=tuple(blocks),
        summary=f"Meetings of {_for(board)} and the reports due for them, {period} (the next period).",
    )


SECTIONS = (
    PackSection(
        key="change-requests",
        title="Change requests for decision",
        build=build_changes,
        changes=changes_of_changes,
        order=60,
        description="Change requests awaiting the board's decision, with their impact and why they came to it.",
    ),
    PackSection(
        key="decisions",
        title="Decisions log",
        build=build_decisions,
        changes=changes_of_decisions,
        order=70,
        description="Decisions and endorsements recorded at the boards' meetings in the period.",
    ),
    PackSection(
        key="meetings",
        title="Meetings and report deadlines",
        build=build_calendar,
        order=90,
        description="The board's meetings and report deadlines in the next period.",
    ),
)
