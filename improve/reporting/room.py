"""What the reporting room brings to the shared machinery (see :mod:`improve.core.registry`).

Reporting reads every room through the registry: the board pack walks each room's
:class:`~improve.core.registry.PackSection` s and names no room's tables.
"""

from __future__ import annotations

from improve.core.registry import Room
from improve.reporting.highlights.permissions import RULES as HIGHLIGHT_RULES  # highlights
from improve.reporting.models import HighlightReport  # highlights

ROOM = Room(
    label="reporting",
    title="Reports",
    permissions=(*HIGHLIGHT_RULES,),  # highlights
    audited_models=(HighlightReport,),  # highlights
)
