"""A synthetic programme workbook of any size, for query-count tests and timings."""

from __future__ import annotations

import datetime as dt
from typing import Any


def synthetic_sheets(
    lines: int, *, strands: int = 40, slug: str = "synthetic", baseline: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """``lines`` plan lines spread over ``strands`` strands: deliverables with a gate under every
    third one, milestones, owners, projects, a finish-to-start chain in each strand."""
    start = dt.date(2024, 4, 1)
    owners = [{"name": f"Owner {n}", "kind": "person", "title": f"Lead {n}"} for n in range(1, 61)]
    owners += [{"name": f"Board {n}", "kind": "board", "title": ""} for n in range(1, 6)]
    strand_rows = [
        {
            "code": str(s),
            "name": f"Strand {s}",
            "aim": f"Aim of strand {s}\nSecond line",
            "lead": f"Owner {s % 60 + 1}",
            "order": s,
        }
        for s in range(1, strands + 1)
    ]
    projects = [
        {"code": f"P{s}", "strand": str(s), "name": f"Project {s}", "lead": "", "description": ""}
        for s in range(1, strands + 1)
    ]
    items: list[dict[str, Any]] = []
    deps: list[dict[str, Any]] = []
    last_in_strand: dict[str, str] = {}
    last_deliverable: dict[str, str] = {}
    for n in range(1, lines + 1):
        strand = str((n - 1) * strands // lines + 1)
        uid = str(1000 + n)
        begin = start + dt.timedelta(days=n % 300)
        end = begin + dt.timedelta(days=10 + n % 60)
        kind, gate_type, parent, level = "deliverable", "", "", 1
        if n % 3 == 0 and strand in last_deliverable:
            gate_type = ("endorsement", "consultation", "decision")[(n // 3) % 3]
            kind, parent, level = "gate", last_deliverable[strand], 2
        elif n % 7 == 0:
            kind = "milestone"
        status = ("not_started", "in_progress", "complete")[n % 3]
        items.append(
            {
                "uid": uid,
                "level": level,
                "kind": kind,
                "gate_type": gate_type,
                "title": f"Line {n} of the plan",
                "strand": strand,
                "project": f"P{strand}" if n % 5 == 0 else "",
                "parent": parent,
                "owner": "TBD" if n % 11 == 0 else (f"Owner {n % 60 + 1}" if n % 4 else f"Board {n % 5 + 1}"),
                "team": f"Team {n % 9}",
                "start": "TBD" if n % 13 == 0 else begin,
                "end": end,
                "status": status,
                "rag": ("red", "amber", "green", "")[n % 4],
                "percent_complete": 100 if status == "complete" else (n % 10) * 10,
                "order": n,
                "notes": "" if n % 2 else f"Note on line {n}",
            }
        )
        if kind == "deliverable":
            last_deliverable[strand] = uid
        if strand in last_in_strand and n % 2 == 0:
            deps.append({"predecessor": last_in_strand[strand], "successor": uid, "type": "FS", "lag_days": n % 5})
        last_in_strand[strand] = uid
    sheets: dict[str, list[dict[str, Any]]] = {
        "programme": [
            {
                "slug": slug,
                "council": "Synthetic Borough Council",
                "name": "Synthetic programme",
                "strand_term": "workstream",
                "start": start,
                "end": dt.date(2027, 3, 31),
                "background": "Made up.",
                "objectives": "One\nTwo",
                "outcomes": "",
                "principles": "",
                "lessons_learned": "",
                "notes": "",
            }
        ],
        "strands": strand_rows,
        "stages": [
            {
                "code": str(s),
                "name": f"Stage {s}",
                "start": start + dt.timedelta(days=200 * s),
                "end": start + dt.timedelta(days=200 * s + 199),
                "owner": "Board 1",
                "description": "",
                "order": s,
            }
            for s in range(1, 6)
        ],
        "owners": owners,
        "projects": projects,
        "plan_items": items,
        "dependencies": deps,
        "baselines": [],
        "baseline_items": [],
    }
    if baseline:
        sheets["baselines"] = [{"name": "Baseline 1", "taken": start, "note": ""}]
        sheets["baseline_items"] = [
            {"baseline": "Baseline 1", "uid": i["uid"], "start": i["start"], "end": i["end"]} for i in items
        ]
    return sheets
