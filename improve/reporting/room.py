"""What the reporting room brings to the shared machinery (see :mod:`improve.core.registry`).

Reporting reads every room through the registry: the board pack walks each room's
:class:`~improve.core.registry.PackSection` s and names no room's tables. Its own section is the
pack's summary ("what changed since the last pack").
"""

from __future__ import annotations

from improve.core.registry import NavEntry, Room
from improve.reporting.highlights.permissions import RULES as HIGHLIGHT_RULES
from improve.reporting.highlights.sections import SECTIONS as HIGHLIGHT_SECTIONS
from improve.reporting.highlights.sheets import HIGHLIGHTS_WORKBOOK
from improve.reporting.models import BoardPack, HighlightReport, PackSectionChoice
from improve.reporting.packs import SUMMARY_SECTION
from improve.reporting.permissions import RULES


def _names(*names: str) -> frozenset[str]:
    return frozenset(f"reporting:{n}" for n in names)


# The pages under the "Highlight reports" tab
HIGHLIGHT_PAGES = frozenset(
    f"reporting:{name}"
    for name in (
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
    nav=(
        NavEntry("Dashboard", "reporting:dashboard", "view", 12),
        NavEntry("Highlight reports", "reporting:highlights", "view", 75, HIGHLIGHT_PAGES),
        NavEntry("Board packs", "reporting:packs", "read_packs", 80, _names("pack", "pack-sections")),
    ),
    permissions=(*RULES, *HIGHLIGHT_RULES),
    workbook=HIGHLIGHTS_WORKBOOK,
    sections=(SUMMARY_SECTION, *HIGHLIGHT_SECTIONS),
    audited_models=(BoardPack, PackSectionChoice, HighlightReport),
)
