"""The programme workbook pages: download, upload, preview, confirm.

An upload is checked with a dry run and shown as a preview; its bytes wait in a temporary file
(:mod:`improve.interchange.uploads`) until the user confirms, and are then imported for real. The
session keeps only the file's token, the file name and the preview's fingerprint. Views call the
interchange services and selectors only.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from improve.core.audit import Actor
from improve.interchange import services
from improve.interchange.forms import WorkbookUploadForm
from improve.interchange.msproject.reader import java_problem
from improve.interchange.services import ImportResult
from improve.interchange.uploads import UploadGoneError, upload_discard, upload_keep, upload_read
from improve.interchange.workbook import WorkbookError, read_upload
from improve.programmes.permissions import Perm, programme_view

SESSION_KEY = "interchange_upload"
XLSX_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, via=services.VIA)  # type: ignore[arg-type]


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    access = request.access  # type: ignore[attr-defined]
    return {
        "programme": access.programme,
        "access": access,
        "sheets": services.sheet_specs(),
        "msproject_problem": java_problem(),
        **extra,
    }


def _fingerprint(result: ImportResult) -> str:
    """A digest of what an import would do, to notice if the programme changed meanwhile."""
    text = repr([(s.sheet, s.created, [(c.key, c.fields) for c in s.changed], s.removed) for s in result.sheets])
    return hashlib.sha256(text.encode()).hexdigest()


def workbook_page(
    request: HttpRequest, form: WorkbookUploadForm | None = None, *, page_error: str = ""
) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    if form is None and access.can(Perm.IMPORT):
        form = WorkbookUploadForm()
    return render(request, "interchange/workbook.html", _context(request, form=form, page_error=page_error))


def _forget_pending(request: HttpRequest) -> None:
    """Drop the upload waiting for confirmation, if any: its file and its session entry."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending and pending.get("token"):
        upload_discard(pending["token"])


def _preview(
    request: HttpRequest, result: ImportResult, *, filename: str, data: bytes | None, changed_meanwhile: bool = False
) -> HttpResponse:
    token = ""
    _forget_pending(request)
    if result.ok and result.has_changes and data is not None:
        token = upload_keep(data=data, user_id=request.user.pk, slug=result.slug)
        request.session[SESSION_KEY] = {
            "token": token,
            "slug": result.slug,
            "filename": filename,
            "fingerprint": _fingerprint(result),
        }
    form = WorkbookUploadForm() if result.problems else None
    return render(
        request,
        "interchange/preview.html",
        _context(
            request,
            result=result,
            filename=filename,
            token=token,
            form=form,
            changed_meanwhile=changed_meanwhile,
            changed_sheets=[s for s in result.sheets if s.has_changes],
        ),
    )


@programme_view(Perm.VIEW)
def workbook(request: HttpRequest, slug: str) -> HttpResponse:
    return workbook_page(request)


def _may(request: HttpRequest) -> Callable[[str], bool]:
    """Whether the member importing holds a permission (rows of sheets their role does not keep are refused)."""
    access = request.access  # type: ignore[attr-defined]
    return lambda perm: bool(access.can(perm))


@programme_view(Perm.EXPORT)
def export(request: HttpRequest, slug: str) -> HttpResponse:
    programme = request.access.programme  # type: ignore[attr-defined]
    response = HttpResponse(services.workbook_export_xlsx(programme=programme), content_type=XLSX_CONTENT)
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-workbook.xlsx"'
    return response


#: warnings shown after a real import (the preview lists every one)
WARNINGS_SHOWN = 10


@programme_view(Perm.IMPORT)
def import_workbook(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("interchange:workbook", slug=slug)
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return workbook_page(request, form)
    result = services.workbook_import(
        actor=_actor(request), sheets=form.sheets, dry_run=True, expect_slug=slug, may=_may(request)
    )
    return _preview(request, result, filename=form.cleaned_data["file"].name, data=form.file_bytes)


@programme_view(Perm.IMPORT)
def import_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("interchange:workbook", slug=slug)
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if (
        not pending
        or not token
        or not secrets.compare_digest(pending.get("token", ""), token)
        or pending.get("slug") != slug
    ):
        return workbook_page(
            request, page_error="This upload has expired or has already been imported: upload the workbook again"
        )
    try:
        data = upload_read(token=token, user_id=request.user.pk, slug=slug)
    except UploadGoneError as gone:
        request.session.pop(SESSION_KEY, None)  # an expired file is gone already; another's is not ours
        if gone.expired:
            return workbook_page(
                request,
                page_error="This upload has expired: an upload waits an hour at most. Upload the workbook again",
            )
        return workbook_page(
            request, page_error="This upload has expired or has already been imported: upload the workbook again"
        )
    filename = pending["filename"]
    try:
        sheets = read_upload(filename, data)
    except WorkbookError:
        _forget_pending(request)
        return workbook_page(request, page_error="The uploaded workbook could not be read again: upload it again")
    # If someone changed the programme since the preview, show the new preview instead.
    check = services.workbook_import(
        actor=_actor(request), sheets=sheets, dry_run=True, expect_slug=slug, may=_may(request)
    )
    if not check.ok or _fingerprint(check) != pending.get("fingerprint"):
        return _preview(request, check, filename=filename, data=data, changed_meanwhile=True)
    result = services.workbook_import(actor=_actor(request), sheets=sheets, expect_slug=slug, may=_may(request))
    _forget_pending(request)
    if not result.ok:
        return _preview(request, result, filename=filename, data=None)
    messages.success(request, f"{filename} was imported: {result.summary()}.")
    for warning in result.warnings[:WARNINGS_SHOWN]:
        messages.warning(request, f"Imported with a warning: {warning}")
    return redirect("programmes:overview", slug=slug)
