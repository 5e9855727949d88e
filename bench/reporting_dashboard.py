"""Benchmark: the programme & PMO dashboard and the highlight reports at B&D scale and ten times it.

B&D: the example (``improve load-example barking-dagenham-2019``): 74 plan lines, 4 strands, its 48
demo highlight reports. 10×: the ten-times-B&D plan (``bench/builder.py``, 3,550 lines in 40
strands) with a baseline, 200 risks, 100 issues and a year of highlight reports (480), started
through the service (pre-filled from the live data). Reports the server time (p50 / p95) of the
dashboard page (as at October 2019: as kept until the next change, and worked out afresh as the
first visit after a change finds it), the highlight reports page (2019/20) and one report's page,
and the time to start one pre-filled report.

Run with ``.venv/bin/python bench/reporting_dashboard.py``; prints figures, asserts nothing. Uses a
throwaway SQLite database (or BENCH_DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import statistics
import time
from collections.abc import Callable, Iterator

from benchenv import prepare  # noqa: E402

prepare()

import django  # noqa: E402
from builder import SLUG, build_sheets  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

TARGET_MS = 100
MONTHS = [dt.date(2019 + (m + 3) // 12, (m + 3) % 12 + 1, 1) for m in range(12)]  # April 2019 - March 2020


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall times and this process's CPU times of ``runs`` calls of ``fn``. [ms]"""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return wall, cpu


def report(name: str, times: tuple[list[float], list[float]], target: float | None = TARGET_MS) -> None:
    ms = sorted(times[0])
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    cpu = statistics.median(times[1])
    verdict = "" if target is None else f"   target p95 < {target:.0f} ms   {'OK' if p95 < target else 'MISSED'}"
    print(f"{name:<44} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   CPU p50 {cpu:8.1f} ms{verdict}")


def ten_times() -> object:
    from improve.core.audit import Actor
    from improve.interchange import services as interchange
    from improve.programmes.models import Baseline, BaselineItem, PlanItem, Programme, Strand
    from improve.raid.models import Issue, Risk, RiskAppetite
    from improve.reporting.highlights import services

    actor = Actor(user=None, via="bench")
    result = interchange.workbook_import(actor=actor, sheets=build_sheets())
    assert result.ok, result.problems[:3]
    programme = Programme.objects.get(slug=SLUG)
    strands = list(Strand.objects.filter(programme=programme).order_by("order"))
    baseline = Baseline.objects.create(programme=programme, name="Agreed", taken_on=dt.date(2019, 3, 1))
    items = list(PlanItem.objects.filter(programme=programme, end_date__isnull=False))
    BaselineItem.objects.bulk_create(
        BaselineItem(baseline=baseline, uid=i.uid, end_date=i.end_date - dt.timedelta(days=(n % 5) * 7))
        for n, i in enumerate(items)
    )
    RiskAppetite.objects.create(programme=programme, category="delivery", max_score=8)
    for n in range(200):
        risk = Risk.objects.create(
            programme=programme,
            reference=f"R{n}",
            title=f"Risk {n}",
            residual_likelihood=n % 5 + 1,
            residual_impact=(n // 5) % 5 + 1,
        )
        risk.strands.add(strands[n % len(strands)])
    for n in range(100):
        issue = Issue.objects.create(
            programme=programme,
            reference=f"I{n}",
            title=f"Issue {n}",
            priority=("critical", "high", "medium", "low")[n % 4],
            escalation="board" if n % 3 == 0 else "programme",
            raised_on=MONTHS[n % 12],
        )
        issue.strands.add(strands[n % len(strands)])
    for month in MONTHS:
        for strand in strands:
            services.highlight_create(actor=actor, programme=programme, strand=strand, period=month)
    return programme


def main() -> int:
    from improve.accounts.models import User
    from improve.core.audit import Actor
    from improve.programmes.models import Membership, PlanItem, Programme, Strand
    from improve.reporting.highlights import services
    from improve.reporting.models import HighlightReport

    call_command("migrate", verbosity=0)
    setup_test_environment()
    call_command("load_example", "barking-dagenham-2019", stdout=io.StringIO())
    t0 = time.perf_counter()
    ten_times()
    built = time.perf_counter() - t0
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench")
    client = Client()
    client.force_login(user)
    for programme in Programme.objects.order_by("pk"):
        Membership.objects.create(user=user, programme=programme, role="pmo_officer")
        slug = programme.slug
        print(
            f"\n{slug}: {PlanItem.objects.filter(programme=programme).count()} plan lines, "
            f"{Strand.objects.filter(programme=programme).count()} strands, "
            f"{HighlightReport.objects.filter(programme=programme).count()} highlight reports; "
            f"database {os.environ['DATABASE_URL'].split(':')[0]}"
        )

        def page(name: str, query: str = "", *args: str, _slug: str = slug) -> Callable[[], object]:
            url = reverse(name, args=[_slug, *args]) + query

            def get() -> object:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            return get

        def afresh(get: Callable[[], object]) -> Callable[[], object]:
            def get_afresh() -> object:
                cache.clear()  # as the first visit after any change finds it
                return get()

            return get_afresh

        for label, fn in [
            ("dashboard page (as at 31/10/2019)", page("reporting:dashboard", "?month=2019-10")),
            ("… worked out afresh (first visit after a change)", afresh(page("reporting:dashboard", "?month=2019-10"))),
            ("highlight reports page (2019/20)", page("reporting:highlights", "?year=2019")),
            ("one report's page (strand 1, October 2019)", page("reporting:highlight", "", "1", "2019-10")),
        ]:
            fn()
            report(label, timed(fn, 30))
        strand = Strand.objects.filter(programme=programme).order_by("order").first()
        assert strand is not None
        months = iter([dt.date(2021 + n // 12, n % 12 + 1, 1) for n in range(40)])

        def start(
            _programme: Programme = programme, _strand: Strand = strand, _months: Iterator[dt.date] = months
        ) -> object:
            return services.highlight_create(
                actor=Actor(user=None, via="bench"), programme=_programme, strand=_strand, period=next(_months)
            )

        report("start one pre-filled report (service)", timed(start, 20), None)
    print(f"\n(building the 10× programme and its 480 pre-filled reports took {built:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
