"""Pages of the governance room. Views validate with a form, call one service or selector, and render."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from improve.core.access import secret_link
from improve.core.register import register_page, row_url
from improve.core.views import actor, apply_validation_error, archive_page, get_or_404
from improve.governance import ical, registers, selectors, services
from improve.governance.forms import (
    BoardForm,
    ChangeForm,
    DecideForm,
    DecisionForm,
    DocumentForm,
    MeetingAddForm,
    MeetingForm,
    ReportForm,
    SignoffForm,
    VersionForm,
)
from improve.governance.models import Board, ChangeRequest, Decision, Document, Meeting
from improve.governance.permissions import GovPerm, may_decide
from improve.programmes.models import Programme, Role
from improve.programmes.permissions import Perm, ProgrammeRequest, programme_view


def _programme(request: ProgrammeRequest) -> Programme:
    return request.access.programme


def _context(request: ProgrammeRequest, **extra: Any) -> dict[str, Any]:
    return {
        "programme": _programme(request),
        "access": request.access,
        "Perm": Perm,
        "GovPerm": GovPerm,
        "today": _programme(request).as_at,
        **extra,
    }


def _year(request: ProgrammeRequest) -> tuple[dt.date, dt.date]:
    """The financial year asked for (``?year=2019`` is 2019/20), else the one of the programme's as-at date."""
    asked = request.GET.get("year", "")
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        return dt.date(int(asked), 4, 1), dt.date(int(asked) + 1, 3, 31)
    return selectors.financial_year(_programme(request).as_at)


def _may_decide(request: ProgrammeRequest, board: Board) -> bool:
    return may_decide(role=request.access.role, user_id=request.user.pk, board=board)


def _board(request: ProgrammeRequest, code: str) -> Board:
    return get_or_404(selectors.board_in, _programme(request), code)


# --- rows rendered in Python (a year of meetings is hundreds of rows; see core.register) --------

_CELL = '<td class="govuk-table__cell">{}</td>'
_DATE_CELL = '<td class="govuk-table__cell io-nowrap">{}</td>'


def _e(text: object) -> str:
    """Plain text as HTML. The standard library's ``escape`` makes the same text as Django's, without
    the lazy-aware wrapper and ``SafeString`` that hundreds of cells pay for (as core's register does)."""
    return html.escape(str(text))


def _note(m: Meeting) -> str:
    if m.cancelled:
        return f'<strong class="govuk-tag govuk-tag--red">Cancelled</strong> {_e(m.reason)}'
    if m.moved_by_hand:
        return f'<strong class="govuk-tag govuk-tag--yellow">Moved</strong> from {m.scheduled:%d/%m/%Y}: {_e(m.reason)}'
    if m.moved:
        return f"Moved from {m.scheduled:%d/%m/%Y} ({_e(m.moved_for)})"
    return ""


def _themes(m: Meeting) -> str:
    themes = getattr(m, "theme_list", None)  # prefetched by selectors.meetings_between
    return "; ".join(t.name for t in (m.themes.all() if themes is None else themes))


def _held(m: Meeting) -> str:
    text = f"{m.date:%a %d/%m/%Y}"
    return f"<s>{text}</s>" if m.cancelled else text


_ROW4 = '<tr class="govuk-table__row">' + _DATE_CELL + _CELL + _CELL + _CELL + "</tr>"
_ROW3 = '<tr class="govuk-table__row">' + _DATE_CELL + _CELL + _CELL + "{}</tr>"
_MOVE_LINK = (
    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">Move, cancel or change'
    '<span class="govuk-visually-hidden"> the meeting of {}</span></a></td>'
)


def calendar_rows(meetings: list[Meeting], board_url: Callable[[str], str]) -> SafeString:
    """The calendar's rows for one month: date, board (linked), themes, what happened."""
    rows = [
        _ROW4.format(
            _held(m),
            f'<a class="govuk-link" href="{_e(board_url(m.board.code))}">{_e(m.board.name)}</a>',
            _e(_themes(m)),
            _note(m),
        )
        for m in meetings
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it is escaped above


def board_rows(meetings: list[Meeting], edit_url: Callable[[int], str] | None) -> SafeString:
    """A board's meetings: date, themes, what happened, and (for who manages) the link to change it."""
    rows = [
        _ROW3.format(
            f"{m.date:%a %d/%m/%Y}",
            _e(_themes(m)),
            _note(m),
            _MOVE_LINK.format(_e(edit_url(m.pk)), f"{m.date:%d/%m/%Y}") if edit_url is not None else "",
        )
        for m in meetings
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it is escaped above


def due_items(deadlines: list[selectors.Deadline]) -> SafeString:
    """The calendar's reports due in one month, one list item each: due, report, from, to (meeting)."""
    items = [
        f"<li>{d.due:%a %d/%m/%Y}: {_e(d.link.report)} from {_e(d.link.sender_name)} to "
        f"{_e(d.meeting.board.name)} ({d.meeting.date:%d/%m/%Y})</li>"
        for d in deadlines
    ]
    return mark_safe("\n".join(items))  # noqa: S308 - every text in it is escaped above


def deadline_rows(deadlines: list[selectors.Deadline]) -> SafeString:
    """The chain's deadlines: due, report, the meeting it goes into, the sender's meeting that prepares it."""
    rows = []
    for d in deadlines:
        prepared = f"{d.prepared_at.board.name}, {d.prepared_at.date:%d/%m/%Y}" if d.prepared_at else d.link.sender_name
        rows.append(
            _ROW4.format(
                f"{d.due:%a %d/%m/%Y}",
                _e(d.link.report),
                _e(f"{d.meeting.board.name}, {d.meeting.date:%d/%m/%Y}"),
                _e(prepared),
            )
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every text in it is escaped above


# --- the calendar and the chain -----------------------------------------------------------------


@programme_view(Perm.VIEW)
def calendar(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    start, end = _year(request)
    meetings = list(selectors.meetings_between(programme, start, end))
    due = selectors.deadlines(programme, start, end)
    months: dict[dt.date, dict[str, Any]] = {}
    day = start
    while day <= end:
        months[day] = {"meetings": [], "deadlines": []}
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for m in meetings:
        months[m.date.replace(day=1)]["meetings"].append(m)
    for d in due:
        if d.due.replace(day=1) in months:
            months[d.due.replace(day=1)]["deadlines"].append(d)
    board_url = row_url("governance:board", [programme.slug])
    for found in months.values():
        found["rows"] = calendar_rows(found["meetings"], board_url)
        found["due"] = due_items(found["deadlines"])
    return render(
        request,
        "governance/calendar.html",
        _context(
            request,
            start=start,
            end=end,
            months=months.items(),
            meeting_count=len(meetings),
            previous_year=start.year - 1,
            next_year=start.year + 1,
        ),
    )


@programme_view(GovPerm.MANAGE)
@require_POST
def calendar_generate(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    start, end = _year(request)
    code = request.POST.get("board", "")
    boards = [_board(request, code)] if code else None
    try:
        done = services.calendar_generate(
            actor=actor(request), programme=programme, start=start, end=end, boards=boards
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Calendar {start.year}/{str(end.year)[2:]}: {done.summary()}")
    back = reverse("governance:board", args=[slug, code]) if code else reverse("governance:calendar", args=[slug])
    return redirect(f"{back}?year={start.year}")


@programme_view(Perm.VIEW)
def chain(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    start, end = _year(request)
    links = list(selectors.report_links(programme))
    return render(
        request,
        "governance/chain.html",
        _context(
            request,
            links=links,
            deadlines=(due := selectors.deadlines(programme, start, end)),
            deadline_rows=deadline_rows(due),
            start=start,
            end=end,
        ),
    )


@programme_view(Perm.VIEW)
def programme_ics(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    body = ical.feed(selectors.meetings_for_feed(programme), name=f"{programme.name} – governance")
    return _ics(body, f"{programme.slug}-governance.ics")


@programme_view(Perm.VIEW)
def board_ics(request: ProgrammeRequest, slug: str, board_code: str) -> HttpResponse:
    board = _board(request, board_code)
    body = ical.feed(selectors.meetings_for_feed(_programme(request), board=board), name=board.name)
    return _ics(body, f"{slug}-{board_code}.ics")


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@programme_view(Perm.VIEW)
def subscribe(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """The member's own secret calendar addresses: make one (shown once) or stop it."""
    programme = _programme(request)
    secret = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.feed_token_revoke(actor=actor(request), user=request.user, programme=programme):
                messages.success(
                    request, "Your calendar address no longer works. Calendars subscribed to it stop updating."
                )
            return redirect("governance:subscribe", slug=slug)
        secret = services.feed_token_issue(actor=actor(request), user=request.user, programme=programme)
    live = selectors.feed_token_live(request.user, programme)
    feeds: list[tuple[str, str]] = []
    if secret:
        feeds = [("Every board", request.build_absolute_uri(reverse("governance:feed", args=[secret])))]
        feeds += [
            (b.name, request.build_absolute_uri(reverse("governance:board-feed", args=[secret, b.code])))
            for b in selectors.board_choices(programme)
        ]
    response = render(
        request,
        "governance/subscribe.html",
        _context(request, live=live, feeds=feeds, can_revoke_others=request.access.can(GovPerm.REVOKE_FEEDS)),
    )
    response["Cache-Control"] = "no-store"  # the page may show a secret
    return response


@programme_view(GovPerm.REVOKE_FEEDS)
def feed_addresses(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """The members' live calendar addresses; a programme manager stops one (a leak, a lost device)."""
    programme = _programme(request)
    if request.method == "POST":
        try:
            user_id = int(request.POST.get("member", ""))
        except ValueError:
            user_id = 0
        try:
            services.feed_token_revoke_member(actor=actor(request), programme=programme, user_id=user_id)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "That calendar address no longer works. Calendars subscribed to it stop updating."
            )
        return redirect("governance:feed-addresses", slug=slug)
    return render(
        request, "governance/feed_addresses.html", _context(request, feeds=selectors.feed_tokens_live(programme))
    )


def _feed_token(token: str) -> Any:
    found = selectors.feed_token_for(token)
    if found is None:
        raise Http404("No such calendar")
    return found


@secret_link
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = _feed_token(token)
    programme = found.programme
    body = ical.feed(selectors.meetings_for_feed(programme), name=f"{programme.name} – governance")
    return _private(_ics(body, f"{programme.slug}-governance.ics"))


@secret_link
def board_feed(request: HttpRequest, token: str, board_code: str) -> HttpResponse:
    found = _feed_token(token)
    board = selectors.board_in_feed(found.programme, board_code)
    if board is None:
        raise Http404("No such board")
    body = ical.feed(selectors.meetings_for_feed(found.programme, board=board), name=board.name)
    return _private(_ics(body, f"{found.programme.slug}-{board.code}.ics"))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- boards -------------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def boards(request: ProgrammeRequest, slug: str) -> HttpResponse:
    return register_page(request, registers.boards(_programme(request), request.access), _context(request))


@programme_view(Perm.VIEW)
def board(request: ProgrammeRequest, slug: str, board_code: str) -> HttpResponse:
    programme = _programme(request)
    found = _board(request, board_code)
    start, end = _year(request)
    meetings = list(selectors.meetings_between(programme, start, end, board=found))
    rule_text, rule_error = "", ""
    try:
        rule = found.rule()
        rule_text = rule.describe() if rule else ""
    except ValueError as exc:
        rule_error = str(exc)
    return render(
        request,
        "governance/board.html",
        _context(
            request,
            board=found,
            members=list(found.members.all()),
            meetings=meetings,
            meeting_rows=board_rows(
                meetings,
                row_url("governance:meeting-edit", [programme.slug]) if request.access.can(GovPerm.MANAGE) else None,
            ),
            rule_text=rule_text,
            rule_error=rule_error,
            decisions=list(selectors.decisions_register(programme, board=found)[:20]),
            pending=list(selectors.pending_changes(found)),
            may_decide=_may_decide(request, found),
            start=start,
            end=end,
        ),
    )


def _board_form(request: ProgrammeRequest, found: Board | None) -> BoardForm:
    programme = _programme(request)
    others = [b for b in selectors.boards_for(programme) if found is None or b.pk != found.pk]
    taken = {b.code for b in others}
    initial: dict[str, Any] = {}
    if found is not None:
        initial = {
            "code": found.code,
            "name": found.name,
            "chair": str(found.chair_id or ""),
            "members": [str(o.pk) for o in found.members.all()],
            "parent": str(found.parent_id or ""),
            "cadence": found.cadence,
            "first_meeting": found.first_meeting,
            "starts_at": found.starts_at,
            "duration_minutes": found.duration_minutes,
            "tolerance_days": found.tolerance_days,
            "tolerance_cost": found.tolerance_cost,
            "tolerance_scope": found.tolerance_scope,
            "themes_per_meeting": found.themes_per_meeting,
            "order": found.order,
            "notes": found.notes,
        }
    return BoardForm(
        request.POST or None,
        initial=initial,
        owners=list(selectors.owners_for(programme)),
        boards=others,
        taken=taken,
    )


@programme_view(GovPerm.MANAGE)
def board_edit(request: ProgrammeRequest, slug: str, board_code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    found = _board(request, board_code) if board_code else None
    form = _board_form(request, found)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.board_save(
                actor=actor(request),
                programme=programme,
                board=found,
                data=form.service_data(),  # type: ignore[arg-type]
                members=form.members_chosen(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{saved.name} saved")
            return redirect("governance:board", slug=slug, board_code=saved.code)
    back = reverse("governance:board", args=[slug, found.code]) if found else reverse("governance:boards", args=[slug])
    return render(
        request,
        "governance/form.html",
        _context(request, form=form, heading=f"Change {found.name}" if found else "Add a board", back_url=back),
    )


@programme_view(GovPerm.MANAGE)
@require_POST
def rota_generate(request: ProgrammeRequest, slug: str, board_code: str) -> HttpResponse:
    found = _board(request, board_code)
    start, end = _year(request)
    try:
        filled = services.rota_generate(
            actor=actor(request), board=found, start=start, end=end, replace=request.POST.get("replace") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Themes given to {len(filled)} meetings")
    return redirect(f"{reverse('governance:board', args=[slug, board_code])}?year={start.year}")


# --- meetings -----------------------------------------------------------------------------------


@programme_view(GovPerm.MANAGE)
def meeting_add(request: ProgrammeRequest, slug: str, board_code: str) -> HttpResponse:
    found = _board(request, board_code)
    form = MeetingAddForm(request.POST or None)
    back = reverse("governance:board", args=[slug, board_code])
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_add(
                actor=actor(request),
                board=found,
                date=form.cleaned_data["date"],
                starts_at=form.cleaned_data["starts_at"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Meeting of {found.name} added")
            return redirect(back)
    return render(
        request,
        "governance/form.html",
        _context(request, form=form, heading=f"Add a meeting of {found.name}", back_url=back),
    )


@programme_view(GovPerm.MANAGE)
def meeting_edit(request: ProgrammeRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request)
    meeting = get_or_404(selectors.meeting_in, programme, pk)
    initial = {
        "date": meeting.date,
        "starts_at": meeting.starts_at,
        "cancelled": meeting.cancelled,
        "reason": meeting.reason,
        "themes": [str(t.pk) for t in meeting.themes.all()],
        "notes": meeting.notes,
    }
    form = MeetingForm(request.POST or None, initial=initial, strands=list(selectors.strands_for(programme)))
    back = reverse("governance:board", args=[slug, meeting.board.code])
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.meeting_change(
                actor=actor(request),
                meeting=meeting,
                date=c["date"],
                starts_at=c["starts_at"],
                cancelled=c["cancelled"],
                reason=c["reason"],
                notes=c["notes"],
                themes=form.themes_chosen(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Meeting of {meeting.board.name} saved")
            return redirect(back)
    heading = f"{meeting.board.name}: meeting of {meeting.scheduled:%d/%m/%Y}"
    return render(request, "governance/form.html", _context(request, form=form, heading=heading, back_url=back))


# --- decisions ----------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def decisions(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    register = registers.decisions(
        programme, request.access, user_id=request.user.pk, boards=list(selectors.board_choices(programme))
    )
    return register_page(request, register, _context(request))


@programme_view(GovPerm.DECIDE)
def decision_record(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """Record a decision; the meetings offered are those of the boards this member decides for."""
    programme = _programme(request)
    start = programme.start_date or programme.as_at - dt.timedelta(days=400)
    end = programme.end_date or programme.as_at + dt.timedelta(days=400)
    meetings = [
        m
        for m in selectors.meetings_between(programme, start, end)
        if not m.cancelled and _may_decide(request, m.board)
    ]
    asked = request.GET.get("meeting", "")
    form = DecisionForm(
        request.POST or None,
        initial={"meeting": asked},
        meetings=meetings,
        gates=list(selectors.open_gates(programme)),
    )
    back = reverse("governance:decisions", args=[slug])
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            decision = services.decision_record(
                actor=actor(request),
                meeting=form.meetings[c["meeting"]],
                kind=c["kind"],
                outcome=c["outcome"],
                text=c["text"],
                gate=form.gates.get(c["gate"]),
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_validation_error(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            done = f"{decision.ref} recorded"
            if decision.gate is not None and decision.outcome == "agreed":
                done += f"; gate {decision.gate.uid} is complete in the plan"
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "governance/decision_form.html",
        _context(request, form=form, heading="Record a decision", back_url=back, has_meetings=bool(meetings)),
    )


# --- change requests ----------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def changes(request: ProgrammeRequest, slug: str) -> HttpResponse:
    return register_page(request, registers.changes(_programme(request), request.access), _context(request))


@programme_view(GovPerm.RAISE_CHANGE)
def change_raise(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    access = request.access
    scoped = access.role == Role.WORKSTREAM_LEAD
    strands = [s for s in selectors.strands_for(programme) if not scoped or s.pk in access.strand_ids]
    items = [i for i in selectors.plan_items_for(programme) if not scoped or i.strand_id in access.strand_ids]
    form = ChangeForm(request.POST or None, strands=strands, items=items, strand_required=scoped)
    back = reverse("governance:changes", args=[slug])
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            change = services.change_raise(
                actor=actor(request),
                programme=programme,
                title=c["title"],
                description=c["description"],
                strand=form.strands.get(c["strand"]),
                impact_days=c["impact_days"],
                impact_cost=c["impact_cost"],
                impact_scope=c["impact_scope"],
                lines=form.lines_chosen(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, {"lines": "item_1"})
        else:
            messages.success(request, f"{change.ref} raised and sent to {change.board or 'no board'}")
            return redirect("governance:change", slug=slug, ref=change.ref)
    return render(
        request, "governance/form.html", _context(request, form=form, heading="Raise a change request", back_url=back)
    )


@programme_view(Perm.VIEW)
def change_detail(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    change = get_or_404(selectors.change_in, _programme(request), ref)
    return render(
        request, "governance/change.html", _context(request, change=change, **_decide_context(request, change))
    )


def _decide_context(request: ProgrammeRequest, change: ChangeRequest) -> dict[str, Any]:
    may = (
        change.board is not None
        and change.state == ChangeRequest.State.PENDING
        and request.access.can(GovPerm.DECIDE)
        and _may_decide(request, change.board)
    )
    return {
        "may_decide": may,
        "decide_url": reverse("governance:change-decide", args=[request.access.programme.slug, change.ref]),
    }


@programme_view(GovPerm.DECIDE)
def change_decide(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    """Approve or reject a change: its board's chair, an SRO or a programme manager. Anyone else is told who can."""
    change = get_or_404(selectors.change_in, _programme(request), ref)
    extra = _decide_context(request, change)
    form = DecideForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and extra["may_decide"] and form.is_valid():
        c = form.cleaned_data
        try:
            services.change_decide(
                actor=actor(request),
                change=change,
                approve=c["decision"] == "approve",
                reason=c["reason"],
                decided_on=c["decided_on"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{change.ref} {'approved' if c['decision'] == 'approve' else 'rejected'}")
            return redirect("governance:change", slug=slug, ref=change.ref)
    return render(request, "governance/change.html", _context(request, change=change, form=form, **extra))


# --- documents ----------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def documents(request: ProgrammeRequest, slug: str) -> HttpResponse:
    docs = list(selectors.documents_register(_programme(request)))
    signoffs: dict[int, list[Any]] = defaultdict(list)
    for d in docs:
        signoffs[d.pk] = list(d.signoffs.all())
    return render(request, "governance/documents.html", _context(request, documents=docs))


@programme_view(Perm.VIEW)
def document(request: ProgrammeRequest, slug: str, doc_code: str) -> HttpResponse:
    found = get_or_404(selectors.document_in, _programme(request), doc_code)
    return render(request, "governance/document.html", _context(request, document=found))


# --- archive and restore (boards and change requests, from their registers) ----------------------


def _archive_page(request: ProgrammeRequest, subject: Any, **page: Any) -> HttpResponse:
    """Confirm and archive (:func:`improve.core.views.archive_page`) on a governance page."""
    return archive_page(request, subject, context=_context(request), **page)


@programme_view(GovPerm.MANAGE)
def board_archive(request: ProgrammeRequest, slug: str, board_code: str) -> HttpResponse:
    found = _board(request, board_code)
    return _archive_page(
        request,
        found,
        what="Board",
        label=found.name,
        explain="An archived board is hidden from the calendar, the registers, the feeds and the workbook, "
        "with its meetings and decisions.",
        archive=lambda reason: services.board_archive(actor=actor(request), board=found, reason=reason),
        restore_url=reverse("governance:board-restore", args=[slug, board_code]),
        done_url=reverse("governance:boards", args=[slug]),
    )


@programme_view(GovPerm.MANAGE)
@require_POST
def board_restore(request: ProgrammeRequest, slug: str, board_code: str) -> HttpResponse:
    found = _board(request, board_code)
    if found.archived:
        services.board_restore(actor=actor(request), board=found)
        messages.success(request, f"{found.name} restored")
    return redirect("governance:boards", slug=slug)


@programme_view(GovPerm.MANAGE)
def change_archive(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    change = get_or_404(selectors.change_any, _programme(request), ref)
    return _archive_page(
        request,
        change,
        what="Change request",
        label=f"{change.ref} {change.title}",
        explain="An archived change request is withdrawn from the register and the boards' pages.",
        archive=lambda reason: services.change_archive(actor=actor(request), change=change, reason=reason),
        restore_url=reverse("governance:change-restore", args=[slug, ref]),
        done_url=reverse("governance:changes", args=[slug]),
    )


@programme_view(GovPerm.MANAGE)
@require_POST
def change_restore(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    change = get_or_404(selectors.change_any, _programme(request), ref)
    if change.archived:
        services.change_restore(actor=actor(request), change=change)
        messages.success(request, f"{change.ref} restored")
    return redirect("governance:changes", slug=slug)


# --- correcting a decision ----------------------------------------------------------------------


@programme_view(GovPerm.DECIDE)
def decision_edit(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    """Correct a decision (audited): who may record for its board. An agreed one completes its gate."""
    programme = _programme(request)
    decision: Decision = get_or_404(selectors.decision_in, programme, ref)
    back = reverse("governance:decisions", args=[slug])
    if not _may_decide(request, decision.meeting.board):
        board = decision.meeting.board
        messages.error(
            request,
            f"Only the chair of {board.name} ({board.chair or 'no one yet'}), an SRO or a programme manager "
            f"can correct {decision.ref}",
        )
        return redirect(back)
    start = programme.start_date or programme.as_at - dt.timedelta(days=400)
    end = programme.end_date or programme.as_at + dt.timedelta(days=400)
    meetings = [
        m
        for m in selectors.meetings_between(programme, start, end)
        if (not m.cancelled and _may_decide(request, m.board)) or m.pk == decision.meeting_id
    ]
    gates = list(selectors.open_gates(programme))
    if decision.gate is not None and decision.gate not in gates:
        gates.insert(0, decision.gate)
    initial = {
        "meeting": str(decision.meeting_id),
        "kind": decision.kind,
        "outcome": decision.outcome,
        "text": decision.text,
        "gate": str(decision.gate_id or ""),
    }
    form = DecisionForm(request.POST or None, initial=initial, meetings=meetings, gates=gates)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            saved = services.decision_update(
                actor=actor(request),
                decision=decision,
                meeting=form.meetings[c["meeting"]],
                kind=c["kind"],
                outcome=c["outcome"],
                text=c["text"],
                gate=form.gates.get(c["gate"]),
            )
        except (ValidationError, PermissionDenied) as exc:
            apply_validation_error(form, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"{saved.ref} saved")
            return redirect(back)
    return render(
        request,
        "governance/decision_form.html",
        _context(request, form=form, heading=f"Correct {decision.ref}", back_url=back, has_meetings=True),
    )


# --- the reporting chain ------------------------------------------------------------------------


@programme_view(GovPerm.MANAGE)
def report_edit(request: ProgrammeRequest, slug: str, report_id: int | None = None) -> HttpResponse:
    programme = _programme(request)
    link = get_or_404(selectors.report_link_in, programme, report_id) if report_id is not None else None
    boards_list = list(selectors.boards_for(programme))
    initial: dict[str, Any] = {}
    if link is not None:
        initial = {
            "report": link.report,
            "sender": str(link.sender_id or ""),
            "receiver": str(link.receiver_id),
            "due_working_days": link.due_working_days,
        }
    form = ReportForm(request.POST or None, initial=initial, boards=boards_list)
    back = reverse("governance:chain", args=[slug])
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.report_link_save(
                actor=actor(request),
                programme=programme,
                link=link,
                sender=form.boards.get(c["sender"]),
                receiver=form.boards[c["receiver"]],
                report=c["report"],
                due_working_days=c["due_working_days"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{c['report']} saved")
            return redirect(back)
    heading = f"Change the report {link.report}" if link else "Add a report to the chain"
    return render(request, "governance/form.html", _context(request, form=form, heading=heading, back_url=back))


@programme_view(GovPerm.MANAGE)
@require_POST
def report_delete(request: ProgrammeRequest, slug: str, report_id: int) -> HttpResponse:
    link = get_or_404(selectors.report_link_in, _programme(request), report_id)
    services.report_link_delete(actor=actor(request), link=link)
    messages.success(request, f"{link.report} taken out of the chain")
    return redirect("governance:chain", slug=slug)


# --- documents ----------------------------------------------------------------------------------


def _document(request: ProgrammeRequest, doc_code: str) -> Document:
    return get_or_404(selectors.document_in, _programme(request), doc_code)


@programme_view(GovPerm.MANAGE)
def document_edit(request: ProgrammeRequest, slug: str, doc_code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    found = _document(request, doc_code) if doc_code else None
    taken = selectors.document_codes(programme) - ({found.code} if found else set())
    initial = {"code": found.code, "title": found.title, "kind": found.kind} if found else {}
    form = DocumentForm(request.POST or None, initial=initial, taken=taken)
    back = (
        reverse("governance:document", args=[slug, found.code])
        if found
        else reverse("governance:documents", args=[slug])
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            saved = services.document_save(
                actor=actor(request),
                programme=programme,
                document=found,
                code=c["code"],
                title=c["title"],
                kind=c["kind"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{saved.title} saved")
            return redirect("governance:document", slug=slug, doc_code=saved.code)
    heading = f"Change {found.title}" if found else "Add a document"
    return render(request, "governance/form.html", _context(request, form=form, heading=heading, back_url=back))


@programme_view(GovPerm.MANAGE)
def version_edit(request: ProgrammeRequest, slug: str, doc_code: str, version_id: int | None = None) -> HttpResponse:
    """Add a line to a document's revision history, or correct one."""
    found = _document(request, doc_code)
    version = get_or_404(selectors.version_in, found, version_id) if version_id is not None else None
    initial = (
        {"version": version.version, "date": version.date, "author": version.author, "summary": version.summary}
        if version
        else {}
    )
    form = VersionForm(request.POST or None, initial=initial)
    if version is not None:
        form.fields["version"].disabled = True
    back = reverse("governance:document", args=[slug, doc_code])
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            if version is None:
                services.document_version_add(
                    actor=actor(request),
                    document=found,
                    version=c["version"],
                    date=c["date"],
                    author=c["author"],
                    summary=c["summary"],
                )
            else:
                services.document_version_update(
                    actor=actor(request), version=version, date=c["date"], author=c["author"], summary=c["summary"]
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"Version {c['version']} of {found.title} saved")
            return redirect(back)
    heading = f"{found.title}: version {version.version}" if version else f"{found.title}: add a version"
    return render(request, "governance/form.html", _context(request, form=form, heading=heading, back_url=back))


@programme_view(GovPerm.MANAGE)
def signoff_edit(request: ProgrammeRequest, slug: str, doc_code: str, signoff_id: int | None = None) -> HttpResponse:
    """Ask for a review or an approval of a version, or record its outcome."""
    found = _document(request, doc_code)
    signoff = get_or_404(selectors.signoff_in, found, signoff_id) if signoff_id is not None else None
    fields = ("version", "kind", "name", "role", "status", "date", "note")
    initial = {f: getattr(signoff, f) for f in fields} if signoff else {}
    form = SignoffForm(request.POST or None, initial=initial)
    back = reverse("governance:document", args=[slug, doc_code])
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        values = {f: c[f] for f in fields}
        try:
            if signoff is None:
                services.document_signoff_add(actor=actor(request), document=found, **values)
            else:
                services.document_signoff_update(actor=actor(request), signoff=signoff, **values)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{c['name']}'s {c['kind']} of version {c['version']} saved")
            return redirect(back)
    heading = (
        f"{found.title}: {signoff.name}'s {signoff.get_kind_display().lower()}"
        if signoff
        else (f"{found.title}: ask for a review or approval")
    )
    return render(request, "governance/form.html", _context(request, form=form, heading=heading, back_url=back))
