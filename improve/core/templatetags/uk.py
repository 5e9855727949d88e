"""Template filters for UK display: dates as 18/04/2019, plan dates with TBD; which keys can be linked."""

import datetime as dt

from django import template

from improve.core.dates import format_plan_date
from improve.core.validators import is_url_key

register = template.Library()


@register.filter
def ukdate(value: dt.date | None) -> str:
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@register.filter
def plandate(value: dt.date | None, tbd: bool = False) -> str:
    return format_plan_date(value, tbd)


@register.filter
def lines(value: str) -> list[str]:
    """Split a one-item-per-line text into its items."""
    return [line.strip(" -•\t") for line in (value or "").splitlines() if line.strip(" -•\t")]


@register.filter
def url_key(value: object) -> bool:
    """Whether a code or unique ID can go into a page address: link it only then.

    A row stored before IDs were checked (``9/1``, ``..``) is still shown, without a link.
    """
    return is_url_key(value)
