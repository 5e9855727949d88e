"""The figure check, worked by hand on B&D's Appendix B (PID, 2019) as printed.

Hand working (£m; allowance = half the step of every printed figure in the relation):

2019/20  budget   32.9 − 1.12 + 1 + 1.56 = 34.34 vs 34.4: 0.06, allowance 0.05 + 0.005 + 0.5
         (“£1m” is printed to the million) + 0.005 + 0.05 = 0.61 → rounding.
         out-turn 38.0 + 1.9 − 1.2 + 0.922 = 39.622 vs 39.6: 0.022, allowance 0.2005 → rounding.
         variance 39.6 − 34.4 = 5.2 vs 5.2 → agrees.
         section 3's pressure £4.2m vs the variance £5.2m: 1.0, allowance 0.1 → DISAGREES.
2020/21  opening 34.4 = 19/20's budget 34.4; previous out-turn 39.6 = 39.6 → agree.
         budget   34.4 − 1.46 + 4.56 − 1.56 = 35.94 vs 35.9: 0.04, allowance 0.115 → rounding.
         out-turn 39.6 + (blank) − 1.25 + 0.6 = 38.95 vs 38.9: 0.05, allowance 0.1055 → rounding.
         variance 38.9 − 35.9 = 3.0 vs 3.0 → agrees.
         section 3's pressure £4.9m vs £3.0m: 1.9 → DISAGREES.
2021/22  opening 35.9 = 35.9; previous out-turn 38.9 = 38.9 → agree.
         budget   35.9, no movements, vs 34.4: −1.5, allowance 0.1 → DISAGREES.
         out-turn 38.9 − 1.15 + 0.6 = 38.35 vs 38.4: 0.05, allowance 0.1055 → rounding.
         variance 38.4 − 34.4 = 4.0 vs 2.4: −1.6, allowance 0.15 → DISAGREES.
         section 3's pressure £3.7m vs £2.4m: 1.3 → DISAGREES.
         One figure explains two: with 21/22 Budget £35.9m the budget agrees (0) and the variance
         38.4 − 35.9 = 2.5 vs 2.4 is within 0.15. No other single figure removes two findings.
Five findings in all; the one figure is 2021/22's “21/22 Budget £34.4m”.
"""

from decimal import Decimal as D  # noqa: N817 - the tables read better

from improve.modelling import trajectory as t
from improve.modelling.figures import Figure, Relation, Term, check_relations, like
from improve.modelling.money import read_printed

APPENDIX_B = {
    "2019/20": [
        (t.OPENING, "18/19 Budget", "£32.9m"),
        (t.BUDGET_MOVEMENT, "Transformation Savings", "-£1.12m"),
        (t.BUDGET_MOVEMENT, "MTFS Growth Funding", "+£1m"),
        (t.BUDGET_MOVEMENT, "Social Care Grant", "+£1.56m"),
        (t.BUDGET, "19/20 Budget", "£34.4m"),
        (t.PREVIOUS_OUTTURN, "18/19 Out-turn", "£38.0m"),
        (t.COST_MOVEMENT, "TOM Cost Implications", "+£1.9m"),
        (t.COST_MOVEMENT, "Existing Savings Plans", "-£1.2m"),
        (t.COST_MOVEMENT, "Projected Growth", "+£922k"),
        (t.OUTTURN, "19/20 Out-turn", "£39.6m"),
        (t.VARIANCE, "2019/20 Projected Variance", "£5.2m"),
        (t.CLAIM, "Pressure in section 3", "£4.2m"),
    ],
    "2020/21": [
        (t.OPENING, "19/20 Budget", "£34.4m"),
        (t.BUDGET_MOVEMENT, "Transformation Savings", "-£1.46m"),
        (t.BUDGET_MOVEMENT, "MTFS Growth Funding", "+£4.56m"),
        (t.BUDGET_MOVEMENT, "Social Care Grant", "-£1.56m"),
        (t.BUDGET, "20/21 Budget", "£35.9m"),
        (t.PREVIOUS_OUTTURN, "19/20 Out-turn", "£39.6m"),
        (t.COST_MOVEMENT, "TOM Cost Implications", ""),
        (t.COST_MOVEMENT, "Existing Savings Plans", "-£1.25m"),
        (t.COST_MOVEMENT, "Projected Growth", "+£600k"),
        (t.OUTTURN, "20/21 Out-turn", "£38.9m"),
        (t.VARIANCE, "2020/21 Projected Variance", "£3.0m"),
        (t.CLAIM, "Pressure in section 3", "£4.9m"),
    ],
    "2021/22": [
        (t.OPENING, "20/21 Budget", "£35.9m"),
        (t.BUDGET, "21/22 Budget", "£34.4m"),
        (t.PREVIOUS_OUTTURN, "20/21 Out-turn", "£38.9m"),
        (t.COST_MOVEMENT, "Efficient TOM Structure", "-£1.15m"),
        (t.COST_MOVEMENT, "Projected Growth", "+£600k"),
        (t.OUTTURN, "21/22 Out-turn", "£38.4m"),
        (t.VARIANCE, "2021/22 Projected Variance", "£2.4m"),
        (t.CLAIM, "Pressure in section 3", "£3.7m"),
    ],
}


def years(printed=APPENDIX_B):
    return [
        t.Year(
            label,
            tuple(
                t.Cell(f"{label}/{i}", kind, row, text, read_printed(text) if text else None)
                for i, (kind, row, text) in enumerate(cells)
            ),
        )
        for label, cells in printed.items()
    ]


def test_appendix_b_gives_every_real_disagreement_and_nothing_rounding_explains():
    outcome = check_relations(t.relations(years()))
    found = {(f.figure.table[-7:], f.figure.row): (f.check.printed, f.check.computed) for f in outcome.findings}
    assert found == {
        ("2019/20", "Pressure in section 3"): (D("4.2E6"), D("5.2E6")),
        ("2020/21", "Pressure in section 3"): (D("4.9E6"), D("3.0E6")),
        ("2021/22", "21/22 Budget"): (D("34.4E6"), D("35.9E6")),
        ("2021/22", "2021/22 Projected Variance"): (D("2.4E6"), D("4.0E6")),
        ("2021/22", "Pressure in section 3"): (D("3.7E6"), D("2.4E6")),
    }
    budget = next(f for f in outcome.findings if f.figure.row == "21/22 Budget")
    assert budget.check.difference == D("-1500000") and budget.check.allowance == D("100000")
    variance = next(f for f in outcome.findings if f.figure.row == "2021/22 Projected Variance")
    assert variance.check.allowance == D("150000")


def test_the_one_figure_that_explains_both_2021_22_disagreements_is_named():
    outcome = check_relations(t.relations(years()))
    assert len(outcome.explanations) == 1
    explanation = outcome.explanations[0]
    assert (explanation.figure.row, explanation.figure.text) == ("21/22 Budget", "£34.4m")
    assert like(explanation.figure.text, explanation.value) == "£35.9m"
    assert {f.figure.row for f in explanation.resolves} == {"21/22 Budget", "2021/22 Projected Variance"}


def test_rounding_is_allowed_for_each_printed_part():
    outcome = check_relations(t.relations(years()))
    by_row = {(r.result.table[-7:], r.result.row): r.check() for r in outcome.relations}
    budget_1920 = by_row[("2019/20", "19/20 Budget")]
    assert budget_1920.computed == D("34340000") and budget_1920.agrees
    assert budget_1920.allowance == D("610000")  # "+£1m" is printed to the million
    outturn_2021 = by_row[("2020/21", "20/21 Out-turn")]
    assert outturn_2021.computed == D("38950000") and outturn_2021.allowance == D("105500")
    # The blank "TOM Cost Implications" is left out, not read as £0 printed to the pound.
    assert outturn_2021.agrees


def test_a_corrected_paper_has_no_findings():
    fixed = {year: list(cells) for year, cells in APPENDIX_B.items()}
    fixed["2021/22"] = [
        (k, r, "£35.9m" if r == "21/22 Budget" else "£2.5m" if k == t.VARIANCE else "£2.5m" if k == t.CLAIM else x)
        for k, r, x in fixed["2021/22"]
    ]
    fixed["2019/20"] = [c for c in fixed["2019/20"] if c[0] != t.CLAIM]
    fixed["2020/21"] = [c for c in fixed["2020/21"] if c[0] != t.CLAIM]
    assert check_relations(t.relations(years(fixed))).findings == ()


def test_a_difference_beyond_the_allowance_is_a_finding_and_within_it_is_not():
    def fig(key, text):
        return Figure(key, "T", key, "£", text, read_printed(text))

    parts = (Term(fig("a", "£953k")), Term(fig("b", "£143k")))
    assert check_relations([Relation(fig("t", "£1.095m"), parts)]).agrees  # 1,000 within 1,500
    assert not check_relations([Relation(fig("t", "£1.093m"), parts)]).agrees  # 3,000 beyond 1,500
    # A − B = C
    assert check_relations(
        [Relation(fig("c", "£5.2m"), (Term(fig("a", "£39.6m")), Term(fig("b", "£34.4m"), -1)))]
    ).agrees


def test_a_figure_that_would_break_an_agreeing_relation_does_not_explain():
    def fig(key, text):
        return Figure(key, "T", key, "£", text, read_printed(text))

    x = fig("x", "£10")
    rels = [
        Relation(fig("r1", "£20"), (Term(x),)),
        Relation(fig("r2", "£20"), (Term(x),)),
        Relation(fig("r3", "£10"), (Term(x),)),  # agrees now; x = £20 would break it
    ]
    outcome = check_relations(rels)
    assert len(outcome.findings) == 2 and outcome.explanations == ()
    assert check_relations(rels[:2]).explanations[0].value == D("20")


def test_figures_are_written_the_way_they_were_printed():
    assert like("£34.4m", D("35900000")) == "£35.9m"
    assert like("£34.4m", D("35940000")) == "£35.94m"
    assert like("-£1.12m", D("-1000000")) == "-£1.00m"
    assert like("£953k", D("952000")) == "£952k"
    assert like("£1,234", D("1300")) == "£1,300"
