"""What the money room brings to the shared machinery (see :mod:`improve.core.registry`)."""

from __future__ import annotations

from improve.core.registry import ApprovedChange, NavEntry, Room
from improve.finance import figurecheck, models, sections, services
from improve.finance.permissions import RULES
from improve.finance.sheets import FINANCE_WORKBOOK


def _names(*names: str) -> frozenset[str]:
    return frozenset(f"finance:{n}" for n in names)


def on_change_approved(change: ApprovedChange) -> None:
    """Governance approved a change request: record its cost in the money."""
    services.change_cost_record(change)


ROOM = Room(
    label="finance",
    title="Money",
    nav=(
        NavEntry(
            "Money",
            "finance:summary",
            "view",
            60,
            _names(
                "lines",
                "line",
                "line-create",
                "line-edit",
                "line-archive",
                "amounts",
                "adjustment-add",
                "allocation-set",
                "forecast-link",
                "groups",
                "group-create",
                "group-edit",
                "group-archive",
                "drawdown-add",
                "sources",
                "source",
                "source-create",
                "source-edit",
                "source-amounts",
                "source-archive",
                "periods",
                "year-add",
                "trajectory",
                "trajectory-create",
                "trajectory-edit",
                "trajectory-archive",
                "figure-check",
                "summary-xlsx",
                "savings",
                "saving-create",
                "savings-report",
                "saving",
                "saving-edit",
                "saving-archive",
                "saving-year",
                "evidence-add",
                "change-place",
            ),
        ),
    ),
    permissions=RULES,
    workbook=FINANCE_WORKBOOK,
    audited_models=(
        models.FinancialYear,
        models.Period,
        models.BudgetGroup,
        models.BudgetLine,
        models.LineAmount,
        models.Adjustment,
        models.ContingencyDrawdown,
        models.FundingSource,
        models.SourceAmount,
        models.Allocation,
        models.PrintedFigure,
        models.TrajectoryFigure,
        models.ChangeCost,
        models.DemoData,
        models.SavingsPlan,
        models.SavingsAmount,
        models.SavingsEvidence,
        models.ForecastLink,
    ),
    change_handlers=(on_change_approved,),
    figure_checks=(figurecheck.printed_relations, figurecheck.trajectory_relations),
    sections=sections.SECTIONS,
)
