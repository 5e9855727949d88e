"""The reporting room's sample objects and URL keywords for the role × URL matrix.

A board (code "cib") for the packs, and a draft highlight report of strand "1" for October 2019,
reachable by a lead of strand "1".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from improve.core.audit import SYSTEM
from improve.governance import services as governance
from improve.governance.models import Board


def world(programme: Any) -> None:
    from improve.reporting.highlights import services

    if not Board.objects.filter(programme=programme, code="cib").exists():
        governance.board_save(actor=SYSTEM, programme=programme, data={"code": "cib", "name": "Improvement Board"})
    services.highlight_create(
        actor=SYSTEM, programme=programme, strand=programme.strands.get(code="1"), period=dt.date(2019, 10, 1)
    )


def sample_value(name: str, key: str, programme: Any) -> Any:
    if not name.startswith("reporting:"):
        return None
    return {"board_code": "cib", "month": "2019-10", "fmt": "html"}.get(key)
