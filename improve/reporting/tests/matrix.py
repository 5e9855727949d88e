"""The reporting room's URL keywords for the role × URL matrix: a board, a month, a format."""

from __future__ import annotations

from typing import Any

from improve.core.audit import SYSTEM
from improve.governance import services as governance
from improve.governance.models import Board


def world(programme: Any) -> None:
    if not Board.objects.filter(programme=programme, code="cib").exists():
        governance.board_save(actor=SYSTEM, programme=programme, data={"code": "cib", "name": "Improvement Board"})


def sample_value(name: str, key: str, programme: Any) -> Any:
    if not name.startswith("reporting:"):
        return None
    return {"board_code": "cib", "month": "2019-10", "fmt": "html"}.get(key)
