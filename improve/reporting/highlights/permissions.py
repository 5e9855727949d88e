"""Who may write highlight reports and who reviews them (folded into the one permission table).

- ``edit_highlights``: a strand's workstream lead starts, edits and submits the strand's report;
  the PMO officer and the programme manager may do so for any strand.
- ``review_highlights``: the PMO officer and the programme manager return or accept a report.
Every member reads the reports and the dashboard (the programme room's ``view``).
"""

from __future__ import annotations

from improve.core.registry import PermissionRule
from improve.programmes.models import Role

EDIT_HIGHLIGHTS = "edit_highlights"
REVIEW_HIGHLIGHTS = "review_highlights"

REVIEWERS = frozenset({Role.PROGRAMME_MANAGER, Role.PMO_OFFICER})

RULES: tuple[PermissionRule, ...] = (
    PermissionRule(
        EDIT_HIGHLIGHTS,
        REVIEWERS | {Role.WORKSTREAM_LEAD},
        scoped=frozenset({Role.WORKSTREAM_LEAD}),
        description="start, edit and submit highlight reports (workstream leads: of their strands)",
    ),
    PermissionRule(REVIEW_HIGHLIGHTS, REVIEWERS, description="return or accept highlight reports"),
)
