"""The MS Project import pages: upload, preview (what maps to what, what is dropped), confirm.

The file is read once, in a child process (:mod:`.reader`); what it holds waits as JSON in a
temporary file (:mod:`improve.interchange.uploads`) until the user confirms, so confirming does
not read the file again. Views call the services and selectors only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from improve.core.audit import Actor
from improve.interchange import services as workbook_services
from improve.interchange.msproject.convert import Options
from improve.interchange.msproject.forms import MsProjectUploadForm
from improve.interchange.msproject.reader import READ_SECONDS, ProjectData, java_problem
from improve.interchange.msproject.services import MsProjectResult, msproject_export, msproject_import
from improve.interchange.msproject.writer import FORMATS, ProjectWriteError
from improve.interchange.uploads import UploadGoneError, upload_discard, upload_keep, upload_read
from improve.interchange.views import workbook_page
from improve.programmes.permissions import Perm, programme_view
from improve.programmes.selectors import strands_for

SESSION_KEY = "interchange_msproject"


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, via=workbook_services.VIA)  # type: ignore[arg-type]


def _form(request: HttpRequest, data: Any = None, files: Any = None) -> MsProjectUploadForm:
    programme = request.access.programme  # type: ignore[attr-defined]
    strands = [(s.code, f"{s.code} – {s.name}") for s in strands_for(programme)]
    return MsProjectUploadForm(data, files, strands=strands)


def _page(request: HttpRequest, form: MsProjectUploadForm | None = None, *, page_error: str = "") -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    problem = java_problem()
    return render(
        request,
        "interchange/msproject/upload.html",
        {
            "programme": access.programme,
            "access": access,
            "form": form or _form(request),
            "java_problem": problem,
            "page_error": page_error,
            "read_seconds": READ_SECONDS,
        },
    )


def _fingerprint(out: MsProjectResult) -> str:
    result = out.result
    sheets = result.sheets if result else []
    text = repr([(s.sheet, s.created, [(c.key, c.fields) for c in s.changed], s.removed) for s in sheets])
    return hashlib.sha256(text.encode()).hexdigest()


def _forget(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and pending.get("token"):
        upload_discard(pending["token"])


def _preview(
    request: HttpRequest,
    out: MsProjectResult,
    *,
    filename: str,
    project: ProjectData | None,
    options: Options,
    form: MsProjectUploadForm | None = None,
    changed_meanwhile: bool = False,
) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    slug = access.programme.slug
    token = ""
    _forget(request)
    if out.ok and out.has_changes and project is not None:
        token = upload_keep(data=project.to_json().encode(), user_id=request.user.pk, slug=slug)
        request.session[SESSION_KEY] = {
            "token": token,
            "filename": filename,
            "slug": slug,
            "options": dataclasses.asdict(options),
            "fingerprint": _fingerprint(out),
        }
    return render(
        request,
        "interchange/msproject/preview.html",
        {
            "programme": access.programme,
            "access": access,
            "out": out,
            "result": out.result,
            "filename": filename,
            "token": token,
            "form": form,
            "changed_meanwhile": changed_meanwhile,
            "changed_sheets": [s for s in out.result.sheets if s.has_changes] if out.result else [],
        },
    )


@programme_view(Perm.IMPORT)
def msproject_upload(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    if java_problem():
        return _page(request)
    form = _form(request, request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form)
    options = form.options
    out = msproject_import(
        actor=_actor(request),
        programme=request.access.programme,  # type: ignore[attr-defined]
        project=form.project,
        options=options,
        dry_run=True,
    )
    return _preview(
        request,
        out,
        filename=form.cleaned_data["file"].name,
        project=form.project,
        options=options,
        form=_form(request) if not out.ok else None,
    )


@programme_view(Perm.IMPORT)
def msproject_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("interchange:msproject", slug=slug)
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    expired = "This upload has expired or has already been imported: upload the MS Project file again"
    if not pending or not token or not secrets.compare_digest(pending.get("token", ""), token):
        return _page(request, page_error=expired)
    if pending.get("slug") != slug:
        return _page(request, page_error=expired)
    try:
        data = upload_read(token=token, user_id=request.user.pk, slug=slug)
    except UploadGoneError:
        request.session.pop(SESSION_KEY, None)
        return _page(request, page_error=expired)
    try:
        project = ProjectData.from_json(data)
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        _forget(request)
        return _page(request, page_error=expired)
    options = Options(**pending["options"])
    filename = pending["filename"]
    programme = request.access.programme  # type: ignore[attr-defined]
    check = msproject_import(actor=_actor(request), programme=programme, project=project, options=options, dry_run=True)
    if not check.ok or _fingerprint(check) != pending.get("fingerprint"):
        return _preview(request, check, filename=filename, project=project, options=options, changed_meanwhile=True)
    out = msproject_import(actor=_actor(request), programme=programme, project=project, options=options)
    _forget(request)
    if not out.applied:
        return _preview(request, out, filename=filename, project=None, options=options)
    assert out.result is not None  # noqa: S101 - applied means there is a result
    messages.success(request, f"{filename} was imported: {out.result.summary()}.")
    return redirect("programmes:overview", slug=slug)


@programme_view(Perm.EXPORT)
def msproject_download(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's current plan as an MS Project XML file (MSPDI), for MS Project or ProjectLibre."""
    programme = request.access.programme  # type: ignore[attr-defined]
    try:
        data = msproject_export(programme=programme)
    except ProjectWriteError as exc:
        return workbook_page(request, page_error=f"The plan could not be exported for MS Project: {exc}")
    suffix, content_type = FORMATS["mspdi"]
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-plan{suffix}"'
    return response
