"""A service budget trajectory as printed (B&D's Appendix B shape), and the relations it must keep (pure).

For each financial year a paper prints: the opening budget (last year's budget), budget movements
(savings, growth, grants; signed), the resulting budget; last year's out-turn, cost movements to
out-turn, the out-turn; and the projected variance (out-turn − budget). Every figure is kept as
printed (:class:`~improve.modelling.money.Printed`); a blank cell is not zero, it is not there.

The relations, each checked within the rounding of the printed figures
(:mod:`improve.modelling.figures`):

- budget = opening + Σ budget movements;
- out-turn = previous out-turn + Σ cost movements;
- projected variance = out-turn − budget;
- next year's opening = this year's budget; next year's previous out-turn = this year's out-turn;
- a claim printed elsewhere (a pressure in the text) = the projected variance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from improve.modelling.figures import Figure, Relation, Term
from improve.modelling.money import Printed

OPENING, BUDGET_MOVEMENT, BUDGET = "opening", "budget_movement", "budget"
PREVIOUS_OUTTURN, COST_MOVEMENT, OUTTURN = "previous_outturn", "cost_movement", "outturn"
VARIANCE, CLAIM = "variance", "claim"
KINDS = (OPENING, BUDGET_MOVEMENT, BUDGET, PREVIOUS_OUTTURN, COST_MOVEMENT, OUTTURN, VARIANCE, CLAIM)
#: Where each kind stands in the printed table (its column).
COLUMN = {
    OPENING: "Budget",
    BUDGET_MOVEMENT: "Budget",
    BUDGET: "Budget",
    PREVIOUS_OUTTURN: "Out-turn",
    COST_MOVEMENT: "Out-turn",
    OUTTURN: "Out-turn",
    VARIANCE: "Projected variance",
    CLAIM: "Claimed elsewhere",
}
#: Kinds a year prints at most once.
SINGLE = frozenset({OPENING, BUDGET, PREVIOUS_OUTTURN, OUTTURN, VARIANCE})


@dataclass(frozen=True)
class Cell:
    """One printed cell of a year's trajectory: its kind, its row label and text (blank allowed)."""

    key: str
    kind: str
    label: str
    text: str
    printed: Printed | None  # None: blank as printed


@dataclass(frozen=True)
class Year:
    label: str  # 2019/20
    cells: tuple[Cell, ...]

    @property
    def table(self) -> str:
        return f"Service budget trajectory {self.label}"

    def one(self, kind: str) -> Cell | None:
        return next((c for c in self.cells if c.kind == kind and c.printed is not None), None)

    def all(self, kind: str) -> list[Cell]:
        return [c for c in self.cells if c.kind == kind and c.printed is not None]

    def figure(self, cell: Cell) -> Figure:
        assert cell.printed is not None
        return Figure(cell.key, self.table, cell.label, COLUMN[cell.kind], cell.text, cell.printed)


def relations(years: Sequence[Year]) -> list[Relation]:
    """Every relation the printed trajectory must keep, year by year, then from year to year."""
    found: list[Relation] = []
    for index, year in enumerate(years):
        opening, budget = year.one(OPENING), year.one(BUDGET)
        previous, outturn = year.one(PREVIOUS_OUTTURN), year.one(OUTTURN)
        variance = year.one(VARIANCE)
        if opening and budget:
            moves = year.all(BUDGET_MOVEMENT)
            found.append(
                Relation(
                    year.figure(budget),
                    (Term(year.figure(opening)), *(Term(year.figure(c)) for c in moves)),
                    explain=f"{opening.label} + budget movements" if moves else f"{opening.label}, no movements",
                )
            )
        if previous and outturn:
            moves = year.all(COST_MOVEMENT)
            found.append(
                Relation(
                    year.figure(outturn),
                    (Term(year.figure(previous)), *(Term(year.figure(c)) for c in moves)),
                    explain=f"{previous.label} + cost movements" if moves else f"{previous.label}, no movements",
                )
            )
        if variance and budget and outturn:
            found.append(
                Relation(
                    year.figure(variance),
                    (Term(year.figure(outturn)), Term(year.figure(budget), -1)),
                    explain=f"{outturn.label} − {budget.label}",
                )
            )
        if variance:
            for claim in year.all(CLAIM):
                found.append(Relation(year.figure(claim), (Term(year.figure(variance)),), explain=f"{variance.label}"))
        if index + 1 < len(years):
            after = years[index + 1]
            for mine, theirs in ((budget, after.one(OPENING)), (outturn, after.one(PREVIOUS_OUTTURN))):
                if mine and theirs:
                    found.append(
                        Relation(
                            after.figure(theirs),
                            (Term(year.figure(mine)),),
                            explain=f"{year.label}'s {mine.label}",
                        )
                    )
    return found
