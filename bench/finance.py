"""Benchmark: the money room at scale — 1,000 budget lines × 5 years × 12 months, 20 funding sources.

Builds the budget straight into the database (bulk inserts; the services' audit is not what is
timed), then reports p50 / p95 of: recomputing every derived figure from amounts already in memory
(:func:`improve.modelling.budget.compute`), reading and deriving the whole budget from the database
(:func:`improve.finance.selectors.budget_summary`), the money summary page (as visited again, and
as first visited after a change: its figures are kept until the programme's audit trail grows),
the summary as an .xlsx of formulas, and the figure check (:func:`improve.finance.figurecheck.run`)
over 1,055 printed totals and a five-year trajectory.

Run with ``make bench``; prints figures, asserts nothing. Uses a throwaway SQLite database (or
BENCH_DATABASE_URL).
"""

from __future__ import annotations

import os
import sys
from decimal import Decimal

from benchenv import prepare  # noqa: E402

prepare()

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from plan import report, timed  # noqa: E402

LINES, YEARS, SOURCES, GROUPS = 1000, 5, 20, 10
FIRST_YEAR = 2019
SLUG = "bench-money"
TARGET_MS = 100


def build() -> object:
    from improve.core.audit import Actor
    from improve.finance import services
    from improve.finance.models import BudgetGroup, BudgetLine, FundingSource, LineAmount, SourceAmount
    from improve.programmes.models import Programme

    actor = Actor(user=None, via="bench")
    programme = Programme.objects.create(slug=SLUG, council="Bench Council", name="Money at scale", status_date=None)
    years = [services.year_add(actor=actor, programme=programme, start_year=FIRST_YEAR + n) for n in range(YEARS)]
    groups = BudgetGroup.objects.bulk_create(
        BudgetGroup(programme=programme, code=f"g{n}", name=f"Group {n}", order=n) for n in range(GROUPS)
    )
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            programme=programme,
            group=groups[n % GROUPS],
            code=f"l{n:04d}",
            name=f"Line {n}",
            spend_type="revenue" if n % 3 else "capital",
            duration="one_off" if n % 2 else "permanent",
            contingency=n % 50 == 0,
            original_estimate=Decimal(60_000 + n),
            order=n,
        )
        for n in range(LINES)
    )
    amounts = []
    for line in lines:
        for year in years:
            for period in range(1, 13):
                pence = (line.pk * 7919 + period * 104729 + year.start_year) % 1_000_000
                amounts.append(
                    LineAmount(
                        programme=programme,
                        line=line,
                        year=year,
                        period=period,
                        planned=Decimal(pence) / 100,
                        projected=Decimal(pence + 1234) / 100,
                        actual=Decimal(pence - 999) / 100 if year.start_year == FIRST_YEAR else None,
                    )
                )
    LineAmount.objects.bulk_create(amounts, batch_size=5000)
    services.year_totals_rebuild(programme=programme)  # what amounts_set keeps as it writes
    sources = FundingSource.objects.bulk_create(
        FundingSource(programme=programme, code=f"s{n}", name=f"Source {n}", kind="government_grant")
        for n in range(SOURCES)
    )
    SourceAmount.objects.bulk_create(
        SourceAmount(programme=programme, source=s, year=y, amount=Decimal("250000.00")) for s in sources for y in years
    )
    build_printed(programme, years, groups, lines)
    return programme


def build_printed(programme: object, years: list, groups: list, lines: list) -> None:
    """Figures as printed: each line's first-year plan, each group's and the programme's plan per year,
    and a five-year service budget trajectory with a claim each year."""
    from improve.finance.models import PrintedFigure, TrajectoryFigure
    from improve.modelling.money import read_printed

    printed = [
        PrintedFigure(programme=programme, code=f"pl{n:04d}", subject="line", line=line, year=years[0], text="£60k")
        for n, line in enumerate(lines)
    ]
    printed += [
        PrintedFigure(
            programme=programme, code=f"pg{g.code}-{y.start_year}", subject="group", group=g, year=y, text="£3.1m"
        )
        for g in groups
        for y in years
    ]
    printed += [
        PrintedFigure(programme=programme, code=f"pp{y.start_year}", subject="programme", year=y, text="£31.4m")
        for y in years
    ]
    PrintedFigure.objects.bulk_create(printed)
    cells = []
    for n, year in enumerate(years):
        rows = [
            ("opening", "Opening", f"£{32.9 + n:.1f}m"),
            ("budget_movement", "Savings", "-£1.12m"),
            ("budget_movement", "Growth", "+£1m"),
            ("budget", "Budget", f"£{33.9 + n:.1f}m"),
            ("previous_outturn", "Last out-turn", f"£{38.0 + n:.1f}m"),
            ("cost_movement", "Growth", "+£922k"),
            ("cost_movement", "Savings plans", ""),
            ("outturn", "Out-turn", f"£{39.0 + n:.1f}m"),
            ("variance", "Variance", "£5.1m"),
            ("claim", "Pressure", "£4.2m"),
        ]
        for order, (kind, label, text) in enumerate(rows, 1):
            p = read_printed(text) if text else None
            cells.append(
                TrajectoryFigure(
                    programme=programme,
                    year=year,
                    order=order,
                    kind=kind,
                    label=label,
                    text=text,
                    value=p.value if p else None,
                    step=p.step if p else None,
                )
            )
    TrajectoryFigure.objects.bulk_create(cells)


def main() -> int:
    from improve.accounts.models import User
    from improve.finance import selectors
    from improve.modelling.budget import LineInput, compute
    from improve.programmes.models import Membership

    call_command("migrate", verbosity=0)
    setup_test_environment()
    programme = build()
    print(
        f"Benchmark: {LINES:,} budget lines × {YEARS} years × 12 months, {SOURCES} funding sources; "
        f"database {os.environ['DATABASE_URL'].split(':')[0]}"
    )
    summary = selectors.budget_summary(programme)
    inputs = [
        LineInput(row.line.pk, row.line.group_id, row.line.one_off, row.line.contingency, row.years)
        for group in summary.groups
        for row in group.lines
    ]
    years = summary.years
    available = summary.figures.available
    results = [
        report("recompute derived figures", timed(lambda: compute(inputs, years, years[0], available), 30), TARGET_MS),
        report("read + derive (selector)", timed(lambda: selectors.budget_summary(programme), 10), 1000),
    ]
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench")
    Membership.objects.create(user=user, programme=programme, role="finance_lead")
    client = Client()
    client.force_login(user)
    url = reverse("finance:summary", args=[SLUG])

    def get() -> object:
        response = client.get(url)
        assert response.status_code == 200
        return response

    get()
    results.append(report("money summary page", timed(get, 10), TARGET_MS))
    from improve.finance import figurecheck

    outcome = figurecheck.run(programme)
    print(f"figure check: {len(outcome.relations):,} printed figures, {len(outcome.findings):,} findings")
    results.append(report("figure check (read + check)", timed(lambda: figurecheck.run(programme), 10), 200))
    relations = list(outcome.relations)
    from improve.modelling.figures import check_relations

    results.append(report("figure check (check only)", timed(lambda: check_relations(relations), 10), 200))

    def get_after_a_change() -> object:
        # What the first visit after a change costs: nothing kept (the figures are worked out again).
        cache.clear()
        return get()

    report("  …the first after a change", timed(get_after_a_change, 10), TARGET_MS)
    results.append(report("summary as .xlsx (formulas)", timed(lambda: client.get(url + "summary.xlsx"), 5), 1000))
    print("All targets met" if all(results) else "Some targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
