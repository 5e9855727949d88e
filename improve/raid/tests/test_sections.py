"""The RAID room's board-pack section: the log as it stood at the pack's date, and what changed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from improve.core.document import Note, Table, section_from_data, section_to_data
from improve.core.models import AuditEvent
from improve.core.registry import PackContext, registry
from improve.interchange.tests.conftest import load
from improve.programmes.tests.factories import ProgrammeFactory
from improve.raid import sections, services
from improve.raid.models import Risk
from improve.raid.tests.conftest import ACTOR

OCTOBER = {"as_at": dt.date(2019, 10, 31), "period_start": dt.date(2019, 10, 1), "since": dt.date(2019, 9, 30)}
SEPTEMBER = {"as_at": dt.date(2019, 9, 30), "period_start": dt.date(2019, 9, 1), "since": dt.date(2019, 8, 31)}


@pytest.fixture
def bd(db):
    return load("barking-dagenham-2019").programme


def tables(section) -> dict[str, Table]:
    return {b.caption: b for b in section.blocks if isinstance(b, Table)}


def column(t: Table, label: str) -> list[object]:
    i = [c.label for c in t.columns].index(label)
    return [row[i].value for row in t.rows]


def test_the_raid_room_offers_its_section():
    assert sections.SECTION in registry.pack_sections()


def test_october_2019_shows_the_escalated_risk_as_an_issue(bd):
    section = sections.build(PackContext(bd, **OCTOBER))
    assert section is not None
    found = tables(section)
    risks = found["Open risks, above appetite first"]
    assert column(risks, "Ref") == ["R3", "R1", "R5", "R6", "R7", "R2"]  # 16, then the 12s, then 8
    assert column(risks, "Score") == [16, 12, 12, 12, 12, 8]
    assert column(risks, "RAG") == ["Red", "Amber", "Amber", "Amber", "Amber", "Amber"]
    assert "R4" not in column(risks, "Ref")  # became issue I5 on 15/10/2019
    issues = found["Open issues by priority"]
    assert column(issues, "Ref") == ["I5", "I1", "I2", "I3", "I4"]  # high first
    assert column(issues, "From risk")[0] == "R4"
    assert column(issues, "Raised")[0] == dt.date(2019, 10, 15)
    actions = found["Actions due before 31/10/2019 and not done by then"]
    assert column(actions, "Ref") == ["I5-1"]
    assert column(actions, "Days overdue") == [6]
    heat = found["Open risks by likelihood and impact now, 31/10/2019"]
    # Rows: impact 5 down to 1; columns: likelihood 1 to 5 after the row's name.
    impact_4 = [cell.value for cell in heat.rows[1][1:]]
    assert impact_4 == [0, 1, 4, 1, 0]
    assert heat.note == "6 open risks scored: 1 red, 5 amber, 0 green."
    assert section_from_data(section_to_data(section)) == section


def test_september_2019_shows_the_risk_before_it_became_an_issue(bd):
    section = sections.build(PackContext(bd, **SEPTEMBER))
    assert section is not None
    found = tables(section)
    assert "R4" in column(found["Open risks, above appetite first"], "Ref")
    assert "I5" not in column(found["Open issues by priority"], "Ref")
    assert "Actions due before 30/09/2019 and not done by then" not in found


def test_october_2019_changes_name_the_escalation(bd):
    found = [c.text for c in sections.changes(PackContext(bd, **OCTOBER))]
    assert found == ["Risk R4 'Permanent staff could leave' became issue I5 on 15/10/2019"]
    assert sections.changes(PackContext(bd, **SEPTEMBER)) == []


def test_a_rescore_shows_as_a_change_a_trend_and_is_undone_for_earlier_packs(programme, risk):
    today = timezone.localdate()
    risk = services.risk_update(
        actor=ACTOR, risk=risk, data={"residual_likelihood": 5, "residual_impact": 4}, expected_version=risk.version
    )
    # The risk was entered ten days ago and re-scored yesterday.
    created = AuditEvent.objects.get(object_type="raid.risk", object_id=str(risk.pk), action="create")
    created.at = timezone.now() - dt.timedelta(days=10)
    created.save()
    Risk.objects.filter(pk=risk.pk).update(created_at=created.at)
    AuditEvent.objects.filter(object_type="raid.risk", object_id=str(risk.pk), action="update").update(
        at=timezone.now() - dt.timedelta(days=1)
    )
    now = PackContext(programme, as_at=today, period_start=today - dt.timedelta(days=5), since=today - dt.timedelta(5))
    section = sections.build(now)
    assert section is not None
    top = tables(section)["Open risks, above appetite first"]
    assert column(top, "Score") == [20] and column(top, "Trend") == ["Up from 12"]
    assert [c.text for c in sections.changes(now)] == [
        "Risk R1 'Demand could rise' re-scored from 12 (Amber) to 20 (Red)"
    ]
    # A pack of a week ago: the risk was raised then, scored 12, and not yet re-scored.
    earlier = PackContext(
        programme, as_at=today - dt.timedelta(7), period_start=today - dt.timedelta(14), since=today - dt.timedelta(14)
    )
    section = sections.build(earlier)
    assert section is not None
    top = tables(section)["Open risks, above appetite first"]
    assert column(top, "Score") == [12] and column(top, "Trend") == ["New"]
    assert [c.text for c in sections.changes(earlier)] == ["Risk R1 'Demand could rise' raised, scored 12 (Amber)"]
    # Before it was entered, the log had nothing open: only the action's due date remains.
    before = PackContext(
        programme, as_at=today - dt.timedelta(20), period_start=today - dt.timedelta(30), since=today - dt.timedelta(30)
    )
    section = sections.build(before)
    assert section is not None
    assert "Open risks, above appetite first" not in tables(section)


def test_an_empty_log_has_no_section_and_a_closed_one_says_so(programme, risk):
    empty = ProgrammeFactory()
    assert sections.build(PackContext(empty, **OCTOBER)) is None
    assert sections.changes(PackContext(empty, **OCTOBER)) == []
    services.risk_close(actor=ACTOR, risk=risk, closed_on=dt.date(2019, 4, 1))
    risk.actions.update(status="cancelled")
    section = sections.build(PackContext(programme, **OCTOBER))
    assert section is not None
    assert section.blocks == (Note("No risk or issue was open at 31/10/2019."),)


def test_the_section_s_queries_do_not_grow_with_the_log(bd):
    ctx = PackContext(bd, **OCTOBER)
    with CaptureQueriesContext(connection) as small:
        sections.build(ctx)
        sections.changes(ctx)
    for n in range(20):
        made = services.risk_create(
            actor=ACTOR,
            programme=bd,
            data={"reference": f"X{n}", "title": f"Extra {n}", "category": "delivery"},
        )
        services.risk_escalate_to_issue(actor=ACTOR, risk=made, raised_on=dt.date(2019, 10, 2))
    with CaptureQueriesContext(connection) as large:
        sections.build(ctx)
        sections.changes(ctx)
    assert len(large) == len(small) <= 13  # seven to build, six for the changes


def test_risks_above_appetite_come_first(bd):
    services.appetite_set(actor=ACTOR, programme=bd, category="financial", max_score=9)
    section = sections.build(PackContext(bd, **OCTOBER))
    assert section is not None
    top = tables(section)["Open risks, above appetite first"]
    # R6 (financial, 12) is above the appetite of 9: it comes before R3's 16.
    assert column(top, "Ref")[:2] == ["R6", "R3"]
    assert column(top, "Appetite")[:2] == ["Above (at most 9)", ""]
    assert "6 open risks, 1 above the programme's appetite" in section.blocks[0].items
