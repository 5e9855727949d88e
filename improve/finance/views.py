"""Pages of the programme's money. Views validate with a form, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from improve.core.register import register_page
from improve.core.services import EditConflict
from improve.core.views import actor, apply_validation_error, archive_page, get_or_404
from improve.finance import figurecheck, registers, selectors, services
from improve.finance import summary as summary_table
from improve.finance.forms import (
    AdjustmentForm,
    AllocationForm,
    AmountsForm,
    ChangePlaceForm,
    DrawdownForm,
    EvidenceForm,
    ForecastLinkForm,
    GroupForm,
    LineForm,
    SavingsPlanForm,
    SavingsYearForm,
    SourceAmountsForm,
    SourceForm,
    TrajectoryFigureForm,
    YearForm,
)
from improve.finance.models import WHOLE_YEAR, BudgetLine, FinancialYear, FundingSource, SavingsPlan
from improve.finance.permissions import CLOSE_PERIODS, EDIT_FINANCE
from improve.finance.services import AmountEntry
from improve.finance.workbook_summary import summary_xlsx_bytes
from improve.modelling import fiscal
from improve.modelling.money import pounds
from improve.modelling.trajectory import relations as trajectory_relations
from improve.programmes import selectors as plan_selectors
from improve.programmes.models import Programme
from improve.programmes.permissions import Perm, ProgrammeRequest, programme_view

CONFLICT = "Someone else changed this while you were editing it: nothing was saved. Open it again to see their change."


def _programme(request: ProgrammeRequest) -> Programme:
    return request.access.programme


def _context(request: ProgrammeRequest, **extra: Any) -> dict[str, Any]:
    return {
        "programme": _programme(request),
        "access": request.access,
        "can_edit": request.access.can(EDIT_FINANCE),
        "can_close": request.access.can(CLOSE_PERIODS),
        **extra,
    }


def _url(name: str, programme: Programme, *args: Any) -> str:
    return reverse(f"finance:{name}", args=[programme.slug, *args])


def year_slug(year: FinancialYear) -> str:
    """A year as a page address carries it: ``2019-20``."""
    return year.label.replace("/", "-")


def _line(request: ProgrammeRequest, code: str) -> BudgetLine:
    return get_or_404(selectors.line_in, _programme(request), code)


def _year(request: ProgrammeRequest, label: str) -> FinancialYear:
    return get_or_404(selectors.year_in, _programme(request), label)


def _form_page(
    request: ProgrammeRequest,
    form: Any,
    *,
    heading: str,
    save: Callable[[], Any],
    done_url: str,
    template: str = "finance/form.html",
    done_message: Callable[[Any], str] = lambda saved: f"{saved} saved",
    **extra: Any,
) -> HttpResponse:
    """Validate, save through one service, report its problems on the form, or go on."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except EditConflict:
            form.add_error(None, CONFLICT)
        else:
            messages.success(request, done_message(saved))
            return redirect(done_url)
    return render(request, template, _context(request, form=form, heading=heading, back_url=done_url, **extra))


# --- the summary and the lines ----------------------------------------------------------------------


@programme_view(Perm.VIEW)
def summary(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """The budget in a cabinet report's layout: £000, negatives in brackets, one year at a time."""
    programme = _programme(request)
    wanted = None
    if text := request.GET.get("year"):
        try:
            wanted = fiscal.parse(text)
        except fiscal.FinancialYearError:
            wanted = None
    page = summary_table.summary_page(programme, wanted)
    shown = page.shown
    return render(
        request,
        "finance/summary.html",
        _context(
            request,
            budget=page,
            body=page.body,
            columns=summary_table.COLUMNS,
            funding=page.funding,
            current_label=fiscal.label(page.current_year),
            shown=shown,
            shown_label=fiscal.label(shown),
            shown_slug=year_slug_of(shown),
            demo=[d for d in selectors.demo_marks(programme) if d.year.start_year == shown],
            change_costs=list(selectors.change_costs_for(programme)),
            year_choices=[(fiscal.label(y), fiscal.label(y).replace("/", "-")) for y in page.years],
            drawdowns=list(selectors.drawdowns_for(programme)),
        ),
    )


@programme_view(Perm.VIEW)
def lines(request: ProgrammeRequest, slug: str) -> HttpResponse:
    register = registers.lines(_programme(request), request.access)
    return register_page(request, register, _context(request))


@programme_view(Perm.VIEW)
def line_detail(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    programme = _programme(request)
    line = _line(request, code)
    entries = selectors.line_detail(line)
    return render(
        request,
        "finance/line.html",
        _context(
            request,
            line=line,
            years=[(y, year_slug(y.year)) for y in entries],
            allocations=selectors.allocations_for(programme, line=line),
            forecast=selectors.line_forecast(line, entries),
            WHOLE_YEAR=WHOLE_YEAR,
        ),
    )


@programme_view(EDIT_FINANCE)
def line_edit(request: ProgrammeRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    line = _line(request, code) if code else None
    taken = {x.code for x in selectors.lines_for(programme)} - ({line.code} if line else set())
    form = LineForm(
        request.POST or None,
        initial=LineForm.initial_for(line) if line else {"unit": "£"},
        groups=list(selectors.groups_for(programme)),
        owners=list(plan_selectors.owners_for(programme)),
        strands=list(plan_selectors.strands_for(programme)),
        strand_word=programme.strand_word,
        taken=taken,
    )

    def save() -> BudgetLine:
        version = form.cleaned_data.get("version")
        return services.line_save(
            actor=actor(request), programme=programme, line=line, data=form.service_fields(), expected_version=version
        )

    done = _url("line", programme, line.code) if line else _url("lines", programme)
    return _form_page(
        request, form, heading="Change budget line" if line else "Add a budget line", save=save, done_url=done
    )


def _archive(request: ProgrammeRequest, obj: Any, *, what: str, done_url: str) -> HttpResponse:
    """Confirm and archive (:func:`improve.core.views.archive_page`); a POST to ``?restore=1``
    restores it. Posting twice never undoes itself."""
    if request.method == "POST" and request.GET.get("restore") == "1":
        if obj.archived:
            services.finance_restore(actor=actor(request), instance=obj)
            messages.success(request, f"{what} {obj.name} restored")
        return redirect(done_url)
    return archive_page(
        request,
        obj,
        what=what,
        caption=f"{what} {obj.code}",
        label=obj.name,
        explain=f"An archived {what.lower()} is hidden from every page and from the workbook.",
        archive=lambda reason: services.finance_archive(actor=actor(request), instance=obj, reason=reason),
        restore_url=f"{request.path}?restore=1",
        done_url=done_url,
        context=_context(request),
    )


@programme_view(EDIT_FINANCE)
def line_archive(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    return _archive(request, _line(request, code), what="Budget line", done_url=_url("lines", _programme(request)))


@programme_view(EDIT_FINANCE)
def amounts_edit(request: ProgrammeRequest, slug: str, code: str, year: str) -> HttpResponse:
    """One year of a line: the whole year's amounts or each month's, in the line's unit."""
    programme = _programme(request)
    line = _line(request, code)
    fy = _year(request, year)
    detail = next(y for y in selectors.line_detail(line) if y.year.pk == fy.pk)
    initial: dict[str, Any] = {}
    rows = [(WHOLE_YEAR, detail.whole), *((m.period, m) for m in detail.months)]
    for period, row in rows:
        for measure in services.MEASURES:
            initial[f"p{period}_{measure}"] = getattr(row, measure) if row is not None else None
    form = AmountsForm(request.POST or None, initial=initial, unit=line.unit, start_year=fy.start_year)

    def save() -> int:
        entries = [AmountEntry(period, **values) for period, values in form.entries()]
        return services.amounts_set(actor=actor(request), line=line, year=fy, entries=entries)

    return _form_page(
        request,
        form,
        heading=f"Amounts for {fy.label}",
        save=save,
        done_url=_url("line", programme, line.code),
        template="finance/amounts_form.html",
        done_message=lambda changed: f"{line.name}, {fy.label}: {changed} row{'s' if changed != 1 else ''} changed",
        line=line,
        year=fy,
        closed={m.period for m in detail.months if m.closed},
    )


@programme_view(EDIT_FINANCE)
def adjustment_add(request: ProgrammeRequest, slug: str, code: str, year: str) -> HttpResponse:
    programme = _programme(request)
    line = _line(request, code)
    fy = _year(request, year)
    targets = [(p.number, p.label) for p in selectors.periods_for(programme).filter(year=fy, closed_at__isnull=False)]
    if services.year_closed(fy):
        targets.insert(0, (WHOLE_YEAR, f"{fy.label} (whole year)"))
    form = AdjustmentForm(request.POST or None, unit=line.unit, targets=targets)

    def save() -> Any:
        d = form.cleaned_data
        return services.adjustment_record(
            actor=actor(request), line=line, year=fy, period=int(d["period"]), amount=d["amount"], reason=d["reason"]
        )

    return _form_page(
        request,
        form,
        heading=f"Adjust an actual of {line.name}, {fy.label}",
        save=save,
        done_url=_url("line", programme, line.code),
        done_message=lambda saved: "Adjustment recorded",
        intro="The actual of a closed period changes only through a recorded adjustment, with its reason."
        if targets
        else f"No period of {fy.label} is closed yet: change its actuals on the amounts page instead.",
    )


@programme_view(EDIT_FINANCE)
def allocation_set(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    programme = _programme(request)
    line = _line(request, code)
    form = AllocationForm(
        request.POST or None, sources=list(selectors.sources_for(programme)), years=list(selectors.years_for(programme))
    )

    def save() -> Any:
        d = form.cleaned_data
        if d["source"] not in form.sources:
            raise ValidationError({"source": "Choose a funding source"})
        return services.allocation_set(
            actor=actor(request),
            line=line,
            source=form.sources[d["source"]],
            year=form.years[d["year"]],
            amount=d["amount"],
        )

    return _form_page(
        request,
        form,
        heading=f"Fund {line.name} from a source",
        save=save,
        done_url=_url("line", programme, line.code),
        done_message=lambda saved: "Allocation saved" if saved else "Allocation removed",
    )


@programme_view(EDIT_FINANCE)
def drawdown_add(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    all_lines = list(selectors.lines_for(programme))
    form = DrawdownForm(
        request.POST or None,
        contingency=[x for x in all_lines if x.contingency],
        lines=all_lines,
        years=list(selectors.years_for(programme)),
        owners=list(plan_selectors.owners_for(programme)),
    )

    def save() -> Any:
        d = form.cleaned_data
        return services.drawdown_record(
            actor=actor(request),
            from_line=form.lines[d["from_line"]],
            to_line=form.lines[d["to_line"]],
            year=form.years[d["year"]],
            amount=d["amount"],
            reason=d["reason"],
            approver=form.owners[d["approver"]],
            approved_on=d["approved_on"],
        )

    return _form_page(
        request,
        form,
        heading="Draw down contingency",
        save=save,
        done_url=_url("summary", programme),
        done_message=lambda saved: f"£{saved.amount:,.2f} drawn down to {saved.to_line}",
    )


# --- groups -------------------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def groups(request: ProgrammeRequest, slug: str) -> HttpResponse:
    return register_page(request, registers.groups(_programme(request), request.access), _context(request))


@programme_view(EDIT_FINANCE)
def group_edit(request: ProgrammeRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    group = get_or_404(selectors.group_in, programme, code) if code else None
    taken = {g.code for g in selectors.groups_for(programme)} - ({group.code} if group else set())
    initial = (
        {"code": group.code, "name": group.name, "order": group.order, "version": group.version}
        if group
        else {"order": len(taken) + 1}
    )
    form = GroupForm(request.POST or None, initial=initial, taken=taken)
    return _form_page(
        request,
        form,
        heading="Change budget group" if group else "Add a budget group",
        save=lambda: services.group_save(
            actor=actor(request),
            programme=programme,
            group=group,
            data=form.service_fields(),
            expected_version=form.cleaned_data.get("version"),
        ),
        done_url=_url("groups", programme),
    )


@programme_view(EDIT_FINANCE)
def group_archive(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    group = get_or_404(selectors.group_in, _programme(request), code)
    return _archive(request, group, what="Budget group", done_url=_url("groups", _programme(request)))


# --- funding ------------------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def sources(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    return register_page(request, registers.sources(programme, request.access), _context(request))


def _source(request: ProgrammeRequest, code: str) -> FundingSource:
    return get_or_404(selectors.source_in, _programme(request), code)


@programme_view(Perm.VIEW)
def source_detail(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    programme = _programme(request)
    source = _source(request, code)
    row = next((r for r in selectors.funding_summary(programme) if r.source.pk == source.pk), None)
    return render(
        request,
        "finance/source.html",
        _context(
            request,
            source=source,
            row=row,
            years=list(selectors.years_for(programme)),
            allocations=[a for a in selectors.allocations_for(programme) if a.allocation.source_id == source.pk],
        ),
    )


@programme_view(EDIT_FINANCE)
def source_edit(request: ProgrammeRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    source = _source(request, code) if code else None
    taken = {s.code for s in selectors.sources_for(programme)} - ({source.code} if source else set())
    form = SourceForm(request.POST or None, initial=SourceForm.initial_for(source) if source else {}, taken=taken)
    return _form_page(
        request,
        form,
        heading="Change funding source" if source else "Add a funding source",
        save=lambda: services.source_save(
            actor=actor(request),
            programme=programme,
            source=source,
            data=form.service_fields(),
            expected_version=form.cleaned_data.get("version"),
        ),
        done_url=_url("source", programme, source.code) if source else _url("sources", programme),
    )


@programme_view(EDIT_FINANCE)
def source_amounts(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    programme = _programme(request)
    source = _source(request, code)
    years = list(selectors.years_for(programme))
    row = next((r for r in selectors.funding_summary(programme) if r.source.pk == source.pk), None)
    initial = {f"y{y}": v for y, v in (row.amounts.items() if row else [])}
    form = SourceAmountsForm(request.POST or None, initial=initial, years=years)

    def save() -> FundingSource:
        for year, amount in form.amounts():
            try:
                services.source_amount_set(actor=actor(request), source=source, year=year, amount=amount)
            except ValidationError as exc:
                raise ValidationError({f"y{year.start_year}": exc.messages}) from exc
        return source

    return _form_page(
        request,
        form,
        heading=f"What {source.name} provides each year",
        save=save,
        done_url=_url("source", programme, source.code),
    )


@programme_view(EDIT_FINANCE)
def source_archive(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    return _archive(
        request, _source(request, code), what="Funding source", done_url=_url("sources", _programme(request))
    )


# --- years and periods ----------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def periods(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    by_year: dict[str, tuple[str, list[Any]]] = {}
    for period in selectors.periods_for(programme):
        by_year.setdefault(period.year.label, (year_slug(period.year), []))[1].append(period)
    first_open = next((p for _slug, ps in by_year.values() for p in ps if not p.closed), None)
    return render(
        request,
        "finance/periods.html",
        _context(request, years=[(label, s, ps) for label, (s, ps) in by_year.items()], first_open=first_open),
    )


@programme_view(EDIT_FINANCE)
def year_add(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    form = YearForm(request.POST or None)
    return _form_page(
        request,
        form,
        heading="Add a financial year",
        save=lambda: services.year_add(actor=actor(request), programme=programme, start_year=form.cleaned_data["year"]),
        done_url=_url("periods", programme),
        done_message=lambda saved: f"{saved.label} added, with its 12 periods",
    )


@programme_view(CLOSE_PERIODS)
@require_POST
def period_close(request: ProgrammeRequest, slug: str, year: str, number: int) -> HttpResponse:
    programme = _programme(request)
    period = get_or_404(selectors.period_in, programme, year, number)
    try:
        services.period_close(actor=actor(request), period=period)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{period.label} closed: its actuals now change only through adjustments")
    return redirect(_url("periods", programme))


# --- the service budget trajectory and the figure check ----------------------------------------------


@programme_view(Perm.VIEW)
def trajectory(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """The trajectory year by year as printed, each printed result beside what its parts make."""
    programme = _programme(request)
    years = figurecheck.trajectory_years(programme)
    checks = figurecheck.result_checks(trajectory_relations(years))
    cells = {f.pk: f for f in selectors.trajectory_for(programme)}
    shown = [
        (
            year,
            [
                (
                    cells[int(cell.key.split(":")[1])],
                    year_slug(cells[int(cell.key.split(":")[1])].year),
                    checks.get(cell.key, []),
                )
                for cell in year.cells
            ],
        )
        for year in years
    ]
    return render(request, "finance/trajectory.html", _context(request, years=shown))


@programme_view(EDIT_FINANCE)
def trajectory_figure_edit(
    request: ProgrammeRequest, slug: str, year: str | None = None, number: int | None = None
) -> HttpResponse:
    programme = _programme(request)
    figure = None
    if year is not None and number is not None:
        found = _year(request, year.replace("-", "/"))
        figure = get_or_404(selectors.trajectory_figure_at, programme, found, number)
    form = TrajectoryFigureForm(
        request.POST or None,
        initial=TrajectoryFigureForm.initial_for(figure) if figure else {"kind": "budget_movement"},
        years=list(selectors.years_for(programme)),
    )

    def save() -> Any:
        return services.trajectory_figure_save(
            actor=actor(request),
            programme=programme,
            figure=figure,
            data=form.service_fields(),
            expected_version=form.cleaned_data.get("version"),
        )

    return _form_page(
        request,
        form,
        heading="Change a printed trajectory figure" if figure else "Add a printed trajectory figure",
        save=save,
        done_url=_url("trajectory", programme),
        intro="Type the row and its figure exactly as the paper prints them; the check works out the rest.",
    )


@programme_view(EDIT_FINANCE)
def trajectory_figure_archive(request: ProgrammeRequest, slug: str, year: str, number: int) -> HttpResponse:
    """Archive a printed trajectory row (or restore the one last archived at that place): audited."""
    programme = _programme(request)
    found = _year(request, year.replace("-", "/"))
    figure = get_or_404(selectors.trajectory_figure_or_archived, programme, found, number)
    done = _url("trajectory", programme)
    if request.method == "POST" and request.GET.get("restore") == "1":
        if figure.archived:
            try:
                services.finance_restore(actor=actor(request), instance=figure)
            except ValidationError as exc:
                messages.error(request, f"{figure.label} cannot be restored: {' '.join(exc.messages)}")
                return redirect(done)
            messages.success(request, f"{figure.label} ({figure.year}) restored")
        return redirect(done)
    return archive_page(
        request,
        figure,
        what="Printed trajectory figure",
        caption=f"Service budget trajectory {figure.year}",
        label=f"{figure.label} {figure.text}".strip(),
        explain="An archived row is left out of the trajectory, the figure check and the workbook.",
        archive=lambda reason: services.finance_archive(actor=actor(request), instance=figure, reason=reason),
        restore_url=f"{request.path}?restore=1",
        done_url=done,
        context=_context(request),
    )


# --- savings plans ---------------------------------------------------------------------------------------


def _plan(request: ProgrammeRequest, code: str) -> SavingsPlan:
    return get_or_404(selectors.savings_plan_in, _programme(request), code)


@programme_view(Perm.VIEW)
def savings(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    return register_page(request, registers.savings(programme, request.access), _context(request))


@programme_view(Perm.VIEW)
def savings_report(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """Expected against delivered, per plan and year, with totals, shortfall and evidence: for an auditor."""
    report = selectors.savings_report(_programme(request))
    return render(request, "finance/savings_report.html", _context(request, report=report))


@programme_view(Perm.VIEW)
def saving_detail(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    programme = _programme(request)
    plan = _plan(request, code)
    report = selectors.savings_report(programme, plan=plan)
    entered = {y.start_year for y in report.rows[0].years}
    return render(
        request,
        "finance/saving.html",
        _context(
            request,
            plan=plan,
            row=report.rows[0],
            report=report,
            other_years=[(y, year_slug(y)) for y in selectors.years_for(programme) if y.start_year not in entered],
        ),
    )


@programme_view(EDIT_FINANCE)
def saving_edit(request: ProgrammeRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    plan = _plan(request, code) if code else None
    taken = {p.code for p in selectors.savings_plans_for(programme)} - ({plan.code} if plan else set())
    form = SavingsPlanForm(
        request.POST or None,
        initial=SavingsPlanForm.initial_for(plan) if plan else {},
        owners=list(plan_selectors.owners_for(programme)),
        lines=list(selectors.lines_for(programme)),
        strands=list(plan_selectors.strands_for(programme)),
        strand_word=programme.strand_word,
        taken=taken,
    )

    def save() -> SavingsPlan:
        return services.savings_plan_save(
            actor=actor(request),
            programme=programme,
            plan=plan,
            data=form.service_fields(),
            lines=form.chosen_lines(),
            strands=form.chosen_strands(),
            expected_version=form.cleaned_data.get("version"),
        )

    done = _url("saving", programme, plan.code) if plan else _url("savings", programme)
    return _form_page(
        request, form, heading="Change savings plan" if plan else "Add a savings plan", save=save, done_url=done
    )


@programme_view(EDIT_FINANCE)
def saving_archive(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    return _archive(request, _plan(request, code), what="Savings plan", done_url=_url("savings", _programme(request)))


@programme_view(EDIT_FINANCE)
def saving_year(request: ProgrammeRequest, slug: str, code: str, year: str) -> HttpResponse:
    """One year of a plan: its planned and delivered saving and the evidence of delivery."""
    programme = _programme(request)
    plan = _plan(request, code)
    fy = _year(request, year)
    row = next(
        (y for y in selectors.savings_report(programme, plan=plan).rows[0].years if y.start_year == fy.start_year), None
    )
    initial = {"planned": row.planned, "delivered": row.delivered, "evidence": row.evidence} if row else {}
    form = SavingsYearForm(request.POST or None, initial=initial)

    def save() -> Any:
        d = form.cleaned_data
        return services.savings_amount_set(
            actor=actor(request),
            plan=plan,
            year=fy,
            planned=d["planned"],
            delivered=d["delivered"],
            evidence=d["evidence"],
        )

    return _form_page(
        request,
        form,
        heading=f"{plan.name}: savings in {fy.label}",
        save=save,
        done_url=_url("saving", programme, plan.code),
        done_message=lambda saved: f"{plan.name}, {fy.label} saved" if saved else f"{plan.name}, {fy.label} cleared",
    )


@programme_view(EDIT_FINANCE)
def evidence_add(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    programme = _programme(request)
    plan = _plan(request, code)
    form = EvidenceForm(request.POST or None, request.FILES or None, years=list(selectors.years_for(programme)))

    def save() -> Any:
        d = form.cleaned_data
        return services.savings_evidence_add(
            actor=actor(request),
            plan=plan,
            year=form.years.get(d["year"]),
            upload=d["file"],
            description=d["description"],
        )

    return _form_page(
        request,
        form,
        heading=f"Attach evidence to {plan.name}",
        save=save,
        done_url=_url("saving", programme, plan.code),
        template="finance/upload_form.html",
        done_message=lambda saved: f"{saved.name} attached",
    )


@programme_view(Perm.VIEW)
def figure_check(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """Every figure kept as printed against what its parts make; each disagreement in words."""
    outcome = figurecheck.run(_programme(request))
    return render(
        request,
        "finance/figure_check.html",
        _context(
            request,
            outcome=outcome,
            findings=figurecheck.lines(outcome),
            explanations=[figurecheck.explanation_text(e) for e in outcome.explanations],
        ),
    )


@programme_view(Perm.VIEW)
def evidence_file(request: ProgrammeRequest, slug: str, code: str, evidence: int) -> FileResponse:
    """An evidence file, to members of the programme only, always as a download (never shown inline)."""
    found = get_or_404(selectors.evidence_in, _plan(request, code), evidence)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is no longer in the file storage") from exc
    response = FileResponse(handle, as_attachment=True, filename=found.name, content_type=found.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@programme_view(EDIT_FINANCE)
def change_place(request: ProgrammeRequest, slug: str, reference: str) -> HttpResponse:
    """Put an approved change's cost on a line and year (when the change handler could not tell them)."""
    programme = _programme(request)
    cost = get_or_404(selectors.change_cost_in, programme, reference)
    form = ChangePlaceForm(
        request.POST or None,
        initial={"line": cost.line.code if cost.line else "", "year": cost.year.label if cost.year else ""},
        lines=[x for x in selectors.lines_for(programme) if not x.contingency],
        years=list(selectors.years_for(programme)),
    )

    def save() -> Any:
        d = form.cleaned_data
        return services.change_cost_place(
            actor=actor(request), cost=cost, line=form.lines[d["line"]], year=form.years[d["year"]]
        )

    return _form_page(
        request,
        form,
        heading=f"Put the cost of {cost.reference} on a budget line",
        save=save,
        done_url=_url("summary", programme),
        done_message=lambda saved: f"The cost of {saved.reference} is now on {saved.line}, {saved.year}",
        intro=f"{cost.reference} {cost.title}: approved on {cost.approved_on:%d/%m/%Y} by {cost.approved_by}, "
        f"{pounds(cost.amount)}. It adds to the line's planned spend in the year you choose.",
    )


# --- the summary as a workbook of live formulas ---------------------------------------------------------


@programme_view(Perm.VIEW)
def summary_xlsx(request: ProgrammeRequest, slug: str) -> HttpResponse:
    """The summary as an .xlsx whose subtotals and totals are Excel formulas over the lines."""
    programme = _programme(request)
    budget = selectors.budget_summary(programme)
    shown = budget.current_year
    if wanted := request.GET.get("year"):
        try:
            year = fiscal.parse(wanted)
        except fiscal.FinancialYearError:
            year = shown
        shown = year if year in budget.years else shown
    response = HttpResponse(
        summary_xlsx_bytes(budget, shown),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-money-{year_slug_of(shown)}.xlsx"'
    return response


def year_slug_of(start_year: int) -> str:
    return fiscal.label(start_year).replace("/", "-")


NO_FORECAST = (
    "No room offers a forecast for this programme yet: the demand room offers one once a projection is stored."
)


@programme_view(EDIT_FINANCE)
def forecast_link(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    """Choose the forecast (offered by another room through the registry) a budget line follows."""
    programme = _programme(request)
    line = _line(request, code)
    offered = {
        key: f"{series.title} ({series.provenance})" for key, series in selectors.forecast_series(programme).items()
    }
    following = selectors.line_forecast(line, [])
    form = ForecastLinkForm(
        request.POST or None,
        offered=offered,
        initial={"series": following.link.series if following else ForecastLinkForm.NONE},
    )

    def save() -> Any:
        chosen = form.cleaned_data["series"]
        if chosen == ForecastLinkForm.NONE:
            services.forecast_link_remove(actor=actor(request), line=line)
            return None
        return services.forecast_link_set(actor=actor(request), line=line, series=chosen)

    return _form_page(
        request,
        form,
        heading=f"Follow a forecast on {line.name}",
        save=save,
        done_url=_url("line", programme, line.code),
        done_message=lambda saved: "The line follows the forecast" if saved else "The line follows no forecast",
        intro="" if offered else NO_FORECAST,
    )
