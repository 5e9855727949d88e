"""What the RAID room brings to the shared machinery (see :mod:`improve.core.registry`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from improve.core.registry import NavEntry, OverviewPanel, Room
from improve.raid import models, selectors
from improve.raid.permissions import RULES
from improve.raid.sections import SECTION as RAID_SECTION
from improve.raid.sheets import RAID_WORKBOOK

_PAGES = [
    "risks",
    "risk-create",
    "heat-map",
    "appetite",
    "risk",
    "risk-edit",
    "risk-close",
    "risk-escalate",
    "risk-archive",
    "risk-history",
    "risk-action-create",
    "issues",
    "issue-create",
    "issue",
    "issue-edit",
    "issue-archive",
    "issue-history",
    "issue-action-create",
    "action-edit",
    "action-complete",
    "action-archive",
    "action-history",
]
for _spec in models.LOGS.values():
    _PAGES += [
        _spec.slug,
        f"{_spec.slug}-create",
        f"{_spec.slug}-edit",
        f"{_spec.slug}-archive",
        f"{_spec.slug}-history",
    ]


def overview_panel(programme: Any, as_at: dt.date, access: Any) -> OverviewPanel:
    """Overdue actions and overdue risk reviews at the programme's status date, with counts and links."""
    found = selectors.overdue(programme, today=as_at)
    base = reverse("raid:risks", args=[programme.slug])
    risk_base = reverse("raid:risk", args=[programme.slug, "R"])[:-2]
    issue_base = reverse("raid:issue", args=[programme.slug, "I"])[:-2]
    actions = [
        {
            "action": a,
            "href": f"{risk_base}{a.risk.reference}/"
            if a.risk_id and a.risk
            else f"{issue_base}{a.issue.reference}/"
            if a.issue
            else base,
        }
        for a in found.actions
    ]
    overdue = found
    return OverviewPanel(
        "Risks, issues and actions",
        "raid/_overview.html",
        {
            "overdue": overdue,
            "actions": actions,
            "as_at": as_at,
            "risks_url": f"{base}?status=open",
            "issues_url": reverse("raid:issues", args=[programme.slug]) + "?status=open",
            "reviews_url": f"{base}?review_overdue=on",
            "not_scored_url": f"{base}?status=open&not_scored=on",
            "risk_base": risk_base,
        },
        order=20,
    )


ROOM = Room(
    label="raid",
    title="Risks, issues, assumptions and dependencies",
    nav=(NavEntry("RAID", "raid:risks", "view", 35, frozenset(f"raid:{name}" for name in _PAGES)),),
    permissions=RULES,
    workbook=RAID_WORKBOOK,
    sections=(RAID_SECTION,),
    audited_models=(models.Risk, models.RiskAppetite, models.Issue, models.Action, models.LogEntry),
    overview=(overview_panel,),
)
