"""Money as the pages show it: £000 with negatives in brackets, or exact pounds."""

from __future__ import annotations

from decimal import Decimal

from django import template

from improve.modelling import money as m

register = template.Library()


@register.filter
def thousands(value: Decimal | None) -> str:
    """``-1234567`` → ``(1,235)``: a cabinet report's £000."""
    return m.cabinet(value)


@register.filter
def gbp(value: Decimal | None) -> str:
    """``953000`` → ``£953,000.00``; negatives in brackets."""
    return m.pounds(value)


@register.filter
def in_unit(value: Decimal | None, unit: str) -> str:
    """An amount in a line's unit, as typed: ``953000`` in £000 → ``953``."""
    if value is None:
        return ""
    shown = m.in_unit(value, unit)
    return f"({abs(shown):,f})" if shown < 0 else f"{shown:,f}"


@register.simple_tag
def rag_tag(rag: str, overridden: bool = False) -> str:
    """A RAG as a GOV.UK tag with its word (never colour alone)."""
    from improve.finance.registers import rag_tag as tag

    return tag(rag, overridden)
