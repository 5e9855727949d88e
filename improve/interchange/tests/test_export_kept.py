"""An exported workbook is kept between downloads and never given out after the programme changes."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from improve.core.audit import Actor
from improve.interchange import services
from improve.programmes import services as plan_services
from improve.programmes.models import PlanItem

pytestmark = pytest.mark.django_db
ACTOR = Actor(user=None, via="test")


def titles(data: bytes) -> dict[str, str]:
    sheet = load_workbook(io.BytesIO(data), read_only=True)["plan_items"]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    return {str(r[header.index("uid")]): r[header.index("title")] for r in rows}


def test_a_second_export_reads_no_plan_and_a_change_shows_at_once(programme):
    first = services.workbook_export_xlsx(programme=programme)
    with CaptureQueriesContext(connection) as q:
        again = services.workbook_export_xlsx(programme=programme)
    assert again == first
    assert not any("programmes_planitem" in x["sql"] for x in q.captured_queries)

    item = PlanItem.objects.get(programme=programme, uid="23")
    plan_services.plan_item_update(
        actor=ACTOR, item=item, expected_version=item.version, data={"title": "Recruit the new team"}
    )
    changed = services.workbook_export_xlsx(programme=programme)
    assert titles(changed)["23"] == "Recruit the new team" != titles(first)["23"]
