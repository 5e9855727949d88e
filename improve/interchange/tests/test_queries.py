"""Import and export use a number of queries that does not grow with the plan."""

from __future__ import annotations

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improve.interchange import services
from improve.interchange.tests.conftest import ACTOR
from improve.interchange.tests.synthetic import synthetic_sheets

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")


def kinds(queries: CaptureQueriesContext) -> tuple[int, int]:
    """(reads, writes) among the captured statements (transaction statements left out)."""
    sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    sql = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"))]
    writes = sum(1 for s in sql if s.startswith(WRITES))
    return len(sql) - writes, writes


def measure(lines: int) -> dict[str, tuple[int, int]]:
    sheets = synthetic_sheets(lines, strands=5, slug=f"plan-{lines}")
    out = {}
    with CaptureQueriesContext(connection) as q:
        created = services.workbook_import(actor=ACTOR, sheets=sheets)
    assert created.ok and created.created_count > lines
    out["create"] = kinds(q)
    with CaptureQueriesContext(connection) as q:
        assert not services.workbook_import(actor=ACTOR, sheets=sheets).has_changes
    out["same again"] = kinds(q)
    for row in sheets["plan_items"]:
        row["title"] += " (changed)"
    sheets["plan_items"] = sheets["plan_items"][: lines - 5]  # five lines archived
    sheets["dependencies"] = [d for d in sheets["dependencies"] if int(d["successor"]) - 1000 <= lines - 5]
    with CaptureQueriesContext(connection) as q:
        assert services.workbook_import(actor=ACTOR, sheets=sheets, dry_run=True).changed_count
    out["dry run"] = kinds(q)
    with CaptureQueriesContext(connection) as q:
        assert services.workbook_import(actor=ACTOR, sheets=sheets).changed_count == lines - 5
    out["change"] = kinds(q)
    with CaptureQueriesContext(connection) as q:
        services.workbook_export(programme=created.programme)
    out["export"] = kinds(q)
    return out


def test_query_count_does_not_grow_with_the_number_of_lines():
    small, large = measure(50), measure(500)
    # Reads are a fixed number, whatever the size of the plan.
    for step in small:
        assert small[step][0] == large[step][0], step
    # Exporting, checking and re-importing an unchanged plan: the very same queries.
    for step in ("export", "dry run", "same again"):
        assert small[step] == large[step], step
    assert large["export"][1] == 0  # (each room's part reads a fixed number of tables: 9 for the plan)
    assert large["same again"][1] == 0
    # Writes are bulk statements: the only growth is the database's batch limit (SQLite
    # takes ~999 values per statement), never one statement per line.
    for step in ("create", "change"):
        assert large[step][1] <= small[step][1] + 2 * math.ceil(500 * 25 / 999) + 6, (step, small, large)
        assert large[step][1] < 500 / 5, (step, large)
