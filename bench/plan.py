"""Benchmark: a programme ten times the Barking and Dagenham plan.

Builds 3,550 plan lines in 40 strands (deliverables, each followed by its governance gates, chained
by finish-to-start dependencies), imports it as a programme workbook, then reports the server
time (p50 / p95) of the overview, plan, timeline and item pages, and of workbook import and export.

Run with ``make bench``; prints figures, asserts nothing. Uses a throwaway SQLite database (or
BENCH_DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
tmp = tempfile.mkdtemp(prefix="improve-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

LINES = 3550
STRANDS = 40
SLUG = "bench-10x-bd"
TARGETS_MS = {"page": 100, "timeline": 500, "export": 400, "import": 2000}


def d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def build_sheets() -> dict[str, list[dict[str, str]]]:
    """Sheets in the programme-workbook layout (docs/workbook.md)."""
    start = dt.date(2019, 4, 1)
    sheets: dict[str, list[dict[str, str]]] = {
        "programme": [
            {
                "slug": SLUG,
                "council": "Benchmark Council",
                "name": "10x B&D plan",
                "strand_term": "strand",
                "start": d(start),
                "end": d(dt.date(2022, 3, 31)),
                "background": "Benchmark data",
                "objectives": "",
                "outcomes": "",
                "principles": "",
                "lessons_learned": "",
                "notes": "",
            }
        ],
        "strands": [
            {"code": str(s + 1), "name": f"Strand {s + 1}", "aim": "", "lead": "", "order": str(s + 1)}
            for s in range(STRANDS)
        ],
        "stages": [
            {
                "code": code,
                "name": name,
                "start": d(a),
                "end": d(b),
                "owner": "",
                "description": "",
                "order": str(i + 1),
            }
            for i, (code, name, a, b) in enumerate(
                [
                    ("identify", "Identifying a Programme", dt.date(2019, 4, 1), dt.date(2019, 6, 30)),
                    ("define", "Defining a Programme", dt.date(2019, 7, 1), dt.date(2019, 9, 30)),
                    ("deliver", "Delivering the Capability", dt.date(2019, 10, 1), dt.date(2020, 9, 30)),
                    ("realise", "Realising the Benefits", dt.date(2020, 10, 1), dt.date(2021, 9, 30)),
                    ("close", "Closing the Programme", dt.date(2021, 10, 1), dt.date(2022, 3, 31)),
                ]
            )
        ],
        "owners": [{"name": f"Owner {n}", "kind": "person", "title": ""} for n in range(60)]
        + [
            {"name": b, "kind": "board", "title": ""}
            for b in ("Workforce Board", "Children's Improvement Board", "CSG")
        ],
        "projects": [],
        "plan_items": [],
        "dependencies": [],
        "baselines": [],
        "baseline_items": [],
    }
    per_strand = LINES // STRANDS
    uid = 0
    for s in range(STRANDS):
        count = per_strand + (1 if s < LINES - per_strand * STRANDS else 0)
        parent = ""
        previous = ""
        for k in range(count):
            uid += 1
            gate = k % 4 != 0
            a = start + dt.timedelta(days=(uid * 7) % 900)
            b = a + dt.timedelta(days=0 if gate else 60 + uid % 90)
            tbd = uid % 23 == 0
            status = (
                "complete" if b < dt.date(2020, 6, 1) else "in_progress" if a < dt.date(2020, 6, 1) else "not_started"
            )
            sheets["plan_items"].append(
                {
                    "uid": str(uid),
                    "level": "2" if gate else "1",
                    "kind": "gate" if gate else "deliverable",
                    "gate_type": ("endorsement", "consultation", "decision")[k % 3] if gate else "",
                    "title": f"{'Endorsed by Workforce Board' if gate else 'Service go live'} {uid}",
                    "strand": str(s + 1),
                    "project": "",
                    "parent": parent if gate else "",
                    "owner": "Workforce Board" if gate else f"Owner {uid % 60}",
                    "team": "Governance" if gate else "Operations",
                    "start": "TBD" if tbd else d(a),
                    "end": "TBD" if tbd else d(b),
                    "status": status,
                    "rag": ("green", "amber", "red", "")[uid % 4],
                    "percent_complete": "100" if status == "complete" else ("50" if status == "in_progress" else "0"),
                    "order": str(uid * 10),
                    "notes": "",
                }
            )
            if not gate:
                parent = str(uid)
            if previous and not tbd and uid % 23 != 1:
                sheets["dependencies"].append(
                    {"predecessor": previous, "successor": str(uid), "type": "FS", "lag_days": "0"}
                )
            previous = str(uid) if not tbd else previous
    return sheets


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def report(name: str, ms: list[float], target: float) -> bool:
    ms = sorted(ms)
    p50 = statistics.median(ms)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    ok = p95 < target
    print(
        f"{name:<28} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   target p95 < {target:.0f} ms   {'OK' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    from improve.accounts.audit import Actor
    from improve.accounts.models import Membership, User
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

    mid = str(LINES // 2)
    for label, fn, runs, target in [
        ("overview page", page("programmes:overview"), 20, TARGETS_MS["page"]),
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
    print("All targets met" if all(results) else "Some targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
