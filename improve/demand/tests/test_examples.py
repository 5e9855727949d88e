"""The demand room's example data: load-example gives B&D a synthetic history and a stored projection."""

import io

import pytest
from django.core.management import call_command

from improve.core.models import AuditEvent, programme_model
from improve.core.registry import registry
from improve.demand import selectors
from improve.demand.examples import ExampleError, read_spec
from improve.demand.models import Load, ProjectionRun

EXAMPLE = "barking-dagenham-2019"


def _load(*args):
    out = io.StringIO()
    call_command("load_example", EXAMPLE, *args, stdout=out)
    return out.getvalue(), programme_model()._default_manager.get(slug=EXAMPLE)


@pytest.mark.django_db
def test_the_demo_programme_gets_a_synthetic_history_and_a_projection_with_costs_and_a_backtest(client):
    said, programme = _load()
    assert "Demand: a synthetic SSDA903 history (2009/10 to 2018/19" in said
    load = Load.objects.get(programme=programme)
    assert load.synthetic and load.source.startswith("synthetic: improve demand synthesise --children-0-17 60000")
    run = ProjectionRun.objects.get(programme=programme)
    assert run.synthetic
    assert (run.start.isoformat(), run.months, run.draws, run.reference_months) == ("2019-03-31", 36, 300, 12)
    results = run.results
    # a council of about 60,000 children: England's 70 per 10,000 is about 420 in care
    assert 300 < results["start_stock"]["total"] < 550
    assert [y["label"] for y in results["spend_years"]] == ["2019/20", "2020/21", "2021/22"]
    assert all(float(y["mean"]["total"]) > 0 for y in results["spend_years"])
    assert results["backtest"] is not None and results["backtest"]["errors"]
    # the load and the run are audited, as made by the command
    assert AuditEvent.objects.filter(
        object_type="demand.projectionrun", object_id=str(run.pk), action="create"
    ).exists()


@pytest.mark.django_db
def test_loading_the_example_again_replaces_its_synthetic_data_and_projection():
    _load()
    first = ProjectionRun.objects.get()
    _said, programme = _load("--replace")
    assert Load.objects.filter(programme=programme).count() == 1
    second = ProjectionRun.objects.get(programme=programme)
    assert second.pk != first.pk
    assert second.results == first.results  # deterministic for its seeds
    assert selectors.synthetic_runs(programme) == [second]


@pytest.mark.django_db
def test_an_example_without_a_demand_file_gets_no_demand_data():
    call_command("load_example", "havering-2019", stdout=io.StringIO())
    assert not Load.objects.exists() and not ProjectionRun.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[synthetic]\nchildren_0_17 = 'many'\n[projection]\nstart = 2019-03-31\n", "[synthetic] children_0_17"),
        ("[synthetic]\nchildren_0_17 = 100\n[projection]\nstart = '31/03/2019'\n", "[projection] start: give a date"),
        ("[synthetic\n", "is not valid TOML"),
    ],
)
def test_a_bad_demand_file_names_the_key_and_what_would_do(tmp_path, text, message):
    path = tmp_path / "demand.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExampleError, match=message.replace("[", r"\[").replace("]", r"\]")):
        read_spec(path)


@pytest.mark.django_db
def test_the_workforce_seam_answers_for_the_demo_programme():
    """A future workforce room asks the registry, not the demand room, for children in care."""
    _said, programme = _load()
    found = registry.children_in_care(programme)
    assert found is not None and found.synthetic
    assert found.categories == ("fostering", "residential", "supported", "other", "total")
    assert len(found.dates) == 37 and found.dates[0].isoformat() == "2019-03-31"
    i = found.on(found.dates[-1])
    for name in found.categories:
        low, high = found.intervals[95][name][i]
        assert low <= found.mean[name][i] <= high
    assert found.intervals[80]["total"][i][0] >= found.intervals[95]["total"][i][0]
    # the total's interval is the total's, narrower than the categories' intervals added up
    summed = sum(found.intervals[95][n][i][1] - found.intervals[95][n][i][0] for n in found.categories[:-1])
    assert found.intervals[95]["total"][i][1] - found.intervals[95]["total"][i][0] < summed
    assert "SYNTHETIC" in found.provenance


@pytest.mark.django_db
def test_the_demand_room_offers_its_projected_spend_as_forecasts_of_money():
    _said, programme = _load()
    offered = registry.forecast_series(programme)
    assert set(offered) == {
        "demand:placements",
        "demand:placements:fostering",
        "demand:placements:residential",
        "demand:placements:supported",
        "demand:placements:other",
    }
    total = offered["demand:placements"]
    run = ProjectionRun.objects.get()
    assert [y.start_year for y in total.years] == [2019, 2020, 2021]
    assert str(total.year(2020).mean) == run.results["spend_years"][1]["mean"]["total"]
    low, high = total.year(2020).intervals[95]
    assert low < total.year(2020).mean < high
    assert total.synthetic and "Demand projection from 31/03/2019" in total.provenance


@pytest.mark.django_db
def test_every_page_and_the_board_pack_say_the_demo_data_is_synthetic(client):
    import datetime as dt

    from django.urls import reverse

    from improve.core.registry import PackContext
    from improve.demand import sections
    from improve.programmes.tests.factories import MembershipFactory, UserFactory

    _said, programme = _load()
    analyst = UserFactory()
    MembershipFactory(user=analyst, programme=programme, role="analyst")
    client.force_login(analyst)
    run = ProjectionRun.objects.get()
    load = Load.objects.get()
    for name, args in (
        ("quality", ()),
        ("load", (load.pk,)),
        ("children", ()),
        ("projections", ()),
        ("projection", (run.pk,)),
    ):
        page = client.get(reverse(f"demand:{name}", args=[programme.slug, *args])).content.decode()
        assert "synthetic data made up for a demonstration" in page, name
    as_at = dt.date(2019, 6, 30)
    section = sections.build(PackContext(programme, as_at, dt.date(2019, 6, 1), dt.date(2019, 6, 1)))
    assert any(getattr(b, "tone", "") == "warning" and "synthetic data" in b.text for b in section.blocks)
    out = io.StringIO()
    call_command("demand", "project", "--programme", EXAMPLE, "--start", "31/03/2019", "--months", "3",
                 "--draws", "50", stdout=out)  # fmt: skip
    assert out.getvalue().startswith("SYNTHETIC DATA")
