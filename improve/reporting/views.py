"""Board-pack pages: the list of boards and issued packs, a pack (draft or issued), its files,
issuing it, and a board's choice of sections. Views validate, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from improve.core.document import Pack, pack_from_data
from improve.core.views import actor, get_or_404
from improve.governance.models import Board
from improve.programmes.models import Programme
from improve.programmes.permissions import ProgrammeRequest, programme_view
from improve.reporting import formats, packs, selectors, services
from improve.reporting.permissions import PackPerm
from improve.reporting.render_html import cover_facts, pack_body_html


def _programme(request: ProgrammeRequest) -> Programme:
    return request.access.programme


def _context(request: ProgrammeRequest, **extra: Any) -> dict[str, Any]:
    return {"programme": _programme(request), "access": request.access, "PackPerm": PackPerm, **extra}


def _board(request: ProgrammeRequest, board_code: str) -> Board:
    return get_or_404(selectors.board_in, _programme(request), board_code)


def _month(text: str) -> dt.date:
    try:
        return packs.parse_month(text)
    except ValueError as exc:
        raise Http404(str(exc)) from exc


def _default_month(programme: Programme) -> dt.date:
    day = programme.status_date or dt.date.today()
    return day.replace(day=1)


@programme_view(PackPerm.READ)
def pack_list(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    boards = list(selectors.boards_for(programme))
    errors: dict[str, str] = {}
    if "board" in request.GET or "month" in request.GET:
        code, month_text = request.GET.get("board", ""), request.GET.get("month", "").strip()
        board = next((b for b in boards if b.code == code), None)
        if board is None:
            errors["board"] = "Choose the board the pack is for"
        try:
            month = packs.parse_month(month_text)
        except ValueError as exc:
            errors["month"] = str(exc)
        if not errors and board is not None:
            return redirect("reporting:pack", slug=programme.slug, board_code=board.code, month=f"{month:%Y-%m}")
    return render(
        request,
        "reporting/packs.html",
        _context(
            request,
            boards=[(b, selectors.board_slug(b)) for b in boards],
            issued=list(selectors.issued_packs(programme)),
            default_month=request.GET.get("month") or f"{_default_month(programme):%Y-%m}",
            chosen_board=request.GET.get("board", ""),
            errors=errors,
            formats={k: f for k, f in formats.FORMATS.items() if formats.available(k)},
        ),
    )


def _pack(request: ProgrammeRequest, board: Board, month: dt.date) -> tuple[Pack, Any]:
    issued = selectors.issued_pack(board, month)
    if issued is not None:
        return pack_from_data(issued.data), issued
    return packs.pack_build(_programme(request), board, month=month), None


@programme_view(PackPerm.READ)
def pack(request: ProgrammeRequest, slug: str, board_code: str, month: str) -> HttpResponse:
    board, first = _board(request, board_code), _month(month)
    document, issued = _pack(request, board, first)
    return render(
        request,
        "reporting/pack.html",
        _context(
            request,
            board=board,
            month=f"{first:%Y-%m}",
            pack=document,
            issued=issued,
            facts=cover_facts(document),
            body=mark_safe(pack_body_html(document, "page")),  # noqa: S308 - every text is escaped by render_html
            downloads=[
                (f, issued.files()[f.key] is not None if issued else formats.available(f.key))
                for f in formats.FORMATS.values()
            ],
        ),
    )


@programme_view(PackPerm.READ)
@require_GET
def pack_download(request: ProgrammeRequest, slug: str, board_code: str, month: str, fmt: str) -> HttpResponse:
    board, first = _board(request, board_code), _month(month)
    if fmt not in formats.FORMATS:
        raise Http404(f"'{fmt}' is not a pack format")
    issued = selectors.issued_pack(board, first)
    if issued is not None:
        data = selectors.pack_file(board, first, fmt)
        if data is None:
            raise Http404(f"The issued pack was not made as {formats.FORMATS[fmt].label}")
    else:
        try:
            data = formats.render(packs.pack_build(_programme(request), board, month=first), fmt)
        except formats.FormatUnavailableError as exc:
            raise Http404(str(exc)) from exc
    response = HttpResponse(data, content_type=formats.FORMATS[fmt].content_type)
    state = "issued" if issued is not None else "draft"
    extension = formats.FORMATS[fmt].extension
    name = f"{_programme(request).slug}-{selectors.board_slug(board)}-{first:%Y-%m}-{state}.{extension}"
    disposition = "inline" if fmt in ("pdf", "html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@programme_view(PackPerm.BUILD)
@require_POST
def pack_issue(request: ProgrammeRequest, slug: str, board_code: str, month: str) -> HttpResponse:
    board, first = _board(request, board_code), _month(month)
    try:
        issued = services.pack_issue(actor=actor(request), programme=_programme(request), board=board, month=first)
    except services.PackIssueRefusedError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{issued.title} issued. It will not change, whatever happens to the data.")
    return redirect("reporting:pack", slug=slug, board_code=board.code, month=f"{first:%Y-%m}")


@programme_view(PackPerm.BUILD)
def pack_sections(request: ProgrammeRequest, slug: str, board_code: str) -> HttpResponse:
    board = _board(request, board_code)
    chosen = packs.chosen_sections(board)
    errors: dict[str, str] = {}
    values = {c.section.key: (c.included, str(c.order)) for c in chosen}
    if request.method == "POST":
        ticked = set(request.POST.getlist("sections"))
        choices: list[tuple[str, bool, int]] = []
        for c in chosen:
            raw = request.POST.get(f"order-{c.section.key}", "").strip() or str(c.order)
            values[c.section.key] = (c.section.key in ticked, raw)
            if raw.isdigit() and 1 <= int(raw) <= 999:
                choices.append((c.section.key, c.section.key in ticked, int(raw)))
            else:
                errors[c.section.key] = (
                    f"Give the place of '{c.section.title}' in the pack as a whole number from 1 to 999"
                )
        if not errors:
            try:
                services.pack_sections_save(actor=actor(request), board=board, choices=choices)
            except ValidationError as exc:
                errors["sections"] = "; ".join(exc.messages)
            else:
                messages.success(request, f"The sections of {board.name}'s pack are saved.")
                return redirect(reverse("reporting:pack-sections", args=[slug, board.code]))
    rows = [(c.section, values[c.section.key][0], values[c.section.key][1], errors.get(c.section.key)) for c in chosen]
    return render(
        request,
        "reporting/sections.html",
        _context(request, board=board, rows=rows, errors=errors),
    )
