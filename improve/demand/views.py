"""Pages of the demand room: the data-quality report, one load's problems, child-level rows.

Everyone in the programme sees counts; a count under 5 is shown as "fewer than 5" unless the
member may see child-level rows (the analyst), who also sees each problem by file, row and column.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render

from improve.demand import selectors
from improve.demand.permissions import SEE_CHILDREN
from improve.demand.reader import KINDS
from improve.programmes.permissions import ProgrammeRequest, programme_view

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
    return render(request, "demand/quality.html", _context(request, loads=rows, kinds=kinds))


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
        _context(request, children=rows[:PAGE], page=page, has_next=len(rows) > PAGE),
    )
