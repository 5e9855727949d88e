"""What the reporting room brings to the shared machinery (see :mod:`improve.core.registry`).

Reporting reads every room through the registry: the board pack walks each room's
:class:`~improve.core.registry.PackSection` s and names no room's tables.
"""

from __future__ import annotations

from improve.core.registry import NavEntry, Room
from improve.reporting.highlights.permissions import RULES as HIGHLIGHT_RULES  # highlights
from improve.reporting.highlights.sections import SECTIONS as HIGHLIGHT_SECTIONS  # highlights
from improve.reporting.highlights.sheets import HIGHLIGHTS_WORKBOOK  # highlights
from improve.reporting.models import HighlightReport  # highlights

# highlights: the pages under the "Reports" tab
HIGHLIGHT_PAGES = frozenset(
    f"reporting:{name}"
    for name in (
        "dashboard",
        "highlights",
        "highlight-create",
        "highlight",
        "highlight-edit",
        "highlight-submit",
        "highlight-review",
        "highlight-history",
    )
)

ROOM = Room(
    label="reporting",
    title="Reports",
    nav=(NavEntry("Reports", "reporting:highlights", "view", 60, HIGHLIGHT_PAGES),),  # highlights
    permissions=(*HIGHLIGHT_RULES,),  # highlights
    workbook=HIGHLIGHTS_WORKBOOK,  # highlights (the room's only workbook part so far)
    sections=(*HIGHLIGHT_SECTIONS,),  # highlights
    audited_models=(HighlightReport,),  # highlights
)
