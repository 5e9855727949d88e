"""A small budget for the tests: two years, a group, a line, a contingency line, a source."""

from __future__ import annotations

from decimal import Decimal

from improve.core.audit import Actor
from improve.finance import services
from improve.finance.services import AmountEntry

SYSTEM = Actor(user=None, via="command")


def small_budget(programme):
    """Years 2019/20 and 2020/21; group "1" with line "1" (£953k) and contingency "c" (£143k); source "1"."""
    y1 = services.year_add(actor=SYSTEM, programme=programme, start_year=2019)
    y2 = services.year_add(actor=SYSTEM, programme=programme, start_year=2020)
    group = services.group_save(actor=SYSTEM, programme=programme, data={"code": "1", "name": "Programme resources"})
    line = services.line_save(
        actor=SYSTEM,
        programme=programme,
        data={
            "code": "1",
            "name": "Programme team",
            "group": group,
            "spend_type": "revenue",
            "duration": "one_off",
            "unit": "£000",
            "strand": programme.strands.get(code="1"),
            "original_estimate": Decimal("953000.00"),
        },
    )
    contingency = services.line_save(
        actor=SYSTEM,
        programme=programme,
        data={
            "code": "c",
            "name": "Contingency",
            "group": group,
            "spend_type": "revenue",
            "duration": "one_off",
            "contingency": True,
            "unit": "£000",
        },
    )
    services.amounts_set(actor=SYSTEM, line=line, year=y1, entries=[AmountEntry(0, planned=Decimal("953000.00"))])
    services.amounts_set(
        actor=SYSTEM, line=contingency, year=y1, entries=[AmountEntry(0, planned=Decimal("143000.00"))]
    )
    source = services.source_save(
        actor=SYSTEM,
        programme=programme,
        data={"code": "1", "name": "Capital funding", "kind": "capital_funding", "funds_revenue": False},
    )
    services.source_amount_set(actor=SYSTEM, source=source, year=y1, amount=Decimal("1095000.00"))
    return {"y1": y1, "y2": y2, "group": group, "line": line, "contingency": contingency, "source": source}


PDF = b"%PDF-1.4\n% evidence\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def savings_plan(programme):
    """Savings plan "1" linked to line "1" and strand "1": £100k planned in 2019/20, £60k delivered, a PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    y1 = services.year_add(actor=SYSTEM, programme=programme, start_year=2019)
    plan = services.savings_plan_save(
        actor=SYSTEM,
        programme=programme,
        data={"code": "1", "name": "Fewer agency social workers"},
        lines=list(services.BudgetLine.objects.filter(programme=programme, code="1")),
        strands=list(programme.strands.filter(code="1")),
    )
    services.savings_amount_set(
        actor=SYSTEM,
        plan=plan,
        year=y1,
        planned=Decimal("100000.00"),
        delivered=Decimal("60000.00"),
        evidence="Budget monitoring, month 6",
    )
    services.savings_evidence_add(
        actor=SYSTEM,
        plan=plan,
        year=y1,
        upload=SimpleUploadedFile("month 6 monitoring.pdf", PDF, content_type="application/pdf"),
        description="Budget monitoring report, month 6",
    )
    return plan


def unplaced_change(programme):
    """The cost (£15,000) of an approved change CR-1 that names no strand: kept, not on a line."""
    import datetime as dt

    from improve.core.registry import ApprovedChange

    return services.change_cost_record(
        ApprovedChange(programme.pk, "CR-1", "Extra trainer", Decimal("15000.00"), 0, dt.date(2019, 7, 10))
    )
