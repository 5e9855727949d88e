"""Reads of the governance room: querysets with their joins in place, and the reporting chain's deadlines."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from improve.core.models import without_bookkeeping
from improve.governance import cadence
from improve.governance.models import (
    Board,
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
)
from improve.programmes.models import ItemKind, Membership, Owner, PlanItem, Programme, Role, Status, Strand


def financial_year(day: dt.date) -> tuple[dt.date, dt.date]:
    """The UK financial year (1 April – 31 March) that ``day`` falls in."""
    first = day.year if day.month >= 4 else day.year - 1
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def _count(rows: QuerySet[Any]) -> Coalesce:
    """How many ``rows`` (a subquery on the outer row), 0 for none."""
    counted = rows.order_by().values("board").annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def boards_for(programme: Programme, *, archived: bool = False) -> QuerySet[Board]:
    qs = Board.all_objects.filter(programme=programme, archived_at__isnull=not archived)
    return (
        qs.select_related("chair", "parent")
        .prefetch_related("members")
        .annotate(  # subqueries: two counted joins would multiply each other's rows
            meeting_count=_count(Meeting.objects.filter(board=OuterRef("pk"))),
            pending_changes=_count(
                ChangeRequest.objects.filter(board=OuterRef("pk"), state=ChangeRequest.State.PENDING)
            ),
        )
        .order_by("order", "code")
    )


def board_choices(programme: Programme) -> QuerySet[Board]:
    """The current boards to choose from (filters, lists of addresses): code and name, in order.

    Not :func:`boards_for`, which also reads chairs, members and counts for the boards register.
    """
    return (
        Board.objects.filter(programme=programme)
        .only("id", "programme_id", "code", "name", "order")
        .order_by("order", "code")
    )


def board_in(programme: Programme, code: str) -> Board:
    return Board.all_objects.select_related("chair", "parent").get(programme=programme, code=code)


def owners_for(programme: Programme) -> QuerySet[Owner]:
    return Owner.objects.filter(programme=programme).order_by("name")


def strands_for(programme: Programme) -> QuerySet[Strand]:
    return Strand.objects.filter(programme=programme).order_by("order", "code")


def meetings_between(
    programme: Programme, start: dt.date, end: dt.date, *, board: Board | None = None
) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(programme=programme, date__gte=start, date__lte=end)
    if board is not None:
        qs = qs.filter(board=board)
    themes = Prefetch(
        "themes", queryset=Strand.objects.only("id", "code", "name").order_by("order", "code"), to_attr="theme_list"
    )
    # Each board read once and shared by its meetings (not a copy of its row with each of hundreds
    # of meetings), and no bookkeeping timestamps the pages do not show.
    boards = Prefetch("board", queryset=without_bookkeeping(Board.all_objects.all()))
    qs = without_bookkeeping(qs)
    return qs.prefetch_related(boards, themes).order_by("date", "board__order", "id")


def meeting_in(programme: Programme, pk: int) -> Meeting:
    return Meeting.objects.select_related("board", "board__chair").get(programme=programme, pk=pk)


def meetings_for_feed(programme: Programme, *, board: Board | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(programme=programme)
    if board is not None:
        qs = qs.filter(board=board)
    return qs.select_related("board").order_by("date", "id")


def open_gates(programme: Programme) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(programme=programme, kind=ItemKind.GATE)
        .exclude(status=Status.COMPLETE)
        .order_by("order", "id")
    )


def plan_items_for(programme: Programme) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(programme=programme)
        .only("id", "uid", "title", "version", "strand_id")
        .order_by("order", "id")
    )


def decisions_register(programme: Programme, *, board: Board | None = None) -> QuerySet[Decision]:
    qs = Decision.objects.filter(programme=programme)
    if board is not None:
        qs = qs.filter(meeting__board=board)
    # What the register shows and checks (who may change a decision: the board's chair), not the
    # whole row of each meeting, board, chair and plan line with their bookkeeping.
    qs = qs.select_related("meeting", "meeting__board", "meeting__board__chair", "gate").only(
        "id",
        "programme_id",
        "ref",
        "kind",
        "outcome",
        "text",
        "meeting__id",
        "meeting__date",
        "meeting__board__id",
        "meeting__board__name",
        "meeting__board__chair__id",
        "meeting__board__chair__user_id",
        "gate__id",
        "gate__uid",
    )
    return qs.order_by("-meeting__date", "-ref")


def changes_register(programme: Programme, *, archived: bool = False) -> QuerySet[ChangeRequest]:
    qs = ChangeRequest.all_objects.filter(programme=programme, archived_at__isnull=not archived)
    return qs.select_related("board", "strand").order_by("-raised_on", "-ref")


def pending_changes(board: Board) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(board=board, state=ChangeRequest.State.PENDING).order_by("raised_on", "ref")


def change_in(programme: Programme, ref: str) -> ChangeRequest:
    return (
        ChangeRequest.objects.select_related("board", "board__chair", "strand")
        .prefetch_related(Prefetch("items", queryset=ChangeItem.objects.select_related("item")))
        .get(programme=programme, ref=ref)
    )


def documents_register(programme: Programme) -> QuerySet[Document]:
    return (
        Document.objects.filter(programme=programme)
        .prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.order_by("date", "id")),
            Prefetch("signoffs", queryset=DocumentSignoff.objects.order_by("date", "id")),
        )
        .order_by("code")
    )


def document_in(programme: Programme, code: str) -> Document:
    return documents_register(programme).get(code=code)


def report_links(programme: Programme) -> QuerySet[ReportLink]:
    return (
        ReportLink.objects.filter(programme=programme)
        .select_related("sender", "receiver")
        .order_by("receiver__order", "id")
    )


@dataclass(frozen=True)
class Deadline:
    """A report due into one meeting: when, and the sender's meeting that prepares it (if any)."""

    link: ReportLink
    meeting: Meeting
    due: dt.date
    prepared_at: Meeting | None


def deadlines(programme: Programme, start: dt.date, end: dt.date) -> list[Deadline]:
    """Each report's due date into each meeting (not cancelled) of its receiving board, by date.

    A report is due ``due_working_days`` working days before the receiving meeting; it is prepared
    at the sender's last meeting on or before that day.
    """
    links = list(report_links(programme))
    if not links:
        return []
    # Only the date and board of each meeting are needed, and the few boards are read once (not a
    # copy of its board's whole row with every meeting): a year of weekly boards is hundreds of rows.
    boards = {
        b.pk: b
        for b in Board.all_objects.filter(programme=programme).only("id", "programme_id", "code", "name", "order")
    }
    meetings = list(
        Meeting.objects.filter(programme=programme, cancelled=False, date__gte=start - dt.timedelta(days=62))
        .filter(date__lte=end)
        .only("id", "board_id", "date")
        .order_by("date")
    )
    by_board: dict[int, list[Meeting]] = defaultdict(list)
    for m in meetings:
        Meeting.board.field.set_cached_value(m, boards[m.board_id])
        by_board[m.board_id].append(m)
    dates = {board_id: [m.date for m in held] for board_id, held in by_board.items()}
    holidays = cadence.bank_holidays(start.year - 1, end.year + 1)
    out = []
    for link in links:
        for meeting in by_board.get(link.receiver_id, []):
            if meeting.date < start:
                continue
            due = cadence.working_days_before(meeting.date, link.due_working_days, holidays)
            prepared = None
            if link.sender_id is not None:
                sent = by_board.get(link.sender_id, [])  # by date
                at = bisect.bisect_right(dates[link.sender_id], due) if sent else 0
                prepared = sent[at - 1] if at else None
            out.append(Deadline(link, meeting, due, prepared))
    return sorted(out, key=lambda d: (d.due, d.meeting.board.order, d.link.pk))


def change_any(programme: Programme, ref: str) -> ChangeRequest:
    """A change request, current or archived (to restore it)."""
    return ChangeRequest.all_objects.select_related("board").get(programme=programme, ref=ref)


def decision_in(programme: Programme, ref: str) -> Decision:
    return Decision.objects.select_related("meeting", "meeting__board", "meeting__board__chair", "gate").get(
        programme=programme, ref=ref
    )


def filter_decisions(qs: QuerySet[Decision], criteria: Mapping[str, Any]) -> QuerySet[Decision]:
    """The decisions register narrowed by its filter form: a search, a board, a kind, an outcome."""
    if criteria.get("q"):
        qs = qs.filter(Q(text__icontains=criteria["q"]) | Q(ref__icontains=criteria["q"]))
    if criteria.get("board"):
        qs = qs.filter(meeting__board__code=criteria["board"])
    if criteria.get("kind"):
        qs = qs.filter(kind=criteria["kind"])
    if criteria.get("outcome"):
        qs = qs.filter(outcome=criteria["outcome"])
    return qs


def report_link_in(programme: Programme, pk: int) -> ReportLink:
    return ReportLink.objects.select_related("sender", "receiver").get(programme=programme, pk=pk)


def document_codes(programme: Programme) -> set[str]:
    return set(Document.all_objects.filter(programme=programme).values_list("code", flat=True))


def version_in(document: Document, pk: int) -> DocumentVersion:
    return DocumentVersion.objects.select_related("document").get(document=document, pk=pk)


def signoff_in(document: Document, pk: int) -> DocumentSignoff:
    return DocumentSignoff.objects.select_related("document").get(document=document, pk=pk)


def feed_token_for(secret: str) -> FeedToken | None:
    """The live calendar subscription a secret opens, or None.

    None when the secret is unknown or revoked, or when its member has left the programme or can no
    longer sign in: a feed shows only what its member may still see.
    """
    if not secret or len(secret) > 100:
        return None
    token = (
        FeedToken.objects.select_related("programme", "user")
        .filter(digest=feed_digest(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not Membership.objects.filter(user_id=token.user_id, programme_id=token.programme_id).exists():
        return None
    return token


def feed_token_live(user: Any, programme: Programme) -> FeedToken | None:
    """The member's live calendar subscription of the programme, if any."""
    return FeedToken.objects.filter(user=user, programme=programme, revoked_at__isnull=True).first()


@dataclass(frozen=True)
class LiveFeed:
    """A member's live calendar address, as the programme manager's list shows it."""

    user_id: int
    name: str
    email: str
    role: str
    made_at: dt.datetime


def feed_tokens_live(programme: Programme) -> list[LiveFeed]:
    """The members' live calendar addresses of the programme, by name; one query."""
    roles = Membership.objects.filter(programme=programme, user_id=OuterRef("user_id")).values("role")[:1]
    rows = (
        FeedToken.objects.filter(programme=programme, revoked_at__isnull=True)
        .annotate(role=Subquery(roles))
        .values_list("user_id", "user__full_name", "user__email", "role", "created_at")
        .order_by("user__full_name", "user__email")
    )
    labels = dict(Role.choices)
    return [
        LiveFeed(u, name or email, email, labels.get(role, "Left the programme"), at)
        for u, name, email, role, at in rows
    ]


def board_in_feed(programme: Programme, code: str) -> Board | None:
    """The programme's live board with this code (for a calendar feed), or None."""
    return Board.objects.filter(programme=programme, code=code).first()


# --- the board pack -------------------------------------------------------------------------------


def pack_board(programme: Programme, board_id: int | None) -> Board | None:
    """The programme's board a pack is for (current or archived), with its parent; None for none."""
    if board_id is None:
        return None
    return Board.all_objects.filter(programme=programme, pk=board_id).select_related("parent").first()


def pack_change_requests(programme: Programme, *, raised_by: dt.date) -> list[ChangeRequest]:
    """The programme's current change requests raised on or before ``raised_by``, with their board and
    strand, oldest first; one query."""
    qs = ChangeRequest.objects.filter(programme=programme, raised_on__lte=raised_by).select_related("board", "strand")
    return list(qs.order_by("raised_on", "ref"))


def pack_decisions(programme: Programme, start: dt.date, end: dt.date) -> list[Decision]:
    """Decisions taken at meetings from ``start`` to ``end``, by date then reference, with their
    meeting's board and gate; one query."""
    qs = Decision.objects.filter(programme=programme, meeting__date__gte=start, meeting__date__lte=end)
    qs = qs.select_related("meeting", "meeting__board", "gate").only(
        "id",
        "programme_id",
        "ref",
        "kind",
        "outcome",
        "text",
        "meeting__id",
        "meeting__date",
        "meeting__board__id",
        "meeting__board__name",
        "meeting__board__order",
        "gate__id",
        "gate__uid",
        "gate__title",
    )
    return list(qs.order_by("meeting__date", "meeting__board__order", "ref"))
