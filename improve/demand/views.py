"""Pages of the demand room: the data-quality report, one load's problems, child-level rows;
projections (the latest, each stored run with its backtest, costs and scenario), the unit costs.

Everyone in the programme sees counts; a count under 5 is shown as "fewer than 5" unless the
member may see child-level rows (the analyst), who also sees each problem by file, row and column.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from improve.core.access import ProgrammeRequest, programme_view
from improve.core.views import actor, apply_validation_error
from improve.demand import presentation, selectors, services
from improve.demand.export import write_xlsx
from improve.demand.forms import ProjectionForm, UnitCostForm
from improve.demand.models import ProjectionRun
from improve.demand.permissions import EDIT_UNIT_COSTS, RUN_PROJECTION, SEE_CHILDREN
from improve.demand.reader import KINDS

PAGE = 50
PROBLEMS_SHOWN = 200


def _context(request: ProgrammeRequest, **extra: Any) -> dict[str, Any]:
    return {
        "programme": request.access.programme,
        "access": request.access,
        "child_level": request.access.can(SEE_CHILDREN),
        **extra,
    }


def _shown(count: int, request: ProgrammeRequest) -> str:
    return selectors.suppress(count, child_level=request.access.can(SEE_CHILDREN))


@programme_view("view")
def quality(request: ProgrammeRequest, slug: str) -> HttpResponse:
    report = selectors.quality_report(request.access.programme)
    rows = [
        {
            "load": load,
            "children": _shown(load.children, request),
            "episodes": _shown(load.episodes, request),
            "rejected": _shown(load.children_rejected, request),
            "problems": _shown(load.problem_count, request),
        }
        for load in report.loads
    ]
    kinds = [(label, _shown(n, request)) for label, n in report.kinds]
    synthetic = any(load.synthetic for load in report.loads)
    return render(request, "demand/quality.html", _context(request, loads=rows, kinds=kinds, synthetic=synthetic))


@programme_view("view")
def load(request: ProgrammeRequest, slug: str, load: int) -> HttpResponse:
    found = selectors.load_of(request.access.programme, load)
    if found is None:
        raise Http404("No such load")
    kinds = [(KINDS.get(kind, kind), _shown(n, request)) for kind, n in found.problem_kinds.items()]
    problems = found.problems[:PROBLEMS_SHOWN] if request.access.can(SEE_CHILDREN) else []
    files = [{**f, "shown": _shown(int(f["rows"]), request)} for f in found.files]
    others = [(table, _shown(int(n), request)) for table, n in found.other_rows.items()]
    return render(
        request,
        "demand/load.html",
        _context(
            request,
            load=found,
            kinds=kinds,
            problems=problems,
            more=max(found.problem_count - len(problems), 0),
            files=files,
            others=others,
        ),
    )


@programme_view(SEE_CHILDREN)
def children(request: ProgrammeRequest, slug: str) -> HttpResponse:
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows = selectors.children_page(request.access.programme, offset=(page - 1) * PAGE, limit=PAGE + 1)
    return render(
        request,
        "demand/children.html",
        _context(
            request,
            children=rows[:PAGE],
            page=page,
            has_next=len(rows) > PAGE,
            synthetic=selectors.synthetic(request.access.programme),
        ),
    )


# --- projections ----------------------------------------------------------------------------------


def _projection_context(request: ProgrammeRequest, run: ProjectionRun) -> dict[str, Any]:
    child_level = request.access.can(SEE_CHILDREN)
    results = run.results
    scenario_children, scenario_money = presentation.scenario(results, child_level=child_level)
    return {
        "run": run,
        "results": results,
        "horizon": presentation.horizon(results, child_level=child_level),
        "months": presentation.months(results, child_level=child_level),
        "chart": presentation.chart(results, child_level=child_level),
        "spend_years": presentation.spend_years(results),
        "category_labels": [presentation.label(name) for name in results["categories"]],
        "backtest": presentation.backtest(results),
        "backtest_months": presentation.backtest_months(results, child_level=child_level),
        "backtest_origin": presentation.day(results["backtest"]["origin"]) if results.get("backtest") else None,
        "end": presentation.day(results["months"][-1]["date"]),
        "scenario": results.get("scenario"),
        "scenario_children": scenario_children,
        "scenario_money": scenario_money,
        "unit_costs": [(presentation.label(k), presentation.pounds(v)) for k, v in run.unit_costs.items()],
    }


def _run(request: ProgrammeRequest, pk: int) -> ProjectionRun:
    found = selectors.projection_run_of(request.access.programme, pk)
    if found is None:
        raise Http404("No such projection")
    return found


@programme_view("view")
def projections(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = request.access.programme
    runs = list(selectors.projection_runs(programme))
    latest = selectors.latest_projection(programme) if runs else None
    extra = _projection_context(request, latest) if latest is not None else {}
    return render(
        request,
        "demand/projections.html",
        _context(
            request,
            runs=runs,
            can_run=request.access.can(RUN_PROJECTION),
            covered=selectors.data_range(programme),
            **extra,
        ),
    )


@programme_view("view")
def projection(request: ProgrammeRequest, slug: str, run: int) -> HttpResponse:
    found = _run(request, run)
    return render(request, "demand/projection.html", _context(request, **_projection_context(request, found)))


@programme_view(SEE_CHILDREN)
def projection_xlsx(request: ProgrammeRequest, slug: str, run: int) -> HttpResponse:
    """The run as a workbook (analysts: its counts are not suppressed)."""
    found = _run(request, run)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "projection.xlsx"
        write_xlsx(found, path)
        body = path.read_bytes()
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{request.access.programme.slug}-projection-{found.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@programme_view(RUN_PROJECTION)
def projection_new(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = request.access.programme
    covered = selectors.data_range(programme)
    initial = {"start": covered[1]} if covered else {}
    form = ProjectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.projection_run(
                actor=actor(request),
                programme=programme,
                start=data["start"],
                months=data["months"],
                reference_months=data["reference_months"],
                draws=data["draws"],
                scenario=data["scenario"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{run} stored")
            return redirect("demand:projection", slug=programme.slug, run=run.pk)
    return render(request, "demand/projection_form.html", _context(request, form=form, covered=covered))


@programme_view("view")
def unit_costs(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = request.access.programme
    rows = selectors.unit_cost_rows(programme)
    defaults = selectors.default_unit_costs()
    shown = [
        {
            "category": name,
            "label": presentation.label(name),
            "weekly": presentation.pounds(rows[name].weekly if name in rows else default),
            "pence": f"£{(rows[name].weekly if name in rows else default):,.2f}",
            "note": rows[name].note if name in rows else "The model's default (docs/demand-model.md)",
            "own": name in rows,
        }
        for name, default in defaults.items()
    ]
    return render(
        request,
        "demand/unit_costs.html",
        _context(request, costs=shown, can_edit=request.access.can(EDIT_UNIT_COSTS)),
    )


@programme_view(EDIT_UNIT_COSTS)
def unit_cost_edit(request: ProgrammeRequest, slug: str, category: str) -> HttpResponse:
    programme = request.access.programme
    defaults = selectors.default_unit_costs()
    if category not in defaults:
        raise Http404("No such placement category")
    row = selectors.unit_cost_rows(programme).get(category)
    initial = {"weekly": row.weekly if row else defaults[category], "note": row.note if row else ""}
    form = UnitCostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_cost_set(
                actor=actor(request),
                programme=programme,
                category=category,
                weekly=form.cleaned_data["weekly"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"The weekly unit cost of {presentation.label(category).lower()} is saved")
            return redirect("demand:unit_costs", slug=programme.slug)
    return render(
        request,
        "demand/unit_cost_form.html",
        _context(request, form=form, category=presentation.label(category)),
    )
