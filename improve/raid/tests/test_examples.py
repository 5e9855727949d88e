"""The example programmes carry the RAID content their papers print, transcribed as printed."""

from django.test import Client

from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, load
from improve.interchange.workbook import read_workbook, xlsx_bytes
from improve.programmes.models import Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory
from improve.raid import selectors
from improve.raid.models import Action, Issue, LogEntry, Risk


def test_barking_and_dagenham_s_raid_log_is_transcribed(db):
    programme = load("barking-dagenham-2019").programme
    assert Risk.objects.filter(programme=programme).count() == 7
    assert Issue.objects.filter(programme=programme).count() == 5  # the PID's 4 and the demo's escalated R4
    counts = {
        kind: LogEntry.objects.filter(programme=programme, kind=kind).count()
        for kind in LogEntry.objects.values_list("kind", flat=True)
    }
    assert counts == {"dependency": 9, "assumption": 3, "constraint": 4, "exclusion": 6}
    demand = Risk.objects.get(programme=programme, title="Demand could rise")
    # H / H as printed: High (4) × High (4) = 16, red.
    assert (demand.residual_likelihood, demand.residual_impact, demand.residual, demand.band) == (4, 4, 16, "red")
    assert demand.owner.name == "Chris Bush"
    assert list(Action.objects.filter(risk=demand).values_list("title", flat=True).order_by("reference")) == [
        "Monitor via Vital Signs and performance dashboards",
        "Implement Targeted Intervention Hub",
        "Implement improvement work in early help",
        "Theory of change",
    ]
    outcomes = Risk.objects.get(programme=programme, title="Children's outcomes deteriorate")
    assert outcomes.residual_display == "8 (Amber): likelihood 2 (Low), impact 4 (High)"
    caseloads = Issue.objects.get(programme=programme, title="Caseloads are too high")
    assert caseloads.owner.name == "April Bald"
    grid = selectors.heat_map(programme)
    # R4 (12, amber) became issue I5 in the demo data: 6 risks are still open.
    assert grid.total == 6 and grid.by_band() == {"green": 0, "amber": 5, "red": 1}


def test_the_examples_raid_sheets_round_trip(db, tmp_path):
    programme = load("barking-dagenham-2019").programme
    first = interchange.workbook_export(programme=programme)
    again = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert again.ok and not again.has_changes
    folder = interchange.workbook_export_to(programme=programme, target=tmp_path / "book")
    assert not interchange.workbook_import(actor=ACTOR, sheets=read_workbook(folder)).has_changes
    assert xlsx_bytes(interchange.workbook_export(programme=programme)) == xlsx_bytes(first)


def test_barking_and_dagenham_s_heat_map_page_shows_its_real_risks(db):
    programme = load("barking-dagenham-2019").programme
    user = UserFactory()
    MembershipFactory(user=user, programme=programme, role=Role.BOARD_MEMBER)
    client = Client()
    client.force_login(user)
    page = client.get(f"/programmes/{programme.slug}/raid/heat-map/").content.decode()
    assert "6 open risks: 0 green, 5 amber, 1 red." in page and "not yet scored" not in page
    # Demand could rise: H / H, 16 Red, one risk in its cell, linked to the register filtered to it
    assert "16 Red</strong><br>" in page
    assert (
        "likelihood=4&amp;impact=4" in page
        and '1 risk<span class="govuk-visually-hidden"> at likelihood 4, impact 4' in page
    )
