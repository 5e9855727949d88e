"""Pages of the plan. Views validate with a form, call one service or selector, and render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from improve.accounts.audit import Actor, history_for, history_for_programme
from improve.accounts.permissions import Perm, programme_view, signed_in
from improve.programmes import selectors, services, timeline
from improve.programmes.forms import (
    HIDDEN_KEYS,
    BaselineForm,
    DependencyForm,
    Merge,
    OwnerForm,
    PlanFilterForm,
    PlanItemForm,
    ProgrammeForm,
    ProjectForm,
    StageForm,
    StrandForm,
    merge_after_conflict,
    with_loaded,
)
from improve.programmes.models import PlanItem, Programme

HISTORY_PAGE = 200
PLAN_PAGE = 200  # plan lines per page: a strand or two of a large plan
OVERVIEW_BROKEN = 10  # the worst broken dependencies listed on the overview


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, via="web")  # type: ignore[arg-type]


def _today() -> dt.date:
    return timezone.localdate()


def _programme(request: HttpRequest) -> Programme:
    return request.access.programme  # type: ignore[attr-defined, no-any-return]


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "programme": _programme(request),
        "access": request.access,  # type: ignore[attr-defined]
        "Perm": Perm,
        "today": _today(),
        **extra,
    }


def _get_or_404(fn: Any, *args: Any) -> Any:
    try:
        return fn(*args)
    except ObjectDoesNotExist as exc:
        raise Http404("Not found") from exc


def _apply_validation_error(form: Any, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _report_conflict(form: Any, merge: Merge, what: str) -> None:
    """Tell the editor that someone saved first, and where their changes clash."""
    form.add_error(
        None,
        f"Someone else changed {what} while you were editing it. Your changes have not been saved yet. "
        "Their changes are shown below and have been kept where you had not changed the same thing: "
        "check the form, then save again.",
    )
    for field, theirs in merge.clashes.items():
        if field in form.fields:
            label = form.fields[field].label
            form.add_error(
                field, f"{label} was changed to '{theirs or '(empty)'}' by someone else: yours is kept below"
            )


def _definition_page(
    request: HttpRequest,
    form: Any,
    *,
    heading: str,
    save: Callable[[], Any],
    done_url: str,
    field_map: dict[str, str] | None = None,
) -> HttpResponse:
    """The add / change page of a strand, stage, owner or project: validate, save, report."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as exc:
            _apply_validation_error(form, exc, field_map)
        else:
            messages.success(request, f"{saved} saved")
            return redirect(done_url)
    return render(request, "programmes/simple_form.html", _context(request, form=form, heading=heading))


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.programmes_for_user(request.user))
    if len(programmes) == 1:
        return redirect("programmes:overview", slug=programmes[0].slug)
    return render(request, "programmes/home.html", {"programmes": programmes})


_STRAND_ROW = (
    '\n    <tr class="govuk-table__row">\n'
    '      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{}?strand={}">{}</a>{}</th>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    + '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n' * 5
    + "    </tr>\n  "
)
_STRAND_AIM = '<p class="govuk-body-s io-muted govuk-!-margin-bottom-0">{}</p>'


def _strand_rows(programme: Programme, rows: list[dict[str, Any]]) -> SafeString:
    """The rows of the overview's table of strands, with their counts.

    Rendered here rather than in the template: a large programme has dozens of strands of seven
    cells each, and the template language took a third of the page's time over them. Every text
    is escaped as the template would (``html.escape``, which Django's ``escape`` calls).
    """
    plan_url = escape(reverse("programmes:plan", args=[programme.slug]))
    out = []
    for row in rows:
        strand = row["strand"]
        aim = _STRAND_AIM.format(escape(Truncator(strand.aim).words(30, truncate=" …"))) if strand.aim else ""
        counts = (int(row.get(key) or 0) for key in ("total", "complete", "overdue", "rag_red", "rag_amber"))
        code = escape(quote(strand.code, safe="/"))
        out.append(
            _STRAND_ROW.format(plan_url, code, escape(strand.name), aim, escape(str(strand.lead or "")), *counts)
        )
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


def _item_href(programme: Programme) -> Callable[[str], str]:
    """The address of a plan line's page from its uid, as ``{% url %}`` gives it, reversed only once."""
    sample = reverse("programmes:item", args=[programme.slug, "0"])
    assert sample.endswith("/0/")  # noqa: S101 - the item URL ends in its uid
    prefix = sample[: -len("0/")]
    return lambda uid: prefix + quote(uid, safe="!$&'()*+,;=~:@") + "/"  # Django's reverse() keeps these


@programme_view(Perm.VIEW)
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    summary = selectors.overview(programme, today=_today())
    broken_count, broken = selectors.broken_dependencies(programme, listed=OVERVIEW_BROKEN)
    href = _item_href(programme)
    return render(
        request,
        "programmes/overview.html",
        _context(
            request,
            summary=summary,
            strands=summary.strand_rows,
            strand_rows=_strand_rows(programme, summary.strand_rows),
            stages=list(selectors.stages_for(programme)),
            overdue=[(href(i.uid), i) for i in summary.overdue],
            upcoming_gates=[(href(i.uid), i) for i in summary.upcoming_gates],
            broken=[(href(b.successor_uid), b) for b in broken],
            broken_count=broken_count,
        ),
    )


def _plan_filters(request: HttpRequest, programme: Programme, strands: list[Any]) -> tuple[Any, Any]:
    """The plan's filter form from the query string, and the filters it gives (none if invalid)."""
    form = PlanFilterForm(
        request.GET or None,
        programme=programme,
        strands=strands,
        owners=list(selectors.owners_for(programme)),
        teams=selectors.team_names(programme),
    )
    filters = selectors.PlanFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.PlanFilters(**form.cleaned_data)
    return form, filters


@programme_view(Perm.VIEW)
def plan(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    strands = list(selectors.strands_for(programme))
    form, filters = _plan_filters(request, programme, strands)
    paginator = Paginator(selectors.filter_plan(selectors.plan_items(programme), filters, today=_today()), PLAN_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    ctx = _context(
        request,
        form=form,
        filters=filters,
        groups=selectors.group_by_strand(list(page.object_list), strands),
        count=paginator.count,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
    )
    template = "programmes/_plan_results.html" if request.htmx else "programmes/plan.html"  # type: ignore[attr-defined]
    return render(request, template, ctx)


@programme_view(Perm.VIEW)
def timeline_view(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    form, filters = _plan_filters(request, programme, list(selectors.strands_for(programme)))
    rows = selectors.timeline_rows(
        programme,
        strand_word=programme.strand_word,
        item_url=reverse("programmes:item", args=[programme.slug, "UID"]).replace("UID", "{uid}"),
        filters=filters,
        today=_today(),
    )
    bands = [timeline.Band(s.name, s.start_date, s.end_date) for s in selectors.stages_for(programme)]
    links = [timeline.Link(*link) for link in selectors.dependency_links(programme)]
    today = _today()
    focus = today if programme.start_date and programme.start_date <= today <= (programme.end_date or today) else None
    svg = timeline.render(
        rows, bands, links, today=today, title=f"Timeline of {programme.name}", focus=focus or programme.start_date
    )
    first, last = timeline.date_range(rows, bands, today)
    count = sum(1 for r in rows if not r.heading)
    return render(
        request,
        "programmes/timeline.html",
        _context(request, svg=svg, item_count=count, today_in_range=first <= today <= last, form=form, filters=filters),
    )


@programme_view(Perm.VIEW)
def item_detail(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = _get_or_404(selectors.plan_item, programme, uid)
    before, after = selectors.item_dependencies(item)
    return render(
        request,
        "programmes/item_detail.html",
        _context(
            request,
            item=item,
            depends_on=before,
            drives=after,
            children=list(item.children.filter(archived=False)),
            can_edit=request.access.can(Perm.EDIT_PLAN, strand_id=item.strand_id),  # type: ignore[attr-defined]
            history=list(history_for(item)[:5]),
        ),
    )


@programme_view(Perm.VIEW)
def item_history(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    item = _get_or_404(selectors.plan_item, _programme(request), uid)
    return render(
        request,
        "programmes/history.html",
        _context(request, subject=item, events=list(history_for(item).select_related("actor")[:HISTORY_PAGE])),
    )


@programme_view(Perm.VIEW)
def programme_history(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    return render(
        request,
        "programmes/history.html",
        _context(
            request,
            subject=programme,
            events=list(history_for_programme(programme.pk).select_related("actor")[:HISTORY_PAGE]),
        ),
    )


def _item_form(request: HttpRequest, item: PlanItem | None, data: Any = None, initial: Any = None) -> PlanItemForm:
    programme = _programme(request)
    access = request.access  # type: ignore[attr-defined]
    strands = [
        s
        for s in selectors.strands_for(programme)
        if access.can(Perm.EDIT_PLAN, strand_id=s.pk) or (item is not None and s.pk == item.strand_id)
    ]
    return PlanItemForm(
        data,
        projects=list(selectors.projects_for(programme)),
        initial=initial,
        programme=programme,
        strands=strands,
        owners=list(selectors.owners_for(programme)),
        items_by_uid=selectors.item_uid_map(programme),
        editing=item,
    )


def _save_item(request: HttpRequest, form: PlanItemForm, item: PlanItem | None) -> PlanItem | None:
    programme = _programme(request)
    strands_by_id = {str(s.pk): s for s in selectors.strands_for(programme)}
    request.access.require(Perm.EDIT_PLAN, strand_id=int(form.cleaned_data["strand"]))  # type: ignore[attr-defined]
    parent_uid = form.cleaned_data["parent"]
    parents = selectors.items_by_uids(programme, [parent_uid]) if parent_uid else {}
    fields = form.service_fields(strands_by_id, parents)
    field_map = {"start_date": "start", "end_date": "end", "owner_tbd": "owner"}
    try:
        if item is None:
            return services.plan_item_create(actor=_actor(request), programme=programme, **fields)
        return services.plan_item_update(
            actor=_actor(request), item=item, expected_version=form.cleaned_data["version"] or 0, **fields
        )
    except ValidationError as exc:
        _apply_validation_error(form, exc, field_map)
    return None


@programme_view(Perm.EDIT_PLAN)
def item_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    form = _item_form(
        request,
        None,
        request.POST or None,
        initial={"status": "not_started", "level": 1, "percent_complete": 0, "kind": "deliverable"},
    )
    if request.method == "POST" and form.is_valid():
        item = _save_item(request, form, None)
        if item is not None:
            messages.success(request, f"Plan line {item.uid} added")
            return redirect("programmes:item", slug=programme.slug, uid=item.uid)
    return render(request, "programmes/item_form.html", _context(request, form=form, item=None))


@programme_view(Perm.EDIT_PLAN)
def item_edit(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = _get_or_404(selectors.plan_item, programme, uid)
    request.access.require(Perm.EDIT_PLAN, strand_id=item.strand_id)  # type: ignore[attr-defined]
    conflict = None
    if request.method == "POST":
        form = _item_form(request, item, request.POST)
        if form.is_valid():
            try:
                saved = _save_item(request, form, item)
            except services.EditConflict as exc:
                conflict = exc
                merge = merge_after_conflict(request.POST, PlanItemForm.initial_for(exc.current), exc.current.version)
                form = _item_form(request, exc.current, merge.data)
                form.is_valid()
                _report_conflict(form, merge, "this line")
            else:
                if saved is not None:
                    messages.success(request, f"Plan line {saved.uid} saved")
                    return redirect("programmes:item", slug=programme.slug, uid=saved.uid)
    else:
        form = _item_form(request, item, initial=PlanItemForm.initial_with_loaded(item))
    return render(request, "programmes/item_form.html", _context(request, form=form, item=item, conflict=conflict))


@programme_view(Perm.EDIT_PLAN)
@require_POST
def item_archive(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = _get_or_404(selectors.plan_item, programme, uid)
    request.access.require(Perm.EDIT_PLAN, strand_id=item.strand_id)  # type: ignore[attr-defined]
    archive = request.POST.get("archive", "1") == "1"
    services.plan_item_archive(actor=_actor(request), item=item, archived=archive)
    messages.success(request, f"Plan line {item.uid} {'archived' if archive else 'restored'}")
    return redirect("programmes:item", slug=programme.slug, uid=item.uid)


@programme_view(Perm.EDIT_PLAN)
def dependency_add(request: HttpRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = _get_or_404(selectors.plan_item, programme, uid)
    request.access.require(Perm.EDIT_PLAN, strand_id=item.strand_id)  # type: ignore[attr-defined]
    form = DependencyForm(
        request.POST or None, items_by_uid=selectors.item_uid_map(programme), initial={"type": "FS", "lag_days": 0}
    )
    if request.method == "POST" and form.is_valid():
        pred = selectors.items_by_uids(programme, [form.cleaned_data["predecessor"]])[form.cleaned_data["predecessor"]]
        try:
            services.dependency_create(
                actor=_actor(request),
                programme=programme,
                predecessor=pred,
                successor=item,
                type=form.cleaned_data["type"],
                lag_days=form.cleaned_data["lag_days"],
            )
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, f"{item.uid} now depends on {pred.uid}")
            return redirect("programmes:item", slug=programme.slug, uid=item.uid)
    return render(request, "programmes/dependency_form.html", _context(request, form=form, item=item))


@programme_view(Perm.EDIT_PLAN)
@require_POST
def dependency_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request)
    dep = _get_or_404(selectors.dependency_in, programme, pk)
    request.access.require(Perm.EDIT_PLAN, strand_id=dep.successor.strand_id)  # type: ignore[attr-defined]
    services.dependency_delete(actor=_actor(request), dependency=dep)
    messages.success(request, "Dependency removed")
    return redirect("programmes:item", slug=programme.slug, uid=dep.successor.uid)


@programme_view(Perm.EDIT_PROGRAMME)
def programme_edit(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    conflict = None
    if request.method == "POST":
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.programme_update(
                    actor=_actor(request), programme=programme, expected_version=form.cleaned_data["version"], **fields
                )
            except services.EditConflict as exc:
                conflict = exc
                current = {f: getattr(exc.current, f) for f in ProgrammeForm.base_fields if f not in HIDDEN_KEYS}
                merge = merge_after_conflict(request.POST, current, exc.current.version)
                form = ProgrammeForm(merge.data)
                form.is_valid()
                _report_conflict(form, merge, "the programme")
            except ValidationError as exc:
                _apply_validation_error(form, exc)
            else:
                messages.success(request, "Programme details saved")
                return redirect("programmes:overview", slug=programme.slug)
    else:
        form = ProgrammeForm(
            initial=with_loaded({f: getattr(programme, f) for f in ProgrammeForm.base_fields if f != "loaded"})
        )
    return render(request, "programmes/programme_form.html", _context(request, form=form, conflict=conflict))


@programme_view(Perm.EDIT_PROGRAMME)
def strand_edit(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    strand = _get_or_404(selectors.strand_in, programme, code) if code else None
    taken = {s.code for s in selectors.strands_for(programme)} - ({strand.code} if strand else set())
    initial = (
        {
            "code": strand.code,
            "name": strand.name,
            "aim": strand.aim,
            "lead": str(strand.lead_id or ""),
            "order": strand.order,
        }
        if strand
        else {"order": len(taken) + 1}
    )
    form = StrandForm(request.POST or None, initial=initial, owners=list(selectors.owners_for(programme)), taken=taken)
    word = programme.strand_word.lower()
    return _definition_page(
        request,
        form,
        heading=f"Change {word}" if strand else f"Add a {word}",
        save=lambda: services.strand_save(
            actor=_actor(request), programme=programme, strand=strand, **form.service_fields()
        ),
        done_url=reverse("programmes:overview", args=[programme.slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
def stage_edit(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    stage = _get_or_404(selectors.stage_in, programme, code) if code else None
    taken = {s.code for s in selectors.stages_for(programme)} - ({stage.code} if stage else set())
    form = StageForm(
        request.POST or None,
        initial=StageForm.initial_for(stage) if stage else {"order": len(taken) + 1},
        owners=list(selectors.owners_for(programme)),
        taken=taken,
    )
    return _definition_page(
        request,
        form,
        heading="Change stage" if stage else "Add a stage",
        save=lambda: services.stage_save(
            actor=_actor(request), programme=programme, stage=stage, **form.service_fields()
        ),
        done_url=reverse("programmes:overview", args=[programme.slug]),
        field_map={"start_date": "start", "end_date": "end"},
    )


@programme_view(Perm.VIEW)
def baseline_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    baselines = list(selectors.baselines_for(programme))
    form = BaselineForm(taken={b.name for b in baselines})
    return render(request, "programmes/baselines.html", _context(request, baselines=baselines, form=form))


@programme_view(Perm.MANAGE_BASELINES)
def baseline_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    baselines = list(selectors.baselines_for(programme))
    form = BaselineForm(request.POST or None, taken={b.name for b in baselines})
    if request.method == "POST" and form.is_valid():
        baseline = services.baseline_create(actor=_actor(request), programme=programme, **form.cleaned_data)
        messages.success(request, f"Baseline '{baseline.name}' taken")
        return redirect("programmes:baseline", slug=programme.slug, pk=baseline.pk)
    return render(request, "programmes/baselines.html", _context(request, baselines=baselines, form=form))


@programme_view(Perm.VIEW)
def baseline_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    baseline = _get_or_404(selectors.baseline_in, _programme(request), pk)
    comparison = selectors.baseline_comparison(baseline)
    return render(request, "programmes/baseline_detail.html", _context(request, baseline=baseline, **comparison))


@programme_view(Perm.VIEW)
def owners(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    return render(
        request,
        "programmes/owners.html",
        _context(
            request,
            owners=list(selectors.owners_with_counts(programme)),
            projects=list(selectors.projects_for(programme)),
        ),
    )


@programme_view(Perm.EDIT_PROGRAMME)
def owner_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    programme = _programme(request)
    owner = _get_or_404(selectors.owner_in, programme, pk) if pk else None
    taken = {o.name for o in selectors.owners_for(programme)} - ({owner.name} if owner else set())
    initial = {"name": owner.name, "kind": owner.kind, "title": owner.title} if owner else {"kind": "person"}
    form = OwnerForm(request.POST or None, initial=initial, taken=taken)
    return _definition_page(
        request,
        form,
        heading="Change owner" if owner else "Add an owner",
        save=lambda: services.owner_save(actor=_actor(request), programme=programme, owner=owner, **form.cleaned_data),
        done_url=reverse("programmes:owners", args=[programme.slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
def project_edit(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    project = _get_or_404(selectors.project_in, programme, code) if code else None
    taken = {p.code for p in selectors.projects_for(programme)} - ({project.code} if project else set())
    initial = (
        {
            "code": project.code,
            "name": project.name,
            "strand": str(project.strand_id),
            "lead": str(project.lead_id or ""),
            "description": project.description,
        }
        if project
        else {}
    )
    form = ProjectForm(
        request.POST or None,
        initial=initial,
        programme=programme,
        strands=list(selectors.strands_for(programme)),
        owners=list(selectors.owners_for(programme)),
        taken=taken,
    )
    return _definition_page(
        request,
        form,
        heading="Change project" if project else "Add a project",
        save=lambda: services.project_save(
            actor=_actor(request), programme=programme, project=project, **form.service_fields()
        ),
        done_url=reverse("programmes:owners", args=[programme.slug]),
    )
