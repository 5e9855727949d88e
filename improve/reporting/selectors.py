"""Reads of the reporting room: boards and their packs, the sections a board chose."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.text import slugify

from improve.governance.models import Board, Meeting
from improve.programmes.models import Programme
from improve.reporting.models import BoardPack, PackSectionChoice


def boards_for(programme: Programme) -> QuerySet[Board]:
    return Board.objects.filter(programme=programme).order_by("order", "code")


def board_slug(board: Board) -> str:
    """The board's name as a slug: "Children's Improvement Board" → ``childrens-improvement-board``."""
    return slugify(board.name.replace("'", "").replace("’", ""))


def board_named(programme: Programme, name: str) -> Board | None:
    """The programme's live board whose code or slug is ``name`` (None if there is none)."""
    boards = list(boards_for(programme))
    return next((b for b in boards if b.code == name), None) or next(
        (b for b in boards if board_slug(b) == name.lower()), None
    )


def board_in(programme: Programme, code: str) -> Board:
    return Board.objects.get(programme=programme, code=code)


def meeting_of(board: Board, uid: str) -> Meeting:
    return Meeting.objects.get(board=board, uid=uid, cancelled=False)


def previous_meeting(board: Board, before: dt.date) -> Meeting | None:
    return Meeting.objects.filter(board=board, cancelled=False, date__lt=before).order_by("-date").first()


def last_issued_before(board: Board, as_at: dt.date) -> BoardPack | None:
    """The board's last issued pack judged before ``as_at`` (its status date starts "what changed")."""
    return (
        BoardPack.objects.filter(board=board, status=BoardPack.Status.ISSUED, as_at__lt=as_at)
        .order_by("-as_at")
        .only("pk", "as_at")
        .first()
    )


def section_choices(board: Board) -> list[PackSectionChoice]:
    return list(PackSectionChoice.objects.filter(board=board).order_by("order", "key"))


def issued_pack(board: Board, month: dt.date) -> BoardPack | None:
    return BoardPack.objects.filter(board=board, month=month, status=BoardPack.Status.ISSUED).first()


def issued_packs(programme: Programme) -> QuerySet[BoardPack]:
    """The programme's issued packs, newest first, without their files (a list never loads bytes)."""
    return (
        BoardPack.objects.filter(programme=programme, status=BoardPack.Status.ISSUED)
        .select_related("board", "issued_by")
        .only(
            "pk",
            "month",
            "as_at",
            "title",
            "status",
            "issued_at",
            "board__code",
            "board__name",
            "board__order",
            "issued_by__email",
            "issued_by__full_name",
        )
        .order_by("-month", "board__order")
    )


def pack_file(board: Board, month: dt.date, fmt: str) -> bytes | None:
    """One kept file of the board's issued pack for ``month`` (None if not issued or not made)."""
    pack = BoardPack.objects.filter(board=board, month=month, status=BoardPack.Status.ISSUED).only(fmt).first()
    if pack is None:
        return None
    value = getattr(pack, fmt)
    return bytes(value) if value else None
