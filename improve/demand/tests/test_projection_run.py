import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from improve.core.audit import SYSTEM, history_for
from improve.demand import selectors, services
from improve.demand.models import ProjectionRun

START = dt.date(2023, 3, 31)


def run(programme, **extra):
    args = {"actor": SYSTEM, "programme": programme, "start": START, "months": 6, "draws": 100, **extra}
    return services.projection_run(**args)


def test_a_run_is_stored_with_its_parameters_and_aggregate_results(loaded):
    stored = run(loaded)
    assert stored.data_end == dt.date(2024, 3, 31)
    results = ProjectionRun.objects.get(pk=stored.pk).results
    assert results["categories"] == ["fostering", "residential", "supported", "other"]
    start = results["start_stock"]
    assert start["total"] == sum(start[c] for c in results["categories"]) > 50
    assert len(results["months"]) == 7 and results["months"][0]["date"] == "2023-03-31"
    # at the start the projection is what was in care, with no uncertainty
    assert results["months"][0]["mean"] == start
    assert results["months"][0]["intervals"]["95"]["total"] == [start["total"], start["total"]]
    end = results["months"][-1]
    for level in ("50", "80", "95"):
        low, high = end["intervals"][level]["total"]
        assert low <= end["mean"]["total"] <= high
    assert end["intervals"]["50"]["total"][1] - end["intervals"]["50"]["total"][0] <= (
        end["intervals"]["95"]["total"][1] - end["intervals"]["95"]["total"][0]
    )
    # history: the reference window and what happened after the start, up to the data's end
    assert results["history"][0]["date"] == "2022-03-31" and results["history"][-1]["date"] == "2023-09-30"
    assert results["history"][12]["total"] == start["total"]
    # money is Decimal pounds as strings, to the penny; the years add up to the months
    years = results["spend_years"]
    assert [y["label"] for y in years] == ["2023/24"]
    months_total = sum(Decimal(m["mean"]["total"]) for m in results["spend_months"])
    assert abs(Decimal(years[0]["mean"]["total"]) - months_total) <= Decimal("0.10")
    assert Decimal(years[0]["mean"]["total"]).as_tuple().exponent == -2
    # a backtest: fit before 31/03/2023, projected to 31/03/2024
    assert results["backtest"]["origin"] == "2023-03-31"
    assert [e["name"] for e in results["backtest"]["errors"]][-1] == "total"
    # nothing child-level: no pseudonym, no date of birth anywhere in the results
    text = json.dumps(results)
    for key in selectors.episode_table(loaded).child_key[:50]:
        assert key not in text


def test_a_run_is_audited(loaded):
    stored = run(loaded)
    events = list(history_for(stored))
    assert len(events) == 1 and events[0].action == "create"


def test_the_programmes_unit_costs_are_used_and_the_defaults_elsewhere(loaded):
    services.unit_cost_set(actor=SYSTEM, programme=loaded, category="residential", weekly=Decimal("5000.00"))
    stored = run(loaded)
    assert stored.unit_costs == {
        "fostering": "820.00",
        "residential": "5000.00",
        "supported": "621.00",
        "other": "820.00",
    }
    cheaper = services.unit_cost_set(actor=SYSTEM, programme=loaded, category="residential", weekly=Decimal("100"))
    assert cheaper.weekly == Decimal("100")
    again = run(loaded)
    spent = Decimal(stored.results["spend_years"][0]["mean"]["residential"])
    assert Decimal(again.results["spend_years"][0]["mean"]["residential"]) == pytest.approx(
        spent / 50, rel=Decimal("0.01")
    )


def test_a_scenario_is_compared_with_the_baseline(loaded):
    stored = run(loaded, scenario="fewer-entries")
    scenario = stored.results["scenario"]
    assert scenario["name"] == "fewer-entries"
    end = scenario["difference"]["months"][-1]
    assert end["mean"]["total"] < 0  # fewer children in care
    assert stored.results["months"][-1]["mean"]["total"] + end["mean"]["total"] == pytest.approx(
        scenario["months"][-1]["mean"]["total"], abs=0.02
    )
    costs = run(loaded, scenario="costs-up").results
    difference = costs["scenario"]["difference"]
    assert difference["months"][-1]["mean"]["total"] == 0  # same children, dearer
    base = Decimal(costs["spend_years"][0]["mean"]["total"])
    assert Decimal(difference["spend_years"][0]["mean"]) == pytest.approx(base * Decimal("0.05"), rel=Decimal("0.001"))


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"start": dt.date(2024, 6, 30)}, "start", "start on or before 31/03/2024"),
        ({"start": dt.date(2021, 6, 30)}, "start", "start on or after 01/04/2022"),
        ({"months": 0}, "months", "between 1 and 120"),
        ({"draws": 5}, "draws", "between 10 and 100,000"),
        ({"scenario": "magic"}, "scenario", "use one of fewer-entries"),
    ],
)
def test_parameters_the_data_cannot_support_are_refused_and_nothing_is_stored(loaded, extra, field, words):
    with pytest.raises(ValidationError) as caught:
        run(loaded, **extra)
    assert words in " ".join(caught.value.message_dict[field])
    assert not ProjectionRun.objects.exists()


def test_no_return_loaded(programme):
    with pytest.raises(ValidationError, match="load one first"):
        run(programme)


def test_an_unknown_category_or_a_negative_cost_is_refused(programme):
    with pytest.raises(ValidationError, match="use one of fostering"):
        services.unit_cost_set(actor=SYSTEM, programme=programme, category="kennels", weekly=Decimal("1"))
    with pytest.raises(ValidationError, match="give £0 or more"):
        services.unit_cost_set(actor=SYSTEM, programme=programme, category="fostering", weekly=Decimal("-1"))


def test_a_later_run_of_the_same_data_window_and_seed_takes_the_stored_backtest(loaded, monkeypatch):
    from improve.modelling.demand import backtest as model_backtest

    first = run(loaded)
    assert first.results["backtest"] is not None
    calls = []
    real = model_backtest.backtest
    monkeypatch.setattr(model_backtest, "backtest", lambda *a, **k: calls.append(1) or real(*a, **k))
    second = run(loaded, months=12, start=dt.date(2023, 9, 30))  # another start and horizon: the same backtest
    assert calls == [] and second.results["backtest"] == first.results["backtest"]
    run(loaded, reference_months=6)  # another window: computed
    run(loaded, seed=1)  # another seed: computed
    assert len(calls) == 2


def test_a_new_load_makes_the_next_run_backtest_again(loaded, tmp_path, monkeypatch):
    from improve.demand import synthetic
    from improve.modelling.demand import backtest as model_backtest

    run(loaded)
    synthetic.write_return(synthetic.synthesise(children_0_17=20_000, years=3, seed=8), tmp_path / "again")
    services.demand_load(actor=SYSTEM, programme=loaded, folder=tmp_path / "again", strict=True)
    calls = []
    real = model_backtest.backtest
    monkeypatch.setattr(model_backtest, "backtest", lambda *a, **k: calls.append(1) or real(*a, **k))
    run(loaded)
    assert calls == [1]


def test_a_backtest_worked_out_in_a_second_process_is_the_same_as_in_this_one(loaded):
    from improve.demand import projections

    table = selectors.episode_table(loaded)
    first, last = selectors.data_range(loaded)
    kw = {"start": START, "months": 6, "draws": 100, "data_start": first, "data_end": last, "unit_costs": {}}
    kw["unit_costs"] = selectors.unit_costs(loaded)
    here = projections.compute(table, **kw)
    there = projections.compute(table, parallel=True, **kw)
    assert there["backtest"] is not None and there == here


def test_an_error_in_the_second_process_is_raised_here():
    from improve.demand.projections import in_another_process

    def fails() -> int:
        raise ArithmeticError("the backtest could not be worked out")

    with pytest.raises(ArithmeticError, match="could not be worked out"):
        in_another_process(fails)()
    assert in_another_process(lambda: 6 * 7)() == 42
