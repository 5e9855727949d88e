"""What the reporting room brings to the shared machinery (see :mod:`improve.core.registry`).

Reporting reads every room through the registry: the board pack walks each room's
:class:`~improve.core.registry.PackSection` s and names no room's tables.
"""

from __future__ import annotations

from improve.core.registry import Room

ROOM = Room(
    label="reporting",
    title="Reports",
)
