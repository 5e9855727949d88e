"""Query counts per page must not grow with the number of plan lines."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.programmes.models import Dependency, PlanItem
from improve.programmes.tests.factories import OwnerFactory, PlanItemFactory, StrandFactory

PAGES = [
    "programmes:overview",
    "programmes:plan",
    "programmes:timeline",
    "programmes:item",
    "programmes:item-edit",
    "programmes:baselines",
    "programmes:history",
]


def grow(programme, n):
    strands = [StrandFactory(programme=programme) for _ in range(3)]
    owners = [OwnerFactory(programme=programme) for _ in range(3)]
    items = []
    for i in range(n):
        items.append(
            PlanItemFactory(
                strand=strands[i % 3],
                owner=owners[i % 3],
                uid=f"g{len(items)}-{n}",
                end_date=dt.date(2019, 8, 30) + dt.timedelta(days=i),
            )
        )
    for a, b in zip(items, items[1:], strict=False):
        Dependency.objects.create(programme=programme, predecessor=a, successor=b)


def count(client, name, programme):
    kwargs = {"slug": programme.slug}
    if name.startswith("programmes:item"):
        kwargs["uid"] = "1"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", PAGES)
def test_queries_do_not_grow_with_the_plan(programme, pmo, name):
    grow(programme, 5)
    small = count(pmo, name, programme)
    grow(programme, 60)
    assert PlanItem.objects.filter(programme=programme).count() == 68
    large = count(pmo, name, programme)
    assert large == small, f"{name}: {small} queries with 8 lines, {large} with 68"
