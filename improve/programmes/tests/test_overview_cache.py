"""The overview's figures are kept between requests and never shown after the programme changes."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.core.audit import Actor
from improve.interchange import services as interchange
from improve.programmes import selectors, services
from improve.programmes.models import PlanItem, Programme

ACTOR = Actor(user=None, via="test")


def cards(client, programme):
    """The overview's summary cards: {label: number}, and the number of plan lines it states."""
    body = client.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    found = re.findall(r'io-card__number">(\d+)</span> (?:<a [^>]*>)?([a-z ]+)', body)
    return {label.strip(): int(n) for n, label in found}, int(re.search(r"(\d+) plan lines in", body).group(1))


def overview_queries(client, programme):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("programmes:overview", args=[programme.slug])).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_second_look_at_the_overview_reads_no_plan_line(programme, pmo):
    first = overview_queries(pmo, programme)
    again = overview_queries(pmo, programme)
    assert any("programmes_planitem" in sql for sql in first)
    assert not any("programmes_planitem" in sql or "programmes_dependency" in sql for sql in again)
    assert len(again) < len(first)


def test_a_changed_line_shows_at_once(programme, pmo):
    before, total = cards(pmo, programme)
    item = PlanItem.objects.get(programme=programme, uid="23")
    services.plan_item_update(
        actor=ACTOR, item=item, expected_version=item.version, data={"status": "complete", "percent_complete": 100}
    )
    after, _ = cards(pmo, programme)
    assert after["complete"] == before["complete"] + 1 and after["not started"] == before["not started"] - 1


def test_an_added_an_archived_and_a_restored_line_show_at_once(programme, pmo):
    _, total = cards(pmo, programme)
    strand = PlanItem.objects.get(programme=programme, uid="1").strand
    data = {"uid": "99", "title": "New", "strand": strand}
    line = services.plan_item_create(actor=ACTOR, programme=programme, data=data)
    assert cards(pmo, programme)[1] == total + 1
    services.part_archive(actor=ACTOR, instance=line)
    assert cards(pmo, programme)[1] == total
    services.part_restore(actor=ACTOR, instance=PlanItem.all_objects.get(pk=line.pk))
    assert cards(pmo, programme)[1] == total + 1


def test_a_new_dependency_the_dates_break_shows_at_once(programme, pmo):
    url = reverse("programmes:overview", args=[programme.slug])
    assert "Every dependency with dates is respected" in pmo.get(url).content.decode()
    late, early = (PlanItem.objects.get(programme=programme, uid=uid) for uid in ("17", "1"))
    services.dependency_create(actor=ACTOR, programme=programme, predecessor=late, successor=early)
    assert "1 dependency is not respected" in pmo.get(url).content.decode()


def test_an_import_and_a_new_status_date_show_at_once(programme, pmo):
    before, _ = cards(pmo, programme)
    sheets = interchange.workbook_export(programme=programme)
    for row in sheets["plan_items"]:
        row["rag"] = "red"
    assert interchange.workbook_import(actor=ACTOR, sheets=sheets).applied
    after, _ = cards(pmo, programme)
    assert after["rated red"] == 3 != before["rated red"]
    programme.refresh_from_db()
    data = {"status_date": dt.date(2000, 1, 1)}
    services.programme_update(actor=ACTOR, programme=programme, expected_version=programme.version, data=data)
    assert cards(pmo, programme)[0]["overdue"] == 0 != after["overdue"]


@pytest.mark.django_db
def test_the_change_count_grows_with_every_write_to_the_programme_and_no_other(programme):
    start = selectors.change_count(programme)
    item = PlanItem.objects.get(programme=programme, uid="1")
    services.plan_item_update(actor=ACTOR, item=item, expected_version=item.version, data={"title": "Renamed"})
    assert selectors.change_count(programme) == start + 1
    other = Programme.objects.create(slug="other", council="C", name="Other")
    services.programme_update(actor=ACTOR, programme=other, expected_version=other.version, data={"name": "O"})
    assert selectors.change_count(programme) == start + 1  # another programme's write is not this one's change
