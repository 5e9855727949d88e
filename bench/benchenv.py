"""What every benchmark does before Django starts: put the repository on the path and point the
settings at a throwaway SQLite database (or at ``BENCH_DATABASE_URL``, which ``make bench`` sets to
a PostgreSQL server for its second run)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def prepare() -> None:
    sys.path.insert(0, str(REPO))
    tmp = tempfile.mkdtemp(prefix="improve-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improve.settings")
