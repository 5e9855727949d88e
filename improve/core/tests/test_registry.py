"""The registry: approved changes reach every room in order; membership, roles and access come from one room."""

import datetime as dt
from decimal import Decimal

import pytest

from improve.core.registry import ApprovedChange, PermissionRule, Registry, Room


def test_each_room_s_change_handler_is_called_with_the_approved_change():
    heard: list[tuple[str, ApprovedChange]] = []
    registry = Registry()
    registry.register(Room("finance", "Money", change_handlers=(lambda c: heard.append(("finance", c)),)))
    registry.register(Room("plain", "No money"))
    registry.register(Room("other", "Other", change_handlers=(lambda c: heard.append(("other", c)),)))
    change = ApprovedChange(
        programme_id=1,
        reference="CR-1",
        title="Extra trainer",
        cost=Decimal("15000.50"),
        days=0,
        decided_on=dt.date(2019, 7, 11),
    )
    registry.change_approved(change)
    assert heard == [("finance", change), ("other", change)]
    with pytest.raises(AttributeError):
        change.cost = Decimal(0)  # type: ignore[misc]


def test_a_handler_that_refuses_stops_the_others():
    def refuse(change: ApprovedChange) -> None:
        raise ValueError(f"No budget line takes {change.reference}")

    heard: list[ApprovedChange] = []
    registry = Registry()
    registry.register(Room("finance", "Money", change_handlers=(refuse,)))
    registry.register(Room("after", "After", change_handlers=(heard.append,)))
    change = ApprovedChange(1, "CR-2", "x", Decimal(1), 0, dt.date(2019, 7, 11))
    with pytest.raises(ValueError, match="CR-2"):
        registry.change_approved(change)
    assert heard == []


def test_a_rule_naming_a_role_no_member_may_hold_is_refused():
    registry = Registry()
    registry.register(Room("members", "Members", roles=("analyst", "viewer")))
    registry.register(Room("data", "Data", permissions=(PermissionRule("load", frozenset({"analist"})),)))
    with pytest.raises(ValueError, match="Permission 'load' of room data names unknown roles analist"):
        registry.permissions()
    registry.register(Room("data", "Data", permissions=(PermissionRule("load", frozenset({"analyst"})),)))
    assert registry.permissions()["load"].roles == {"analyst"}


def test_programme_access_is_answered_by_the_room_that_keeps_membership():
    registry = Registry()
    registry.register(Room("data", "Data"))
    with pytest.raises(LookupError, match="No room keeps programme membership"):
        registry.programme_access(object(), "b-and-d")
    registry.register(Room("members", "Members", access=lambda user, slug: (user, slug)))
    assert registry.programme_access("ann", "b-and-d") == ("ann", "b-and-d")


def test_every_room_s_rules_name_only_the_programme_room_s_roles():
    from improve.core.registry import registry as live
    from improve.programmes.models import Role

    assert live.roles() == frozenset(Role)
    assert all(rule.roles <= live.roles() for rule in live.permissions().values())
