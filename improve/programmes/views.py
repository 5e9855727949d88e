"""Pages of the plan. Views validate with a form, call one service or selector, and render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from improve.core.access import signed_in
from improve.core.audit import history_for, history_for_programme
from improve.core.forms import HIDDEN_KEYS, merge_after_conflict, with_loaded
from improve.core.register import register_page
from improve.core.validators import is_url_key
from improve.core.views import actor, apply_validation_error, archive_page, get_or_404, report_conflict
from improve.programmes import registers, selectors, services, timeline
from improve.programmes.forms import (
    BaselineForm,
    DependencyForm,
    MemberForm,
    OwnerForm,
    PlanFilterForm,
    PlanItemForm,
    ProgrammeForm,
    ProjectForm,
    StageForm,
    StrandForm,
)
from improve.programmes.models import Membership, PlanItem, Programme
from improve.programmes.permissions import Perm, ProgrammeRequest, programme_view

HISTORY_PAGE = 200
OVERVIEW_BROKEN = 10  # the worst broken dependencies listed on the overview


def _programme(request: ProgrammeRequest) -> Programme:
    return request.access.programme


def _today(request: ProgrammeRequest) -> dt.date:
    """The programme's "as at" date: its status date if set, else today."""
    return request.access.programme.as_at


def _context(request: ProgrammeRequest, **extra: Any) -> dict[str, Any]:
    return {
        "programme": _programme(request),
        "access": request.access,
        "Perm": Perm,
        "today": _today(request),
        **extra,
    }


def _definition_page(
    request: ProgrammeRequest,
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
            apply_validation_error(form, exc, field_map)
        else:
            messages.success(request, f"{saved} saved")
            return redirect(done_url)
    return render(
        request, "programmes/simple_form.html", _context(request, form=form, heading=heading, back_url=done_url)
    )


@signed_in
def home(request: HttpRequest) -> HttpResponse:
    programmes = list(selectors.programmes_for_user(request.user))
    # Someone in one programme goes straight to it; an administrator stays, to start another.
    if len(programmes) == 1 and not getattr(request.user, "is_programme_admin", False):
        return redirect("programmes:overview", slug=programmes[0].slug)
    return render(request, "programmes/home.html", {"programmes": programmes})


_STRAND_ROW = (
    '\n    <tr class="govuk-table__row">\n'
    '      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{}?strand={}">{}</a>{}</th>\n'
    '      <td class="govuk-table__cell">{}</td>\n'
    + '      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n' * 5
    + "{}    </tr>\n  "
)
_STRAND_CHANGE = '      <td class="govuk-table__cell">{}</td>\n'
_STRAND_CHANGE_LINK = '<a class="govuk-link" href="{}">Change<span class="govuk-visually-hidden"> {}</span></a>'
_STRAND_AIM = '<p class="govuk-body-s io-muted govuk-!-margin-bottom-0">{}</p>'


#: what ``{% url %}`` leaves unquoted in a path segment (as ``django.urls`` quotes it)
URL_SAFE = "!$&'()*+,;=~:@"


def _strand_rows(programme: Programme, rows: list[dict[str, Any]], *, can_change: bool) -> SafeString:
    """The rows of the overview's table of strands, with their counts.

    Rendered here rather than in the template: a large programme has dozens of strands of seven
    cells each, and the template language took a third of the page's time over them. Every text
    is escaped as the template would (``html.escape``, which Django's ``escape`` calls).
    """
    plan_url = escape(reverse("programmes:plan", args=[programme.slug]))
    edit_sample = reverse("programmes:strand-edit", args=[programme.slug, "0"])
    assert edit_sample.endswith("/0/edit/")  # noqa: S101 - the strand's code is the URL's last word but one
    edit_prefix = edit_sample[: -len("0/edit/")]
    out = []
    for row in rows:
        strand = row["strand"]
        aim = _STRAND_AIM.format(escape(Truncator(strand.aim).words(30, truncate=" …"))) if strand.aim else ""
        counts = (int(row.get(key) or 0) for key in ("total", "complete", "overdue", "rag_red", "rag_amber"))
        code = escape(quote(strand.code, safe="/"))
        change = ""
        if can_change:
            link = ""
            if is_url_key(strand.code):  # a code stored before codes were checked gets no link
                edit_url = f"{edit_prefix}{quote(strand.code, safe=URL_SAFE)}/edit/"
                link = _STRAND_CHANGE_LINK.format(escape(edit_url), escape(strand.name))
            change = _STRAND_CHANGE.format(link)
        name, lead = escape(strand.name), escape(str(strand.lead or ""))
        out.append(_STRAND_ROW.format(plan_url, code, name, aim, lead, *counts, change))
    return mark_safe("".join(out))  # noqa: S308 - every value in it is escaped above


def _item_href(programme: Programme) -> Callable[[str], str]:
    """The address of a plan line's page from its uid, as ``{% url %}`` gives it, reversed only once.

    A uid no address can carry (stored before uids were checked) has no page: its address is "".
    """
    sample = reverse("programmes:item", args=[programme.slug, "0"])
    assert sample.endswith("/0/")  # noqa: S101 - the item URL ends in its uid
    prefix = sample[: -len("0/")]
    return lambda uid: (prefix + quote(uid, safe=URL_SAFE) + "/") if is_url_key(uid) else ""


@programme_view(Perm.VIEW)
def overview(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    today, changes = _today(request), selectors.change_count(programme)
    figures = selectors.overview_figures(programme, today=today, broken_listed=OVERVIEW_BROKEN, changes=changes)
    summary, broken_count, broken = figures.summary, figures.broken_count, figures.broken
    href = _item_href(programme)
    return render(
        request,
        "programmes/overview.html",
        _context(
            request,
            summary=summary,
            strands=summary.strand_rows,
            strand_rows=_strand_rows(
                programme, summary.strand_rows, can_change=request.access.can(Perm.EDIT_PROGRAMME)
            ),
            stages=list(selectors.stages_for(programme)),
            overdue=[(href(i.uid), i) for i in summary.overdue],
            upcoming_gates=[(href(i.uid), i) for i in summary.upcoming_gates],
            broken=[(href(b.successor_uid), b) for b in broken],
            broken_count=broken_count,
            panels=selectors.overview_panels(programme, today=today, access=request.access, changes=changes),
        ),
    )


def _plan_filters(request: ProgrammeRequest, programme: Programme, strands: list[Any]) -> tuple[Any, Any]:
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
def plan(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    strands = list(selectors.strands_for(programme))
    owners = list(selectors.owners_for(programme))
    teams = selectors.team_names(programme)
    register = registers.plan(
        programme,
        request.access,
        today=_today(request),
        strands=strands,
        item_href=_item_href(programme),
        form=lambda data: PlanFilterForm(data, programme=programme, strands=strands, owners=owners, teams=teams),
    )
    return register_page(request, register, _context(request))


@programme_view(Perm.VIEW)
def timeline_view(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    form, filters = _plan_filters(request, programme, list(selectors.strands_for(programme)))
    rows = selectors.timeline_rows(
        programme,
        strand_word=programme.strand_word,
        item_url=reverse("programmes:item", args=[programme.slug, "UID"]).replace("UID", "{uid}"),
        filters=filters,
        today=_today(request),
    )
    bands = [timeline.Band(s.name, s.start_date, s.end_date) for s in selectors.stages_for(programme)]
    links = [timeline.Link(*link) for link in selectors.dependency_links(programme)]
    today = _today(request)
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
def item_detail(request: ProgrammeRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = get_or_404(selectors.plan_item, programme, uid)
    before, after = selectors.item_dependencies(item)
    return render(
        request,
        "programmes/item_detail.html",
        _context(
            request,
            item=item,
            depends_on=before,
            drives=after,
            children=list(item.children.all()),
            can_edit=request.access.can(Perm.EDIT_PLAN, strand_id=item.strand_id),
            history=list(history_for(item)[:5]),
        ),
    )


@programme_view(Perm.VIEW)
def item_history(request: ProgrammeRequest, slug: str, uid: str) -> HttpResponse:
    item = get_or_404(selectors.plan_item, _programme(request), uid)
    return render(
        request,
        "programmes/history.html",
        _context(request, subject=item, events=list(history_for(item).select_related("actor")[:HISTORY_PAGE])),
    )


@programme_view(Perm.VIEW)
def programme_history(request: ProgrammeRequest, slug: str) -> HttpResponse:
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


def _sent(data: Any, *names: str) -> list[str]:
    """The values a form was sent for ``names`` (the unique IDs it will check), as its fields clean them."""
    if data is None:
        return []
    return [str(data.get(name) or "").strip() for name in names]


def _item_form(request: ProgrammeRequest, item: PlanItem | None, data: Any = None, initial: Any = None) -> PlanItemForm:
    programme = _programme(request)
    access = request.access
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
        items_by_uid=selectors.item_uid_map(programme, _sent(data, "uid", "parent")),
        editing=item,
    )


def _refuse_line_outside_own_strands(request: ProgrammeRequest, form: Any, field: str, line: PlanItem) -> bool:
    """Refuse, on ``field``, to tie a line to ``line`` if the editor may not change ``line``'s strand.

    A workstream lead may change only the lines of the strands they lead, so they may not put
    their lines under, or make them wait for, a line in another strand either.
    """
    if request.access.can(Perm.EDIT_PLAN, strand_id=line.strand_id):
        return False
    word = _programme(request).strand_word.lower()
    form.add_error(
        field, f"Line {line.uid} is in {line.strand.name}, which you do not lead: choose a line in a {word} you lead"
    )
    return True


def _save_item(request: ProgrammeRequest, form: PlanItemForm, item: PlanItem | None) -> PlanItem | None:
    programme = _programme(request)
    strands_by_id = {str(s.pk): s for s in selectors.strands_for(programme)}
    request.access.require(Perm.EDIT_PLAN, strand_id=int(form.cleaned_data["strand"]))
    parent_uid = form.cleaned_data["parent"]
    parents = selectors.items_by_uids(programme, [parent_uid]) if parent_uid else {}
    parent = parents.get(parent_uid)
    kept = item.parent_id if item is not None else None  # a parent set by someone else may stay
    if parent is not None and parent.pk != kept and _refuse_line_outside_own_strands(request, form, "parent", parent):
        return None
    fields = form.service_fields(strands_by_id, parents)
    field_map = {"start_date": "start", "end_date": "end", "owner_tbd": "owner"}
    try:
        if item is None:
            return services.plan_item_create(actor=actor(request), programme=programme, data=fields)
        return services.plan_item_update(
            actor=actor(request), item=item, expected_version=form.cleaned_data["version"] or 0, data=fields
        )
    except ValidationError as exc:
        apply_validation_error(form, exc, field_map)
    return None


@programme_view(Perm.EDIT_PLAN)
def item_create(request: ProgrammeRequest, slug: str) -> HttpResponse:
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
def item_edit(request: ProgrammeRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = get_or_404(selectors.plan_item, programme, uid)
    request.access.require(Perm.EDIT_PLAN, strand_id=item.strand_id)
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
                report_conflict(form, merge, "this line")
            else:
                if saved is not None:
                    messages.success(request, f"Plan line {saved.uid} saved")
                    return redirect("programmes:item", slug=programme.slug, uid=saved.uid)
    else:
        form = _item_form(request, item, initial=PlanItemForm.initial_with_loaded(item))
    return render(request, "programmes/item_form.html", _context(request, form=form, item=item, conflict=conflict))


@programme_view(Perm.EDIT_PLAN)
@require_POST
def item_archive(request: ProgrammeRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = get_or_404(selectors.plan_item, programme, uid)
    request.access.require(Perm.EDIT_PLAN, strand_id=item.strand_id)
    archive = request.POST.get("archive", "1") == "1"
    if archive:
        services.part_archive(actor=actor(request), instance=item, reason=request.POST.get("reason", "")[:300])
    else:
        services.part_restore(actor=actor(request), instance=item)
    messages.success(request, f"Plan line {item.uid} {'archived' if archive else 'restored'}")
    return redirect("programmes:item", slug=programme.slug, uid=item.uid)


@programme_view(Perm.EDIT_PLAN)
def dependency_add(request: ProgrammeRequest, slug: str, uid: str) -> HttpResponse:
    programme = _programme(request)
    item = get_or_404(selectors.plan_item, programme, uid)
    request.access.require(Perm.EDIT_PLAN, strand_id=item.strand_id)
    form = DependencyForm(
        request.POST or None,
        items_by_uid=selectors.item_uid_map(programme, _sent(request.POST or None, "predecessor")),
        initial={"type": "FS", "lag_days": 0},
    )
    if request.method == "POST" and form.is_valid():
        pred = selectors.items_by_uids(programme, [form.cleaned_data["predecessor"]])[form.cleaned_data["predecessor"]]
        if not _refuse_line_outside_own_strands(request, form, "predecessor", pred):
            try:
                services.dependency_create(
                    actor=actor(request),
                    programme=programme,
                    predecessor=pred,
                    successor=item,
                    type=form.cleaned_data["type"],
                    lag_days=form.cleaned_data["lag_days"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, f"{item.uid} now depends on {pred.uid}")
                return redirect("programmes:item", slug=programme.slug, uid=item.uid)
    return render(request, "programmes/dependency_form.html", _context(request, form=form, item=item))


@programme_view(Perm.EDIT_PLAN)
@require_POST
def dependency_remove(request: ProgrammeRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request)
    dep = get_or_404(selectors.dependency_in, programme, pk)
    request.access.require(Perm.EDIT_PLAN, strand_id=dep.successor.strand_id)
    services.dependency_delete(actor=actor(request), dependency=dep)
    messages.success(request, "Dependency removed")
    return redirect("programmes:item", slug=programme.slug, uid=dep.successor.uid)


@programme_view(Perm.EDIT_PROGRAMME)
def programme_edit(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    conflict = None
    if request.method == "POST":
        form = ProgrammeForm(request.POST)
        if form.is_valid():
            fields = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.programme_update(
                    actor=actor(request),
                    programme=programme,
                    expected_version=form.cleaned_data["version"],
                    data=fields,  # type: ignore[arg-type]
                )
            except services.EditConflict as exc:
                conflict = exc
                current = {f: getattr(exc.current, f) for f in ProgrammeForm.base_fields if f not in HIDDEN_KEYS}
                merge = merge_after_conflict(request.POST, current, exc.current.version)
                form = ProgrammeForm(merge.data)
                form.is_valid()
                report_conflict(form, merge, "the programme")
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "Programme details saved")
                return redirect("programmes:overview", slug=programme.slug)
    else:
        form = ProgrammeForm(
            initial=with_loaded({f: getattr(programme, f) for f in ProgrammeForm.base_fields if f != "loaded"})
        )
    return render(request, "programmes/programme_form.html", _context(request, form=form, conflict=conflict))


@programme_view(Perm.EDIT_PROGRAMME)
def strand_edit(request: ProgrammeRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    strand = get_or_404(selectors.strand_in, programme, code) if code else None
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
            actor=actor(request), programme=programme, strand=strand, data=form.service_fields()
        ),
        done_url=reverse("programmes:strands", args=[programme.slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
def stage_edit(request: ProgrammeRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    stage = get_or_404(selectors.stage_in, programme, code) if code else None
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
            actor=actor(request), programme=programme, stage=stage, data=form.service_fields()
        ),
        done_url=reverse("programmes:stages", args=[programme.slug]),
        field_map={"start_date": "start", "end_date": "end"},
    )


@programme_view(Perm.VIEW)
def baseline_list(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    baselines = list(selectors.baselines_for(programme))
    form = BaselineForm(taken={b.name for b in baselines})
    return render(request, "programmes/baselines.html", _context(request, baselines=baselines, form=form))


@programme_view(Perm.MANAGE_BASELINES)
def baseline_create(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    baselines = list(selectors.baselines_for(programme))
    form = BaselineForm(request.POST or None, taken={b.name for b in baselines})
    if request.method == "POST" and form.is_valid():
        baseline = services.baseline_create(actor=actor(request), programme=programme, **form.cleaned_data)
        messages.success(request, f"Baseline '{baseline.name}' taken")
        return redirect("programmes:baseline", slug=programme.slug, pk=baseline.pk)
    return render(request, "programmes/baselines.html", _context(request, baselines=baselines, form=form))


@programme_view(Perm.VIEW)
def baseline_detail(request: ProgrammeRequest, slug: str, pk: int) -> HttpResponse:
    baseline = get_or_404(selectors.baseline_in, _programme(request), pk)
    comparison = selectors.baseline_comparison(baseline)
    return render(request, "programmes/baseline_detail.html", _context(request, baseline=baseline, **comparison))


@programme_view(Perm.VIEW)
def owners(request: ProgrammeRequest, slug: str) -> HttpResponse:
    return register_page(request, registers.owners(_programme(request), request.access), _context(request))


@programme_view(Perm.VIEW)
def strands(request: ProgrammeRequest, slug: str) -> HttpResponse:
    return register_page(request, registers.strands(_programme(request), request.access), _context(request))


@programme_view(Perm.VIEW)
def stages(request: ProgrammeRequest, slug: str) -> HttpResponse:
    return register_page(request, registers.stages(_programme(request), request.access), _context(request))


@programme_view(Perm.VIEW)
def projects(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    register = registers.projects(programme, request.access, strand_list=list(selectors.strands_for(programme)))
    return register_page(request, register, _context(request))


@programme_view(Perm.EDIT_PROGRAMME)
def owner_edit(request: ProgrammeRequest, slug: str, pk: int | None = None) -> HttpResponse:
    programme = _programme(request)
    owner = get_or_404(selectors.owner_in, programme, pk) if pk is not None else None
    taken = {o.name for o in selectors.owners_for(programme)} - ({owner.name} if owner else set())
    initial = (
        {"name": owner.name, "kind": owner.kind, "title": owner.title, "user_id": owner.user_id or ""}
        if owner
        else {"kind": "person"}
    )
    members = [
        (m.user_id, f"{m.user.get_full_name() or m.user.email} ({m.user.email})")
        for m in selectors.members_of(programme)
    ]
    form = OwnerForm(request.POST or None, initial=initial, taken=taken, members=members)
    return _definition_page(
        request,
        form,
        heading="Change owner" if owner else "Add an owner",
        save=lambda: services.owner_save(
            actor=actor(request),
            programme=programme,
            owner=owner,
            data=form.cleaned_data,  # type: ignore[arg-type]
        ),
        done_url=reverse("programmes:owners", args=[programme.slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
def project_edit(request: ProgrammeRequest, slug: str, code: str | None = None) -> HttpResponse:
    programme = _programme(request)
    project = get_or_404(selectors.project_in, programme, code) if code else None
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
            actor=actor(request), programme=programme, project=project, data=form.service_fields()
        ),
        done_url=reverse("programmes:projects", args=[programme.slug]),
    )


# --- archiving and restoring the definition -----------------------------------------------------


def _archive_page(
    request: ProgrammeRequest,
    obj: Any,
    *,
    what: str,
    archive: Callable[[str], Any],
    restore_url: str,
    done_url: str,
) -> HttpResponse:
    """Confirm and archive one part of the definition (:func:`improve.core.views.archive_page`)."""
    return archive_page(
        request,
        obj,
        what=what,
        caption=f"{what} {obj.code}" if getattr(obj, "code", "") else what,
        label=obj.name,
        explain=f"An archived {what.lower()} is hidden from every page and from the workbook.",
        archive=archive,
        restore_url=restore_url,
        done_url=done_url,
        context=_context(request),
    )


def _restore(request: ProgrammeRequest, obj: Any, *, what: str, done_url: str) -> HttpResponse:
    """Restore one archived part of the definition (nothing to do if it is current)."""
    if obj.archived:
        services.part_restore(actor=actor(request), instance=obj)
        messages.success(request, f"{what} {obj.name} restored")
    return redirect(done_url)


def _strand(request: ProgrammeRequest, code: str) -> Any:
    return get_or_404(selectors.strand_in, _programme(request), code)


def _stage(request: ProgrammeRequest, code: str) -> Any:
    return get_or_404(selectors.stage_in, _programme(request), code)


def _owner(request: ProgrammeRequest, pk: int) -> Any:
    return get_or_404(selectors.owner_in, _programme(request), pk)


def _project(request: ProgrammeRequest, code: str) -> Any:
    return get_or_404(selectors.project_in, _programme(request), code)


@programme_view(Perm.EDIT_PROGRAMME)
def strand_archive(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    strand = _strand(request, code)
    return _archive_page(
        request,
        strand,
        what=_programme(request).strand_word,
        archive=lambda reason: services.part_archive(actor=actor(request), instance=strand, reason=reason),
        restore_url=reverse("programmes:strand-restore", args=[slug, code]),
        done_url=reverse("programmes:strands", args=[slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
@require_POST
def strand_restore(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    what = _programme(request).strand_word
    return _restore(request, _strand(request, code), what=what, done_url=reverse("programmes:strands", args=[slug]))


@programme_view(Perm.EDIT_PROGRAMME)
def stage_archive(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    stage = _stage(request, code)
    return _archive_page(
        request,
        stage,
        what="Stage",
        archive=lambda reason: services.part_archive(actor=actor(request), instance=stage, reason=reason),
        restore_url=reverse("programmes:stage-restore", args=[slug, code]),
        done_url=reverse("programmes:stages", args=[slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
@require_POST
def stage_restore(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    return _restore(request, _stage(request, code), what="Stage", done_url=reverse("programmes:stages", args=[slug]))


@programme_view(Perm.EDIT_PROGRAMME)
def owner_archive(request: ProgrammeRequest, slug: str, pk: int) -> HttpResponse:
    owner = _owner(request, pk)
    return _archive_page(
        request,
        owner,
        what="Owner",
        archive=lambda reason: services.part_archive(actor=actor(request), instance=owner, reason=reason),
        restore_url=reverse("programmes:owner-restore", args=[slug, pk]),
        done_url=reverse("programmes:owners", args=[slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
@require_POST
def owner_restore(request: ProgrammeRequest, slug: str, pk: int) -> HttpResponse:
    return _restore(request, _owner(request, pk), what="Owner", done_url=reverse("programmes:owners", args=[slug]))


@programme_view(Perm.EDIT_PROGRAMME)
def project_archive(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    project = _project(request, code)
    return _archive_page(
        request,
        project,
        what="Project",
        archive=lambda reason: services.part_archive(actor=actor(request), instance=project, reason=reason),
        restore_url=reverse("programmes:project-restore", args=[slug, code]),
        done_url=reverse("programmes:projects", args=[slug]),
    )


@programme_view(Perm.EDIT_PROGRAMME)
@require_POST
def project_restore(request: ProgrammeRequest, slug: str, code: str) -> HttpResponse:
    done = reverse("programmes:projects", args=[slug])
    return _restore(request, _project(request, code), what="Project", done_url=done)


#: The parts of the definition whose history has a page of its own: kind in the address -> lookup.
_HISTORY_OF: dict[str, Callable[[Programme, str], Any]] = {
    "strand": selectors.strand_in,
    "stage": selectors.stage_in,
    "project": selectors.project_in,
    "owner": lambda programme, key: selectors.owner_in(programme, int(key)),
}


@programme_view(Perm.VIEW)
def object_history(request: ProgrammeRequest, slug: str, kind: str, key: str) -> HttpResponse:
    """The history of a strand, stage, project or owner (current or archived)."""
    find = _HISTORY_OF.get(kind)
    if find is None or (kind == "owner" and not key.isdigit()):
        raise Http404("No such page")
    subject = get_or_404(find, _programme(request), key)
    return render(
        request,
        "programmes/history.html",
        _context(request, subject=subject, events=list(history_for(subject).select_related("actor")[:HISTORY_PAGE])),
    )


# --- members -------------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def members(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    return render(request, "programmes/members.html", _context(request, members=list(selectors.members_of(programme))))


def _member_form(request: ProgrammeRequest, data: Any = None, *, membership: Membership | None = None) -> MemberForm:
    programme = _programme(request)
    initial = {"role": membership.role, "strands": [str(s.pk) for s in membership.strands.all()]} if membership else {}
    return MemberForm(
        data,
        initial=initial,
        strands=list(selectors.strands_for(programme)),
        strand_word=programme.strand_word,
        existing_emails={m.user.email.lower() for m in selectors.members_of(programme)},
        editing=membership is not None,
    )


@programme_view(Perm.MANAGE_MEMBERS)
def member_add(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = _programme(request)
    form = _member_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            membership, temporary = services.member_add(
                actor=actor(request),
                programme=programme,
                email=d["email"],
                full_name=d["full_name"].strip(),
                role=d["role"],
                strands=form.chosen_strands(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            # The temporary password is shown once, on this page, and stored nowhere but as a hash.
            return render(
                request,
                "programmes/member_added.html",
                _context(request, membership=membership, temporary=temporary),
            )
    return render(request, "programmes/member_form.html", _context(request, form=form, membership=None))


@programme_view(Perm.MANAGE_MEMBERS)
def member_edit(request: ProgrammeRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request)
    membership = get_or_404(selectors.member_of, programme, pk)
    form = _member_form(request, request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_grant(
                actor=actor(request),
                user=membership.user,
                programme=programme,
                role=form.cleaned_data["role"],
                strands=form.chosen_strands(),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{membership.user} saved")
            return redirect("programmes:members", slug=slug)
    return render(request, "programmes/member_form.html", _context(request, form=form, membership=membership))


@programme_view(Perm.MANAGE_MEMBERS)
@require_POST
def member_remove(request: ProgrammeRequest, slug: str, pk: int) -> HttpResponse:
    membership = get_or_404(selectors.member_of, _programme(request), pk)
    try:
        services.member_remove(actor=actor(request), membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{membership.user} no longer has access to this programme")
    return redirect("programmes:members", slug=slug)
