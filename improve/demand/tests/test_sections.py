import datetime as dt

from improve.core import document as doc
from improve.core.audit import SYSTEM
from improve.core.registry import PackContext, registry
from improve.demand import sections, services
from improve.demand.models import ProjectionRun
from improve.demand.tests.matrix import tiny_results


def context(programme, as_at, role="board_member", since=dt.date(2000, 1, 1)):
    return PackContext(programme=programme, as_at=as_at, period_start=as_at.replace(day=1), since=since, role=role)


def tables(section):
    return {b.caption: b for b in section.blocks if isinstance(b, doc.Table)}


def test_the_section_shows_the_projection_against_what_happened_costs_and_the_backtest(loaded):
    run = services.projection_run(
        actor=SYSTEM, programme=loaded, start=dt.date(2023, 3, 31), months=12, draws=50, scenario=""
    )
    section = sections.build(context(loaded, dt.date(2023, 9, 30)))
    assert section is not None and section.key == "demand"
    chart = next(b for b in section.blocks if isinstance(b, doc.Chart))
    happened, projected = chart.series[0].values, chart.series[1].values
    assert len(happened) == 13 and happened[0] == projected[0] == round(run.results["start_stock"]["total"])
    # what happened is shown up to the pack's date, not beyond it (the data goes on to 31/03/2024)
    assert happened[6] is not None and happened[7:] == (None,) * 6
    found = tables(section)
    years = found["Projected placement spend by financial year (£)"]
    assert years.rows[0][0].value == "2023/24" and years.rows[0][-2].kind == "money"
    backtest = found["Backtest: fitted before 31/03/2023, 12 months projected"]
    assert [row[0].value for row in backtest.rows][-1] == "All children in care"
    assert doc.section_from_data(doc.section_to_data(section)) == section
    # a pack before the run's start has no projection to show
    assert sections.build(context(loaded, dt.date(2023, 3, 30))) is None


def test_small_counts_are_suppressed_except_for_an_analyst(programme):
    ProjectionRun.objects.create(
        programme=programme, start=dt.date(2021, 3, 31), months=3, draws=20, data_end=dt.date(2021, 3, 31),
        unit_costs={"fostering": "500.00"}, results=tiny_results(),
    )  # fmt: skip
    board = sections.build(context(programme, dt.date(2021, 6, 30)))
    analyst = sections.build(context(programme, dt.date(2021, 6, 30), role="analyst"))
    assert board is not None and analyst is not None
    caption = "Children in care on 31/03/2021 and projected for 30/06/2021"
    board_rows, analyst_rows = tables(board)[caption].rows, tables(analyst)[caption].rows
    assert board_rows[-1][1] == doc.Cell("fewer than 5") and analyst_rows[-1][1] == doc.Cell(2, "number")
    assert "fewer than 5" in board.blocks[0].text and tables(board)[caption].note
    chart = next(b for b in board.blocks if isinstance(b, doc.Chart))
    assert chart.series[0].values[0] is None  # a small count is not drawn either


def test_changes_name_the_runs_stored_since_the_last_pack(programme):
    ProjectionRun.objects.create(
        programme=programme, start=dt.date(2021, 3, 31), months=3, draws=20, data_end=dt.date(2021, 3, 31),
        results=tiny_results(),
    )  # fmt: skip
    today = ProjectionRun.objects.get().created_at.date()
    found = list(sections.changes(context(programme, today, since=today - dt.timedelta(days=1))))
    assert [c.area for c in found] == ["Demand"] and "Projection from 31/03/2021, 3 months stored" in found[0].text
    assert list(sections.changes(context(programme, today, since=today))) == []


def test_the_room_offers_the_section():
    assert "demand" in [s.key for s in registry.pack_sections()]
