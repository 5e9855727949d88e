"""How far a printed total may differ from the sum of its printed parts by rounding alone (pure).

Each printed figure stands for any value within half its rounding step of it: ``£953k`` is
£952,500 – £953,500. A total's true value and the sum of its parts' true values are the same
number, so the printed total and the sum of the printed parts may differ by at most half the
total's step plus half of each part's step. A disagreement larger than that is a finding to
report, not a rounding difference. ``£953k + £143k`` (sum £1,096k) against ``£1.095m``: they
differ by £1,000; the allowance is £500 + £500 + £500 = £1,500, so it is rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from improve.modelling.budget import total
from improve.modelling.money import Printed

HALF = Decimal("0.5")


def allowance(total_step: Decimal, part_steps: Iterable[Decimal]) -> Decimal:
    """The largest difference ``[£]`` rounding can explain: half of every printed step."""
    return total(HALF * step for step in [total_step, *part_steps])


@dataclass(frozen=True)
class Check:
    """A printed total checked against its printed parts ``[£]``."""

    printed: Decimal
    computed: Decimal
    allowance: Decimal

    @property
    def difference(self) -> Decimal:
        return self.printed - self.computed

    @property
    def agrees(self) -> bool:
        return abs(self.difference) <= self.allowance


def check_total(printed_total: Printed, parts: Iterable[Printed]) -> Check:
    """Compare a printed total with the sum of its printed parts, allowing for their rounding."""
    items = list(parts)
    return Check(
        printed=printed_total.value,
        computed=total(p.value for p in items),
        allowance=allowance(printed_total.step, [p.step for p in items]),
    )


# --- Relations between printed figures, their findings, and the one figure that explains several ---


@dataclass(frozen=True)
class Figure:
    """One figure as printed in one table, and where: ``table`` / ``row`` / ``column``.

    ``key`` tells figures apart (two cells may print the same text); ``text`` is as printed.
    """

    key: str
    table: str
    row: str
    column: str
    text: str
    printed: Printed

    @property
    def value(self) -> Decimal:
        return self.printed.value

    @property
    def label(self) -> str:
        return f"{self.row} {self.text}"


@dataclass(frozen=True)
class Term:
    """A part of a relation: ``sign`` × a printed figure."""

    figure: Figure
    sign: int = 1


@dataclass(frozen=True)
class Relation:
    """``result`` should be ``exact`` + Σ sign × part, within the rounding of the printed figures.

    A total is a relation with every part's sign +1; a difference ``A − B = C`` has ``result`` C
    and terms +A, −B; an equality (next year's opening = this year's budget) has one term.
    ``exact`` is what the product itself computes from amounts held exactly (no rounding to allow
    for); ``explain`` says in words what the result is recomputed from.
    """

    result: Figure
    terms: tuple[Term, ...] = ()
    exact: Decimal = Decimal(0)
    explain: str = ""

    @property
    def figures(self) -> tuple[Figure, ...]:
        return (self.result, *(t.figure for t in self.terms))

    def check(self, values: Mapping[str, Decimal] | None = None) -> Check:
        """The check of this relation, with some figures' values replaced (by key) if given."""
        replaced = values or {}

        def value(figure: Figure) -> Decimal:
            return replaced.get(figure.key, figure.value)

        return Check(
            printed=value(self.result),
            computed=total([self.exact, *(t.sign * value(t.figure) for t in self.terms)]),
            allowance=allowance(self.result.printed.step, [t.figure.printed.step for t in self.terms]),
        )


@dataclass(frozen=True)
class Finding:
    """A relation that disagrees by more than the rounding of its printed figures explains."""

    relation: Relation
    check: Check

    @property
    def figure(self) -> Figure:
        return self.relation.result


@dataclass(frozen=True)
class Explanation:
    """One printed figure whose replacement by ``value`` removes several findings (and adds none)."""

    figure: Figure
    value: Decimal
    resolves: tuple[Finding, ...]


@dataclass(frozen=True)
class Outcome:
    relations: tuple[Relation, ...]
    findings: tuple[Finding, ...]
    explanations: tuple[Explanation, ...]

    @property
    def agrees(self) -> bool:
        return not self.findings

    def explained_by(self, finding: Finding) -> list[Explanation]:
        return [e for e in self.explanations if finding in e.resolves]


def _implied(relation: Relation, signs: int, check: Check, figure: Figure) -> Decimal | None:
    """As :meth:`Relation.implied`, from the relation's check (no summing again)."""
    if relation.result.key == figure.key:
        return None if signs else check.computed
    if signs == 0:
        return None
    return (check.printed - (check.computed - signs * figure.value)) / signs


def check_relations(relations: Iterable[Relation]) -> Outcome:
    """Check every relation; find each printed figure that alone explains two or more findings.

    For a figure in two or more failing relations, each failing relation gives the value the
    figure would need; a value that makes two or more of the failing relations agree, and no
    agreeing relation disagree, is an explanation (of the candidates, the one that resolves most,
    then leaves the smallest remaining differences, then comes first).
    """
    rels = tuple(relations)
    checks = [r.check() for r in rels]
    findings = tuple(Finding(r, c) for r, c in zip(rels, checks, strict=True) if not c.agrees)
    failing = {id(f.relation): f for f in findings}
    involving: dict[str, list[int]] = {}
    figures: dict[str, Figure] = {}
    #: (figure key, relation index) → the figure's summed signs among the relation's terms
    signs: dict[tuple[str, int], int] = {}
    for index, relation in enumerate(rels):
        for fig in relation.figures:
            figures.setdefault(fig.key, fig)
            found = involving.setdefault(fig.key, [])
            if not found or found[-1] != index:
                found.append(index)
        for term in relation.terms:
            signs[(term.figure.key, index)] = signs.get((term.figure.key, index), 0) + term.sign
    agree = [c.agrees for c in checks]
    explanations: list[Explanation] = []
    for key, indexes in involving.items():
        failing_here = [i for i in indexes if not agree[i]]
        if len(failing_here) < 2:
            continue
        figure = figures[key]
        old = figure.value
        # each relation of the figure as (is it the result, the figure's signs among its terms, its check)
        around = [(j, rels[j].result.key == key, signs.get((key, j), 0), checks[j]) for j in indexes]
        best: tuple[int, Decimal, Decimal, list[int]] | None = None
        for i in failing_here:
            value = _implied(rels[i], signs.get((key, i), 0), checks[i], figure)
            if value is None or value == old:
                continue
            # Each relation's check with the figure replaced by ``value``, worked from its check
            # (no summing again, no new objects): a thousand findings are tried in a few ms.
            shift = value - old
            resolved: list[int] = []
            residual = Decimal(0)
            broken = False
            for j, is_result, sign, check in around:
                gap = abs((value if is_result else check.printed) - (check.computed + sign * shift))
                if gap <= check.allowance:
                    if not agree[j]:
                        resolved.append(j)
                        residual += gap
                elif agree[j]:
                    broken = True
                    break
            if broken or len(resolved) < 2:
                continue
            if best is None or (len(resolved), -residual) > (len(best[3]), -best[1]):
                best = (i, residual, value, resolved)
        if best is not None:
            explanations.append(Explanation(figure, best[2], tuple(failing[id(rels[j])] for j in best[3])))
    return Outcome(rels, findings, tuple(explanations))


def like(text: str, value: Decimal) -> str:
    """``value`` ``[£]`` written the way ``text`` is printed (``£34.4m`` style), exactly.

    As many decimals as the printed text has, more if the value needs them: ``£35.94m``.
    """
    stripped = text.strip().lstrip("+-−–(").rstrip(")").lstrip("£").strip().lower()
    scale, suffix = Decimal(1), ""
    for s, size in (("bn", Decimal(10) ** 9), ("m", Decimal(10) ** 6), ("k", Decimal(1000))):
        if stripped.endswith(s):
            scale, suffix, stripped = size, s, stripped[: -len(s)]
            break
    places = len(stripped.split(".")[1]) if "." in stripped else 0
    amount = value / scale
    exponent = amount.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    places = max(places, -exponent)
    body = f"{abs(amount):,.{places}f}"
    return f"{'-' if value < 0 else ''}£{body}{suffix}"
