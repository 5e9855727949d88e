"""The programme's navigation bar, built from the entries rooms register (no room named here)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from improve.core.registry import registry

register = template.Library()

CURRENT = mark_safe(' aria-current="page"')  # noqa: S308 - a constant


@register.simple_tag(takes_context=True)
def programme_nav(context: template.Context) -> SafeString:
    """One ``<li>`` per registered entry the member may see; the current one is marked."""
    request = context.get("request")
    programme = context.get("programme")
    access: Any = context.get("access") or getattr(request, "access", None)
    if programme is None:
        return format_html("")
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match is not None else ""
    items = []
    for entry in registry.nav():
        if access is not None and not access.can(entry.perm):
            continue
        current = entry.is_current(here)
        items.append(
            (
                " govuk-service-navigation__item--active" if current else "",
                reverse(entry.url_name, args=[programme.slug]),
                CURRENT if here == entry.url_name else "",
                entry.label,
            )
        )
    return format_html_join(
        "\n",
        '<li class="govuk-service-navigation__item{}">'
        '<a class="govuk-service-navigation__link" href="{}"{}>{}</a></li>',
        items,
    )
