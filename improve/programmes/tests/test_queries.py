"""Query counts per page must not grow with the number of plan lines."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improve.programmes.models import Dependency, PlanItem, Project
from improve.programmes.tests.factories import OwnerFactory, PlanItemFactory, StageFactory, StrandFactory

PAGES = [
    "programmes:overview",
    "programmes:plan",
    "programmes:timeline",
    "programmes:item",
    "programmes:item-edit",
    "programmes:baselines",
    "programmes:history",
    "programmes:strands",
    "programmes:stages",
    "programmes:projects",
    "programmes:owners",
]


def grow(programme, n):
    owners = [OwnerFactory(programme=programme) for _ in range(3)]
    strands = [StrandFactory(programme=programme, lead=owner) for owner in owners]
    for strand in strands:  # the registers of the definition grow too, some rows archived
        project = Project.objects.create(
            programme=programme, strand=strand, code=f"p{strand.pk}", name="Project", lead=owners[1]
        )
        StageFactory(programme=programme, code=f"s{strand.pk}", owner=owners[0])
        for row in (project, StageFactory(programme=programme, code=f"a{strand.pk}")):
            row.archived_at = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
            row.save()
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


def count(client, name, programme, query=None):
    kwargs = {"slug": programme.slug}
    if name.startswith("programmes:item"):
        kwargs["uid"] = "1"
    cache.clear()  # the rows were made behind the audit trail's back: count a page made afresh
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name, kwargs=kwargs), query or {})
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


REGISTERS = ["programmes:plan", "programmes:strands", "programmes:stages", "programmes:projects", "programmes:owners"]


@pytest.mark.parametrize("name", REGISTERS)
@pytest.mark.parametrize("query", [{"archived": "on"}, {"q": "a"}], ids=["archived", "filtered"])
def test_registers_archived_or_filtered_do_not_grow(programme, pmo, name, query):
    grow(programme, 5)
    PlanItem.objects.filter(programme=programme, uid__startswith="g").update(
        archived_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    )
    small = count(pmo, name, programme, query)
    grow(programme, 60)
    PlanItem.objects.filter(programme=programme, uid__startswith="g").update(
        archived_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    )
    large = count(pmo, name, programme, query)
    assert large == small, f"{name} {query}: {small} queries, then {large} with more rows"
