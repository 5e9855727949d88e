"""Benchmark: the governance room at ten boards.

On the ten-times-B&D plan (``bench/builder.py``, 3,550 plan lines) builds ten boards in three tiers
with the cadences the papers write, a year of their meetings (2019/20) with themes and a reporting
chain, 300 decisions (some completing gates), 120 change requests naming plan lines and a few
documents; then reports the server time (p50 / p95) of the calendar page, a board page, the
registers and the reporting chain, and the time to generate the calendar of the ten boards for five
years: the dates alone (pure cadence code) and stored (the service, which writes each meeting and
its audit event), and the same five years generated again (every meeting kept).

Run with ``make bench``; prints figures, asserts nothing. Uses a throwaway SQLite database (or
BENCH_DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from benchenv import prepare  # noqa: E402

prepare()

import django  # noqa: E402
from builder import SLUG, build_sheets  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

TARGETS_MS = {"page": 100, "generate": 200, "store": 5000}
YEAR = (dt.date(2019, 4, 1), dt.date(2020, 3, 31))
FIVE_YEARS = (dt.date(2019, 4, 1), dt.date(2024, 3, 31))
# (code, cadence, parent, tolerance days, tolerance £): a top board, three boards under it, six under those.
BOARDS = [
    ("top", "monthly (3rd Thursday)", "", None, None),
    ("cib", "Monthly (before 2nd Thursday)", "top", 20, Decimal("50000")),
    ("fin", "monthly, 2 working days before the 2nd Thursday", "top", 10, Decimal("20000")),
    ("work", "every 6 weeks from 02/04/2019", "top", 10, Decimal("10000")),
    ("team", "weekly (Tuesday)", "cib", 5, None),
    ("lead", "Monthly (before 1st Thursday)", "cib", 5, Decimal("5000")),
    ("ops", "fortnightly from 03/04/2019", "cib", 5, None),
    ("tda", "first Monday of the month", "fin", None, Decimal("1000")),
    ("hr", "last Friday of the month", "work", 3, None),
    ("scr", "quarterly from 11/04/2019", "work", None, None),
]


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
    """p50 and p95 of the wall times, and the CPU time's p50 (steadier on a shared machine)."""
    ms = sorted(times[0])
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    cpu = statistics.median(times[1])
    ok = p95 < target
    print(
        f"{name:<36} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   CPU p50 {cpu:8.1f} ms   "
        f"target p95 < {target:.0f} ms   {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    from improve.accounts.models import User
    from improve.core.audit import Actor
    from improve.governance import cadence, services
    from improve.governance.models import Board, ChangeRequest, Decision, Meeting
    from improve.interchange import services as interchange
    from improve.programmes.models import ItemKind, Membership, Owner, PlanItem, Programme, Strand

    call_command("migrate", verbosity=0)
    setup_test_environment()
    actor = Actor(user=None, via="bench")
    result = interchange.workbook_import(actor=actor, sheets=build_sheets())
    assert result.ok, result.problems[:3]
    programme = Programme.objects.get(slug=SLUG)
    owners = list(Owner.objects.filter(programme=programme)[:6])
    boards: dict[str, Board] = {}
    for order, (code, text, parent, days, cost) in enumerate(BOARDS, start=1):
        boards[code] = services.board_save(
            actor=actor,
            programme=programme,
            data={
                "code": code,
                "name": f"Board {code}",
                "cadence": text,
                "parent": boards.get(parent),
                "chair": owners[order % len(owners)],
                "tolerance_days": days,
                "tolerance_cost": cost,
                "tolerance_scope": code == "top",
                "themes_per_meeting": 2 if code == "cib" else 0,
                "order": order,
            },
            members=owners[:4],
        )
        if parent:
            services.report_link_save(
                actor=actor,
                programme=programme,
                sender=boards[code],
                receiver=boards[parent],
                report=f"Highlight report from {code}",
                due_working_days=2,
            )
    services.calendar_generate(actor=actor, programme=programme, start=YEAR[0], end=YEAR[1])
    services.rota_generate(actor=actor, board=boards["cib"], start=YEAR[0], end=YEAR[1])
    meetings = list(Meeting.objects.filter(programme=programme).select_related("board").order_by("date"))
    gates = list(PlanItem.objects.filter(programme=programme, kind=ItemKind.GATE).order_by("id")[:300])
    for n in range(300):
        meeting = meetings[n % len(meetings)]
        services.decision_record(
            actor=actor, meeting=meeting, text=f"Decision {n}", gate=gates[n] if n % 3 == 0 else None
        )
    strands = list(Strand.objects.filter(programme=programme))
    lines = list(PlanItem.objects.filter(programme=programme, kind=ItemKind.DELIVERABLE).order_by("id")[:360])
    for n in range(120):
        services.change_raise(
            actor=actor,
            programme=programme,
            title=f"Change {n}",
            impact_days=(n % 30) + 1,
            impact_cost=Decimal(n * 1000),
            strand=strands[n % len(strands)],
            lines=[(lines[3 * n + k], None, dt.date(2020, 3, 1) + dt.timedelta(days=k)) for k in range(n % 3 + 1)],
        )
    for n in range(5):
        document = services.document_save(actor=actor, programme=programme, code=f"doc{n}", title=f"Document {n}")
        for v in range(4):
            services.document_version_add(
                actor=actor, document=document, version=f"{v}.0", date=dt.date(2019, 5, v + 1)
            )
            services.document_signoff_add(actor=actor, document=document, version=f"{v}.0", kind="approval", name="CSG")
    print(
        f"Benchmark: {Board.objects.filter(programme=programme).count()} boards, "
        f"{Meeting.objects.filter(programme=programme).count()} meetings in 2019/20, "
        f"{Decision.objects.filter(programme=programme).count()} decisions, "
        f"{ChangeRequest.objects.filter(programme=programme).count()} change requests, "
        f"{PlanItem.objects.filter(programme=programme).count()} plan lines; "
        f"database {os.environ['DATABASE_URL'].split(':')[0]}"
    )

    user = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench")
    Membership.objects.create(user=user, programme=programme, role="programme_manager")
    client = Client()
    client.force_login(user)

    def page(name: str, query: str = "", **kw: str) -> Callable[[], object]:
        url = reverse(name, kwargs={"slug": SLUG, **kw}) + query

        def get() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    results = []
    for label, fn, runs in [
        ("calendar page (2019/20)", page("governance:calendar", "?year=2019"), 20),
        ("board page (weekly board)", page("governance:board", "?year=2019", board_code="team"), 20),
        ("board page (improvement board)", page("governance:board", "?year=2019", board_code="cib"), 20),
        ("boards register", page("governance:boards"), 20),
        ("decisions register", page("governance:decisions"), 20),
        ("change requests register", page("governance:changes"), 20),
        ("reporting chain (2019/20)", page("governance:chain", "?year=2019"), 20),
        ("documents page", page("governance:documents"), 20),
    ]:
        fn()  # warm up
        results.append(report(label, timed(fn, runs), TARGETS_MS["page"]))

    rules = [(b, b.rule()) for b in Board.objects.filter(programme=programme)]

    def dates() -> object:
        return cadence.calendar([(b, r) for b, r in rules if r is not None], *FIVE_YEARS)

    dates()
    results.append(report("10 boards x 5 years: dates", timed(dates, 10), TARGETS_MS["generate"]))
    store = timed(
        lambda: services.calendar_generate(actor=actor, programme=programme, start=FIVE_YEARS[0], end=FIVE_YEARS[1]), 1
    )
    results.append(report("10 boards x 5 years: stored", store, TARGETS_MS["store"]))
    again = timed(
        lambda: services.calendar_generate(actor=actor, programme=programme, start=FIVE_YEARS[0], end=FIVE_YEARS[1]), 5
    )
    results.append(report("10 boards x 5 years: generated again", again, TARGETS_MS["generate"]))
    print(f"{Meeting.objects.filter(programme=programme).count()} meetings stored over five years")
    print("All targets met" if all(results) else "Some targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
