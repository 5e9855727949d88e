"""The demand room's board-pack section (:class:`improve.core.registry.PackSection`).

``demand``: the newest stored projection that starts on or before the pack's status date — the
children in care at its month ends, projected (mean, 80 and 95 % intervals) against what happened
as far as the loaded returns reach, by placement at the horizon, its cost per financial year, and
the backtest's errors. Counts under 5 read "fewer than 5" unless the pack's reader is an analyst.
``changes``: projections stored since the last pack.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from improve.core import document as doc
from improve.core.registry import PackContext, PackSection
from improve.demand import presentation, selectors
from improve.demand.permissions import role_sees_children

KEY = "demand"
TITLE = "Demand: children in care and what it costs"


def _count(value: float, child_level: bool) -> doc.Cell:
    if not child_level and presentation.small(value):
        return doc.Cell(presentation.count(value, child_level=False))
    return doc.Cell(presentation.whole(value), "number")


def _text(value: str) -> doc.Cell:
    return doc.Cell(value)


def _pounds(value: str, *, total: bool = False) -> doc.Cell:
    return doc.Cell(Decimal(value).quantize(Decimal(1)), "money", unit="£", total=total)


def build(ctx: PackContext) -> doc.Section | None:
    run = selectors.pack_projection(ctx.programme, ctx.as_at)
    if run is None:
        return None
    child_level = role_sees_children(ctx.role)
    results: dict[str, Any] = run.results
    happened = {h["date"]: h for h in results["history"] if presentation.day(h["date"]) <= ctx.as_at}
    end = results["months"][-1]
    horizon = presentation.day(end["date"])
    blocks: list[doc.Block] = [
        doc.Paragraph(
            f"{run}: rates measured over the {run.reference_months} months before {run.start:%d/%m/%Y}, "
            f"{run.draws:,} simulated paths, returns loaded to {run.data_end:%d/%m/%Y}. "
            f"{presentation.count(results['start_stock']['total'], child_level=child_level)} children were in care "
            f"at the start; {presentation.count(end['mean']['total'], child_level=child_level)} are projected for "
            f"{presentation.day(end['date']):%d/%m/%Y} (95% interval "
            f"{presentation.between(*end['intervals']['95']['total'], child_level=child_level)})."
        )
    ]
    if run.synthetic:
        blocks.append(
            doc.Note(
                "These figures come from synthetic data made up for a demonstration (a council of this size, "
                "calibrated to England), not from the council's own return.",
                "warning",
            )
        )
    months = results["months"]
    blocks.append(
        doc.Chart(
            title="Children in care at each month end: projected and what happened",
            chart="line",
            categories=tuple(f"{presentation.day(m['date']):%m/%Y}" for m in months),
            series=(
                doc.Series(
                    "What happened",
                    tuple(
                        None
                        if m["date"] not in happened
                        or (not child_level and presentation.small(happened[m["date"]]["total"]))
                        else presentation.whole(happened[m["date"]]["total"])
                        for m in months
                    ),
                ),
                doc.Series("Projected (mean)", tuple(presentation.whole(m["mean"]["total"]) for m in months)),
                doc.Series(
                    "95% interval, low", tuple(presentation.whole(m["intervals"]["95"]["total"][0]) for m in months)
                ),
                doc.Series(
                    "95% interval, high", tuple(presentation.whole(m["intervals"]["95"]["total"][1]) for m in months)
                ),
            ),
            description=presentation.chart(results, child_level=child_level).description,
            unit="children",
            category_label="Month end",
        )
    )
    blocks.append(
        doc.Table(
            caption=f"Children in care on {run.start:%d/%m/%Y} and projected for {horizon:%d/%m/%Y}",
            columns=(
                doc.Column("Placement"),
                doc.Column(f"On {run.start:%d/%m/%Y}", numeric=True),
                doc.Column("Projected (mean)", numeric=True),
                doc.Column("80% interval", numeric=True),
                doc.Column("95% interval", numeric=True),
            ),
            rows=tuple(
                (
                    _text(presentation.label(name)),
                    _count(results["start_stock"][name], child_level),
                    _count(end["mean"][name], child_level),
                    _text(presentation.between(*end["intervals"]["80"][name], child_level=child_level)),
                    _text(presentation.between(*end["intervals"]["95"][name], child_level=child_level)),
                )
                for name in presentation.series(results)
            ),
            note="" if child_level else "Counts under 5 are shown as “fewer than 5”.",
        )
    )
    blocks.append(
        doc.Table(
            caption="Projected placement spend by financial year (£)",
            columns=(
                doc.Column("Financial year"),
                doc.Column("Days projected", numeric=True),
                *(doc.Column(presentation.label(n), numeric=True) for n in results["categories"]),
                doc.Column("Total (mean)", numeric=True),
                doc.Column("Total, 95% interval", numeric=True),
            ),
            rows=tuple(
                (
                    _text(year["label"]),
                    doc.Cell(year["days"], "number"),
                    *(_pounds(year["mean"][n]) for n in results["categories"]),
                    _pounds(year["mean"]["total"], total=True),
                    _text(
                        f"{presentation.pounds(year['intervals']['95']['total'][0])} to "
                        f"{presentation.pounds(year['intervals']['95']['total'][1])}"
                    ),
                )
                for year in results["spend_years"]
            ),
            note="Weekly unit costs: "
            + ", ".join(f"{presentation.label(k).lower()} {presentation.pounds(v)}" for k, v in run.unit_costs.items())
            + ". A part year counts only its projected days.",
        )
    )
    backtest = results.get("backtest")
    if backtest:
        blocks.append(
            doc.Table(
                caption=f"Backtest: fitted before {presentation.day(backtest['origin']):%d/%m/%Y}, 12 months projected",
                columns=(
                    doc.Column("Placement"),
                    doc.Column("Mean error (children)", numeric=True),
                    doc.Column("Mean error (%)", numeric=True),
                    doc.Column("Month ends inside the 95% interval (%)", numeric=True),
                ),
                rows=tuple(
                    (
                        _text(presentation.label(e["name"])),
                        doc.Cell(Decimal(str(e["mae"])).quantize(Decimal("0.1")), "number", places=1),
                        _text("")
                        if e["mape"] is None
                        else doc.Cell(Decimal(str(e["mape"])).quantize(Decimal("0.1")), "percent", places=1),
                        doc.Cell(Decimal(str(100 * e["coverage"]["95"])).quantize(Decimal(1)), "percent"),
                    )
                    for e in backtest["errors"]
                ),
            )
        )
    else:
        blocks.append(doc.Note("Not enough data for a backtest: it needs the reference window and 12 more months."))
    summary = (
        f"{presentation.count(end['mean']['total'], child_level=child_level)} children projected in care on "
        f"{presentation.day(end['date']):%d/%m/%Y}, costing "
        f"{presentation.pounds(results['spend_years'][0]['mean']['total'])} in {results['spend_years'][0]['label']}."
    )
    return doc.Section(key=KEY, title=TITLE, blocks=tuple(blocks), summary=summary)


def changes(ctx: PackContext) -> Iterator[doc.Change]:
    child_level = role_sees_children(ctx.role)
    for run in selectors.projections_made(ctx.programme, ctx.since, ctx.as_at):
        end = run.results["months"][-1]
        yield doc.Change(
            "Demand",
            f"{run} stored: {presentation.count(end['mean']['total'], child_level=child_level)} children projected "
            f"in care on {presentation.day(end['date']):%d/%m/%Y}",
        )


SECTION = PackSection(
    key=KEY,
    title=TITLE,
    build=build,
    changes=changes,
    order=65,
    description="The latest demand projection against what happened, its cost by financial year, and the backtest.",
)
