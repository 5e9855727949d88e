"""The read API's part of the role × URL matrix: which register the matrix asks for."""

from __future__ import annotations

from typing import Any


def world(programme: Any) -> None:
    """Nothing to make: the matrix's programme has strands (every register answers alike)."""


def sample_value(name: str, key: str, programme: Any) -> str | None:
    if name == "api:register" and key == "register":
        return "strands"
    return None
