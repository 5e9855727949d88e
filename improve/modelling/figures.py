"""How far a printed total may differ from the sum of its printed parts by rounding alone (pure).

Each printed figure stands for any value within half its rounding step of it: ``£953k`` is
£952,500 – £953,500. A total's true value and the sum of its parts' true values are the same
number, so the printed total and the sum of the printed parts may differ by at most half the
total's step plus half of each part's step. A disagreement larger than that is a finding to
report, not a rounding difference. ``£953k + £143k`` (sum £1,096k) against ``£1.095m``: they
differ by £1,000; the allowance is £500 + £500 + £500 = £1,500, so it is rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
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
