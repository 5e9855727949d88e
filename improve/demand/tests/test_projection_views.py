import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from improve.core.audit import SYSTEM
from improve.demand import services
from improve.demand.models import ProjectionRun, UnitCost
from improve.demand.tests.matrix import tiny_results
from improve.programmes.models import Role


def url(name, programme, *args):
    return reverse(f"demand:{name}", args=[programme.slug, *args])


def stored(programme, **extra):
    return services.projection_run(
        actor=SYSTEM, programme=programme, start=dt.date(2023, 3, 31), months=12, draws=50, **extra
    )


def test_the_finance_lead_runs_a_projection_and_sees_numbers_costs_intervals_and_the_backtest(loaded, member):
    client = member(Role.FINANCE_LEAD)
    page = client.get(url("projection_new", loaded))
    assert page.status_code == 200 and "31/03/2024" in page.content.decode()  # the data's end is offered
    posted = client.post(
        url("projection_new", loaded),
        {"start": "31/03/2023", "months": "12", "reference_months": "12", "draws": "50", "scenario": "fewer-entries"},
    )
    run = ProjectionRun.objects.get()
    assert posted.status_code == 302 and posted["Location"] == url("projection", loaded, run.pk)
    text = client.get(url("projection", loaded, run.pk)).content.decode()
    total = f"{round(run.results['start_stock']['total']):,}"
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{total}</td>' in text
    for words in ("95% interval", "How well the model did before (backtest)", "2023/24", "£", "Scenario: 10% fewer"):
        assert words in text
    assert "<svg" in text and "<desc" in text
    # the latest run is on the projections page too
    assert "The latest projection" in client.get(url("projections", loaded)).content.decode()


def test_a_bad_start_is_reported_on_its_field_and_nothing_is_stored(loaded, member):
    client = member(Role.ANALYST)
    page = client.post(
        url("projection_new", loaded),
        {"start": "30/06/2024", "months": "12", "reference_months": "12", "draws": "50", "scenario": ""},
    )
    text = page.content.decode()
    assert page.status_code == 200 and "start on or before 31/03/2024" in text and "govuk-error-summary" in text
    assert not ProjectionRun.objects.exists()


def test_others_see_small_counts_suppressed_and_cannot_download_the_workbook(programme, member):
    results = tiny_results()  # three children: every count is under 5
    run = ProjectionRun.objects.create(
        programme=programme, start=dt.date(2021, 3, 31), months=3, draws=20, data_end=dt.date(2021, 3, 31),
        unit_costs={}, results=results,
    )  # fmt: skip
    client = member(Role.VIEWER)
    viewer = client.get(url("projection", programme, run.pk)).content.decode()
    assert "fewer than 5" in viewer and "Download the figures" not in viewer
    assert client.get(url("projection_xlsx", programme, run.pk)).status_code == 403
    analyst = member(Role.ANALYST)
    shown = analyst.get(url("projection", programme, run.pk)).content.decode()
    assert "fewer than 5" not in shown and "Download the figures" in shown
    workbook = analyst.get(url("projection_xlsx", programme, run.pk))
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_pages_before_anything_is_loaded(programme, member):
    text = member(Role.ANALYST).get(url("projections", programme)).content.decode()
    assert "No return has been loaded yet" in text and "Run a projection" not in text


def test_another_programmes_run_is_not_found(loaded, member):
    from improve.programmes.tests.factories import ProgrammeFactory

    other = ProgrammeFactory(slug="elsewhere")
    run = ProjectionRun.objects.create(
        programme=other, start=dt.date(2021, 3, 31), months=3, draws=20, data_end=dt.date(2021, 3, 31),
        results=tiny_results(),
    )  # fmt: skip
    assert member(Role.ANALYST).get(url("projection", loaded, run.pk)).status_code == 404


def test_the_finance_lead_sets_a_unit_cost_and_errors_name_the_field(programme, member):
    client = member(Role.FINANCE_LEAD)
    text = client.get(url("unit_costs", programme)).content.decode()
    assert "£3,830.00" in text and "The model&#x27;s default" in text
    bad = client.post(url("unit_cost_edit", programme, "residential"), {"weekly": "-5", "note": ""})
    assert "give £0 or more" in bad.content.decode()
    client.post(url("unit_cost_edit", programme, "residential"), {"weekly": "4210.50", "note": "2025/26 contract"})
    saved = UnitCost.objects.get(programme=programme, category="residential")
    assert saved.weekly == Decimal("4210.50") and saved.note == "2025/26 contract"
    assert "£4,210.50" in client.get(url("unit_costs", programme)).content.decode()
    assert client.get(url("unit_cost_edit", programme, "kennels")).status_code == 404


def test_a_viewer_cannot_change_a_unit_cost(programme, member):
    assert member(Role.VIEWER).get(url("unit_cost_edit", programme, "residential")).status_code == 403


@pytest.mark.parametrize("runs", [1, 4])
def test_the_projections_page_is_flat_in_queries(programme, member, django_assert_max_num_queries, runs):
    for _ in range(runs):
        ProjectionRun.objects.create(
            programme=programme, start=dt.date(2021, 3, 31), months=3, draws=20, data_end=dt.date(2021, 3, 31),
            results=tiny_results(),
        )  # fmt: skip
    client = member(Role.VIEWER)
    with django_assert_max_num_queries(12):
        assert client.get(url("projections", programme)).status_code == 200
