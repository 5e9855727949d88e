"""The MS Project download on the workbook page, and ``improve msproject export``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from improve.interchange.msproject.reader import read_in_process

from .conftest import needs_java


def url(programme, name: str) -> str:
    return reverse(name, kwargs={"slug": programme.slug})


@needs_java
def test_the_workbook_page_links_to_the_download_and_the_file_is_the_plan(programme, member, tmp_path) -> None:
    analyst = member("analyst")
    page = analyst.get(url(programme, "interchange:workbook")).content.decode()
    assert url(programme, "interchange:msproject-export") in page
    got = analyst.get(url(programme, "interchange:msproject-export"))
    assert got.status_code == 200
    assert got["Content-Type"] == "application/vnd.ms-project+xml"
    assert got["Content-Disposition"] == 'attachment; filename="test-council-2019-plan.xml"'
    path = tmp_path / "plan.xml"
    path.write_bytes(got.content)
    project = read_in_process(path)
    lines = {t.kept["id"]: t.name for t in project.tasks if "kind" in t.kept}
    assert lines == dict(programme.items.values_list("uid", "title"))


def test_a_viewer_may_not_download_the_plan(programme, member) -> None:
    assert member("viewer").get(url(programme, "interchange:msproject-export")).status_code == 403


def test_java_missing_the_workbook_page_says_what_to_install_and_the_download_says_why(
    programme, pmo, monkeypatch
) -> None:
    from improve.interchange.msproject import reader

    monkeypatch.setattr(reader, "_java_binary", lambda: None)
    page = pmo.get(url(programme, "interchange:workbook")).content.decode()
    assert "cannot be exported for MS Project on this server" in page and "default-jre-headless" in page
    assert url(programme, "interchange:msproject-export") not in page
    refused = pmo.get(url(programme, "interchange:msproject-export"))
    assert refused.status_code == 200
    assert "The plan could not be exported for MS Project" in refused.content.decode()


@needs_java
def test_the_command_writes_the_file(programme, tmp_path) -> None:
    target = tmp_path / "plan.xml"
    out = io.StringIO()
    call_command("msproject", "export", "--programme", programme.slug, "-o", str(target), stdout=out)
    assert f"Exported the plan of {programme.slug} to {target}" in out.getvalue()
    assert target.read_bytes().startswith(b"<?xml")
    mpx = tmp_path / "plan.mpx"
    call_command("msproject", "export", "--programme", programme.slug, "-o", str(mpx), "--format", "mpx", stdout=out)
    assert mpx.read_bytes().startswith(b"MPX")


def test_the_command_names_a_programme_that_is_not_there(db, tmp_path) -> None:
    with pytest.raises(CommandError, match="There is no programme 'nowhere'"):
        call_command("msproject", "export", "--programme", "nowhere", "-o", str(tmp_path / "x.xml"))
