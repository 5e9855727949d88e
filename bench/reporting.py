"""Benchmark: the board pack at B&D scale and at ten times it.

Loads the Barking and Dagenham example (74 plan lines) and the ten-times plan of
``bench/builder.py`` (3,550 lines), gives each a board, and times the October 2019 pack: building
it from live data (walking the registry's sections) and rendering it in each available format
(PDF, HTML; Word and Excel when their renderers are installed). The plan, RAID, governance and
finance rooms' sections are stood in for by ``improve/reporting/tests/sample_sections.py`` where
a room has not offered its own. Targets: PDF < 3 s at B&D scale, < 10 s at 10×.

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
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
tmp = tempfile.mkdtemp(prefix="improve-bench-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")

import django  # noqa: E402
from builder import SLUG, build_sheets  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from improve.core.audit import SYSTEM  # noqa: E402
from improve.core.registry import registry  # noqa: E402
from improve.governance import services as governance  # noqa: E402
from improve.interchange import services as interchange  # noqa: E402
from improve.interchange.workbook import read_workbook  # noqa: E402
from improve.programmes.models import Programme  # noqa: E402
from improve.reporting import formats, packs, selectors  # noqa: E402
from improve.reporting.tests import sample_sections  # noqa: E402

TARGETS_S = {"B&D": 3.0, "10x B&D": 10.0}
MONTH = dt.date(2019, 10, 1)
REPEATS = 5  # after one render that warms WeasyPrint's font and style caches (reported apart)


CPU: list[float] = []  # the CPU seconds of the last timed() call's median run


def timed(fn, repeats: int = REPEATS) -> tuple[float, object]:
    """The median wall time of ``repeats`` runs (and, in CPU, their median CPU time)."""
    times, cpu, result = [], [], None
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    CPU[:] = [statistics.median(cpu)]
    return statistics.median(times), result


def bench(label: str, programme: Programme) -> None:
    board = selectors.board_named(programme, "cib")
    if board is None:
        board = governance.board_save(
            actor=SYSTEM, programme=programme, data={"code": "cib", "name": "Improvement Board"}
        )
    build_s, pack = timed(lambda: packs.pack_build(programme, board, month=MONTH))
    rows = sum(len(b.rows) for s in pack.sections for b in s.blocks if getattr(b, "kind", "") == "table")
    print(
        f"{label}: {len(pack.sections)} sections, {rows} table rows; "
        f"build {build_s * 1000:.0f} ms (CPU {CPU[0] * 1000:.0f} ms)"
    )
    for fmt in formats.FORMATS:
        if not formats.available(fmt):
            print(f"  {fmt:5} not installed")
            continue
        first, _ = timed(lambda fmt=fmt: formats.render(pack, fmt), 1)
        first_cpu = CPU[0]
        seconds, data = timed(lambda fmt=fmt: formats.render(pack, fmt))
        target = f" (target < {TARGETS_S[label]:.0f} s)" if fmt == "pdf" else ""
        print(
            f"  {fmt:5} {seconds:6.2f} s (CPU {CPU[0]:5.2f} s)  {len(data):>9,} bytes{target};"
            f" first in this process {first:.2f} s (CPU {first_cpu:.2f} s)"
        )


def main() -> None:
    call_command("migrate", verbosity=0)
    offered = {s.key for s in registry.pack_sections()}
    if offered <= {packs.SUMMARY}:
        sample_sections.register()
        print("No room offers pack sections yet: timing with the stand-in sections.")
    bd = interchange.workbook_import(actor=SYSTEM, sheets=read_workbook(REPO / "examples" / "barking-dagenham-2019"))
    assert bd.ok and bd.programme is not None
    bench("B&D", bd.programme)
    big = interchange.workbook_import(actor=SYSTEM, sheets=build_sheets())
    assert big.ok, [str(p) for p in big.problems][:5]
    bench("10x B&D", Programme.objects.get(slug=SLUG))


if __name__ == "__main__":
    main()
