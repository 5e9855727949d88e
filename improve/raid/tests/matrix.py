"""The RAID room's part of the role × URL matrix: sample rows, and values for ``<ref>``.

Every sample is linked to strand "1", so a workstream lead of that strand reaches it. The pages
any member may open for what they own (``update_raid``) are asked for a risk, issue or action
owned by the member asking (the newest member of the programme): ownership is what opens them
to a viewer or a board member, and the tests in ``test_permissions.py`` prove that it is required.
"""

from __future__ import annotations

from improve.core.audit import Actor
from improve.programmes.models import Membership, Owner, Programme
from improve.raid import services
from improve.raid.models import LOGS, Action, Issue, Risk

ACTOR = Actor(user=None, via="test")
OWNED = {"risk-edit", "risk-close", "risk-action-create", "issue-edit", "issue-action-create"}
OWNED_ACTIONS = {"action-edit", "action-complete", "action-archive"}


def world(programme: Programme) -> None:
    strand = programme.strands.get(code="1")
    risk = services.risk_create(
        actor=ACTOR,
        programme=programme,
        data={
            "reference": "R1",
            "title": "Demand could rise",
            "inherent_likelihood": 4,
            "inherent_impact": 4,
            "residual_likelihood": 4,
            "residual_impact": 4,
        },
        strands=[strand],
    )
    issue = services.issue_create(
        actor=ACTOR, programme=programme, data={"reference": "I1", "title": "Caseloads are too high"}, strands=[strand]
    )
    services.action_create(actor=ACTOR, parent=risk, data={"reference": "A1", "title": "Monitor via Vital Signs"})
    services.action_create(actor=ACTOR, parent=issue, data={"reference": "A2", "title": "Recruit to new posts"})
    for kind in LOGS:
        services.log_entry_create(actor=ACTOR, programme=programme, kind=kind, data={"reference": "1", "title": "x"})


def _owned_by_newest_member(programme: Programme) -> Owner:
    membership = Membership.objects.filter(programme=programme).order_by("-pk").first()
    assert membership is not None  # noqa: S101 - world() runs after the fixture's members
    owner, _ = Owner.objects.get_or_create(
        programme=programme, name=f"Member {membership.user_id}", defaults={"user_id": membership.user_id}
    )
    return owner


def sample_value(name: str, key: str, programme: Programme) -> str | None:
    if not name.startswith("raid:") or key != "ref":
        return None
    page = name.removeprefix("raid:")
    if page in OWNED:
        owner = _owned_by_newest_member(programme)
        Risk.all_objects.filter(programme=programme, reference="R1").update(owner=owner)
        Issue.all_objects.filter(programme=programme, reference="I1").update(owner=owner)
        return "I1" if page.startswith("issue") else "R1"
    if page in OWNED_ACTIONS:
        Action.all_objects.filter(programme=programme, reference="A1").update(owner=_owned_by_newest_member(programme))
        return "A1"
    if page.startswith("action"):
        return "A1"
    if page.startswith("issue"):
        return "I1"
    if page.startswith("risk"):
        return "R1"
    return "1"
