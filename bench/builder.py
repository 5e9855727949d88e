"""The benchmark programme: ten times the Barking and Dagenham plan, as workbook sheets.

3,550 plan lines in 40 strands (deliverables, each followed by its governance gates, chained by
finish-to-start dependencies). Pure data: no Django, so every benchmark script (and a run against
an older checkout of the code) builds exactly the same programme.
"""

from __future__ import annotations

import datetime as dt

LINES = 3550
STRANDS = 40
SLUG = "bench-10x-bd"


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
