"""Pages of the RAID log. Views validate with a form, call one service or selector, and render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from improve.core.audit import history_for
from improve.core.forms import merge_after_conflict
from improve.core.register import register_page
from improve.core.views import actor, apply_validation_error, archive_page, get_or_404, report_conflict
from improve.programmes.permissions import Perm, ProgrammeRequest, programme_view
from improve.programmes.selectors import item_uid_map
from improve.raid import permissions, registers, scoring, selectors, services
from improve.raid.forms import (
    ActionForm,
    AppetiteForm,
    DateForm,
    IssueForm,
    LogEntryForm,
    RiskForm,
    items_for,
)
from improve.raid.models import LOG_BY_SLUG, Action, Category, Issue, LogEntry, LogSpec, Risk
from improve.raid.permissions import EDIT_RAID, EDIT_RAID_LOGS, UPDATE_RAID

HISTORY_PAGE = 200


def _context(request: ProgrammeRequest, **extra: Any) -> dict[str, Any]:
    programme = request.access.programme
    return {"programme": programme, "access": request.access, "Perm": Perm, "today": programme.as_at, **extra}


def _url(request: ProgrammeRequest, name: str, *args: Any) -> str:
    return reverse(f"raid:{name}", args=[request.access.programme.slug, *args])


def _owners(request: ProgrammeRequest) -> list[Any]:
    return list(selectors.owners(request.access.programme))


def _strands(request: ProgrammeRequest) -> list[Any]:
    return list(selectors.strands(request.access.programme))


def _history(request: ProgrammeRequest, subject: Any) -> HttpResponse:
    events = list(history_for(subject).select_related("actor")[:HISTORY_PAGE])
    return render(request, "programmes/history.html", _context(request, subject=subject, events=events))


# --- registers ------------------------------------------------------------------------------------


@programme_view(Perm.VIEW)
def risk_register(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = request.access.programme
    register = registers.risks(
        programme, request.access, today=programme.as_at, owners=_owners(request), strands=_strands(request)
    )
    return register_page(request, register, _context(request))


@programme_view(Perm.VIEW)
def issue_register(request: ProgrammeRequest, slug: str) -> HttpResponse:
    register = registers.issues(
        request.access.programme, request.access, owners=_owners(request), strands=_strands(request)
    )
    return register_page(request, register, _context(request))


@programme_view(Perm.VIEW)
def heat_map(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = request.access.programme
    basis = "inherent" if request.GET.get("basis") == "inherent" else "residual"
    grid = selectors.heat_map(programme, basis=basis)
    base = {"status": "open", **({"basis": "inherent"} if basis == "inherent" else {})}
    rows = [
        [
            {
                "cell": cell,
                "tag": registers.band_tag(cell.score),
                "url": registers.risk_filter_url(
                    programme, {**base, "likelihood": str(cell.likelihood), "impact": str(cell.impact)}
                ),
            }
            for cell in row
        ]
        for row in grid.rows
    ]
    return render(
        request,
        "raid/heat_map.html",
        _context(
            request,
            grid=grid,
            rows=rows,
            basis=basis,
            bands=[(scoring.BAND_LABELS[b], n) for b, n in grid.by_band().items()],
            levels=[(n, scoring.level_display(n)) for n in scoring.LEVELS],
            cells=[c for row in grid.rows for c in row if c.count],
            not_scored_url=registers.risk_filter_url(programme, {**base, "not_scored": "on"}),
            risk_base=reverse("raid:risk", args=[programme.slug, "R"])[:-2],
        ),
    )


# --- risks ----------------------------------------------------------------------------------------


def _risk(request: ProgrammeRequest, ref: str) -> Risk:
    return get_or_404(selectors.risk, request.access.programme, ref)


@programme_view(Perm.VIEW)
def risk_detail(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    risk = _risk(request, ref)
    access = request.access
    actions = list(selectors.actions_of(risk))
    return render(
        request,
        "raid/detail.html",
        _context(
            request,
            subject=risk,
            kind="risk",
            actions=[(a, permissions.can_change(access, a)) for a in actions],
            can_change=permissions.can_change(access, risk),
            can_manage=permissions.can_manage(access, risk),
            appetite=getattr(risk, "appetite", None),
            above=risk.above(getattr(risk, "appetite", None)),
            inherent=registers.score_tag(risk.inherent),
            residual=registers.score_tag(risk.residual),
            target=registers.band_tag(risk.target),
            levels={
                "inherent": (
                    scoring.level_display(risk.inherent_likelihood),
                    scoring.level_display(risk.inherent_impact),
                ),
                "residual": (
                    scoring.level_display(risk.residual_likelihood),
                    scoring.level_display(risk.residual_impact),
                ),
                "target": (scoring.level_display(risk.target_likelihood), scoring.level_display(risk.target_impact)),
            },
            history=list(history_for(risk)[:5]),
        ),
    )


def _linked_form(
    request: ProgrammeRequest, form_class: type[RiskForm] | type[IssueForm], data: Any = None, initial: Any = None
) -> Any:
    programme = request.access.programme
    return form_class(
        data,
        initial=initial,
        programme=programme,
        owners=_owners(request),
        strands=_strands(request),
        items_by_uid=item_uid_map(programme),
    )


def _refuse_strands(request: ProgrammeRequest, form: Any, kept: set[int]) -> bool:
    """A workstream lead links a risk or issue to at least one strand they lead; else say so."""
    chosen = {s.pk for s in form.chosen_strands()}
    if permissions.can_add(request.access, chosen) or (kept and kept == chosen):
        return False
    word = request.access.programme.strand_word.lower()
    form.add_error("strands", f"Choose at least one {word} you lead")
    return True


def _save_linked(
    request: ProgrammeRequest,
    form: Any,
    obj: Risk | Issue | None,
    *,
    create: Callable[..., Any],
    update: Callable[..., Any],
) -> Any:
    programme = request.access.programme
    if obj is None or permissions.can_manage(request.access, obj):
        kept = {s.pk for s in obj.strands.all()} if obj is not None else set()
        if _refuse_strands(request, form, kept if obj is not None else set()):
            return None
    items = items_for(
        form.cleaned_data["plan_items"], selectors.plan_items_by_uid(programme, form.cleaned_data["plan_items"])
    )
    try:
        if obj is None:
            return create(
                actor=actor(request),
                programme=programme,
                data=form.service_fields(),
                strands=form.chosen_strands(),
                plan_items=items,
            )
        return update(
            actor(request),
            obj,
            form.service_fields(),
            form.cleaned_data["version"] or 0,
            form.chosen_strands(),
            items,
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
    return None


@programme_view(EDIT_RAID)
def risk_create(request: ProgrammeRequest, slug: str) -> HttpResponse:
    form = _linked_form(
        request,
        RiskForm,
        request.POST or None,
        initial={
            "status": "open",
            "category": "delivery",
            "reference": services.next_reference(Risk, request.access.programme, "R"),
        },
    )
    if request.method == "POST" and form.is_valid():
        risk = _save_linked(request, form, None, create=services.risk_create, update=_update_risk)
        if risk is not None:
            messages.success(request, f"Risk {risk.reference} added")
            return redirect("raid:risk", slug=slug, ref=risk.reference)
    return render(
        request, "raid/form.html", _context(request, form=form, heading="Add a risk", back=_url(request, "risks"))
    )


def _update_risk(actor: Any, risk: Risk, data: Any, version: int, strands: Any, items: Any) -> Risk:
    return services.risk_update(
        actor=actor, risk=risk, data=data, expected_version=version, strands=strands, plan_items=items
    )


def _update_issue(actor: Any, issue: Issue, data: Any, version: int, strands: Any, items: Any) -> Issue:
    return services.issue_update(
        actor=actor, issue=issue, data=data, expected_version=version, strands=strands, plan_items=items
    )


def _edit_linked(
    request: ProgrammeRequest,
    obj: Risk | Issue,
    form_class: type[RiskForm] | type[IssueForm],
    *,
    update: Callable[..., Any],
    done: str,
    what: str,
) -> HttpResponse:
    permissions.require_change(request.access, obj)
    conflict = None
    if request.method == "POST":
        form = _linked_form(request, form_class, request.POST)
        if form.is_valid():
            try:
                saved = _save_linked(request, form, obj, create=lambda **_: None, update=update)
            except services.EditConflict as exc:
                conflict = exc
                current = form_class.initial_for(exc.current)
                strands = current.pop("strands")
                merge = merge_after_conflict(request.POST, current, exc.current.version)
                data = {**merge.data, "strands": request.POST.getlist("strands") or strands}
                form = _linked_form(request, form_class, _querydict(data))
                form.is_valid()
                report_conflict(form, merge, f"this {what}")
            else:
                if saved is not None:
                    messages.success(request, f"{saved} saved")
                    return redirect(done.replace("REF", saved.reference))
    else:
        form = _linked_form(request, form_class, initial=form_class.initial_with_loaded(obj))  # type: ignore[arg-type]
    return render(
        request,
        "raid/form.html",
        _context(
            request,
            form=form,
            heading=f"Change {what} {obj.reference}",
            back=done.replace("REF", obj.reference),
            conflict=conflict,
        ),
    )


def _querydict(data: dict[str, Any]) -> Any:
    from django.http import QueryDict

    q = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            q.setlist(key, value)
        else:
            q[key] = value
    return q


@programme_view(UPDATE_RAID)
def risk_edit(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    risk = _risk(request, ref)
    return _edit_linked(request, risk, RiskForm, update=_update_risk, done=_url(request, "risk", "REF"), what="risk")


def _date_page(
    request: ProgrammeRequest,
    subject: Any,
    *,
    heading: str,
    text: str,
    button: str,
    save: Callable[[dt.date], Any],
    done: Callable[[Any], str],
    message: Callable[[Any], str],
) -> HttpResponse:
    """A page with one date to confirm an act: close a risk, raise an issue from it, complete an action."""
    form = DateForm(request.POST or None, initial={"on": request.access.programme.as_at})
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data["on"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, message(result))
            return redirect(done(result))
    return render(
        request,
        "raid/confirm.html",
        _context(request, form=form, subject=subject, heading=heading, text=text, button=button, back=done(None)),
    )


@programme_view(UPDATE_RAID)
def risk_close(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    risk = _risk(request, ref)
    permissions.require_change(request.access, risk)
    here = _url(request, "risk", risk.reference)
    return _date_page(
        request,
        risk,
        heading=f"Close risk {risk.reference}",
        text="A closed risk no longer threatens the programme. It stays in the log and its history.",
        button="Close the risk",
        save=lambda on: services.risk_close(actor=actor(request), risk=risk, closed_on=on),
        done=lambda _r: here,
        message=lambda _r: f"Risk {risk.reference} closed",
    )


@programme_view(EDIT_RAID)
def risk_escalate(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    risk = _risk(request, ref)
    permissions.require_manage(request.access, risk)
    return _date_page(
        request,
        risk,
        heading=f"Risk {risk.reference} has happened: raise an issue",
        text="An issue is opened from this risk, with its owner, links and a link back; the risk is closed as "
        "'became an issue'. Both keep their history.",
        button="Raise the issue",
        save=lambda on: services.risk_escalate_to_issue(actor=actor(request), risk=risk, raised_on=on),
        done=lambda issue: _url(request, "issue", issue.reference) if issue else _url(request, "risk", risk.reference),
        message=lambda issue: f"Issue {issue.reference} raised from risk {risk.reference}",
    )


def _archive_page(request: ProgrammeRequest, obj: Any, *, done: str) -> HttpResponse:
    """Confirm and archive (:func:`improve.core.views.archive_page`); a POST of ``archive=0`` restores.
    It keeps its history either way."""
    if request.method == "POST" and request.POST.get("archive") == "0":
        if obj.archived:
            services.raid_restore(actor=actor(request), instance=obj)
            messages.success(request, f"{obj} restored")
        return redirect(done)
    return archive_page(
        request,
        obj,
        what=obj._meta.verbose_name.capitalize(),
        label=str(obj),
        explain="An archived row is hidden from every page and from the workbook.",
        archive=lambda reason: services.raid_archive(actor=actor(request), instance=obj, reason=reason),
        restore_url=request.path,
        done_url=done,
        context=_context(request),
    )


@programme_view(EDIT_RAID)
def risk_archive(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    risk = _risk(request, ref)
    permissions.require_manage(request.access, risk)
    return _archive_page(request, risk, done=_url(request, "risks"))


@programme_view(Perm.VIEW)
def risk_history(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    return _history(request, _risk(request, ref))


# --- issues ---------------------------------------------------------------------------------------


def _issue(request: ProgrammeRequest, ref: str) -> Issue:
    return get_or_404(selectors.issue, request.access.programme, ref)


@programme_view(Perm.VIEW)
def issue_detail(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    issue = _issue(request, ref)
    access = request.access
    return render(
        request,
        "raid/detail.html",
        _context(
            request,
            subject=issue,
            kind="issue",
            actions=[(a, permissions.can_change(access, a)) for a in selectors.actions_of(issue)],
            can_change=permissions.can_change(access, issue),
            can_manage=permissions.can_manage(access, issue),
            history=list(history_for(issue)[:5]),
        ),
    )


@programme_view(EDIT_RAID)
def issue_create(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = request.access.programme
    form = _linked_form(
        request,
        IssueForm,
        request.POST or None,
        initial={
            "status": "open",
            "priority": "medium",
            "escalation": "programme",
            "raised_on": programme.as_at,
            "reference": services.next_reference(Issue, programme, "I"),
        },
    )
    if request.method == "POST" and form.is_valid():
        issue = _save_linked(request, form, None, create=services.issue_create, update=_update_issue)
        if issue is not None:
            messages.success(request, f"Issue {issue.reference} added")
            return redirect("raid:issue", slug=slug, ref=issue.reference)
    return render(
        request, "raid/form.html", _context(request, form=form, heading="Add an issue", back=_url(request, "issues"))
    )


@programme_view(UPDATE_RAID)
def issue_edit(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    issue = _issue(request, ref)
    return _edit_linked(
        request, issue, IssueForm, update=_update_issue, done=_url(request, "issue", "REF"), what="issue"
    )


@programme_view(EDIT_RAID)
def issue_archive(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    issue = _issue(request, ref)
    permissions.require_manage(request.access, issue)
    return _archive_page(request, issue, done=_url(request, "issues"))


@programme_view(Perm.VIEW)
def issue_history(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    return _history(request, _issue(request, ref))


# --- actions --------------------------------------------------------------------------------------


def _parent_url(request: ProgrammeRequest, parent: Risk | Issue) -> str:
    return _url(request, "risk" if isinstance(parent, Risk) else "issue", parent.reference)


def _action_form_page(request: ProgrammeRequest, parent: Risk | Issue, action: Action | None) -> HttpResponse:
    initial = (
        {
            "title": action.title,
            "owner": str(action.owner_id or ""),
            "due_on": action.due_on,
            "status": action.status,
            "done_on": action.done_on,
        }
        if action
        else {"status": "open", "owner": str(parent.owner_id or "")}
    )
    form = ActionForm(request.POST or None, initial=initial, owners=_owners(request))
    back = _parent_url(request, parent)
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                saved = services.action_create(actor=actor(request), parent=parent, data=form.service_fields())  # type: ignore[arg-type]
            else:
                saved = services.action_update(actor=actor(request), action=action, data=form.service_fields())  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{saved} saved")
            return redirect(back)
    heading = f"Change action {action.reference}" if action else f"Add an action to {parent}"
    return render(request, "raid/form.html", _context(request, form=form, heading=heading, back=back))


@programme_view(UPDATE_RAID)
def risk_action_create(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    risk = _risk(request, ref)
    permissions.require_change(request.access, risk)
    return _action_form_page(request, risk, None)


@programme_view(UPDATE_RAID)
def issue_action_create(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    issue = _issue(request, ref)
    permissions.require_change(request.access, issue)
    return _action_form_page(request, issue, None)


def _action(request: ProgrammeRequest, ref: str) -> Action:
    action = get_or_404(selectors.action, request.access.programme, ref)
    return action


def _parent(action: Action) -> Risk | Issue:
    parent = action.risk if action.risk_id else action.issue
    if parent is None:
        raise Http404("No such action")
    return parent


@programme_view(UPDATE_RAID)
def action_edit(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    action = _action(request, ref)
    permissions.require_change(request.access, action)
    return _action_form_page(request, _parent(action), action)


@programme_view(UPDATE_RAID)
def action_complete(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    action = _action(request, ref)
    permissions.require_change(request.access, action)
    back = _parent_url(request, _parent(action))
    return _date_page(
        request,
        action,
        heading=f"Mark action {action.reference} done",
        text=action.title,
        button="Mark it done",
        save=lambda on: services.action_complete(actor=actor(request), action=action, done_on=on),
        done=lambda _a: back,
        message=lambda _a: f"Action {action.reference} done",
    )


@programme_view(UPDATE_RAID)
def action_archive(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    action = _action(request, ref)
    permissions.require_change(request.access, action)
    return _archive_page(request, action, done=_parent_url(request, _parent(action)))


@programme_view(Perm.VIEW)
def action_history(request: ProgrammeRequest, slug: str, ref: str) -> HttpResponse:
    return _history(request, _action(request, ref))


# --- risk appetite --------------------------------------------------------------------------------


@programme_view(EDIT_RAID_LOGS)
def appetite(request: ProgrammeRequest, slug: str) -> HttpResponse:
    programme = request.access.programme
    form = AppetiteForm(request.POST or None, initial=selectors.appetites(programme))
    if request.method == "POST" and form.is_valid():
        try:
            for category in Category.values:
                services.appetite_set(
                    actor=actor(request), programme=programme, category=category, max_score=form.cleaned_data[category]
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, "Risk appetite saved")
            return redirect("raid:risks", slug=slug)
    return render(
        request,
        "raid/form.html",
        _context(
            request,
            form=form,
            heading="Risk appetite",
            intro="The highest score (likelihood × impact, after mitigation) the programme accepts in each "
            "category. A risk scoring above it is flagged on the register.",
            back=_url(request, "risks"),
        ),
    )


# --- the simpler logs -----------------------------------------------------------------------------


def _spec(log: str) -> LogSpec:
    spec = LOG_BY_SLUG.get(log)
    if spec is None:
        raise Http404("No such log")
    return spec


@programme_view(Perm.VIEW)
def log_register(request: ProgrammeRequest, slug: str, log: str) -> HttpResponse:
    return register_page(
        request, registers.log(request.access.programme, request.access, _spec(log)), _context(request)
    )


def _entry(request: ProgrammeRequest, spec: LogSpec, ref: str) -> LogEntry:
    return get_or_404(selectors.log_entry, request.access.programme, spec.kind, ref)


@programme_view(EDIT_RAID_LOGS)
def log_edit(request: ProgrammeRequest, slug: str, log: str, ref: str | None = None) -> HttpResponse:
    spec = _spec(log)
    programme = request.access.programme
    entry = _entry(request, spec, ref) if ref is not None else None
    initial: dict[str, Any] = (
        {
            "reference": entry.reference,
            "title": entry.title,
            "description": entry.description,
            "owner": str(entry.owner_id or ""),
            "partner": entry.partner,
            "status": entry.status,
            "raised_on": entry.raised_on,
            "review_on": entry.review_on,
            "plan_items": ", ".join(entry.plan_item_uids),
        }
        if entry
        else {"status": spec.status_values[0]}
    )
    form = LogEntryForm(
        request.POST or None, initial=initial, spec=spec, owners=_owners(request), items_by_uid=item_uid_map(programme)
    )
    back = _url(request, spec.slug)
    if request.method == "POST" and form.is_valid():
        uids = form.cleaned_data.get("plan_items") or []
        items = items_for(uids, selectors.plan_items_by_uid(programme, uids)) if spec.plan_items else None
        try:
            if entry is None:
                saved = services.log_entry_create(
                    actor=actor(request),
                    programme=programme,
                    kind=spec.kind,
                    data=form.service_fields(),  # type: ignore[arg-type]
                    plan_items=items or (),
                )
            else:
                saved = services.log_entry_update(
                    actor=actor(request),
                    entry=entry,
                    data=form.service_fields(),  # type: ignore[arg-type]
                    plan_items=items,
                )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, f"{saved} saved")
            return redirect(back)
    heading = (
        f"Change {spec.noun} {entry.reference}"
        if entry
        else f"Add {'an' if spec.noun[0] in 'aeiou' else 'a'} {spec.noun}"
    )
    return render(request, "raid/form.html", _context(request, form=form, heading=heading, back=back))


@programme_view(EDIT_RAID_LOGS)
def log_archive(request: ProgrammeRequest, slug: str, log: str, ref: str) -> HttpResponse:
    spec = _spec(log)
    return _archive_page(request, _entry(request, spec, ref), done=_url(request, spec.slug))


@programme_view(Perm.VIEW)
def log_history(request: ProgrammeRequest, slug: str, log: str, ref: str) -> HttpResponse:
    return _history(request, _entry(request, _spec(log), ref))
