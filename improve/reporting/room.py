"""What the reporting room brings to the shared machinery (see :mod:`improve.core.registry`).

Reporting reads every room through the registry: the board pack walks each room's
:class:`~improve.core.registry.PackSection` s and names no room's tables. Its own section is the
pack's summary ("what changed since the last pack").
"""

from __future__ import annotations

from improve.core.registry import NavEntry, Room
from improve.reporting.models import BoardPack, PackSectionChoice
from improve.reporting.packs import SUMMARY_SECTION
from improve.reporting.permissions import RULES


def _names(*names: str) -> frozenset[str]:
    return frozenset(f"reporting:{n}" for n in names)


ROOM = Room(
    label="reporting",
    title="Reports",
    nav=(NavEntry("Reports", "reporting:packs", "read_packs", 80, _names("pack", "pack-sections")),),
    permissions=RULES,
    sections=(SUMMARY_SECTION,),
    audited_models=(BoardPack, PackSectionChoice),
)
