"""The RAG badge of a plan line (the plan's rows are rendered by :mod:`improve.programmes.registers`)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

RAG_BADGE = {
    "red": ("io-rag--red", "Red"),
    "amber": ("io-rag--amber", "Amber"),
    "green": ("io-rag--green", "Green"),
    "": ("io-rag--none", "Not rated"),
}


@register.simple_tag
def rag_badge(rag: str) -> SafeString:
    css, label = RAG_BADGE.get(rag or "", RAG_BADGE[""])
    return format_html('<span class="io-rag {}">{}</span>', css, label)
