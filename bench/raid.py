"""Benchmark: the RAID room at scale — 500 risks, 300 issues and 2,000 actions on one programme.

Builds the 10x Barking and Dagenham plan (``bench/builder.py``) with its RAID log added as workbook
sheets, imports it, then reports the server time (p50 / p95, in process with the test client) of
the risk register, the issue register, the heat map and the programme overview. Prints figures,
asserts nothing. Uses a throwaway SQLite database (or BENCH_DATABASE_URL).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
tmp = tempfile.mkdtemp(prefix="improve-bench-raid-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")

import django  # noqa: E402
from builder import SLUG, STRANDS, build_sheets, d  # noqa: E402
from plan import report, timed  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RISKS, ISSUES, ACTIONS = 500, 300, 2000
TARGET_MS = 100
CATEGORIES = ("financial", "workforce", "demand", "quality", "reputational", "delivery")


def raid_sheets(sheets: dict[str, list[dict[str, str]]]) -> None:
    owners = [o["name"] for o in sheets["owners"]]
    uids = [i["uid"] for i in sheets["plan_items"]]
    start = dt.date(2019, 4, 1)
    sheets["risk_appetite"] = [{"category": c, "max_score": str(6 + n)} for n, c in enumerate(CATEGORIES)]
    sheets["risks"] = [
        {
            "reference": f"R{n}",
            "title": f"Risk {n}: demand in area {n % 17} could rise",
            "category": CATEGORIES[n % len(CATEGORIES)],
            "owner": owners[n % len(owners)],
            "cause": "Cause",
            "event": "Event",
            "effect": "Effect",
            "inherent_likelihood": "LMH"[n % 3],
            "inherent_impact": str(1 + n % 5),
            "residual_likelihood": str(1 + (n // 5) % 5),
            "residual_impact": str(1 + n % 5),
            "target_likelihood": "",
            "target_impact": "",
            "proximity": "",
            "review": d(start + dt.timedelta(days=n % 120)),
            "status": "open" if n % 10 else "closed",
            "closed": "" if n % 10 else d(start),
            "strands": f"{1 + n % STRANDS}",
            "plan_items": uids[n % len(uids)],
            "notes": "",
        }
        for n in range(1, RISKS + 1)
    ]
    sheets["issues"] = [
        {
            "reference": f"I{n}",
            "title": f"Issue {n}",
            "description": "",
            "impact": "Impact",
            "priority": ("critical", "high", "medium", "low")[n % 4],
            "owner": owners[n % len(owners)],
            "escalation": ("workstream", "programme", "board", "corporate")[n % 4],
            "status": "open",
            "raised": d(start),
            "resolved": "",
            "from_risk": "",
            "strands": f"{1 + n % STRANDS}",
            "plan_items": "",
            "notes": "",
        }
        for n in range(1, ISSUES + 1)
    ]
    sheets["raid_actions"] = [
        {
            "reference": f"A{n}",
            "risk": f"R{1 + n % RISKS}" if n % 3 else "",
            "issue": "" if n % 3 else f"I{1 + n % ISSUES}",
            "action": f"Action {n}",
            "owner": owners[n % len(owners)],
            "due": d(start + dt.timedelta(days=n % 200)),
            "status": "open",
            "done": "",
        }
        for n in range(1, ACTIONS + 1)
    ]


def main() -> int:
    from improve.accounts.models import User
    from improve.core.audit import Actor
    from improve.interchange import services as interchange
    from improve.programmes.models import Membership, Programme

    call_command("migrate", verbosity=0)
    setup_test_environment()
    sheets = build_sheets()
    raid_sheets(sheets)
    lines = len(sheets["plan_items"])
    print(f"Benchmark: {RISKS} risks, {ISSUES} issues, {ACTIONS} actions on a programme of {lines} plan lines")
    [import_ms], _cpu = timed(
        lambda: interchange.workbook_import(actor=Actor(user=None, via="bench"), sheets=sheets), 1
    )
    print(f"workbook import (new, with the RAID log): {import_ms:.0f} ms")
    programme = Programme.objects.get(slug=SLUG)
    programme.status_date = dt.date(2019, 6, 1)
    programme.save()
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="Bench")
    Membership.objects.create(user=user, programme=programme, role="pmo_officer")
    client = Client()
    client.force_login(user)

    def page(name: str, query: str = "") -> object:
        url = reverse(name, kwargs={"slug": SLUG}) + query

        def get() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    results = []
    for label, fn in [
        ("risk register", page("raid:risks")),
        ("risk register, filtered", page("raid:risks", "?status=open&above_appetite=on")),
        ("issue register", page("raid:issues")),
        ("heat map", page("raid:heat-map")),
        ("overview", page("programmes:overview")),
    ]:
        fn()  # warm up
        results.append(report(label, timed(fn, 20), TARGET_MS))
    print("All targets met" if all(results) else "Some targets missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
