"""The MS Project pages: upload, preview, confirm; a refused file; Java missing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improve.interchange.tests.conftest import counts
from improve.programmes.models import Dependency, PlanItem

from .conftest import interop, needs_java


def url(programme, name="interchange:msproject") -> str:
    return reverse(name, kwargs={"slug": programme.slug})


def upload(client, programme, name: str, data: bytes | None = None, **fields):
    body = data if data is not None else interop(name).read_bytes()
    return client.post(
        url(programme), {"file": SimpleUploadedFile(name, body), "summaries": "parents", "strand": "1", **fields}
    )


@needs_java
def test_upload_preview_then_confirm_imports_the_plan(programme, pmo) -> None:
    before = counts()
    page = upload(pmo, programme, "mpp14relations.mpp")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Check the plan before you import it" in html
    assert "task 3 &#x27;Task 3&#x27;" in html  # what maps to what
    assert counts() == before  # nothing written by the preview
    token = page.context["token"]
    done = pmo.post(url(programme, "interchange:msproject-confirm"), {"token": token})
    assert done.status_code == 302
    assert PlanItem.objects.filter(programme=programme, uid="5", title="Task 5").exists()
    assert Dependency.objects.filter(successor__programme=programme).count() == 4
    again = pmo.post(url(programme, "interchange:msproject-confirm"), {"token": token})
    assert "has expired or has already been imported" in again.content.decode()


@needs_java
def test_a_password_protected_file_is_refused_with_its_message_and_nothing_written(programme, pmo) -> None:
    before = counts()
    page = upload(pmo, programme, "password-protected-mpp9.mpp")
    assert page.status_code == 200
    assert "protected by a password" in page.content.decode()
    assert counts() == before


def test_a_file_of_another_kind_is_refused_before_reading(programme, pmo) -> None:
    page = upload(pmo, programme, "plan.docx", data=b"hello")
    assert "must be an MS Project file" in page.content.decode()


def test_java_missing_the_page_says_what_to_install(programme, pmo, monkeypatch) -> None:
    from improve.interchange.msproject import reader

    monkeypatch.setattr(reader, "_java_binary", lambda: None)
    page = pmo.get(url(programme))
    assert page.status_code == 200
    assert "default-jre-headless" in page.content.decode()
    assert pmo.get(reverse("interchange:workbook", kwargs={"slug": programme.slug})).status_code == 200


def test_only_plan_keepers_may_import(programme, member) -> None:
    viewer = member("viewer")
    assert viewer.get(url(programme)).status_code == 403
