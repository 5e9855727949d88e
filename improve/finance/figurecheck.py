"""The figure check: every figure the programme holds *as printed*, against what its parts make.

Each room registers its checks (``Room.figure_checks``, :mod:`improve.core.registry`): callables
that take a programme and yield the relations its printed figures must keep
(:class:`improve.modelling.figures.Relation`). This module holds the money room's two — the
printed totals (:class:`~improve.finance.models.PrintedFigure`) against the sums the product
computes, and the service budget trajectory — and :func:`run`, which walks every room's checks and
reports each disagreement larger than rounding explains, and the single figures that explain
several (:func:`improve.modelling.figures.check_relations`).

A printed total's parts are the lines it covers: a line with its own printed figure for the same
year and measure counts as printed (its rounding allowed for), any other line as the exact sum the
product holds. Each line's printed figure is itself checked against the line's amounts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from improve.core.registry import registry
from improve.finance import selectors
from improve.finance.models import Measure, PrintedFigure, TrajectoryFigure
from improve.finance.selectors import BudgetSummary, LineRow
from improve.modelling import fiscal, trajectory
from improve.modelling.budget import YearFigures, total
from improve.modelling.figures import Explanation, Figure, Outcome, Relation, Term, check_relations, like
from improve.modelling.money import Printed, read_printed
from improve.programmes.models import Programme

PRINTED_TABLE = "Printed totals"


def _measure(figures: YearFigures | None, measure: str) -> Decimal | None:
    return None if figures is None else getattr(figures, measure)


def _line_value(row: LineRow, measure: str, year: int | None) -> Decimal:
    if year is not None:
        return _measure(row.years.get(year), measure) or Decimal("0.00")
    return total(_measure(f, measure) for f in row.years.values())


_MEASURES = {m.value: str(m.label) for m in Measure}
S = PrintedFigure.Subject


def printed_relations(programme: Programme, budget: BudgetSummary | None = None) -> Iterator[Relation]:
    """Each printed total, group, line or funding figure against what the product computes."""
    printed = selectors.printed_rows(programme)
    if not printed:
        return
    # The lines' figures by year are all a printed figure is checked against (no derived figures).
    all_rows = (
        [row for group in budget.groups for row in group.lines]
        if budget is not None
        else selectors.line_figures(programme)
    )
    line_rows = {row.line.pk: row for row in all_rows}
    by_group: dict[int, list[LineRow]] = defaultdict(list)
    for row in all_rows:
        by_group[row.line.group_id].append(row)
    base_rows = [r for r in all_rows if not r.line.contingency]
    contingency_rows = [r for r in all_rows if r.line.contingency]
    figures: dict[int, Figure] = {}
    read: dict[str, Printed] = {}  # a text read once (a thousand lines may print "£60k")

    def figure(p: selectors.PrintedRow) -> Figure:
        if p.pk not in figures:
            when = fiscal.label(p.year) if p.year is not None else "all years"
            if p.text not in read:
                read[p.text] = read_printed(p.text)
            column = f"Available, {when}" if p.subject in FUNDING else f"{_MEASURES[p.measure]}, {when}"
            table = f"{PRINTED_TABLE} ({p.source})" if p.source else PRINTED_TABLE
            row = {
                S.LINE: p.line_name,
                S.GROUP: p.group_name,
                S.FUNDING: "Available funding",
                S.SOURCE: p.funding_source_name,
                **NAMES,
            }[p.subject]
            figures[p.pk] = Figure(f"printed:{p.pk}", table, row, column, p.text, read[p.text])
        return figures[p.pk]

    by_line: dict[int, dict[tuple[int | None, str], selectors.PrintedRow]] = defaultdict(dict)
    by_source: dict[int, dict[int | None, selectors.PrintedRow]] = defaultdict(dict)
    for p in printed:
        if p.subject == S.LINE and p.line_id is not None:
            by_line[p.line_id].setdefault((p.year, p.measure), p)
        if p.subject == S.SOURCE and p.funding_source_id is not None:
            by_source[p.funding_source_id].setdefault(p.year, p)
    sources: dict[int, dict[int, Decimal]] | None = None
    for p in printed:
        year = p.year
        if p.subject == S.LINE:
            held = line_rows.get(p.line_id) if p.line_id is not None else None
            computed = _line_value(held, p.measure, year) if held else Decimal("0.00")
            yield Relation(figure(p), exact=computed, explain=f"the amounts of line {p.line_name}")
            continue
        if p.subject in FUNDING:
            if sources is None:
                sources = selectors.source_amounts(programme)
            if p.subject == S.SOURCE:
                amounts = sources.get(p.funding_source_id or 0, {})
                computed = amounts.get(year, Decimal("0.00")) if year is not None else total(amounts.values())
                yield Relation(figure(p), exact=computed, explain=f"the amounts of source {p.funding_source_name}")
                continue
            # available funding: a source with its own printed amount for the year counts as printed
            parts: list[Term] = []
            exact_parts: list[Decimal] = []
            for source_id, amounts in sources.items():
                own = by_source.get(source_id, {}).get(year)
                if own is not None:
                    parts.append(Term(figure(own)))
                else:
                    exact_parts.append(
                        amounts.get(year, Decimal("0.00")) if year is not None else total(amounts.values())
                    )
            yield Relation(figure(p), tuple(parts), exact=total(exact_parts), explain="the funding sources' amounts")
            continue
        if p.subject == S.GROUP:
            chosen = by_group.get(p.group_id or 0, [])
        elif p.subject == S.BASE:
            chosen = base_rows
        elif p.subject == S.CONTINGENCY:
            chosen = contingency_rows
        else:
            chosen = all_rows
        terms: list[Term] = []
        exact: list[Decimal] = []
        wanted = (year, p.measure)
        for row in chosen:
            own = by_line[row.line.pk].get(wanted) if row.line.pk in by_line else None
            if own is not None:
                terms.append(Term(figure(own)))
            else:
                exact.append(_line_value(row, p.measure, year))
        yield Relation(figure(p), tuple(terms), exact=total(exact), explain=EXPLAIN[p.subject])


FUNDING = (S.FUNDING, S.SOURCE)
#: What a total's row is called, and what it is recomputed from.
NAMES: dict[str, str] = {
    S.PROGRAMME: "Programme total",
    S.BASE: "Total before contingency",
    S.CONTINGENCY: "Contingency",
}
EXPLAIN: dict[str, str] = {
    S.PROGRAMME: "every line",
    S.BASE: "the lines other than contingency",
    S.CONTINGENCY: "the contingency lines",
    S.GROUP: "its lines",
}


def trajectory_years(programme: Programme) -> list[trajectory.Year]:
    """The trajectory as the pure check reads it: one :class:`~improve.modelling.trajectory.Year` per year."""
    by_year: dict[int, list[TrajectoryFigure]] = defaultdict(list)
    for f in selectors.trajectory_for(programme):
        by_year[f.year.start_year].append(f)
    return [
        trajectory.Year(
            fiscal.label(start),
            tuple(trajectory.Cell(f"trajectory:{f.pk}", f.kind, f.label, f.text, f.printed) for f in figures),
        )
        for start, figures in sorted(by_year.items())
    ]


def trajectory_relations(programme: Programme) -> list[Relation]:
    return trajectory.relations(trajectory_years(programme))


@dataclass(frozen=True)
class ResultCheck:
    """A printed result beside what its parts make, for a page."""

    recomputed: str  # written like the printed figure
    explain: str
    agrees: bool
    difference: str
    allowance: str


def result_checks(relations: list[Relation]) -> dict[str, list[ResultCheck]]:
    """Each printed result's checks by its figure's key (a figure may be the result of two relations)."""
    out: dict[str, list[ResultCheck]] = defaultdict(list)
    for relation in relations:
        check = relation.check()
        out[relation.result.key].append(
            ResultCheck(
                like(relation.result.text, check.computed),
                relation.explain,
                check.agrees,
                amount(check.difference),
                amount(check.allowance),
            )
        )
    return out


def run(programme: Programme) -> Outcome:
    """Every room's printed figures checked, with the single figures that explain several findings."""
    return check_relations(relation for check in registry.figure_checks() for relation in check(programme))


# --- what a reader is told ---------------------------------------------------------------------------


def amount(value: Decimal) -> str:
    """An exact amount, signed: ``£34,400,000``, ``−£1,500,000``, ``£1,234.56``."""
    body = f"{abs(value):,.0f}" if value == value.to_integral_value() else f"{abs(value):,.2f}"
    return f"{'−' if value < 0 else ''}£{body}"


_COUNT = {2: "both", 3: "all three", 4: "all four"}


@dataclass(frozen=True)
class Line:
    """One finding as a page or the command tells it."""

    table: str
    row: str
    column: str
    printed: str  # as printed
    printed_value: str
    recomputed: str
    recomputed_like: str  # written the way the printed figure is
    difference: str
    allowance: str
    recomputed_from: str
    explained_by: tuple[str, ...]


def explanation_text(explanation: Explanation) -> str:
    """``21/22 Budget £34.4m: with £35.9m both disagreements go``."""
    n = len(explanation.resolves)
    which = _COUNT.get(n, f"all {n}")
    return (
        f"{explanation.figure.row} {explanation.figure.text}: with {like(explanation.figure.text, explanation.value)} "
        f"{which} disagreements go"
    )


def lines(outcome: Outcome) -> list[Line]:
    return [
        Line(
            table=f.figure.table,
            row=f.figure.row,
            column=f.figure.column,
            printed=f.figure.text,
            printed_value=amount(f.check.printed),
            recomputed=amount(f.check.computed),
            recomputed_like=like(f.figure.text, f.check.computed),
            difference=amount(f.check.difference),
            allowance=amount(f.check.allowance),
            recomputed_from=f.relation.explain,
            explained_by=tuple(explanation_text(e) for e in outcome.explained_by(f)),
        )
        for f in outcome.findings
    ]


def text_report(outcome: Outcome, name: str) -> str:
    """The check as plain text, for the command line."""
    found = lines(outcome)
    checked = len(outcome.relations)
    if not found:
        return f"{name}: {checked} printed figures checked; all agree within the rounding of the printed figures.\n"
    out = [f"{name}: {checked} printed figures checked; {len(found)} disagree by more than rounding explains.", ""]
    for n, line in enumerate(found, 1):
        out += [
            f"{n}. {line.table} / {line.row} / {line.column}",
            f"   printed {line.printed} ({line.printed_value}); "
            f"recomputed {line.recomputed} from {line.recomputed_from}",
            f"   difference {line.difference}; rounding allows up to {line.allowance}",
        ]
        out += [f"   one figure explains it: {e}" for e in line.explained_by]
    if outcome.explanations:
        out += ["", "Single figures that explain several disagreements:"]
        out += [f"- {explanation_text(e)}" for e in outcome.explanations]
    return "\n".join(out) + "\n"
