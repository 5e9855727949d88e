"""Packs built by hand for the chart, Word and Excel renderers' tests (no database needed).

``realistic_pack()`` is a pack a board would see: a finance table in £000 with negatives,
subtotals and a total; a RAG table; one chart of each type; a risk table long enough to run over
several pages; notes, lists and statuses.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from improve.core import document as doc

MONTHS = ("Apr 2019", "May 2019", "Jun 2019", "Jul 2019", "Aug 2019", "Sep 2019", "Oct 2019")

SPEND_CHART = doc.Chart(
    "Spend against budget by strand",
    "bar",
    ("1. Practice and leadership", "2. Workforce", "3. Early help and front door", "4. Corporate parenting"),
    (
        doc.Series("Budget", (Decimal("953"), Decimal("143"), Decimal("410"), Decimal("220"))),
        doc.Series("Forecast", (Decimal("1012"), Decimal("98"), None, Decimal("-35"))),
        doc.Series("Actual to date", (Decimal("510"), Decimal("40"), Decimal("205"), Decimal("0"))),
    ),
    "Budget, forecast and actual spend to date for each strand in £000; practice and leadership is "
    "forecast £59k over budget, corporate parenting shows a £35k credit.",
    "£000",
)

FUNDING_CHART = doc.Chart(
    "Funding by source and year",
    "stacked-bar",
    ("2019/20", "2020/21", "2021/22"),
    (
        doc.Series("DfE grant", (Decimal("500"), Decimal("750.5"), Decimal("250"))),
        doc.Series("Council reserves", (Decimal("300"), Decimal("200"), None)),
        doc.Series("Partner contribution", (Decimal("100"), Decimal("-50"), Decimal("80"))),
    ),
    "Funding by source for each year in £000: £900k in 2019/20, £900.5k in 2020/21 and £330k in 2021/22.",
    "£000",
)

REFERRALS_CHART = doc.Chart(
    "Re-referrals within 12 months",
    "line",
    MONTHS,
    (
        doc.Series("B&D", (22, 24, 23, None, 21, 19, 18)),
        doc.Series("England", (22, 22, 22, 22, 23, 22, 22)),
        doc.Series("Target", (20, 20, 20, 20, 20, 20, 20)),
    ),
    "The re-referral rate fell from 22% in April to 18% in October (July not reported), below the "
    "England rate of 22% and the 20% target.",
    "%",
)

RAG_CHART = doc.Chart(
    "Strand status by month",
    "rag-grid",
    MONTHS,
    (
        doc.Series("1. Practice and leadership", (2, 2, 2, 3, 3, 3, 3)),
        doc.Series("2. Workforce development and recruitment", (1, 1, 2, 2, 2, 3, 4)),
        doc.Series("3. Early help", (3, 3, None, 3, 2, 2, 1)),
        doc.Series("4. Corporate parenting", (0, 2, 2, 2, 2, 2, 2)),
    ),
    "Practice and leadership moved from amber to green in July; workforce from red to complete; "
    "early help fell from green to red in October.",
)

ALL_CHARTS = (SPEND_CHART, FUNDING_CHART, REFERRALS_CHART, RAG_CHART)


def money(value: str, *, total: bool = False, unit: str = "£000", places: int = 0) -> doc.Cell:
    return doc.Cell(Decimal(value), "money", unit=unit, places=places, total=total)


FINANCE_TABLE = doc.Table(
    caption="Programme budget 2019/20 (£000)",
    columns=(
        doc.Column("Line"),
        doc.Column("Planned", numeric=True),
        doc.Column("Projected", numeric=True),
        doc.Column("Variation", numeric=True),
        doc.Column("Last updated"),
    ),
    rows=(
        (doc.Cell("Practice lead"), money("953"), money("1012"), money("59"), doc.Cell(dt.date(2019, 10, 4), "date")),
        (
            doc.Cell("Agency social workers"),
            money("143"),
            money("98"),
            money("-45"),
            doc.Cell(dt.date(2019, 9, 30), "date"),
        ),
        (doc.Cell("Legal costs"), money("1234.4"), money("0"), money("-1234.4"), doc.Cell(None, "date")),
        (
            doc.Cell("Subtotal: staffing", total=True),
            money("2330.4", total=True),
            money("1110", total=True),
            money("-1220.4", total=True),
            doc.Cell(""),
        ),
        (doc.Cell("Contingency"), money("143.6"), money("95"), money("-48.6"), doc.Cell("")),
        (
            doc.Cell("Programme total", total=True),
            money("2474", total=True),
            money("1205", total=True),
            money("-1269", total=True),
            doc.Cell(""),
        ),
    ),  # fmt: skip
    note="Source: budget monitoring at period 7; negative variation is an underspend.",
)

PENCE_TABLE = doc.Table(
    caption="Invoices paid (£)",
    columns=(doc.Column("Supplier"), doc.Column("Amount", numeric=True), doc.Column("Paid")),
    rows=(
        (doc.Cell("Training provider"), money("95312.57", unit="£", places=2), doc.Cell(dt.date(2019, 10, 1), "date")),
        (doc.Cell('=HYPERLINK("http://x")'), money("0.07", unit="£", places=2), doc.Cell(dt.date(2019, 10, 2), "date")),
        (doc.Cell("-refund"), money("-1234.56", unit="£", places=2), doc.Cell(dt.date(2019, 10, 3), "date")),
        (doc.Cell("Total", total=True), money("94078.08", unit="£", places=2, total=True), doc.Cell("")),
    ),
)

RAG_TABLE = doc.Table(
    caption="Strand status, October 2019",
    columns=(doc.Column("Strand"), doc.Column("Overall"), doc.Column("Schedule"), doc.Column("Cost"),
             doc.Column("Open risks", numeric=True), doc.Column("Done", numeric=True)),
    rows=tuple(
        (doc.Cell(name), doc.Cell(a, "rag"), doc.Cell(b, "rag"), doc.Cell(c, "rag"), doc.Cell(n, "number"),
         doc.Cell(Decimal(p), "percent", places=1))
        for name, a, b, c, n, p in (
            ("1. Practice and leadership", "Green", "Green", "Amber", 3, "62.5"),
            ("2. Workforce", "Blue", "Blue", "Green", 0, "100"),
            ("3. Early help", "Red", "Red", "Amber", 7, "35.0"),
            ("4. Corporate parenting", "Amber", "Green", "", 2, "48.25"),
        )
    ),
)  # fmt: skip

RISK_TABLE = doc.Table(
    caption="Risks above appetite",
    columns=(doc.Column("Ref"), doc.Column("Risk"), doc.Column("Owner"), doc.Column("Score", numeric=True),
             doc.Column("Review by")),
    rows=tuple(
        (doc.Cell(f"R{n:03d}"),
         doc.Cell(f"Risk {n}: recruitment of permanent social workers falls behind plan in locality {n % 6 + 1}, "
                  "so caseloads stay above 20 and the practice model cannot embed"),
         doc.Cell("Director of Children's Services" if n % 2 else "Head of Workforce"),
         doc.Cell(25 - n % 10, "number"),
         doc.Cell(dt.date(2019, 11, 1) + dt.timedelta(days=n), "date"))
        for n in range(1, 61)
    ),
)  # fmt: skip


def realistic_pack() -> doc.Pack:
    summary = doc.Section(
        key="summary",
        title="Summary",
        summary="What changed since the last pack, as at 31/10/2019.",
        blocks=(
            doc.Status("Overall", "Amber", "Two strands on track; early help has slipped."),
            doc.Heading("What changed since the last pack"),
            doc.BulletList(
                (
                    "1.4 'Recruit practice lead' slipped 21 days, to 14/10/2019",
                    "Risk R012 moved from 12 to 20",
                    "Agency social workers varied by −£45k (tolerance £25k)",
                )
            ),
            doc.Note("The figure check found 1 printed total that disagrees with its parts.", "warning"),
        ),
    )
    plan = doc.Section(
        key="plan",
        title="Plan and highlight reports",
        summary="From the programme plan and the strands' highlight reports.",
        blocks=(
            doc.Heading("Status by strand"),
            RAG_TABLE,
            RAG_CHART,
            doc.Heading("Workforce", level=4),
            doc.Paragraph("Recruitment of the practice lead completed on 14/10/2019."),
            doc.Status("Schedule", "Green"),
            doc.Note("Early help's October report is overdue."),
        ),
    )
    money = doc.Section(
        key="money",
        title="Money",
        summary="Budget monitoring at period 7 (October 2019), in £000.",
        blocks=(FINANCE_TABLE, SPEND_CHART, FUNDING_CHART, PENCE_TABLE),
    )
    outcomes = doc.Section(
        key="outcomes",
        title="Vital signs",
        summary="",
        blocks=(REFERRALS_CHART,),
    )
    risks = doc.Section(
        key="risks",
        title="Risks",
        summary="Risks scoring above the board's appetite.",
        blocks=(RISK_TABLE,),
    )
    return doc.Pack(
        title="Children's Improvement Board: October 2019",
        programme="Children's Services Improvement Programme",
        council="London Borough of Barking and Dagenham",
        board="Children's Improvement Board",
        as_at=dt.date(2019, 10, 31),
        period_start=dt.date(2019, 10, 1),
        status="Draft",
        sections=(summary, plan, money, outcomes, risks),
    )
