"""The plan's board-pack section: the plan as it stood at the pack's date, its slips and gates."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improve.core.audit import Actor
from improve.core.document import Chart, Note, Paragraph, Table, section_from_data, section_to_data
from improve.core.registry import PackContext, registry
from improve.interchange.tests.conftest import load
from improve.programmes import sections, services
from improve.programmes.models import PlanItem
from improve.programmes.tests.factories import PlanItemFactory, ProgrammeFactory, StrandFactory

ACTOR = Actor(user=None, via="test")
OCTOBER = {"as_at": dt.date(2019, 10, 31), "period_start": dt.date(2019, 10, 1), "since": dt.date(2019, 9, 30)}


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def tables(section) -> dict[str, Table]:
    return {b.caption: b for b in section.blocks if isinstance(b, Table)}


def column(t: Table, label: str) -> list[object]:
    i = [c.label for c in t.columns].index(label)
    return [row[i].value for row in t.rows]


def test_the_plan_room_offers_its_section():
    assert sections.SECTION in registry.pack_sections()


def test_october_2019_shows_the_lines_that_slipped_in_october(bd):
    section = sections.build(PackContext(bd, **OCTOBER))
    assert section is not None
    # The dates are the month end's, compared with September's month end, and the summary says so.
    assert "baseline 'Month end 31/10/2019', taken on 31/10/2019" in section.summary
    compared = "against baseline 'Month end 30/09/2019' (taken on 30/09/2019), the latest taken on or before 30/09/2019"
    assert compared in section.summary
    slipped = tables(section)["Lines later than baseline 'Month end 30/09/2019'"]
    assert column(slipped, "ID") == ["57", "219", "217", "218"]
    assert column(slipped, "Days later") == [91, 34, 28, 28]
    assert column(slipped, "End now") == [
        dt.date(2020, 1, 31),
        dt.date(2019, 11, 21),
        dt.date(2019, 11, 1),
        dt.date(2019, 11, 8),
    ]
    # Line 25 slipped in September: not again in October, so not listed.
    assert "25" not in column(slipped, "ID")


def test_due_next_period_uses_the_dates_as_they_stood(bd):
    section = sections.build(PackContext(bd, **OCTOBER))
    assert section is not None
    found = tables(section)
    # 217-219 moved into November: due next period, not this one.
    assert {"217", "218", "219", "25"} <= set(column(found["Lines due 01/11/2019 to 30/11/2019"], "ID"))
    assert not {"217", "218", "219"} & set(column(found["Lines due 01/10/2019 to 31/10/2019 and not complete"], "ID"))
    assert "162" in column(
        found["Lines due 01/10/2019 to 31/10/2019 and not complete"], "ID"
    )  # moved to 04/10 in August
    gates = found["Gates due by 31/10/2019 and not yet decided"]
    assert "166" in column(gates, "ID")  # 04/10/2019, not started
    assert "217" not in column(gates, "ID")


def test_the_chart_describes_its_numbers(bd):
    section = sections.build(PackContext(bd, **OCTOBER))
    assert section is not None
    chart = next(b for b in section.blocks if isinstance(b, Chart))
    assert chart.chart == "stacked-bar"
    assert chart.categories == ("Practice Improvement", "Service Improvement", "Service Design", "Strategic Planning")
    total = sum(v or 0 for s in chart.series for v in s.values)
    assert total == 74
    assert "Strategic Planning: 2 not started, 5 in progress" in chart.description
    # It freezes and thaws exactly.
    assert section_from_data(section_to_data(section)) == section


def test_october_changes_name_each_slip_with_its_days_and_new_end(bd):
    found = [c.text for c in sections.changes(PackContext(bd, **OCTOBER))]
    assert "57 'Roycraft Ground Floor and Reception refurbished' slipped 91 days, to 31/01/2020" in found
    assert "219 'CSG endorsement' slipped 34 days, to 21/11/2019" in found
    assert "Baseline 'Month end 31/10/2019' taken on 31/10/2019" in found
    assert not [t for t in found if t.startswith("25 ")]


def test_a_pack_before_any_month_end_compares_with_the_first_baseline(bd):
    ctx = PackContext(bd, as_at=dt.date(2019, 6, 30), period_start=dt.date(2019, 6, 1), since=dt.date(2019, 5, 31))
    section = sections.build(ctx)
    assert section is not None
    assert "against baseline 'PID v3.0' (taken on 12/06/2019), the programme's first baseline" in section.summary
    slipped = tables(section)["Lines later than baseline 'PID v3.0'"]
    assert column(slipped, "ID") == ["22"]
    assert column(slipped, "Days later") == [91]


def test_completed_lines_count_only_once_their_end_has_passed(db):
    programme = ProgrammeFactory(status_date=dt.date(2019, 10, 31))
    strand = StrandFactory(programme=programme, code="1", name="Practice")
    done = dict(status="complete", percent_complete=100)
    PlanItemFactory(strand=strand, uid="1", title="Early", end_date=dt.date(2019, 10, 10), **done)
    PlanItemFactory(strand=strand, uid="2", title="Late", start_date=dt.date(2019, 9, 1), **done)
    PlanItem.objects.filter(uid="2").update(end_date=dt.date(2019, 11, 15))
    ctx = PackContext(programme, **OCTOBER)
    section = sections.build(ctx)
    assert section is not None
    assert column(tables(section)["Lines completed 01/10/2019 to 31/10/2019"], "ID") == ["1"]
    # Each line is listed once: due this period and complete, it is under "completed" only.
    assert "Lines due 01/10/2019 to 31/10/2019 and not complete" not in tables(section)
    assert any(
        isinstance(b, Paragraph) and b.text.startswith("The line due this period is complete") for b in section.blocks
    )
    # Line 2 is complete now but due in November: at 31/10/2019 it was still in progress.
    assert column(tables(section)["Lines due 01/11/2019 to 30/11/2019"], "Status") == ["In progress"]
    assert "1 'Early' completed (due 10/10/2019)" in [c.text for c in sections.changes(ctx)]
    # No baseline: the section says slippage cannot be measured.
    assert any(isinstance(b, Note) and "no baseline" in b.text for b in section.blocks)


def test_a_line_due_this_period_is_listed_once_and_the_open_ones_are_the_exceptions(db):
    programme = ProgrammeFactory(status_date=dt.date(2019, 10, 31))
    strand = StrandFactory(programme=programme, code="1", name="Practice")
    PlanItemFactory(strand=strand, uid="1", title="Done", end_date=dt.date(2019, 10, 10), status="complete")
    PlanItemFactory(strand=strand, uid="2", title="Also done", end_date=dt.date(2019, 10, 11), status="complete")
    PlanItemFactory(strand=strand, uid="3", title="Late", end_date=dt.date(2019, 10, 20), status="in_progress")
    section = sections.build(PackContext(programme, **OCTOBER))
    assert section is not None
    found = tables(section)
    open_due = found["Lines due 01/10/2019 to 31/10/2019 and not complete"]
    assert column(open_due, "ID") == ["3"]
    assert open_due.note == "The other 2 lines due this period are complete: see Completed this period."
    assert column(found["Lines completed 01/10/2019 to 31/10/2019"], "ID") == ["1", "2"]
    bullets = next(b for b in section.blocks if hasattr(b, "items"))
    assert "3 due this period (01/10/2019 to 31/10/2019), 2 of them complete" in bullets.items


def test_a_later_plan_does_not_alter_a_month_already_baselined(bd):
    # The plan has moved on: status date in 2020, line 162 now due in June 2020.
    PlanItem.objects.filter(programme=bd, uid="162").update(end_date=dt.date(2020, 6, 1))
    bd.status_date = dt.date(2020, 6, 1)
    bd.save()
    section = sections.build(PackContext(bd, **OCTOBER))
    assert section is not None
    assert "162" in column(tables(section)["Lines due 01/10/2019 to 31/10/2019 and not complete"], "ID")
    # A month with no baseline taken in it has only the plan itself to go on, and says so.
    december = PackContext(bd, dt.date(2020, 5, 31), dt.date(2020, 5, 1), dt.date(2020, 4, 30))
    section = sections.build(december)
    assert section is not None
    assert "dates from the plan itself (status date 01/06/2020)" in section.summary
    assert "against baseline 'Month end 31/03/2020'" in section.summary


def test_an_empty_programme_has_no_plan_section(db):
    programme = ProgrammeFactory()
    ctx = PackContext(programme, **OCTOBER)
    assert sections.build(ctx) is None
    assert sections.changes(ctx) == []


def test_the_next_period_follows_the_pack_s_months():
    p = ProgrammeFactory.build()
    assert sections.next_period(PackContext(p, dt.date(2019, 12, 31), dt.date(2019, 12, 1), dt.date(2019, 11, 30))) == (
        dt.date(2020, 1, 1),
        dt.date(2020, 1, 31),
    )
    quarter = PackContext(p, dt.date(2020, 3, 31), dt.date(2020, 1, 1), dt.date(2019, 12, 31))
    assert sections.next_period(quarter) == (dt.date(2020, 4, 1), dt.date(2020, 6, 30))
    meeting = PackContext(p, dt.date(2019, 10, 9), dt.date(2019, 9, 12), dt.date(2019, 9, 11))
    assert sections.next_period(meeting) == (dt.date(2019, 10, 10), dt.date(2019, 11, 6))


def test_the_section_s_queries_do_not_grow_with_the_plan(bd):
    ctx = PackContext(bd, **OCTOBER)
    with CaptureQueriesContext(connection) as small:
        sections.build(ctx)
        sections.changes(ctx)
    strand = bd.strands.first()
    for n in range(40):
        PlanItemFactory(strand=strand, uid=f"x{n}", title=f"Extra {n}", end_date=dt.date(2019, 10, 20))
    services.baseline_create(actor=ACTOR, programme=bd, name="More", taken_on=dt.date(2019, 10, 31))
    with CaptureQueriesContext(connection) as large:
        section = sections.build(ctx)
        sections.changes(ctx)
    assert len(large) == len(small) <= 10
    assert section is not None and not any(isinstance(b, Paragraph) and "No line" in b.text for b in section.blocks[:3])


def test_a_line_counts_as_added_in_the_period_it_was_entered_in_local_days(db):
    """Entered at 23:30 on 31 October (London, summer time over): added in October, not in November."""
    from django.utils import timezone

    programme = ProgrammeFactory(status_date=dt.date(2019, 11, 30))
    strand = StrandFactory(programme=programme, code="1", name="Practice")
    PlanItemFactory(strand=strand, uid="7", title="Family hubs", end_date=dt.date(2020, 1, 31))
    late_evening = timezone.make_aware(dt.datetime(2019, 10, 31, 23, 30))
    PlanItem.objects.filter(uid="7").update(created_at=late_evening)
    november = PackContext(programme, dt.date(2019, 11, 30), dt.date(2019, 11, 1), dt.date(2019, 10, 31))
    added = "7 'Family hubs' added to the plan, due 31/01/2020"
    assert added in [c.text for c in sections.changes(PackContext(programme, **OCTOBER))]
    assert added not in [c.text for c in sections.changes(november)]
