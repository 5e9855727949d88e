"""Every model the money room registers is written through its services, and each write is in the trail."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - the amounts read better

from improve.core.audit import history_for
from improve.core.models import AuditEvent
from improve.core.registry import ApprovedChange, ForecastSeries, Room, registry
from improve.finance import selectors, services
from improve.finance.models import (
    Adjustment,
    Allocation,
    ForecastLink,
    LineAmount,
    Period,
    PrintedFigure,
    SavingsAmount,
    SavingsEvidence,
    SourceAmount,
)
from improve.finance.room import ROOM
from improve.finance.services import AmountEntry
from improve.finance.tests.world import SYSTEM, savings_plan, small_budget
from improve.programmes.models import Owner


def _two_series(programme):
    for key in ("stub:a", "stub:b"):
        yield ForecastSeries(key, key, (), "a stub", dt.datetime(2019, 7, 1, tzinfo=dt.UTC))


def test_every_registered_model_has_its_writes_in_the_trail(programme):
    b = small_budget(programme)
    services.finance_archive(actor=SYSTEM, instance=b["y2"], reason="not needed")
    services.line_save(actor=SYSTEM, programme=programme, line=b["line"], data={"name": "Programme team (renamed)"})
    services.group_save(actor=SYSTEM, programme=programme, group=b["group"], data={"name": "Resources"})
    services.source_save(actor=SYSTEM, programme=programme, source=b["source"], data={"notes": "CSG"})
    services.amounts_set(actor=SYSTEM, line=b["line"], year=b["y1"], entries=[AmountEntry(0, D("953000"), D("1"))])
    services.allocation_set(actor=SYSTEM, line=b["line"], source=b["source"], year=b["y1"], amount=D("5"))
    services.source_amount_set(actor=SYSTEM, source=b["source"], year=b["y1"], amount=D("1095001"))
    april = selectors.period_in(programme, "2019/20", 1)
    services.period_close(actor=SYSTEM, period=april)
    services.adjustment_record(actor=SYSTEM, line=b["line"], year=b["y1"], period=1, amount=D("1"), reason="late")
    approver = Owner.objects.create(programme=programme, name="CSG", kind="board")
    drawdown = services.drawdown_record(
        actor=SYSTEM,
        from_line=b["contingency"],
        to_line=b["line"],
        year=b["y1"],
        amount=D("1"),
        reason="x",
        approver=approver,
        approved_on=dt.date(2019, 7, 1),
    )
    services.finance_archive(actor=SYSTEM, instance=drawdown)
    printed = services.printed_save(
        actor=SYSTEM,
        programme=programme,
        data={"code": "t", "subject": "programme", "measure": "planned", "text": "£1.095m"},
    )
    cell = services.trajectory_figure_save(
        actor=SYSTEM,
        programme=programme,
        data={"year": b["y1"], "order": 1, "kind": "opening", "label": "18/19 Budget", "text": "£32.9m"},
    )
    services.trajectory_figure_save(actor=SYSTEM, programme=programme, figure=cell, data={"text": "£33.0m"})
    plan = savings_plan(programme)
    services.savings_plan_save(actor=SYSTEM, programme=programme, plan=plan, data={"name": "Fewer agency staff"})
    saving = SavingsAmount.objects.get(plan=plan)
    services.savings_amount_set(actor=SYSTEM, plan=plan, year=b["y1"], planned=None, delivered=None, evidence="")
    demo = services.demo_mark(actor=SYSTEM, year=b["y1"], measure="actual", note="Made up")
    services.demo_mark(actor=SYSTEM, year=b["y1"], measure="actual", note="Made up to show the pages")
    cost = services.change_cost_record(
        ApprovedChange(programme.pk, "CR-1", "Extra trainer", D("10"), 0, dt.date(2019, 7, 1), "1", SYSTEM, "CIB")
    )
    registry.register(Room("stub", "Stub", forecasts=(_two_series,)))
    try:
        services.forecast_link_set(actor=SYSTEM, line=b["line"], series="stub:a")
        services.forecast_link_set(actor=SYSTEM, line=b["line"], series="stub:b")
        link = ForecastLink.objects.get()
        services.forecast_link_remove(actor=SYSTEM, line=b["line"])
    finally:
        registry.unregister("stub")
    expected = {
        link: ["create", "update", "delete"],
        plan: ["create", "update"],
        saving: ["create", "delete"],
        SavingsEvidence.objects.get(): ["create"],
        demo: ["create", "update"],
        cost: ["create"],
        b["y2"]: ["create", "archive"],
        Period.objects.get(pk=april.pk): ["update"],  # created with its year, in the year's event
        b["group"]: ["create", "update"],
        b["line"]: ["create", "update"],
        LineAmount.objects.get(line=b["line"], year=b["y1"]): ["create", "update"],
        Adjustment.objects.get(): ["create"],
        drawdown: ["create", "archive"],
        b["source"]: ["create", "update"],
        SourceAmount.objects.get(source=b["source"], year=b["y1"]): ["create", "update"],
        Allocation.objects.get(): ["create"],
        printed: ["create"],
        cell: ["create", "update"],
    }
    assert {type(obj) for obj in expected} == set(ROOM.audited_models), "a registered model is not exercised here"
    for obj, actions in expected.items():
        found = [e.action for e in reversed(history_for(obj))]
        assert found == actions, (type(obj).__name__, found)
        assert all(e.programme_id == programme.pk for e in history_for(obj))
    assert PrintedFigure.objects.count() == 1 and AuditEvent.objects.filter(actor_label="System (command)").exists()
