"""Pages of highlight reports and the programme & PMO dashboard.

Views validate with a form, call one service or selector, and render. Who may do what: the
permission table (``edit_highlights`` scoped to a workstream lead's strands, ``review_highlights``)
checked again on the report's strand; what the workflow allows: the services, whose refusals are
shown on the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from improve.core.audit import history_for
from improve.core.forms import merge_after_conflict
from improve.core.services import EditConflict
from improve.core.views import actor, apply_validation_error, get_or_404, report_conflict
from improve.modelling.money import pounds
from improve.programmes.permissions import Perm, ProgrammeRequest, programme_view
from improve.reporting import dashboard as dashboards
from improve.reporting.charts import chart_svg
from improve.reporting.highlights import selectors, services
from improve.reporting.highlights.forms import ReportForm, ReviewForm, StartForm
from improve.reporting.highlights.permissions import EDIT_HIGHLIGHTS, REVIEW_HIGHLIGHTS
from improve.reporting.models import HighlightReport, month_end, month_label, period_key

HISTORY_PAGE = 200
OVERDUE_LISTED = 40
#: a RAG as the grid writes it: its word and its tag's colour
RAG_TAGS = {"red": ("Red", "red"), "amber": ("Amber", "orange"), "green": ("Green", "green")}


def _context(request: ProgrammeRequest, **extra: Any) -> dict[str, Any]:
    programme = request.access.programme
    return {"programme": programme, "access": request.access, "Perm": Perm, "today": programme.as_at, **extra}


def _report(request: ProgrammeRequest, code: str, month: str) -> HighlightReport:
    period = selectors.parse_period(month)
    if period is None:
        raise Http404("No such month")
    return get_or_404(selectors.report_in, request.access.programme, code, period)


def _url(name: str, report: HighlightReport) -> str:
    return reverse(f"reporting:{name}", args=[report.programme.slug, report.strand.code, report.period_text])


def _may_edit(request: ProgrammeRequest, report: HighlightReport) -> bool:
    return request.access.can(EDIT_HIGHLIGHTS, strand_id=report.strand_id)


def _year(request: ProgrammeRequest) -> int:
    asked = request.GET.get("year", "")
    if asked.isdigit() and 2000 <= int(asked) <= 2100:
        return int(asked)
    day = request.access.programme.as_at
    return day.year if day.month >= 4 else day.year - 1


def _grid_cell(base: str, r: HighlightReport | None) -> str:
    if r is None:
        return '<td class="govuk-table__cell"><span class="govuk-body-s">None</span></td>'
    tag = RAG_TAGS.get(r.overall_rag)
    rag = (
        f'<strong class="govuk-tag govuk-tag--{tag[1]}">{tag[0]}</strong>'
        if tag
        else '<span class="govuk-body-s">No RAG yet</span>'
    )
    return (
        f'<td class="govuk-table__cell"><a class="govuk-link" href="{escape(base + r.strand.code)}/{r.period_text}/">'
        f'{escape(r.get_state_display())}<span class="govuk-visually-hidden">: {escape(r.strand.name)}, {r.month}'
        f"</span></a><br>{rag}</td>"
    )


def _grid_row(base: str, row: selectors.GridRow) -> str:
    cells = "".join(_grid_cell(base, r) for r in row.cells)
    return (
        f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{row.period:%B %Y}</th>'
        f"{cells}</tr>\n"
    )


@programme_view(Perm.VIEW)
def highlights(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """Reports by month × strand for a financial year, what is overdue and what awaits review."""
    programme = request.access.programme
    year = _year(request)
    first, last = dt.date(year, 4, 1), dt.date(year + 1, 3, 1)
    found = selectors.grid(programme, first, last, as_at=programme.as_at)
    start = None
    if request.access.can(EDIT_HIGHLIGHTS):
        editable = [s for s in found.strands if request.access.can(EDIT_HIGHLIGHTS, strand_id=s.pk)]
        start = StartForm(strands=editable, strand_word=programme.strand_word)
    # the grid's rows written here, not by the template: a year of forty strands is 480 cells
    base = reverse("reporting:highlight", args=[slug, "S", "M"])[: -len("S/M/")]
    rows = mark_safe("".join(_grid_row(base, row) for row in found.rows))  # noqa: S308 - escaped in _grid_row
    return render(
        request,
        "reporting/highlights/list.html",
        _context(
            request,
            grid=found,
            overdue=sorted(found.overdue, key=lambda o: (-o.period.toordinal(), o.strand.order, o.strand.code))[
                :OVERDUE_LISTED
            ],
            overdue_more=max(len(found.overdue) - OVERDUE_LISTED, 0),
            rows=rows,
            year=year,
            year_label=f"{year}/{(year + 1) % 100:02d}",
            previous_year=year - 1,
            next_year=year + 1,
            awaiting=list(selectors.awaiting_review(programme)),
            start=start,
        ),
    )


@programme_view(EDIT_HIGHLIGHTS)
def highlight_create(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """Start a strand's report for a month (pre-filled from the live data as at the month's end)."""
    programme = request.access.programme
    strands = [
        s
        for s in selectors.strands_for(programme).order_by("order", "code")
        if request.access.can(EDIT_HIGHLIGHTS, strand_id=s.pk)
    ]
    form = StartForm(request.POST or None, strands=strands, strand_word=programme.strand_word)
    if request.method == "POST" and form.is_valid():
        strand = form.chosen_strand()
        try:
            report = services.highlight_create(
                actor=actor(request), programme=programme, strand=strand, period=form.cleaned_data["month"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc, {"period": "month"})
        else:
            messages.success(request, f"{report} started, pre-filled from the plan, RAID and budget")
            return redirect(_url("highlight-edit", report))
    return render(
        request,
        "reporting/highlights/start.html",
        _context(request, form=form, back=reverse("reporting:highlights", args=[slug])),
    )


@programme_view(Perm.VIEW)
def highlight(request: ProgrammeRequest, slug: str, code: str, month: str) -> HttpResponse:
    report = _report(request, code, month)
    return render(
        request,
        "reporting/highlights/detail.html",
        _context(
            request,
            report=report,
            facts=selectors.shown_facts(report.facts),
            may_edit=_may_edit(request, report) and report.editable,
            may_review=request.access.can(REVIEW_HIGHLIGHTS) and report.awaiting_review,
        ),
    )


@programme_view(EDIT_HIGHLIGHTS)
def highlight_edit(request: ProgrammeRequest, slug: str, code: str, month: str) -> HttpResponse:
    report = _report(request, code, month)
    if not _may_edit(request, report):
        raise PermissionDenied("You can edit the reports of the strands you lead only.")
    conflict = None
    refusal = ""
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            c = form.cleaned_data
            try:
                services.highlight_update(
                    actor=actor(request),
                    report=report,
                    expected_version=c["version"] or report.version,
                    **{name: c[name] for name in ReportForm.FIELDS},
                )
            except EditConflict as exc:
                conflict = exc
                merge = merge_after_conflict(request.POST, ReportForm.current(exc.current), exc.current.version)
                form = ReportForm(merge.data)
                form.is_valid()
                report_conflict(form, merge, "this report")
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"{report} saved")
                return redirect(_url("highlight", report))
    else:
        form = ReportForm(initial=ReportForm.initial_for(report))
    if not report.editable:
        refusal = f"{report} is {report.get_state_display().lower()}: it cannot be changed now."
    return render(
        request,
        "reporting/highlights/form.html",
        _context(
            request,
            form=form,
            report=report,
            facts=selectors.shown_facts(report.facts),
            conflict=conflict,
            refusal=refusal,
        ),
    )


@programme_view(EDIT_HIGHLIGHTS)
def highlight_submit(request: ProgrammeRequest, slug: str, code: str, month: str) -> HttpResponse:
    report = _report(request, code, month)
    if not _may_edit(request, report):
        raise PermissionDenied("You can submit the reports of the strands you lead only.")
    if request.method == "POST":
        try:
            services.highlight_submit(actor=actor(request), report=report, expected_version=report.version)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, f"Not submitted: {text}")
        else:
            messages.success(request, f"{report} submitted to the PMO")
    return redirect(_url("highlight", report))


@programme_view(REVIEW_HIGHLIGHTS)
def highlight_review(request: ProgrammeRequest, slug: str, code: str, month: str) -> HttpResponse:
    """Accept a submitted report, or return it to its lead with a reason."""
    report = _report(request, code, month)
    form = ReviewForm(request.POST or None, initial={"version": report.version})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        version = c["version"] or report.version
        try:
            if c["decision"] == "accept":
                services.highlight_accept(actor=actor(request), report=report, expected_version=version)
            else:
                services.highlight_return(
                    actor=actor(request), report=report, expected_version=version, reason=c["reason"]
                )
        except EditConflict:
            form.add_error(None, "The lead changed the report while you were reading it: read it again, then decide")
        except ValidationError as exc:
            apply_validation_error(form, exc, {"return_reason": "reason"})
        else:
            messages.success(request, f"{report} {'accepted' if c['decision'] == 'accept' else 'returned to its lead'}")
            return redirect(_url("highlight", report))
    return render(request, "reporting/highlights/review.html", _context(request, form=form, report=report))


@programme_view(Perm.VIEW)
def highlight_history(request: ProgrammeRequest, slug: str, code: str, month: str) -> HttpResponse:
    report = _report(request, code, month)
    events = list(history_for(report).select_related("actor")[:HISTORY_PAGE])
    return render(
        request,
        "programmes/history.html",
        _context(request, subject=report, events=events, back=_url("highlight", report)),
    )


def _money_text(found: dashboards.Money | None) -> dict[str, str]:
    if found is None:
        return {}
    return {
        name: pounds(getattr(found, name)) if getattr(found, name) is not None else "Not entered"
        for name in ("budget", "actual", "projected", "variation")
    }


@programme_view(Perm.VIEW)
def dashboard(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """The programme & PMO dashboard as at the programme's status date."""
    programme = request.access.programme
    asked = selectors.parse_period(request.GET.get("month", ""))
    as_at = month_end(asked) if asked is not None and 2000 <= asked.year <= 2100 else None
    found = dashboards.dashboard_kept(programme, as_at=as_at)
    return render(
        request,
        "reporting/dashboard/page.html",
        _context(
            request,
            d=found,
            horizon=dashboards.HORIZON_DAYS,
            month=month_label(found.as_at.replace(day=1)),
            money=_money_text(found.money),
            rag_rows=[(f"{s.code} {s.name}", [RAG_TAGS.get(r) for r in row]) for s, row in found.rags],
            # the same figure the board pack prints; the table under it is its data, written out
            rag_svg=mark_safe(chart_svg(dashboards.rag_chart(found))) if found.rags else "",  # noqa: S308 - escaped by chart_svg
            previous_month=period_key(selectors.previous_month(found.as_at.replace(day=1))),
            next_month=period_key(selectors.next_month(found.as_at.replace(day=1))),
        ),
    )
