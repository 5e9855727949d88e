"""The figure check over the examples as printed: B&D's Appendix B and resources, Havering's cost table."""

from decimal import Decimal as D  # noqa: N817 - the amounts read better

import pytest
from django.core.management import call_command

from improve.core.registry import Room, registry
from improve.finance import figurecheck
from improve.interchange.tests.conftest import load
from improve.modelling.figures import Figure, Relation
from improve.modelling.money import read_printed


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def found(outcome):
    return {(f.figure.table, f.figure.row): (f.figure.text, f.check.computed) for f in outcome.findings}


def test_b_and_d_gives_every_real_disagreement_and_nothing_rounding_explains(bd):
    # Worked by hand in improve/modelling/tests/test_figures.py; the resources table's £953k + £143k
    # against £1.095m differ by £1,000 within £1,500 of rounding, and £1.095m of funding is what the
    # source provides: no finding there.
    outcome = figurecheck.run(bd)
    pressure = "Pressure in Children's Care and Support"
    assert found(outcome) == {
        ("Service budget trajectory 2019/20", pressure): ("£4.2m", D("5.2E6")),
        ("Service budget trajectory 2020/21", pressure): ("£4.9m", D("3.0E6")),
        ("Service budget trajectory 2021/22", "21/22 Budget"): ("£34.4m", D("35.9E6")),
        ("Service budget trajectory 2021/22", "2021/22 Projected Variance"): ("£2.4m", D("4.0E6")),
        ("Service budget trajectory 2021/22", pressure): ("£3.7m", D("2.4E6")),
    }
    checked = {(r.result.table, r.result.row) for r in outcome.relations}
    assert (
        "Printed totals (PID section 3 (Costs: Capital); printed as £1.095 in the table of section 4.1)",
        "Programme total",
    ) in checked
    assert [figurecheck.explanation_text(e) for e in outcome.explanations] == [
        "21/22 Budget £34.4m: with £35.9m both disagreements go"
    ]


def test_each_funding_source_s_printed_amount_is_checked_and_counts_as_printed_in_the_total(bd):
    from improve.finance import services
    from improve.finance.models import FinancialYear, FundingSource
    from improve.finance.tests.world import SYSTEM

    source_row = ("Printed totals (PID section 4.1: the release of capital funding (printed as £1.095, in £m))",)
    checked = {(r.result.table, r.result.row): r for r in figurecheck.run(bd).relations}
    relation = checked[(*source_row, "Capital funding released by the PID")]
    assert relation.result.column == "Available, 2019/20" and relation.explain.startswith("the amounts of source")
    # the total available funding is made of the source's printed amount (its rounding allowed for)
    total = next(r for (t, row), r in checked.items() if row == "Available funding")
    assert [term.figure.text for term in total.terms] == ["£1.095m"]

    capital = FundingSource.objects.get(programme=bd, code="capital")
    year = FinancialYear.objects.get(programme=bd, start_year=2019)
    services.source_amount_set(actor=SYSTEM, source=capital, year=year, amount=D("1000000.00"))
    outcome = figurecheck.run(bd)
    new = {k: v for k, v in found(outcome).items() if not k[0].startswith("Service budget trajectory")}
    # the source disagrees with its printed £1.095m; the total of the printed figures still agrees
    assert new == {(*source_row, "Capital funding released by the PID"): ("£1.095m", D("1000000.00"))}


def test_havering_s_roles_do_not_add_up_to_its_0_75m(db):
    outcome = figurecheck.run(load("havering-2019").programme)
    # £15k + £80k + £39k + £420k + £51k + £51k + £15k + £5k = £676k against £0.75m: £74k apart; rounding
    # allows £5k for £0.75m and £500 for each of the eight roles, £9k in all.
    rows = {f.figure.row: f for f in outcome.findings}
    assert set(rows) == {"Ofsted Improvement", "Programme total"}
    for finding in rows.values():
        assert finding.check.printed == D("750000") and finding.check.computed == D("676000")
        assert finding.check.allowance == D("9000")


def test_the_command_reports_each_finding_and_exits_1(bd, capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("check_figures", programme=bd.slug)
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert "5 disagree by more than rounding explains" in out
    assert "Service budget trajectory 2021/22 / 21/22 Budget / Budget" in out
    assert "printed £34.4m (£34,400,000); recomputed £35,900,000 from 20/21 Budget, no movements" in out
    assert "difference −£1,500,000; rounding allows up to £100,000" in out
    assert "one figure explains it: 21/22 Budget £34.4m: with £35.9m both disagreements go" in out


def test_the_command_exits_0_when_everything_agrees(db, programme, capsys):
    call_command("check_figures", programme=programme.slug)
    assert "all agree" in capsys.readouterr().out


def test_the_command_names_a_programme_that_is_not_there(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="There is no programme 'nowhere'"):
        call_command("check_figures", programme="nowhere")


def test_another_room_adds_its_tables_to_the_same_check(db, programme):
    def workforce(_programme):
        def fig(key, text):
            return Figure(key, "Posts", key, "Cost", text, read_printed(text))

        yield Relation(fig("total", "£100k"), exact=D("90000"), explain="its posts")

    registry.register(Room("figure_test_room", "Test", figure_checks=(workforce,)))
    try:
        outcome = figurecheck.run(programme)
    finally:
        registry.unregister("figure_test_room")
    assert [(f.figure.table, f.check.difference) for f in outcome.findings] == [("Posts", D("10000"))]
