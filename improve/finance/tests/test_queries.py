"""The money pages read in a fixed number of queries, however large the budget grows."""

from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.finance import services
from improve.finance.services import AmountEntry
from improve.finance.tests.world import SYSTEM, small_budget
from improve.programmes.models import Role


def grow(programme, budget, lines):
    for n in range(lines):
        plan = services.savings_plan_save(
            actor=SYSTEM,
            programme=programme,
            data={"code": f"s{budget['group'].pk}-{n}-{lines}", "name": f"Saving {n}"},
            lines=[budget["line"]],
            strands=list(programme.strands.all()[:1]),
        )
        services.savings_amount_set(
            actor=SYSTEM, plan=plan, year=budget["y1"], planned=D("10.00"), delivered=D("1.00"), evidence="x"
        )
        line = services.line_save(
            actor=SYSTEM,
            programme=programme,
            data={
                "code": f"g{n}",
                "name": f"Line {n}",
                "group": budget["group"],
                "spend_type": "revenue",
                "duration": "one_off" if n % 2 else "permanent",
            },
        )
        services.amounts_set(
            actor=SYSTEM,
            line=line,
            year=budget["y2"],
            entries=[AmountEntry(p, planned=D("10.00"), actual=D("5.00")) for p in (1, 2, 3)],
        )


@pytest.mark.parametrize("page", ["summary", "lines", "sources", "savings", "savings-report"])
def test_a_money_page_s_queries_stay_flat(programme, member, page):
    budget = small_budget(programme)
    client = member(Role.FINANCE_LEAD)
    address = reverse(f"finance:{page}", args=[programme.slug])
    grow(programme, budget, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(address).status_code == 200
    grow_more = 20
    for n in range(grow_more):
        more = services.savings_plan_save(
            actor=SYSTEM,
            programme=programme,
            data={"code": f"more{n}", "name": f"More {n}"},
            lines=[budget["contingency"]],
        )
        services.savings_amount_set(
            actor=SYSTEM, plan=more, year=budget["y2"], planned=D("5.00"), delivered=None, evidence=""
        )
        services.line_save(
            actor=SYSTEM,
            programme=programme,
            data={
                "code": f"h{n}",
                "name": f"H {n}",
                "group": budget["group"],
                "spend_type": "capital",
                "duration": "one_off",
            },
        )
    grow(programme, budget, 0)
    with CaptureQueriesContext(connection) as large:
        assert client.get(address).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_line_page_reads_only_its_own_amounts(programme, member):
    budget = small_budget(programme)
    client = member(Role.VIEWER)
    address = reverse("finance:line", args=[programme.slug, "1"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(address).status_code == 200
    grow(programme, budget, 10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(address).status_code == 200
    assert len(large) == len(small)
    totals = [q["sql"] for q in large.captured_queries if "finance_lineyeartotal" in q["sql"]]
    assert totals and all('"line_id" = ' in sql for sql in totals), totals
    assert not [q for q in large.captured_queries if "finance_lineamount" in q["sql"] and "SUM" in q["sql"]]


def test_a_kept_summary_is_never_shown_after_a_change(programme, member):
    budget = small_budget(programme)
    client = member(Role.VIEWER)
    address = reverse("finance:summary", args=[programme.slug]) + "?year=2019-20"
    assert "Programme team" in client.get(address).content.decode()
    with CaptureQueriesContext(connection) as kept:
        client.get(address)
    assert not any("finance_lineamount" in q["sql"] for q in kept.captured_queries)  # the kept figures
    services.line_save(actor=SYSTEM, programme=programme, line=budget["line"], data={"name": "Renamed team"})
    services.amounts_set(
        actor=SYSTEM, line=budget["line"], year=budget["y1"], entries=[AmountEntry(0, planned=D("1000000.00"))]
    )
    page = client.get(address).content.decode()
    assert "Renamed team" in page and "1,143" in page  # £1,000k + £143k contingency, at once


@pytest.mark.parametrize("page", ["summary", "summary-xlsx"])
def test_the_summary_s_queries_stay_flat_as_more_lines_follow_forecasts(programme, member, stub_room, page):
    """One query for the links and one ask of the rooms, however many lines follow a forecast."""
    budget = small_budget(programme)
    client = member(Role.FINANCE_LEAD)
    address = reverse(f"finance:{page}", args=[programme.slug])
    services.forecast_link_set(actor=SYSTEM, line=budget["line"], series="stub:placements")
    with CaptureQueriesContext(connection) as small:
        response = client.get(address)
        assert response.status_code == 200
    for n in range(15):
        line = services.line_save(
            actor=SYSTEM,
            programme=programme,
            data={"code": f"f{n}", "name": f"Placements {n}", "group": budget["group"], "spend_type": "revenue",
                  "duration": "permanent"},
        )  # fmt: skip
        services.amounts_set(
            actor=SYSTEM, line=line, year=budget["y1"], entries=[AmountEntry(0, planned=D("1000000.00"))]
        )
        services.forecast_link_set(actor=SYSTEM, line=line, series="stub:placements")
    with CaptureQueriesContext(connection) as large:
        response = client.get(address)
        assert response.status_code == 200
    if page == "summary":
        assert response.content.decode().count("follows Projected placement spend") == 16
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    print(f"{page}: {len(large)} queries with 1 and with 16 lines following a forecast")
