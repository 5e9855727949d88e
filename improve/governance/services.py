"""Writes to the governance room. Each is atomic, validates, and is audited through core.

Rules across rows live here: a board loop is refused; the calendar is generated from the boards'
cadences keeping meetings moved or cancelled by hand; a change request is routed to the lowest
board whose tolerances cover it; an agreed decision completes the gate it names and an approved
change moves the plan lines it names, both through the programme room's services.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from improve.core import audit
from improve.core.audit import Actor
from improve.core.models import AuditEvent
from improve.core.registry import ApprovedChange, registry
from improve.core.services import model_archive, model_create, model_delete, model_restore, model_update
from improve.governance import cadence as cadence_rules
from improve.governance.models import (
    Board,
    BoardMember,
    ChangeItem,
    ChangeRequest,
    Decision,
    Document,
    DocumentSignoff,
    DocumentVersion,
    FeedToken,
    Meeting,
    ReportLink,
    feed_digest,
    money,
)
from improve.governance.permissions import require_decider
from improve.programmes import services as plan_services
from improve.programmes.models import Membership, Owner, PlanItem, Programme, Status, Strand


class BoardData(TypedDict, total=False):
    code: str
    name: str
    chair: Owner | None
    parent: Board | None
    cadence: str
    first_meeting: dt.date | None
    starts_at: dt.time
    duration_minutes: int
    tolerance_days: int | None
    tolerance_cost: Decimal | None
    tolerance_scope: bool
    tolerance_note: str
    themes_per_meeting: int
    order: int
    notes: str


BOARD_FIELDS = frozenset(BoardData.__annotations__)


# --- boards -------------------------------------------------------------------------------------


def check_board_loop(board: Board) -> None:
    """The parent chain must stay in the programme and not come back to the board."""
    seen = [board.name]
    ids = {board.pk}
    parent = board.parent
    while parent is not None:
        seen.append(parent.name)
        if parent.pk in ids:
            raise ValidationError(
                {"parent": f"This would make a loop of boards: {' → '.join(seen)}. Choose a board higher up, or none"}
            )
        if parent.programme_id != board.programme_id:
            raise ValidationError({"parent": "Choose a board of this programme"})
        ids.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def board_save(
    *,
    actor: Actor,
    programme: Programme,
    board: Board | None = None,
    data: BoardData,
    members: Iterable[Owner] | None = None,
    expected_version: int | None = None,
) -> Board:
    """Add (``board`` None) or change a board; ``members`` (if given) replaces its membership."""
    if board is None:
        saved = model_create(
            actor=actor, instance=Board(programme=programme), fields=BOARD_FIELDS, data=data, check=check_board_loop
        )
    else:
        current = Board.all_objects.select_related("parent", "chair").get(pk=board.pk)
        saved, _changed = model_update(
            actor=actor,
            instance=current,
            fields=BOARD_FIELDS,
            data=data,
            expected_version=expected_version,
            check=check_board_loop,
        )
    if members is not None:
        board_set_members(actor=actor, board=saved, members=members)
    return saved


@transaction.atomic
def board_set_members(*, actor: Actor, board: Board, members: Iterable[Owner]) -> Board:
    """Seat exactly ``members`` on the board: each seat added or removed is audited."""
    chosen = {o.pk: o for o in members}
    strangers = [o.name for o in chosen.values() if o.programme_id != board.programme_id]
    if strangers:
        raise ValidationError({"members": f"{', '.join(strangers)} not owners of this programme"})
    seated = {m.owner_id: m for m in BoardMember.objects.filter(board=board).select_related("owner", "board")}
    for owner_id, seat in seated.items():
        if owner_id not in chosen:
            model_delete(actor=actor, instance=seat)
    for owner_id, owner in chosen.items():
        if owner_id not in seated:
            model_create(actor=actor, instance=BoardMember(board=board), fields={"owner"}, data={"owner": owner})
    return board


@transaction.atomic
def board_archive(*, actor: Actor, board: Board, reason: str = "") -> Board:
    """Archive a board; not while a change waits for its decision or a current board escalates to it."""
    pending = list(
        ChangeRequest.objects.filter(board=board, state=ChangeRequest.State.PENDING)
        .order_by("ref")
        .values_list("ref", flat=True)
    )
    if pending:
        raise ValidationError(
            f"{board.name} still has pending change requests ({', '.join(pending)}): decide them first"
        )
    below = list(Board.objects.filter(parent=board).order_by("order", "code").values_list("name", flat=True))
    if below:
        raise ValidationError(f"{', '.join(below)} escalate to {board.name}: give them another board first")
    model_archive(actor=actor, instance=board, reason=reason)
    return board


@transaction.atomic
def board_restore(*, actor: Actor, board: Board) -> Board:
    model_restore(actor=actor, instance=board)
    return board


@transaction.atomic
def report_link_save(
    *,
    actor: Actor,
    programme: Programme,
    link: ReportLink | None = None,
    sender: Board | None,
    receiver: Board,
    report: str,
    due_working_days: int = 0,
) -> ReportLink:
    if sender is not None and sender.pk == receiver.pk:
        raise ValidationError({"sender": "A board does not send a report to itself: choose another sender"})
    data = {"sender": sender, "receiver": receiver, "report": report, "due_working_days": due_working_days}
    fields = set(data)
    if link is None:
        return model_create(actor=actor, instance=ReportLink(programme=programme), fields=fields, data=data)
    return model_update(actor=actor, instance=link, fields=fields, data=data)[0]


# --- the calendar -------------------------------------------------------------------------------


@dataclass
class Generated:
    """What generating the calendar did."""

    created: list[Meeting] = field(default_factory=list)
    kept: int = 0  # already there (moved or cancelled ones keep their move)
    archived: list[Meeting] = field(default_factory=list)  # no longer on the cadence, never touched by hand

    def summary(self) -> str:
        return f"{len(self.created)} meetings added, {self.kept} kept as they were, {len(self.archived)} taken off"


@transaction.atomic
def calendar_generate(
    *, actor: Actor, programme: Programme, start: dt.date, end: dt.date, boards: Sequence[Board] | None = None
) -> Generated:
    """Add the meetings the boards' cadences give from ``start`` to ``end``.

    A meeting already there is kept as it is (moved, cancelled, its themes); a meeting the cadence
    no longer gives is archived, unless someone moved or cancelled it by hand.
    """
    if end < start:
        raise ValidationError({"end": "The end must be on or after the start"})
    if (end - start).days > 366 * 10:
        raise ValidationError({"end": "Generate at most ten years at a time"})
    chosen = list(boards) if boards is not None else list(Board.objects.filter(programme=programme))
    holidays = cadence_rules.bank_holidays(start.year - 1, end.year + 1)
    done = Generated()
    for board in chosen:
        rule = board.rule()
        wanted = {m.nominal: m for m in rule.dates(start, end, holidays)} if rule else {}
        existing = {
            m.scheduled: m
            for m in Meeting.all_objects.filter(board=board, scheduled__gte=start - dt.timedelta(days=10))
            .filter(scheduled__lte=end + dt.timedelta(days=10))
            .select_related("board")
        }
        for nominal, generated in wanted.items():
            meeting = existing.get(nominal)
            if meeting is None:
                done.created.append(
                    model_create(
                        actor=actor,
                        instance=Meeting(programme=programme, board=board, from_cadence=True),
                        fields={"scheduled", "date", "moved_for"},
                        data={"scheduled": nominal, "date": generated.date, "moved_for": generated.moved_for},
                    )
                )
            else:
                if meeting.archived and meeting.from_cadence:
                    model_restore(actor=actor, instance=meeting)
                done.kept += 1
        for scheduled, meeting in existing.items():
            in_range = start <= meeting.date <= end
            touched = meeting.cancelled or meeting.moved_by_hand
            if in_range and meeting.from_cadence and scheduled not in wanted and not meeting.archived and not touched:
                model_archive(actor=actor, instance=meeting, reason="No longer on the board's cadence")
                done.archived.append(meeting)
    return done


@transaction.atomic
def meeting_add(
    *, actor: Actor, board: Board, date: dt.date, starts_at: dt.time | None = None, notes: str = ""
) -> Meeting:
    """An extra meeting, not on the cadence."""
    if Meeting.all_objects.filter(board=board, scheduled=date).exists():
        raise ValidationError({"date": f"{board.name} already has a meeting on {date:%d/%m/%Y}: change that one"})
    return model_create(
        actor=actor,
        instance=Meeting(programme_id=board.programme_id, board=board, from_cadence=False),
        fields={"scheduled", "date", "starts_at", "notes"},
        data={"scheduled": date, "date": date, "starts_at": starts_at, "notes": notes},
    )


@transaction.atomic
def meeting_change(
    *,
    actor: Actor,
    meeting: Meeting,
    date: dt.date,
    starts_at: dt.time | None,
    cancelled: bool,
    reason: str,
    notes: str,
    themes: Iterable[Strand] | None = None,
) -> Meeting:
    """Move, cancel, reinstate or annotate a meeting; ``themes`` (if given) replaces its rota.

    A meeting moved by hand needs a reason (``Meeting.clean``) and is no longer a bank-holiday move.
    """
    current = Meeting.all_objects.select_related("board").get(pk=meeting.pk)
    data: MeetingData = {
        "date": date,
        "starts_at": starts_at,
        "cancelled": cancelled,
        "reason": reason.strip(),
        "notes": notes,
        "moved_for": current.moved_for if date == current.date else "",
    }
    return meeting_save(actor=actor, board=current.board, meeting=current, data=data, themes=themes)


class MeetingData(TypedDict, total=False):
    scheduled: dt.date
    date: dt.date
    starts_at: dt.time | None
    from_cadence: bool
    moved_for: str
    cancelled: bool
    reason: str
    notes: str


MEETING_FIELDS = frozenset(MeetingData.__annotations__)


def _refuse_cancelling_a_meeting_with_decisions(meeting: Meeting) -> None:
    if meeting.cancelled and meeting.pk is not None:
        refs = list(Decision.objects.filter(meeting=meeting).order_by("ref").values_list("ref", flat=True))
        if refs:
            raise ValidationError(
                {"cancelled": f"Decisions {', '.join(refs)} were taken at this meeting: it cannot be cancelled"}
            )


@transaction.atomic
def meeting_save(
    *,
    actor: Actor,
    board: Board,
    meeting: Meeting | None = None,
    data: MeetingData,
    themes: Iterable[Strand] | None = None,
) -> Meeting:
    """Add (``meeting`` None) or change a meeting with all it records; an archived one is restored.

    The workbook's door, and the one under :func:`meeting_change`: the rules are the model's
    (a reason to move or cancel) and this one (no cancelling a meeting that took decisions).
    """
    if meeting is None:
        saved = model_create(
            actor=actor,
            instance=Meeting(programme_id=board.programme_id, board=board),
            fields=MEETING_FIELDS,
            data=data,
        )
        chosen = list(themes or ())
        if chosen:  # one event for a new meeting: its creation records its themes
            _check_themes(saved, chosen)
            saved.themes.set(chosen)
            audit.history_for(saved).filter(action=AuditEvent.Action.CREATE).update(after=audit.audit_values(saved))
        return saved
    else:
        saved = Meeting.all_objects.select_related("board").get(pk=meeting.pk)
        if saved.archived:
            model_restore(actor=actor, instance=saved)
        saved, _changed = model_update(
            actor=actor,
            instance=saved,
            fields=MEETING_FIELDS,
            data=data,
            check=_refuse_cancelling_a_meeting_with_decisions,
        )
    if themes is not None:
        meeting_set_themes(actor=actor, meeting=saved, themes=themes)
    return saved


def _check_themes(meeting: Meeting, chosen: Sequence[Strand]) -> None:
    if len({t.pk for t in chosen}) != len(chosen):
        raise ValidationError({"themes": "A theme is taken once per meeting"})
    if any(t.programme_id != meeting.programme_id for t in chosen):
        raise ValidationError({"themes": "Choose themes of this programme"})


@transaction.atomic
def meeting_set_themes(*, actor: Actor, meeting: Meeting, themes: Iterable[Strand]) -> Meeting:
    chosen = list(themes)
    _check_themes(meeting, chosen)
    before = audit.audit_values(meeting)
    meeting.themes.set(chosen)
    after = audit.audit_values(meeting)
    if before != after:
        audit.record(actor=actor, obj=meeting, action=AuditEvent.Action.UPDATE, before=before, after=after)
    return meeting


def rota(themes: Sequence[int], meetings: int, per_meeting: int, start: int = 0) -> list[list[int]]:
    """Themes for each of ``meetings`` meetings, ``per_meeting`` each, taken in turn.

    Pure. Over the meetings each theme comes up as evenly as possible (counts differ by at most
    one) and no meeting takes a theme twice (``per_meeting`` is capped at the number of themes).
    """
    if not themes or per_meeting <= 0:
        return [[] for _ in range(meetings)]
    k = min(per_meeting, len(themes))
    n = len(themes)
    return [[themes[(start + i * k + j) % n] for j in range(k)] for i in range(meetings)]


@transaction.atomic
def rota_generate(*, actor: Actor, board: Board, start: dt.date, end: dt.date, replace: bool = False) -> list[Meeting]:
    """Give the board's meetings from ``start`` to ``end`` their themes in turn (the programme's strands).

    Meetings whose themes were set already keep them unless ``replace``; cancelled meetings get none.
    """
    if board.themes_per_meeting <= 0:
        raise ValidationError(
            {"themes_per_meeting": f"{board.name} takes no themes per meeting: set how many it takes first"}
        )
    themes = list(Strand.objects.filter(programme_id=board.programme_id).order_by("order", "code"))
    meetings = [
        m
        for m in Meeting.objects.filter(board=board, date__gte=start, date__lte=end, cancelled=False)
        .prefetch_related("themes")
        .order_by("date")
        if replace or not m.themes.all()
    ]
    plan = rota([t.pk for t in themes], len(meetings), board.themes_per_meeting)
    by_id = {t.pk: t for t in themes}
    for meeting, chosen in zip(meetings, plan, strict=True):
        meeting_set_themes(actor=actor, meeting=meeting, themes=[by_id[i] for i in chosen])
    return meetings


# --- decisions ----------------------------------------------------------------------------------


def next_ref(existing: Iterable[str], prefix: str) -> str:
    numbers = [int(r[len(prefix) :]) for r in existing if r.startswith(prefix) and r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    meeting: Meeting,
    text: str,
    kind: str = Decision.Kind.DECISION,
    outcome: str = Decision.Outcome.AGREED,
    gate: PlanItem | None = None,
    ref: str = "",
) -> Decision:
    """Record a decision or endorsement; an agreed one completes the gate it names (audited in the plan)."""
    require_decider(actor, meeting.board)
    if not ref:
        ref = next_ref(Decision.objects.filter(programme_id=meeting.programme_id).values_list("ref", flat=True), "D-")
    return decision_save(
        actor=actor, meeting=meeting, ref=ref, kind=kind, outcome=outcome, text=text, gate=gate, complete_gate=True
    )


@transaction.atomic
def decision_update(
    *,
    actor: Actor,
    decision: Decision,
    meeting: Meeting,
    text: str,
    kind: str,
    outcome: str,
    gate: PlanItem | None,
) -> Decision:
    """Correct a decision (audited): who may record for its board, before and after, may change it.

    An agreed decision that now names an open gate completes it, as recording it would have.
    """
    current = Decision.objects.select_related("meeting", "meeting__board", "gate").get(pk=decision.pk)
    require_decider(actor, current.meeting.board)
    if meeting.board_id != current.meeting.board_id:
        require_decider(actor, meeting.board)
    return decision_save(
        actor=actor,
        decision=current,
        meeting=meeting,
        ref=current.ref,
        kind=kind,
        outcome=outcome,
        text=text,
        gate=gate,
        complete_gate=True,
    )


DECISION_FIELDS = frozenset({"ref", "meeting", "kind", "outcome", "text", "gate"})


@transaction.atomic
def decision_save(
    *,
    actor: Actor,
    meeting: Meeting,
    decision: Decision | None = None,
    ref: str,
    kind: str,
    outcome: str,
    text: str,
    gate: PlanItem | None,
    complete_gate: bool,
) -> Decision:
    """Add or change a decision record. With ``complete_gate`` an agreed one completes its gate.

    The workbook records decisions without completing gates (its plan_items sheet says which
    gates are complete), so importing the same workbook twice changes nothing the second time.
    """
    if gate is not None and gate.programme_id != meeting.programme_id:
        raise ValidationError({"gate": "Choose a gate of this programme"})
    data = {"ref": ref, "meeting": meeting, "kind": kind, "outcome": outcome, "text": text, "gate": gate}
    if decision is None:
        saved = model_create(
            actor=actor,
            instance=Decision(programme_id=meeting.programme_id, recorded_by_id=actor.user_id),
            fields=DECISION_FIELDS,
            data=data,
        )
    else:
        saved = model_update(actor=actor, instance=decision, fields=DECISION_FIELDS, data=data)[0]
    if complete_gate and gate is not None and outcome == Decision.Outcome.AGREED and gate.status != Status.COMPLETE:
        gate_complete(actor=actor, gate=gate, decision=saved)
    return saved


def gate_complete(*, actor: Actor, gate: PlanItem, decision: Decision) -> PlanItem:
    current = PlanItem.all_objects.get(pk=gate.pk)
    note = f"{decision.get_kind_display()} {decision.ref} at {decision.meeting}"
    notes = f"{current.notes}\n{note}".strip() if note not in current.notes else current.notes
    return plan_services.plan_item_update(
        actor=actor,
        item=current,
        expected_version=current.version,
        data={"status": Status.COMPLETE, "percent_complete": 100, "notes": notes},
    )


# --- change requests ----------------------------------------------------------------------------


def covers(board: Board, *, days: int, cost: Decimal, scope: bool) -> list[str]:
    """Why ``board`` cannot agree this change ([] if it can)."""
    why = []
    if days > 0 and (board.tolerance_days is None or days > board.tolerance_days):
        allowed = "none" if board.tolerance_days is None else f"{board.tolerance_days} days"
        why.append(f"a delay of {days} days (its tolerance: {allowed})")
    if cost > 0 and (board.tolerance_cost is None or cost > board.tolerance_cost):
        allowed = "none" if board.tolerance_cost is None else money(board.tolerance_cost)
        why.append(f"an extra cost of {money(cost)} (its tolerance: {allowed})")
    if scope and not board.tolerance_scope:
        why.append("a change of scope (it may not agree one)")
    return why


def has_tolerances(board: Board) -> bool:
    return board.tolerance_days is not None or board.tolerance_cost is not None or board.tolerance_scope


def depth(board: Board) -> int:
    n, seen, parent = 0, {board.pk}, board.parent
    while parent is not None and parent.pk not in seen:
        seen.add(parent.pk)
        n, parent = n + 1, parent.parent
    return n


def route(boards: Sequence[Board], *, days: int, cost: Decimal, scope: bool) -> tuple[Board | None, str]:
    """The board a change goes to, and why.

    It starts at the lowest board that has tolerances (the one furthest down the parent chains)
    and goes up the parent chain until a board's tolerances cover it; the top board (no parent)
    takes whatever reaches it.
    """
    with_tolerances = [b for b in boards if has_tolerances(b)]
    if not with_tolerances:
        return None, "No board has tolerances yet: set them on the boards page"
    board: Board | None = max(with_tolerances, key=lambda b: (depth(b), -b.order))
    steps = []
    while board is not None:
        why = covers(board, days=days, cost=cost, scope=scope)
        if not why:
            steps.append(f"Within {board.name}'s tolerances")
            return board, ". ".join(steps)
        if board.parent is None:
            steps.append(f"{board.name} is the top board: it decides")
            return board, ". ".join(steps)
        steps.append(f"Above {board.name}'s tolerances, {'; '.join(why)}: escalated to {board.parent.name}")
        board = board.parent
    return None, ". ".join(steps)  # pragma: no cover - the loop returns at the top board


ChangeLine = tuple[PlanItem, dt.date | None, dt.date | None]


@transaction.atomic
def change_raise(
    *,
    actor: Actor,
    programme: Programme,
    title: str,
    impact_days: int = 0,
    impact_cost: Decimal = Decimal(0),
    impact_scope: str = "",
    description: str = "",
    strand: Strand | None = None,
    lines: Sequence[ChangeLine] = (),
    ref: str = "",
    raised_on: dt.date | None = None,
) -> ChangeRequest:
    """Raise a change request; it is routed at once to the board that will decide it."""
    boards = list(Board.objects.filter(programme=programme).select_related("parent", "parent__parent"))
    board, why = route(boards, days=impact_days, cost=impact_cost, scope=bool(impact_scope.strip()))
    if not ref:
        ref = next_ref(ChangeRequest.all_objects.filter(programme=programme).values_list("ref", flat=True), "CR-")
    change = model_create(
        actor=actor,
        instance=ChangeRequest(programme=programme),
        fields={
            "ref",
            "title",
            "description",
            "strand",
            "impact_days",
            "impact_cost",
            "impact_scope",
            "board",
            "routing",
            "raised_on",
        },
        data={
            "ref": ref,
            "title": title,
            "description": description,
            "strand": strand,
            "impact_days": impact_days,
            "impact_cost": impact_cost,
            "impact_scope": impact_scope,
            "board": board,
            "routing": why,
            "raised_on": raised_on or timezone.localdate(),
        },
    )
    change_set_lines(actor=actor, change=change, lines=lines)
    return change


@transaction.atomic
def change_set_lines(*, actor: Actor, change: ChangeRequest, lines: Sequence[ChangeLine]) -> ChangeRequest:
    """Name exactly ``lines`` (plan line, new start, new end) as the lines the change moves."""
    seen: set[int] = set()
    for item, _start, _end in lines:
        if item.programme_id != change.programme_id:
            raise ValidationError({"lines": f"{item.uid} is not a plan line of this programme"})
        if item.pk in seen:
            raise ValidationError({"lines": f"{item.uid} is named twice: name each plan line once"})
        seen.add(item.pk)
    existing = {c.item_id: c for c in ChangeItem.objects.filter(change=change).select_related("item", "change")}
    for item_id, line in existing.items():
        if item_id not in seen:
            model_delete(actor=actor, instance=line)
    for item, new_start, new_end in lines:
        data = {"new_start": new_start, "new_end": new_end}
        try:
            if item.pk in existing:
                model_update(actor=actor, instance=existing[item.pk], fields=set(data), data=data)
            else:
                model_create(actor=actor, instance=ChangeItem(change=change, item=item), fields=set(data), data=data)
        except ValidationError as exc:
            raise ValidationError({"lines": f"{item.uid}: {' '.join(exc.messages)}"}) from exc
    return change


class ChangeData(TypedDict, total=False):
    ref: str
    title: str
    description: str
    strand: Strand | None
    impact_days: int
    impact_cost: Decimal
    impact_scope: str
    board: Board | None
    routing: str
    state: str
    raised_on: dt.date
    decided_on: dt.date | None
    decision_reason: str


CHANGE_FIELDS = frozenset(ChangeData.__annotations__)


def change_state_problem(before: str, after: str) -> str | None:
    """Why a record may not go from state ``before`` to ``after`` outside the decide page (None: it may)."""
    if before == after:
        return None
    if before == ChangeRequest.State.PENDING:
        return (
            "A change request is approved or rejected on its page, where the plan lines move and a baseline "
            f"is taken: leave it {before}"
        )
    return f"The change request was {before} already: a decision stands, raise a new change request instead"


@transaction.atomic
def change_save(
    *, actor: Actor, programme: Programme, change: ChangeRequest | None = None, data: ChangeData
) -> ChangeRequest:
    """Add or correct a change request as a record (the workbook's door): nothing in the plan moves.

    An existing change keeps its state (:func:`change_state_problem`); deciding is :func:`change_decide`.
    """
    if change is None:
        return model_create(actor=actor, instance=ChangeRequest(programme=programme), fields=CHANGE_FIELDS, data=data)
    current = ChangeRequest.all_objects.get(pk=change.pk)
    problem = change_state_problem(current.state, data.get("state", current.state))
    if problem:
        raise ValidationError({"state": problem})
    if current.archived:
        model_restore(actor=actor, instance=current)
    return model_update(actor=actor, instance=current, fields=CHANGE_FIELDS, data=data)[0]


@transaction.atomic
def change_decide(
    *, actor: Actor, change: ChangeRequest, approve: bool, reason: str, decided_on: dt.date | None = None
) -> ChangeRequest:
    """Approve or reject a pending change (its board's chair, an SRO or a programme manager).

    An approved change moves the plan lines it names, takes a new baseline and tells the rooms
    that keep the money (``Room.change_handlers``), all in one transaction.
    """
    current = ChangeRequest.objects.select_related("board", "board__chair", "strand").get(pk=change.pk)
    if current.board is None:
        raise ValidationError("This change has no board to decide it: set the boards' tolerances and raise it again")
    require_decider(actor, current.board)
    if current.state != ChangeRequest.State.PENDING:
        raise ValidationError(f"{current.ref} was already {current.get_state_display().lower()}")
    state = ChangeRequest.State.APPROVED if approve else ChangeRequest.State.REJECTED
    when = decided_on or timezone.localdate()
    saved, _changed = model_update(
        actor=actor,
        instance=current,
        fields={"state", "decision_reason", "decided_on", "decided_by"},
        data={"state": state, "decision_reason": reason.strip(), "decided_on": when, "decided_by": actor.user},
        expected_version=current.version,
    )
    if approve:
        for line in ChangeItem.objects.filter(change=saved).select_related("item"):
            item = PlanItem.all_objects.get(pk=line.item_id)
            data: plan_services.PlanItemData = {}
            if line.new_start:
                data["start_date"], data["start_tbd"] = line.new_start, False
            if line.new_end:
                data["end_date"], data["end_tbd"] = line.new_end, False
            if data:
                plan_services.plan_item_update(actor=actor, item=item, expected_version=item.version, data=data)
        plan_services.baseline_create(
            actor=actor,
            programme=saved.programme,
            name=f"After change {saved.ref}",
            note=f"Taken when {saved.ref} ({saved.title}) was approved by {saved.board}",
            taken_on=when,
        )
        registry.change_approved(
            ApprovedChange(
                programme_id=saved.programme_id,
                reference=saved.ref,
                title=saved.title,
                cost=saved.impact_cost,
                days=saved.impact_days,
                decided_on=when,
                strand_code=saved.strand.code if saved.strand is not None else "",
                actor=actor,
                approved_by=f"{actor.label} for {saved.board}",
            )
        )
    return saved


# --- documents ----------------------------------------------------------------------------------


@transaction.atomic
def document_save(
    *, actor: Actor, programme: Programme, document: Document | None = None, code: str, title: str, kind: str = ""
) -> Document:
    data = {"code": code, "title": title, "kind": kind}
    if document is None:
        return model_create(actor=actor, instance=Document(programme=programme), fields=set(data), data=data)
    return model_update(actor=actor, instance=document, fields=set(data), data=data)[0]


@transaction.atomic
def document_version_add(
    *, actor: Actor, document: Document, version: str, date: dt.date, author: str = "", summary: str = ""
) -> DocumentVersion:
    data = {"version": version, "date": date, "author": author, "summary": summary}
    return model_create(actor=actor, instance=DocumentVersion(document=document), fields=set(data), data=data)


@transaction.atomic
def document_signoff_add(
    *,
    actor: Actor,
    document: Document,
    version: str,
    kind: str,
    name: str,
    role: str = "",
    status: str = DocumentSignoff.Status.PENDING,
    date: dt.date | None = None,
    note: str = "",
) -> DocumentSignoff:
    data = {"version": version, "kind": kind, "name": name, "role": role, "status": status, "date": date, "note": note}
    return model_create(actor=actor, instance=DocumentSignoff(document=document), fields=set(data), data=data)


@transaction.atomic
def document_signoff_decide(*, actor: Actor, signoff: DocumentSignoff, status: str, date: dt.date) -> DocumentSignoff:
    return model_update(
        actor=actor, instance=signoff, fields={"status", "date"}, data={"status": status, "date": date}
    )[0]


@transaction.atomic
def change_archive(*, actor: Actor, change: ChangeRequest, reason: str = "") -> ChangeRequest:
    """Withdraw a change request from the lists (it keeps its history and can be restored)."""
    model_archive(actor=actor, instance=change, reason=reason)
    return change


@transaction.atomic
def change_restore(*, actor: Actor, change: ChangeRequest) -> ChangeRequest:
    model_restore(actor=actor, instance=change)
    return change


@transaction.atomic
def report_link_delete(*, actor: Actor, link: ReportLink) -> None:
    model_delete(actor=actor, instance=link)


@transaction.atomic
def document_version_update(
    *, actor: Actor, version: DocumentVersion, date: dt.date, author: str, summary: str
) -> DocumentVersion:
    data = {"date": date, "author": author, "summary": summary}
    return model_update(actor=actor, instance=version, fields=set(data), data=data)[0]


@transaction.atomic
def document_signoff_update(
    *,
    actor: Actor,
    signoff: DocumentSignoff,
    version: str,
    kind: str,
    name: str,
    role: str,
    status: str,
    date: dt.date | None,
    note: str,
) -> DocumentSignoff:
    data = {"version": version, "kind": kind, "name": name, "role": role, "status": status, "date": date, "note": note}
    return model_update(actor=actor, instance=signoff, fields=set(data), data=data)[0]


# --- calendar subscriptions -----------------------------------------------------------------------


@transaction.atomic
def feed_token_issue(*, actor: Actor, user: Any, programme: Programme) -> str:
    """Make ``user`` a new secret calendar address for ``programme`` and return its secret.

    Any address the member had for the programme stops working. The secret is returned once and
    not kept. The user must be a member (the feeds show what a member sees).
    """
    if not Membership.objects.filter(user=user, programme=programme).exists():
        raise ValidationError("Only a member of the programme can subscribe to its calendar")
    feed_token_revoke(actor=actor, user=user, programme=programme)
    secret = secrets.token_urlsafe(32)
    model_create(
        actor=actor,
        instance=FeedToken(user=user, programme=programme),
        fields=("digest",),
        data={"digest": feed_digest(secret)},
    )
    return secret


@transaction.atomic
def feed_token_revoke_member(*, actor: Actor, programme: Programme, user_id: int) -> bool:
    """End another member's secret calendar address (a lost laptop, a leak); whether there was one.

    Who may is the permission table's (``GovPerm.REVOKE_FEEDS``); the event names who stopped it.
    """
    live = FeedToken.objects.filter(programme=programme, user_id=user_id, revoked_at__isnull=True)
    token = live.select_related("user").first()
    if token is None:
        raise ValidationError({"member": "That member has no calendar address for this programme: nothing to stop"})
    return feed_token_revoke(actor=actor, user=token.user, programme=programme)


@transaction.atomic
def feed_token_revoke(*, actor: Actor, user: Any, programme: Programme) -> bool:
    """End the member's secret calendar address for the programme; whether there was one."""
    live = FeedToken.objects.select_for_update().filter(user=user, programme=programme, revoked_at__isnull=True)
    found = False
    for token in live:
        model_update(actor=actor, instance=token, fields=("revoked_at",), data={"revoked_at": timezone.now()})
        found = True
    return found
