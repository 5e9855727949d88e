"""Helpers every room's views share: the actor, object lookup, reporting errors on a form, and the
page that confirms archiving a row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from improve.core.audit import Actor, Via
from improve.core.forms import Merge

T = TypeVar("T")


def actor(request: HttpRequest, via: str = Via.WEB) -> Actor:
    """The signed-in person writing through the web (or ``via`` another door)."""
    user = request.user if request.user.is_authenticated else None
    return Actor(user=user, via=via)


def get_or_404(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)``, or 404 if it finds nothing."""
    try:
        return fn(*args)
    except ObjectDoesNotExist as exc:
        raise Http404("Not found") from exc


def apply_validation_error(form: forms.BaseForm, exc: ValidationError, field_map: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form, field by field (``field_map``: model → form)."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field_map.get(field, field)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def report_conflict(form: forms.BaseForm, merge: Merge, what: str) -> None:
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


def archive_page(
    request: HttpRequest,
    subject: Any,
    *,
    what: str,
    label: str,
    explain: str,
    archive: Callable[[str], Any],
    restore_url: str,
    done_url: str,
    context: dict[str, Any],
    caption: str = "",
) -> HttpResponse:
    """Confirm and archive ``subject`` (an archivable row) with an optional reason; it keeps its history.

    GET shows the question (or, for an archived row, how to restore it: a POST to ``restore_url``,
    which carries ``archive=0``). POST archives through ``archive(reason)``; posting again never
    restores, so a form sent twice cannot undo itself. A rule the service refuses is shown on the
    page. ``what`` is the kind of row ("Board"), ``label`` names this one, ``caption`` goes above the
    heading (``what`` if not given), ``explain`` says what archiving it hides; ``context`` is the
    room's page context (programme, access).
    """
    error = ""
    if request.method == "POST":
        if subject.archived:
            messages.success(request, f"{what} {label} is already archived")
            return redirect(done_url)
        try:
            archive(request.POST.get("reason", "").strip()[:300])
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{what} {label} archived")
            return redirect(done_url)
    page = {
        **context,
        "subject": subject,
        "what": what,
        "caption": caption or what,
        "label": label,
        "explain": explain,
        "error": error,
        "restore_url": restore_url,
        "done_url": done_url,
    }
    return render(request, "core/archive_confirm.html", page)
