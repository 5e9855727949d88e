"""What the programme room brings to the shared machinery (see :mod:`improve.core.registry`)."""

from __future__ import annotations

from improve.core.registry import NavEntry, Room
from improve.programmes import models
from improve.programmes.permissions import RULES, Perm, programme_access
from improve.programmes.sections import SECTION as PLAN_SECTION
from improve.programmes.sheets import PLAN_WORKBOOK


def _names(*names: str) -> frozenset[str]:
    return frozenset(f"programmes:{n}" for n in names)


ROOM = Room(
    label="programmes",
    title="Programme and plan",
    nav=(
        NavEntry(
            "Overview",
            "programmes:overview",
            Perm.VIEW,
            10,
            _names(
                "edit",
                "strands",
                "strand-create",
                "strand-edit",
                "strand-archive",
                "stages",
                "stage-create",
                "stage-edit",
                "stage-archive",
            ),
        ),
        NavEntry(
            "Plan",
            "programmes:plan",
            Perm.VIEW,
            20,
            _names("item", "item-edit", "item-create", "item-history", "dependency-add"),
        ),
        NavEntry("Timeline", "programmes:timeline", Perm.VIEW, 30),
        NavEntry(
            "Owners",
            "programmes:owners",
            Perm.VIEW,
            40,
            _names(
                "owner-create",
                "owner-edit",
                "owner-archive",
                "projects",
                "project-create",
                "project-edit",
                "project-archive",
            ),
        ),
        NavEntry("Baselines", "programmes:baselines", Perm.VIEW, 50, _names("baseline", "baseline-create")),
        NavEntry("Members", "programmes:members", Perm.VIEW, 900, _names("member-add", "member-edit")),
        NavEntry("History", "programmes:history", Perm.VIEW, 950, _names("object-history")),
    ),
    permissions=RULES,
    roles=tuple(models.Role),
    access=programme_access,
    workbook=PLAN_WORKBOOK,
    sections=(PLAN_SECTION,),
    audited_models=(
        models.Programme,
        models.Owner,
        models.Strand,
        models.Stage,
        models.Project,
        models.PlanItem,
        models.Dependency,
        models.Baseline,
        models.Membership,
    ),
)
