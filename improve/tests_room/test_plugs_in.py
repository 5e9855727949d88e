"""A room that exists only in the test suite plugs in through the registry, with no change to interchange.

It declares a "notes" sheet and a "Notes" navigation entry in its own folder; the workbook
exports, checks, imports (audited) and round-trips it, and the navigation shows it.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from improve.core.audit import Actor
from improve.core.models import AuditEvent
from improve.core.registry import registry
from improve.core.services import model_create
from improve.interchange import services
from improve.interchange.tests.conftest import ACTOR, load
from improve.interchange.workbook import read_workbook, xlsx_bytes
from improve.tests_room.models import Note
from improve.tests_room.room import ROOM


@pytest.fixture
def room(settings, db):
    settings.ROOT_URLCONF = "improve.tests_room.urls_with_room"
    registry.register(ROOM)
    yield ROOM
    registry.unregister(ROOM.label)


def test_the_room_s_sheet_round_trips_through_the_workbook(room, tmp_path):
    programme = load("havering-2019").programme
    sheets = services.workbook_export(programme=programme)
    assert sheets["notes"] == []
    sheets["notes"] = [{"code": "n1", "text": "Ask the DCS"}, {"code": "n2", "text": "Book the room"}]
    result = services.workbook_import(actor=ACTOR, sheets=sheets, dry_run=True)
    assert result.ok and result.sheet("notes").created == ["n1", "n2"] and not Note.objects.exists()
    result = services.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.applied and Note.objects.filter(programme=programme).count() == 2
    assert AuditEvent.objects.filter(object_type="tests_room.note", action="create").count() == 2
    # export → import → export: identical, as .xlsx bytes and as a folder of CSV files.
    first = services.workbook_export(programme=programme)
    assert first["notes"] == sheets["notes"]
    assert services.workbook_import(actor=ACTOR, sheets=read_workbook(_write(tmp_path, first))).has_changes is False
    assert xlsx_bytes(services.workbook_export(programme=programme)) == xlsx_bytes(first)
    # A row gone from the sheet is archived, and the dry run says so.
    sheets["notes"] = sheets["notes"][:1]
    assert services.workbook_import(actor=ACTOR, sheets=sheets).sheet("notes").removed == ["n2"]
    assert Note.all_objects.get(code="n2").archived and not Note.objects.filter(code="n2").exists()


def test_the_room_s_problems_are_reported_by_sheet_row_and_column(room):
    programme = load("havering-2019").programme
    sheets = services.workbook_export(programme=programme)
    sheets["notes"] = [{"code": "n/1", "text": "x"}, {"code": "n2", "text": "forbidden"}, {"code": "n3", "text": ""}]
    found = [str(p) for p in services.workbook_import(actor=ACTOR, sheets=sheets).problems]
    assert any(p.startswith("notes / row 2 / code / 'n/1' cannot be used as a code or ID") for p in found), found
    assert "notes / row 3 / text / A note cannot say 'forbidden'" in found
    assert "notes / row 4 / text / A value is required" in found
    assert not Note.objects.exists()


def test_the_room_s_navigation_entry_shows_on_every_programme_page(room, programme, pmo):
    page = pmo.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    notes_url = reverse("tests_room:notes", args=[programme.slug])
    assert f'href="{notes_url}">Notes</a>' in page
    here = pmo.get(notes_url)
    assert here.status_code == 200


def test_interchange_names_no_room_s_sheet():
    """The workbook machinery walks the registry: no sheet of any room is spelled in its code."""
    sheet_names = {spec.name for spec in registry.sheets()} | {"notes"}
    folder = Path(settings.BASE_DIR) / "interchange"
    machinery = ("services.py", "workbook.py", "limits.py", "uploads.py", "selectors.py", "forms.py")
    for source in (folder / name for name in machinery):
        text = source.read_text(encoding="utf-8")
        for name in sheet_names:
            assert f'"{name}"' not in text and f"'{name}'" not in text, f"{source.name} names the sheet {name}"


def _write(tmp_path, sheets):
    from improve.interchange.workbook import write_workbook

    return write_workbook(sheets, tmp_path / "book")


def test_the_room_s_overview_panel_shows_only_when_it_has_something_to_say(room, programme, pmo):
    url = reverse("programmes:overview", args=[programme.slug])
    assert '<h2 class="govuk-heading-m">Notes</h2>' not in pmo.get(url).content.decode()
    # written as a room writes, through the audited helper: the overview keeps its panels until the
    # programme's audit trail grows, so a room's panel shows only what its writes audit
    model_create(
        actor=Actor(user=None, via="test"),
        instance=Note(programme=programme),
        fields={"code", "text"},
        data={"code": "n1", "text": "Ask the DCS"},
    )
    page = pmo.get(url).content.decode()
    assert '<h2 class="govuk-heading-m">Notes</h2>' in page and "n1: Ask the DCS" in page
    assert f"As at {programme.as_at:%d/%m/%Y}" in page
