"""The registry's seam for approved changes: every room's handler hears of each one, in order."""

import datetime as dt
from decimal import Decimal

import pytest

from improve.core.registry import ApprovedChange, Registry, Room


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
