import datetime as dt

import pytest

from improve.core.audit import Actor
from improve.programmes.models import Owner, PlanItem
from improve.raid import services

ACTOR = Actor(user=None, via="test")


@pytest.fixture
def risk(programme):
    """An open risk in strand 1, owned by Sean Girty, with one mitigating action."""
    owner = Owner.objects.get(programme=programme, name="Sean Girty")
    made = services.risk_create(
        actor=ACTOR,
        programme=programme,
        data={
            "reference": "R1",
            "title": "Demand could rise",
            "category": "demand",
            "owner": owner,
            "inherent_likelihood": 4,
            "inherent_impact": 4,
            "residual_likelihood": 3,
            "residual_impact": 4,
            "review_on": dt.date(2019, 5, 1),
        },
        strands=[programme.strands.get(code="1")],
        plan_items=[PlanItem.objects.get(programme=programme, uid="17")],
    )
    services.action_create(
        actor=ACTOR,
        parent=made,
        data={"title": "Monitor via Vital Signs", "owner": owner, "due_on": dt.date(2019, 5, 15)},
    )
    return made
