"""Small helpers that build governance rows for tests, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from improve.core.audit import SYSTEM
from improve.governance import services
from improve.governance.models import Board


def board(programme: Any, code: str, name: str, **data: Any) -> Board:
    values: services.BoardData = {"code": code, "name": name}
    values.update(data)  # type: ignore[typeddict-item]
    return services.board_save(actor=SYSTEM, programme=programme, data=values)


def b_and_d_chain(programme: Any) -> dict[str, Board]:
    """B&D's four programme controls, with editorial tolerances on the two boards that decide changes."""
    csg = board(programme, "csg", "Corporate Strategy Group", cadence="Monthly (3 rd Thursday)", order=4)
    cib = board(
        programme,
        "cib",
        "Children's Improvement Board",
        cadence="Monthly (before 2 nd Thursday)",
        parent=csg,
        tolerance_days=20,
        tolerance_cost=Decimal("50000"),
        order=3,
    )
    lead = board(
        programme,
        "leadership",
        "Children's Leadership Meeting",
        parent=cib,
        order=2,
        cadence="Monthly (before 2 nd Thursday)",
    )
    team = board(
        programme, "team", "Programme Team Meeting", parent=lead, order=1, cadence="Monthly (before 1 st Thursday)"
    )
    return {"csg": csg, "cib": cib, "leadership": lead, "team": team}


YEAR = (dt.date(2019, 4, 1), dt.date(2020, 3, 31))
