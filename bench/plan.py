"""Benchmark: a programme ten times the Barking and Dagenham plan.

Builds 3,550 plan lines in 40 strands (deliverables, each followed by its governance gates, chained
by finish-to-start dependencies), imports it as a programme workbook, then reports the server
time (p50 / p95, and the CPU time's p50) of the overview, plan, timeline and item pages, and of
workbook import and export. The overview and the export are timed twice: as most requests find them
(kept from the request before) and as the first request after a change finds them (nothing kept).

Run with ``make bench``; prints figures, asserts nothing. Uses a throwaway SQLite database (or
BENCH_DATABASE_URL). The programme is built by ``bench/builder.py``; ``bench/http_pages.py`` times the
same pages as a browser gets them, from gunicorn.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchenv import prepare  # noqa: E402

prepare()

import django  # noqa: E402
from builder import LINES, SLUG, build_sheets  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

TARGETS_MS = {"page": 100, "timeline": 500, "export": 400, "import": 2000}


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall times and this process's CPU times of ``runs`` calls of ``fn``. [ms]"""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return wall, cpu


def report(name: str, times: tuple[list[float], list[float]], target: float) -> bool:
    """Print p50 and p95 of the wall times, and the CPU time's p50 (steadier on a shared machine)."""
    ms = sorted(times[0])
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    cpu = statistics.median(times[1])
    ok = p95 < target
    print(
        f"{name:<28} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   CPU p50 {cpu:8.1f} ms   "
        f"target p95 < {target:.0f} ms   {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    import improve as tree

    if (Path(tree.__file__).parent / "core" / "audit.py").exists():  # the ground floor (and later)
        from improve.core.audit import Actor
        from improve.programmes.models import Membership
    else:  # a base ref from before it: --base 915f77b
        from improve.accounts.audit import Actor  # type: ignore[no-redef]

        from improve.accounts.models import Membership  # type: ignore[no-redef, attr-defined]

    from improve.accounts.models import User
    from improve.interchange import services as interchange
    from improve.programmes.models import PlanItem, Programme

    call_command("migrate", verbosity=0)
    setup_test_environment()
    sheets = build_sheets()
    print(
        f"Benchmark: {len(sheets['plan_items'])} plan lines, {len(sheets['strands'])} strands, "
        f"{len(sheets['dependencies'])} dependencies; database {os.environ['DATABASE_URL'].split(':')[0]}"
    )
    actor = Actor(user=None, via="bench")

    first = timed(lambda: interchange.workbook_import(actor=actor, sheets=sheets), 1)
    results = [report("workbook import (new)", first, TARGETS_MS["import"])]
    from improve.interchange.workbook import read_xlsx, xlsx_bytes

    copy = {**sheets, "programme": [{**sheets["programme"][0], "slug": f"{SLUG}-copy"}]}
    data = xlsx_bytes(copy)
    from_file = timed(lambda: interchange.workbook_import(actor=actor, sheets=read_xlsx(data)), 1)
    results.append(report("workbook import (.xlsx, new)", from_file, TARGETS_MS["import"]))
    again = timed(lambda: interchange.workbook_import(actor=actor, sheets=sheets), 5)
    results.append(report("workbook import (same file)", again, TARGETS_MS["import"]))

    programme = Programme.objects.get(slug=SLUG)
    assert PlanItem.objects.filter(programme=programme).count() == LINES
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench")
    Membership.objects.create(user=user, programme=programme, role="pmo_officer")
    client = Client()
    client.force_login(user)

    def page(name: str, **kw: str) -> Callable[[], object]:
        url = reverse(name, kwargs={"slug": SLUG, **kw})

        def get() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    from django.core.cache import cache

    def afresh(get: Callable[[], object]) -> Callable[[], object]:
        def run() -> object:
            cache.clear()  # as after a change: nothing kept from the request before
            return get()

        return run

    mid = str(LINES // 2)
    for label, fn, runs, target in [
        ("overview page", page("programmes:overview"), 20, TARGETS_MS["page"]),
        ("overview page (just changed)", afresh(page("programmes:overview")), 20, TARGETS_MS["page"]),
        ("plan page (first 200 lines)", page("programmes:plan"), 20, TARGETS_MS["page"]),
        ("item page", page("programmes:item", uid=mid), 30, TARGETS_MS["page"]),
        ("item edit form", page("programmes:item-edit", uid=mid), 30, TARGETS_MS["page"]),
        ("timeline (all lines)", page("programmes:timeline"), 10, TARGETS_MS["timeline"]),
    ]:
        fn()  # warm up
        results.append(report(label, timed(fn, runs), target))

    def export() -> bytes:
        return interchange.workbook_export_xlsx(programme=programme)

    export()
    results.append(report("workbook export (.xlsx)", timed(export, 10), TARGETS_MS["export"]))
    # as the first download after a change finds it: nothing kept
    results.append(report("workbook export (just changed)", timed(afresh(export), 10), TARGETS_MS["export"]))
    print("All targets met" if all(results) else "Some targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
