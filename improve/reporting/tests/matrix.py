"""The reporting room's sample objects for the role × URL matrix, reachable by a lead of strand "1"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from improve.core.audit import SYSTEM


def world(programme: Any) -> None:
    from improve.reporting.highlights import services

    # highlights: a draft report of strand "1" for October 2019
    services.highlight_create(
        actor=SYSTEM, programme=programme, strand=programme.strands.get(code="1"), period=dt.date(2019, 10, 1)
    )


def sample_value(name: str, key: str, programme: Any) -> Any:
    if key == "month" and name.startswith("reporting:highlight"):  # highlights
        return "2019-10"
    return None
