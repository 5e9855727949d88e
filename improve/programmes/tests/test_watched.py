"""The dashboard's lines due, overdue and slipped, picked by the database, agree with the plan as at a date.

:func:`sections.watched_as_at` asks the database for what :func:`sections.plan_as_at` works out line
by line in Python; these tests hold the two to the same answer on the B&D example (month-end
baselines standing in for the plan's dates) and on a made-up plan with every awkward case.
"""

import datetime as dt
import random

import pytest
from django.db.models import Q

from improve.interchange.tests.conftest import load
from improve.programmes import sections
from improve.programmes.models import CLOSED_STATUSES, Baseline, BaselineItem, ItemKind, Status
from improve.programmes.tests.factories import PlanItemFactory, ProgrammeFactory, StrandFactory

D = dt.date


def watched_where(programme):
    return Q(programme=programme) & (Q(kind__in=[ItemKind.MILESTONE, ItemKind.GATE]) | Q(level=1))


def by_python(programme, *, as_at, since, horizon, where, listed):
    """What the lines' own dates say, worked out line by line (the reference)."""
    plan = sections.plan_as_at(programme, as_at=as_at, since=since, where=where)
    open_lines = [
        (end, line)
        for line in plan.lines
        if (end := line.dates[2]) is not None and plan.status_of(line) not in CLOSED_STATUSES
    ]
    due = sorted(((end, line) for end, line in open_lines if as_at <= end <= horizon), key=lambda pair: pair[0])
    slipped = [s for s in plan.slipped() if s.days is not None] if plan.compared else []
    return (
        [(line.uid, line.title, line.strand_name, end) for end, line in due[:listed]],
        len(due),
        sum(1 for end, _ in open_lines if end < as_at),
        [(s.line.uid, s.line.dates[2], s.baseline_end) for s in slipped[:listed]],
        len(slipped),
        plan.compared,
    )


def by_database(programme, *, as_at, since, horizon, where, listed):
    found = sections.watched_as_at(programme, as_at=as_at, since=since, horizon=horizon, where=where, listed=listed)
    lines = found.lines
    return (
        [(w.uid, w.title, w.strand_name, w.end) for w in lines.due],
        lines.due_count,
        lines.overdue_count,
        [(w.uid, w.end, w.baseline_end) for w in lines.slipped],
        lines.slipped_count,
        found.compared,
    )


def month_ends(first: dt.date, months: int) -> list[dt.date]:
    out = []
    for m in range(months):
        year, month = first.year + (first.month - 1 + m + 1) // 12, (first.month - 1 + m + 1) % 12 + 1
        out.append(D(year, month, 1) - dt.timedelta(days=1))
    return out


@pytest.mark.django_db
def test_the_b_and_d_example_agrees_every_month_of_2019_20():
    programme = load("barking-dagenham-2019").programme
    for as_at in month_ends(D(2019, 4, 1), 12):
        since = as_at.replace(day=1) - dt.timedelta(days=1)
        for where in (watched_where(programme), Q()):
            kw = {"as_at": as_at, "since": since, "horizon": as_at + dt.timedelta(days=30), "where": where}
            assert by_database(programme, listed=8, **kw) == by_python(programme, listed=8, **kw), as_at


@pytest.fixture
def awkward(db):
    """60 lines: uids ordered differently as text and as numbers, complete lines ending later than
    the date, cancelled ones, no end, TBD ends, ties in days slipped; two baselines, the later
    one (taken in October) holding only some of the lines."""
    rng = random.Random(7)
    programme = ProgrammeFactory(status_date=D(2020, 2, 14))
    strands = [StrandFactory(programme=programme, order=n, code=str(n + 1)) for n in range(3)]
    september = Baseline.objects.create(programme=programme, name="September", taken_on=D(2019, 9, 30))
    october = Baseline.objects.create(programme=programme, name="October", taken_on=D(2019, 10, 20))
    for n in range(60):
        end = None if n % 11 == 0 else D(2019, 9, 1) + dt.timedelta(days=rng.randrange(120))
        line = PlanItemFactory(
            programme=programme,
            strand=strands[n % 3],
            uid=f"1.{n}",
            kind=(ItemKind.MILESTONE, ItemKind.DELIVERABLE, ItemKind.GATE)[n % 3],
            level=1 + n % 4 // 3,
            status=rng.choice([Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE, Status.CANCELLED]),
            percent_complete=0,
            start_date=D(2019, 6, 1),
            end_date=end,
            end_tbd=n % 13 == 0,
            order=rng.randrange(5),  # ties in the plan's order too: then by id
        )
        if line.status == Status.COMPLETE:
            line.percent_complete = 100
            line.save()
        if end is not None and n % 7:
            BaselineItem.objects.create(
                baseline=september,
                uid=line.uid,
                start_date=line.start_date,
                end_date=end - dt.timedelta(days=7 * rng.randrange(-1, 3)),
            )
        if n % 2:
            BaselineItem.objects.create(
                baseline=october,
                uid=line.uid,
                start_date=line.start_date,
                end_date=None if n % 9 == 0 else D(2019, 10, 1) + dt.timedelta(days=rng.randrange(60)),
                end_tbd=n % 9 == 0,
            )
    return programme


@pytest.mark.parametrize("listed", [3, 8])
@pytest.mark.parametrize("as_at", [D(2019, 9, 30), D(2019, 10, 31), D(2019, 11, 30), D(2020, 3, 31)])
def test_a_plan_with_every_awkward_case_agrees(awkward, as_at, listed):
    since = as_at.replace(day=1) - dt.timedelta(days=1)
    for where in (watched_where(awkward), Q()):
        kw = {"as_at": as_at, "since": since, "horizon": as_at + dt.timedelta(days=30), "where": where}
        expected = by_python(awkward, listed=listed, **kw)
        assert by_database(awkward, listed=listed, **kw) == expected
    if as_at in (D(2019, 10, 31), D(2019, 11, 30)):
        assert expected[1] and expected[2] and expected[4]  # each list has lines in it


def test_the_database_reads_the_same_number_of_queries_however_long_the_plan(awkward, django_assert_num_queries):
    kw = {"as_at": D(2019, 10, 31), "since": D(2019, 9, 30), "horizon": D(2019, 11, 30), "where": Q()}
    with django_assert_num_queries(4):
        sections.watched_as_at(awkward, listed=8, **kw)
