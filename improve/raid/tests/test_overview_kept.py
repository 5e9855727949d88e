"""The RAID panel on the programme overview is kept between requests, never shown stale."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.core.audit import Actor
from improve.raid import services

pytestmark = pytest.mark.django_db
ACTOR = Actor(user=None, via="test")


def overdue_actions(client, programme) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("programmes:overview", args=[programme.slug])).content.decode()
    return int(re.search(r"Overdue actions: (\d+)", body).group(1)), [q["sql"] for q in ctx.captured_queries]


def test_a_second_look_reads_no_raid_table_and_a_new_action_shows_at_once(programme, pmo, risk):
    programme.status_date = dt.date(2019, 6, 30)
    programme.save()
    first, _ = overdue_actions(pmo, programme)
    again, queries = overdue_actions(pmo, programme)
    assert again == first == 1
    assert not any("raid_" in sql for sql in queries)

    services.action_create(
        actor=ACTOR, parent=risk, data={"title": "Recruit two analysts", "due_on": dt.date(2019, 6, 1)}
    )
    now, queries = overdue_actions(pmo, programme)
    assert now == 2 and any("raid_action" in sql for sql in queries)
