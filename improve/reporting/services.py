"""Writes of the reporting room: a board's choice of pack sections, and issuing a pack.

Every write goes through :mod:`improve.core.services`, so it is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from improve.core.audit import Actor
from improve.core.document import pack_to_data
from improve.core.registry import registry
from improve.core.services import model_create, model_update
from improve.governance.models import Board, Meeting
from improve.programmes.models import Programme
from improve.reporting import formats, packs, selectors
from improve.reporting.models import BoardPack, PackSectionChoice


@transaction.atomic
def pack_sections_save(*, actor: Actor, board: Board, choices: Sequence[tuple[str, bool, int]]) -> None:
    """Store which sections ``board``'s pack carries and in what order: ``(key, included, order)``.

    Every key must be a section the registry offers; the orders are renumbered 1, 2, 3… in the
    order given (ties keep the registry's order).
    """
    offered = {s.key: s for s in registry.pack_sections()}
    unknown = [key for key, _, _ in choices if key not in offered]
    if unknown:
        raise ValidationError({"sections": f"No room offers the section(s) {', '.join(unknown)}"})
    position = {key: i for i, key in enumerate(offered)}
    ordered = sorted(choices, key=lambda c: (c[2], position[c[0]]))
    stored = {c.key: c for c in selectors.section_choices(board)}
    for number, (key, included, _) in enumerate(ordered, start=1):
        data = {"included": included, "order": number}
        if key in stored:
            model_update(actor=actor, instance=stored[key], fields={"included", "order"}, data=data)
        else:
            model_create(
                actor=actor,
                instance=PackSectionChoice(board=board, key=key),
                fields={"included", "order"},
                data=data,
            )


class PackIssueRefusedError(Exception):
    """Issuing was refused; the message says why."""


@transaction.atomic
def pack_issue(
    *,
    actor: Actor,
    programme: Programme,
    board: Board,
    month: dt.date | None = None,
    meeting: Meeting | None = None,
    now: dt.datetime | None = None,
) -> BoardPack:
    """Freeze and issue the board's pack for the month (or meeting): its data and every file.

    A pack already issued for that board and month is refused with the reason; the issued pack
    never changes afterwards.
    """
    if board.programme_id != programme.pk:
        raise PackIssueRefusedError(f"{board.name} is not a board of {programme.name}")
    ctx = packs.context_for(programme, board, month=month, meeting=meeting)
    first = ctx.as_at.replace(day=1)
    # lock the board row, so two people issuing at once cannot both pass the check below
    Board.objects.select_for_update().filter(pk=board.pk).first()
    existing = selectors.issued_pack(board, first)
    if existing is not None:
        who = existing.issued_by.full_name if existing.issued_by is not None else "the system"
        when = timezone.localtime(existing.issued_at) if existing.issued_at else None
        raise PackIssueRefusedError(
            f"The {board.name} pack for {first:%B %Y} was already issued"
            f"{f' on {when:%d/%m/%Y at %H:%M}' if when else ''} by {who}; an issued pack cannot be issued again"
        )
    issued_at = now or timezone.now()
    pack = packs.pack_build(programme, board, month=month, meeting=meeting)
    pack = replace(pack, status=f"Issued {timezone.localtime(issued_at):%d/%m/%Y}")
    files: dict[str, bytes | None] = {}
    for fmt in formats.FORMATS:
        files[fmt] = formats.render(pack, fmt) if formats.available(fmt) else None
    data = pack_to_data(pack)
    return model_create(
        actor=actor,
        instance=BoardPack(programme=programme, board=board),
        fields={
            "meeting",
            "month",
            "as_at",
            "period_start",
            "status",
            "issued_at",
            "issued_by",
            "title",
            "data",
            "html",
            "pdf",
            "docx",
            "xlsx",
            "digest",
        },
        data={
            "meeting": meeting,
            "month": first,
            "as_at": ctx.as_at,
            "period_start": ctx.period_start,
            "status": BoardPack.Status.ISSUED,
            "issued_at": issued_at,
            "issued_by": actor.user,
            "title": pack.title,
            "data": data,
            "html": files["html"] or b"",
            "pdf": files["pdf"] or b"",
            "docx": files["docx"],
            "xlsx": files["xlsx"],
            "digest": BoardPack.fingerprint(data, files),
        },
    )
