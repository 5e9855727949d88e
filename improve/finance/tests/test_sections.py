"""The money room's board-pack section for the B&D example at 31/10/2019, and its "what changed" facts."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.urls import reverse

from improve.core import document as doc
from improve.core.registry import PackContext, registry
from improve.finance import sections, selectors, services
from improve.finance.tests.world import SYSTEM, small_budget
from improve.interchange.tests.conftest import load
from improve.programmes.models import Owner

OCT = dt.date(2019, 10, 31)
SEP = dt.date(2019, 9, 30)


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def ctx(programme, as_at=OCT, since=SEP):
    return PackContext(programme=programme, as_at=as_at, period_start=since + dt.timedelta(days=1), since=since)


def rows_of(table):
    return {row[0].value: row for row in table.rows}


def test_the_room_offers_its_section_to_board_packs():
    assert "finance-summary" in [s.key for s in registry.pack_sections()]


def test_the_summary_section_shows_the_figures_the_summary_page_shows(bd, client):
    section = sections.build_summary(ctx(bd))
    assert section is not None and section.key == "finance-summary"
    table = section.blocks[0]
    assert isinstance(table, doc.Table)
    assert table.caption == "Programme budget 2019/20 as at 31/10/2019 (£000)"
    rows = rows_of(table)
    planned = {label: row[2].value for label, row in rows.items()}
    # the summary page's figures: £953k + £143k contingency = £1,096k against £1,095k; £1k more required
    assert planned["CSG endorsed programme budget"] == D("953000.00")
    assert planned["Contingency"] == D("143000.00")
    assert planned["Programme total"] == D("1096000.00")
    assert planned["Available funding"] == D("1095000.00")
    assert planned["Additional funding required"] == D("1000.00")
    assert all(c.kind == "money" and c.unit == "£000" for c in rows["Programme total"][1:])
    assert all(c.total for c in rows["Programme total"])
    assert not rows["CSG endorsed programme budget"][2].total
    # as at 31/10/2019: April–October's actuals (£516,690), then November–March projected (£462,000)
    line = rows["CSG endorsed programme budget"]
    assert (line[3].value, line[4].value, line[5].value) == (D("978690.00"), D("25690.00"), D("516690.00"))
    assert selectors.budget_summary(bd).figures.programme.planned[2019] == planned["Programme total"]
    html = client_page(bd, client)
    for shown in ("1,096", "1,095", "953", "143"):  # the page's £000
        assert f">{shown}<" in html


def client_page(programme, client):
    from improve.programmes.models import Role
    from improve.programmes.tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="b@example.org")
    MembershipFactory(user=user, programme=programme, role=Role.BOARD_MEMBER)
    client.force_login(user)
    return client.get(reverse("finance:summary", args=[programme.slug]) + "?year=2019/20").content.decode()


def test_the_section_lists_the_figure_check_s_findings_and_charts_the_months(bd):
    section = sections.build_summary(ctx(bd))
    tables = [b for b in section.blocks if isinstance(b, doc.Table)]
    findings = next(t for t in tables if t.caption == "Printed figures that disagree with their parts")
    assert [c.label for c in findings.columns] == ["Row", "Table", "Column", "Printed", "Recomputed", "Explained by"]
    assert len(findings.rows) == 5
    budget_row = next(r for r in findings.rows if r[0].value == "21/22 Budget")
    assert (budget_row[3].value, budget_row[4].value) == ("£34.4m", "£35.9m")
    assert "with £35.9m both disagreements go" in budget_row[5].value
    chart = next(b for b in section.blocks if isinstance(b, doc.Chart))
    assert chart.chart == "bar" and chart.categories[0] == "April 2019" and chart.categories[-1] == "October 2019"
    actual = dict(zip(chart.categories, next(s for s in chart.series if s.name == "Actual").values, strict=True))
    assert actual["October 2019"] == D("97850.00")
    assert "£516,690.00 was spent against £555,916.69 planned" in chart.description
    assert "the highest month October 2019 at £97,850.00" in chart.description
    savings = next(t for t in tables if t.caption.startswith("Savings expected by 31/10/2019"))
    assert len(savings.rows) == 3  # the two plans and all plans
    notes = [b for b in section.blocks if isinstance(b, doc.Note)]
    assert any("Demo data" in n.text for n in notes)
    # frozen to JSON and back exactly, as an issued pack keeps it
    assert doc.section_from_data(doc.section_to_data(section)) == section


def test_a_funding_rule_broken_is_a_warning(db, programme):
    budget = small_budget(programme)  # the source may not fund revenue; line 1 is revenue
    services.allocation_set(
        actor=SYSTEM, line=budget["line"], source=budget["source"], year=budget["y1"], amount=D("100000.00")
    )
    section = sections.build_summary(ctx(programme))
    warnings = [b.text for b in section.blocks if isinstance(b, doc.Note) and b.tone == "warning"]
    assert warnings == [
        "Funding rule broken (2019/20): Capital funding may not fund revenue spend, and Programme team is revenue."
    ]


def test_no_budget_no_section(db, programme):
    assert sections.build_summary(ctx(programme)) is None


def test_tolerance_is_10_000_or_5_percent_whichever_is_smaller():
    assert sections.tolerance(D("953000")) == D("10000")
    assert sections.tolerance(D("15000")) == D("750.00")
    assert sections.tolerance(D("0")) == D("10000")


def test_what_changed_names_the_line_past_tolerance_and_what_it_was(bd):
    changes = list(sections.changes(ctx(bd)))
    assert changes == [
        doc.Change(
            "Money",
            "Line CSG endorsed programme budget: projected £25,690.00 over plan (was £11,840.00 over plan at "
            "30/09/2019)",
        )
    ]
    # at the end of August it was £7,640 over: within tolerance, so September's pack names the crossing
    september = list(sections.changes(ctx(bd, as_at=SEP, since=dt.date(2019, 8, 31))))
    assert [c.text for c in september] == [
        "Line CSG endorsed programme budget: projected £11,840.00 over plan (was £7,640.00 over plan at 31/08/2019)"
    ]
    # and nothing past tolerance in July's pack
    assert list(sections.changes(ctx(bd, as_at=dt.date(2019, 7, 31), since=dt.date(2019, 6, 30)))) == []


def test_what_changed_lists_draw_downs_and_adjustments_since_the_last_pack(bd):
    year = selectors.year_in(bd, "2019/20")
    for number in (1, 2):
        services.period_close(actor=SYSTEM, period=selectors.period_in(bd, "2019/20", number))
    services.drawdown_record(
        actor=SYSTEM,
        from_line=selectors.line_in(bd, "contingency"),
        to_line=selectors.line_in(bd, "endorsed"),
        year=year,
        amount=D("12500.00"),
        reason="Recruitment advertising",
        approver=Owner.objects.get(programme=bd, name="CSG"),
        approved_on=dt.date(2019, 10, 10),
    )
    services.adjustment_record(
        actor=SYSTEM, line=selectors.line_in(bd, "endorsed"), year=year, period=2, amount=D("-250.00"), reason="Credit"
    )
    today = dt.date.today()
    texts = [c.text for c in sections.changes(ctx(bd, as_at=max(OCT, today), since=SEP))]
    assert (
        "Contingency drawn down: £12,500.00 from Contingency to CSG endorsed programme budget for 2019/20, "
        "approved by CSG on 10/10/2019 (Recruitment advertising)"
    ) in texts
    assert "Actual of CSG endorsed programme budget for May 2019 adjusted by (£250.00) (Credit)" in texts
