"""Benchmark: the MS Project export and import of a programme ten times the Barking and Dagenham plan.

Builds the benchmark programme (``bench/builder.py``: 3,550 plan lines in 40 strands), exports it
as MS Project XML (MSPDI) and as MPX (MPXJ writes no .mpp, so MPX stands in for the binary file),
then imports each file into a new programme as a user would: read (the child process), preview
(a dry run) and confirm (the real import). Prints the wall time of each step and the peak memory
of this process and of the reading and writing child processes.

Run with ``make bench``; prints figures, asserts nothing. Uses a throwaway SQLite database (or
BENCH_DATABASE_URL). Needs Java (``make java``); without it, says so and stops.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from benchenv import prepare  # noqa: E402

prepare()

import django  # noqa: E402
from builder import SLUG, build_sheets  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def timed(label: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    value = fn()
    print(f"{label:<44} {(time.perf_counter() - t0):7.2f} s")
    return value


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def main() -> int:
    from improve.core.audit import Actor
    from improve.interchange import services as interchange
    from improve.interchange.msproject.convert import SUMMARIES_AS_STRANDS, Options
    from improve.interchange.msproject.reader import java_problem, read_project
    from improve.interchange.msproject.services import msproject_export, msproject_export_plan, msproject_import
    from improve.programmes.models import PlanItem, Programme

    problem = java_problem()
    if problem:
        print(f"MS Project benchmark skipped: {problem}")
        return 0
    call_command("migrate", verbosity=0)
    actor = Actor(user=None, via="bench")
    sheets = build_sheets()
    result = interchange.workbook_import(actor=actor, sheets=sheets)
    assert result.ok, result.problems[:3]
    programme = Programme.objects.get(slug=SLUG)
    lines = PlanItem.objects.filter(programme=programme).count()
    print(
        f"MS Project benchmark: {lines} plan lines, {len(sheets['strands'])} strands, "
        f"{len(sheets['dependencies'])} dependencies; database {os.environ['DATABASE_URL'].split(':')[0]}"
    )

    plan = timed("export: lay the plan out (no Java)", lambda: msproject_export_plan(programme=programme))
    print(f"{'':<44} {len(plan.tasks)} tasks, {len(plan.resources)} resources")
    files = {
        "MSPDI": timed("export: MS Project XML (MSPDI), whole", lambda: msproject_export(programme=programme)),
        "MPX": timed("export: MPX, whole", lambda: msproject_export(programme=programme, fmt="mpx")),
    }
    options = Options(summaries=SUMMARIES_AS_STRANDS)
    for n, (kind, data) in enumerate(files.items()):
        print(f"{'':<44} {kind}: {len(data) / 1e6:.1f} MB")
        name = "plan.xml" if kind == "MSPDI" else "plan.mpx"
        project = timed(f"import {kind}: read (child process)", lambda d=data, f=name: read_project(d, filename=f))
        copy = interchange.workbook_import(
            actor=actor,
            sheets={
                "programme": [{**sheets["programme"][0], "slug": f"{SLUG}-{kind.lower()}-{n}"}],
                "strands": [],
                "owners": [],
                "plan_items": [],
            },
        ).programme
        assert copy is not None
        preview = timed(
            f"import {kind}: preview (dry run)",
            lambda p=project, c=copy: msproject_import(
                actor=actor, programme=c, project=p, options=options, dry_run=True
            ),
        )
        if not preview.ok:
            print(f"{'':<44} refused: {preview.problems[:3]}")
            continue
        done = timed(
            f"import {kind}: confirm (written)",
            lambda p=project, c=copy: msproject_import(actor=actor, programme=c, project=p, options=options),
        )
        made = PlanItem.objects.filter(programme=copy).count()
        print(f"{'':<44} {made} plan lines written; {len(done.dropped)} notes of what was left out")
    print(
        f"peak memory: this process {peak_mb(resource.RUSAGE_SELF):.0f} MB, "
        f"largest child (Java reader or writer) {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB"
    )
    # The read API's figures (list endpoints at B&D and 10x scale, schemathesis) are bench/api.py's,
    # which make bench runs next, in a database of its own.
    return 0


if __name__ == "__main__":
    sys.exit(main())
