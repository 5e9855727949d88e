"""The money summary, its workbook and its board-pack section show the forecasts lines follow,
beside the plan and apart from the budget's figures (docs/finance.md, "Forecasts")."""

import datetime as dt
import io
from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from improve.core.registry import PackContext
from improve.demand import services as demand_services
from improve.demand import synthetic
from improve.finance import sections, selectors, services
from improve.finance.services import AmountEntry
from improve.finance.tests.test_summary_xlsx import Sheet
from improve.finance.tests.world import SYSTEM, small_budget
from improve.finance.workbook_summary import summary_xlsx_bytes
from improve.modelling.money import cabinet
from improve.programmes.models import Role


def PACK(programme):  # noqa: N802 - reads as the pack it is
    return PackContext(
        programme=programme, as_at=dt.date(2019, 10, 31), period_start=dt.date(2019, 10, 1), since=dt.date(2019, 9, 30)
    )


@pytest.fixture
def budget(programme):
    return small_budget(programme)


def summary(client, programme, year="2019-20"):
    return client.get(reverse("finance:summary", args=[programme.slug]) + f"?year={year}").content.decode()


def budget_tables(page):
    """The summary's two tables of the budget: the year's lines and totals, and funding by year."""
    start = page.index('<table class="govuk-table govuk-body-s io-money-table">')
    first = page.index("</table>", start)
    return page[start : page.index("</table>", first + 1)]


def parts(page):
    """The budget's tables, and the forecast pressure (everything from its heading on)."""
    before, heading, after = page.partition('id="forecast-pressure"')
    return before, heading + after


def test_the_summary_shows_a_followed_forecast_beside_the_plan_and_not_in_its_totals(
    programme, budget, member, stub_room
):
    viewer = member(Role.VIEWER)
    plain = summary(viewer, programme)
    assert "Forecast pressure" not in plain
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    page = summary(viewer, programme)
    table, pressure = parts(page)
    assert budget_tables(table) == budget_tables(
        plain
    )  # planned, projected, actual, totals and funding: not a figure changed
    assert "1,200" not in table and "1,096" in table  # programme total: £953k + £143k contingency
    # the pressure, by year: 2019/20 planned 953, forecast 1,200 (1,199 to 1,201), 247 over; 2020/21 nothing planned
    assert "follows Projected placement spend from the Stub room (<code>stub:placements</code>)" in pressure
    cells = [c.split(">")[-1] for c in pressure.split("</td>")[:-1]]
    assert cells == ["953", "–", "1,200", "1,300", "1,199 to 1,201", "1,299 to 1,301", "247", "–"]
    assert "Stub projection from 31/03/2019" in pressure  # as at which projection
    assert "synthetic" not in pressure.lower()
    assert "over these lines" not in pressure  # one line: no total row


def test_synthetic_forecasts_say_so_on_the_page_the_workbook_and_the_pack(programme, budget, member, stub_room):
    stub_room.synthetic = True
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    page = summary(member(Role.VIEWER), programme)
    assert "Demo data: a forecast below comes from synthetic data" in page and "Synthetic</strong>" in page
    book = load_workbook(io.BytesIO(summary_xlsx_bytes(selectors.budget_summary(programme), 2019)))
    assert "synthetic data" in book["Forecast pressure"]["A3"].value
    section = sections.build_summary(PACK(programme))
    notes = [b.text for b in section.blocks if b.kind == "note"]
    assert any(n.startswith("Demo data: a forecast below comes from synthetic data") for n in notes)


def test_several_lines_total_their_pressure_and_a_vanished_forecast_is_named(programme, budget, member, stub_room):
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    services.forecast_link_set(actor=SYSTEM, line=budget["contingency"], series="stub:placements")
    viewer = member(Role.VIEWER)
    pressure = parts(summary(viewer, programme))[1]
    # 2019/20: (1,200 − 953) + (1,200 − 143) = 1,304; 2020/21 nothing planned on either line
    assert "Forecast pressure: forecast − planned over these lines" in pressure
    assert pressure.count("Where the forecasts come from") == 1 and pressure.count("Stub projection") == 1
    total = pressure.split("over these lines</th>")[1].split("</tr>")[0]
    assert [c.split(">")[-1] for c in total.split("</td>")[:-1]] == ["1,304", "–"]
    stub_room.clear()  # the room no longer offers it: the next audited write shows it so
    services.amounts_set(
        actor=SYSTEM, line=budget["line"], year=budget["y2"], entries=[AmountEntry(0, planned=D("1000.00"))]
    )
    pressure = parts(summary(viewer, programme))[1]
    assert "follows <code>stub:placements</code>, which no room offers for this programme now" in pressure


def test_the_workbook_s_forecast_sheet_holds_exact_figures_and_formulas(programme, budget, stub_room):
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    services.forecast_link_set(actor=SYSTEM, line=budget["contingency"], series="stub:placements")
    book = load_workbook(io.BytesIO(summary_xlsx_bytes(selectors.budget_summary(programme), 2019)))
    assert book.sheetnames == ["Summary", "Forecast pressure"]
    summary_sheet = Sheet(book["Summary"])
    assert D("1200000") not in {summary_sheet.value(ref) for ref in summary_sheet.cells}  # not in the budget
    ws = book["Forecast pressure"]
    sheet = Sheet(ws)
    labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    assert [ws.cell(5, c).value for c in (2, 3)] == ["2019/20", "2020/21"]
    first = next(r for label, r in labels.items() if label and label.startswith("Programme team: follows"))
    assert [sheet.value(f"B{first + n}") for n in range(1, 6)] == [
        D("953000"),
        D("1200000"),
        D("1199000"),
        D("1201000"),
        D("247000"),
    ]
    assert ws[f"B{first + 5}"].value == f"=B{first + 2}-B{first + 1}"
    assert ws[f"C{first + 5}"].value is None  # nothing planned in 2020/21: no difference
    total = labels["Forecast pressure: forecast − planned over these lines"]
    assert sheet.value(f"B{total}") == D("1304000")
    assert "Stub projection from 31/03/2019" in ws.cell(total + 3, 1).value


def test_the_pack_section_lists_the_pressure_apart_from_the_budget_table(programme, budget, stub_room):
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    section = sections.build_summary(PACK(programme))
    tables = [b for b in section.blocks if b.kind == "table"]
    budget_table, pressure = tables[0], tables[1]
    assert all(c.value != D("1200000.00") for row in budget_table.rows for c in row)
    assert pressure.caption == "Forecast pressure: plan and forecast by financial year (£000)"
    assert [[c.value for c in row] for row in pressure.rows] == [
        [
            "Programme team",
            "2019/20",
            D("953000.00"),
            D("1200000.00"),
            D("1199000.00"),
            D("1201000.00"),
            D("247000.00"),
        ],
        ["Programme team", "2020/21", None, D("1300000.00"), D("1299000.00"), D("1301000.00"), None],
    ]
    sources = next(b for b in section.blocks if b.kind == "list")
    assert sources.items == (
        "Projected placement spend from the Stub room (stub:placements): Stub projection from 31/03/2019.",
    )
    assert "; forecast £247,000.00 above plan on lines that follow a forecast." in section.summary


def _demand(programme, tmp_path, *, seed):
    """A small synthetic return loaded into the programme and a projection from it (the real demand room)."""
    folder = tmp_path / f"903-{seed}"
    synthetic.write_return(synthetic.synthesise(children_0_17=8000, years=3, seed=seed, last_year=2019), folder)
    demand_services.demand_load(
        actor=SYSTEM, programme=programme, folder=folder, strict=True, today=dt.date(2019, 6, 30), synthetic=True
    )


def test_a_new_projection_shows_at_once_on_the_kept_summary(programme, budget, member, tmp_path):
    """The summary is kept under the audit's change count: storing a projection is an audited write."""
    _demand(programme, tmp_path, seed=1)
    run = dict(actor=SYSTEM, programme=programme, start=dt.date(2019, 3, 31), months=12, draws=40)
    demand_services.projection_run(**run, seed=0)
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="demand:placements")
    viewer = member(Role.VIEWER)
    first = parts(summary(viewer, programme))[1]
    assert "follows Projected placement spend from the Demand room (<code>demand:placements</code>)" in first
    assert "synthetic data made up for a demonstration" in first
    assert parts(summary(viewer, programme))[1] == first  # kept
    # dearer fostering changes no stored run: the page (kept afresh under the new count) shows the same
    demand_services.unit_cost_set(actor=SYSTEM, programme=programme, category="fostering", weekly=D("2000.00"))
    assert parts(summary(viewer, programme))[1] == first
    demand_services.projection_run(**run, seed=0)  # a new run with those costs: the next page shows it
    second = parts(summary(viewer, programme))[1]
    assert second != first
    mean = selectors.forecast_series(programme)["demand:placements"].years[0].mean
    assert f">{cabinet(mean)}<" in second
