"""The budget_lines sheet's forecast column: exported, imported through the link services, checked cell by cell."""

import io
import shutil
import tomllib

import pytest
from django.core.management import call_command

from improve.core.models import AuditEvent
from improve.finance import selectors, services
from improve.finance.models import BudgetLine, ForecastLink
from improve.finance.tests.world import SYSTEM
from improve.interchange import services as interchange
from improve.interchange.tests.conftest import ACTOR, EXAMPLES, load, wipe
from improve.interchange.workbook import read_xlsx, xlsx_bytes
from improve.programmes.models import Programme


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def line(programme, code="endorsed"):
    return BudgetLine.objects.get(programme=programme, code=code)


def follows(programme):
    return dict(ForecastLink.objects.filter(programme=programme).values_list("line__code", "series"))


def with_forecast(programme, **by_code):
    sheets = interchange.workbook_export(programme=programme)
    for row in sheets["budget_lines"]:
        if row["code"] in by_code:
            row["forecast"] = by_code[row["code"]]
    return sheets


def test_the_column_round_trips_and_an_unchanged_import_changes_nothing(bd, stub_room):
    services.forecast_link_set(actor=SYSTEM, line=line(bd), series="stub:placements")
    first = interchange.workbook_export(programme=bd)
    assert [(r["code"], r["forecast"]) for r in first["budget_lines"]] == [
        ("endorsed", "stub:placements"),
        ("contingency", ""),
    ]
    events = AuditEvent.objects.count()
    result = interchange.workbook_import(actor=ACTOR, sheets=read_xlsx(xlsx_bytes(first)))
    assert result.ok and not result.has_changes and AuditEvent.objects.count() == events
    wipe()  # and into a fresh programme
    result = interchange.workbook_import(actor=ACTOR, sheets=first)
    assert result.ok, [str(p) for p in result.problems]
    assert follows(result.programme) == {"endorsed": "stub:placements"}
    assert interchange.workbook_export(programme=result.programme)["budget_lines"] == first["budget_lines"]


def test_setting_and_clearing_go_through_the_audited_link_services(bd, stub_room):
    result = interchange.workbook_import(actor=ACTOR, sheets=with_forecast(bd, endorsed="stub:placements"))
    assert result.ok and [(c.key, [f.column for f in c.fields]) for c in result.sheet("budget_lines").changed] == [
        ("endorsed", ["forecast"])
    ]
    assert follows(bd) == {"endorsed": "stub:placements"}
    made = AuditEvent.objects.filter(object_type="finance.forecastlink", action="create", via="workbook import")
    assert made.count() == 1
    assert not AuditEvent.objects.filter(object_type="finance.budgetline", action="update").exists()
    result = interchange.workbook_import(actor=ACTOR, sheets=with_forecast(bd, endorsed=""))
    assert result.ok and follows(bd) == {}
    assert AuditEvent.objects.filter(object_type="finance.forecastlink", action="delete").count() == 1


def test_a_key_no_room_offers_is_refused_by_cell_listing_those_offered(bd, stub_room):
    events = AuditEvent.objects.count()
    result = interchange.workbook_import(actor=ACTOR, sheets=with_forecast(bd, contingency="stub:placement"))
    assert [str(p) for p in result.problems] == [
        "budget_lines / row 3 / forecast / No forecast 'stub:placement' is offered for this programme: choose "
        "'stub:placements' (Projected placement spend); or leave it blank for none"
    ]
    assert follows(bd) == {} and AuditEvent.objects.count() == events


def test_while_no_room_offers_a_forecast_a_key_is_kept_with_a_warning_and_shown_once_offered(bd, stub_room):
    stub_room.clear()  # nothing offered yet (the data a forecast is made from comes later)
    result = interchange.workbook_import(actor=ACTOR, sheets=with_forecast(bd, endorsed="stub:placements"))
    assert result.ok and follows(bd) == {"endorsed": "stub:placements"}
    assert [str(w) for w in result.warnings] == [
        "budget_lines / row 2 / forecast / No room offers a forecast for this programme yet: the line will follow "
        "'stub:placements' and show it once a room offers it (the demand room does once a projection is stored)"
    ]
    found = selectors.line_forecast(line(bd), selectors.line_detail(line(bd)))
    assert found.series is None  # named on the line's page as not offered
    stub_room[2019] = 1_200_000  # a room offers it now
    found = selectors.line_forecast(line(bd), selectors.line_detail(line(bd)))
    assert found.series is not None and found.rows[0].forecast == 1_200_000
    # once something is offered, the same line's key still imports unchanged; a new unknown one does not
    assert interchange.workbook_import(actor=ACTOR, sheets=with_forecast(bd, endorsed="stub:placements")).ok
    bad = interchange.workbook_import(actor=ACTOR, sheets=with_forecast(bd, contingency="demand:placements"))
    assert [p.column for p in bad.problems] == ["forecast"]


def test_a_workbook_without_the_column_leaves_every_link_alone(bd, stub_room):
    services.forecast_link_set(actor=SYSTEM, line=line(bd), series="stub:placements")
    sheets = interchange.workbook_export(programme=bd)
    for row in sheets["budget_lines"]:
        del row["forecast"]
    sheets["budget_lines"][0]["name"] = "Renamed"
    result = interchange.workbook_import(actor=ACTOR, sheets=sheets)
    assert result.ok and [[f.column for f in c.fields] for c in result.sheet("budget_lines").changed] == [["name"]]
    assert follows(bd) == {"endorsed": "stub:placements"} and line(bd).name == "Renamed"


def test_an_example_may_name_the_demand_room_s_series_before_its_data_is_loaded(db, settings, tmp_path):
    """load-example imports the workbook first and runs the demand room's hook after it."""
    folder = tmp_path / "examples" / "barking-dagenham-2019"
    shutil.copytree(EXAMPLES / "barking-dagenham-2019", folder)
    text = (folder / "budget_lines.csv").read_text(encoding="utf-8").splitlines()
    assert text[0].endswith(",forecast") and text[1].startswith("endorsed,") and text[1].endswith(",")
    text[1] += "demand:placements"
    (folder / "budget_lines.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    toml = tomllib.loads((folder / "demand.toml").read_text(encoding="utf-8"))
    assert toml["projection"]["start"].isoformat() == "2019-03-31"
    small = (folder / "demand.toml").read_text(encoding="utf-8")
    small = small.replace("children_0_17 = 60000", "children_0_17 = 8000").replace("draws = 300", "draws = 40")
    (folder / "demand.toml").write_text(small, encoding="utf-8")
    settings.REPO_DIR = tmp_path
    out = io.StringIO()
    call_command("load_example", "barking-dagenham-2019", stdout=out)
    programme = Programme.objects.get(slug="barking-dagenham-2019")
    assert follows(programme) == {"endorsed": "demand:placements"}
    found = selectors.line_forecast(line(programme), selectors.line_detail(line(programme)))
    assert found.series is not None and found.series.synthetic and found.rows[0].forecast is not None
    call_command("load_example", "barking-dagenham-2019", "--replace", stdout=out)  # offered now: still fine
    assert follows(programme) == {"endorsed": "demand:placements"}
