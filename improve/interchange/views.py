"""The programme workbook pages: download, upload, preview, confirm."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from improve.accounts.permissions import Perm, programme_view


@programme_view(Perm.VIEW)
def workbook(request: HttpRequest, slug: str) -> HttpResponse:
    access = request.access  # type: ignore[attr-defined]
    return render(request, "interchange/workbook.html", {"programme": access.programme, "access": access})
