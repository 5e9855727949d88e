"""The register page: a room's list of rows with a filter form, HTMX results, paging, archive /
restore and history — one page every room builds its lists from.

A room describes a list with :class:`Register` (built per request, so it can leave out the links
a member may not follow) and its view returns :func:`register_page`. The room passes callables
for everything that names its tables: where the rows come from (a selector), how the filters
narrow them, how rows group; core names no room.

The filter form is a plain GET form with a submit button, so it works without JavaScript; HTMX
swaps only the results (``#<name>-results``, an ``aria-live`` region) and pushes the address, so
a filtered, paged list can be bookmarked. An archivable register adds a "Show archived" checkbox
to the form: ticked, it lists only the archived rows, each with a Restore button.

Rows are rendered in Python (:func:`render_rows`), not with the template language: a page of 200
rows of ten cells each renders in a few milliseconds.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from improve.core.validators import is_url_key

#: The query-string parameter of the "Show archived" checkbox.
ARCHIVED_PARAM = "archived"
_SENTINEL = 987654321  # stands for a row's key while a URL is reversed once for every row
_URL_SAFE = "/~:@!$&'()*+,;="  # as Django's reverse() leaves a URL argument


@dataclass(frozen=True)
class Column:
    """One column: its heading and how to show a row's cell.

    ``cell`` returns the cell's text (escaped) or HTML (a ``SafeString``); ``link`` the address
    the text links to ("" for no link); ``css`` extra classes for a row's cell (an indent, say).
    """

    label: str
    cell: Callable[[Any], object]
    link: Callable[[Any], str] | None = None
    numeric: bool = False
    nowrap: bool = False
    row_header: bool = False
    css: Callable[[Any], str] | None = None


@dataclass
class Group:
    """Rows shown under one heading, in their own table."""

    heading: str
    caption: str
    items: list[Any]
    rows: SafeString = field(default_factory=lambda: mark_safe(""))  # noqa: S308 - empty


@dataclass(frozen=True)
class Register:
    """What a register page shows and links to.

    - ``name``: the page's id stem (``<name>-results``, ``<name>-count``);
    - ``rows(archived)``: the rows (current or archived), ordered, with their joins in place;
    - ``filter_form(data)``: the unbound (``None``) or bound filter form; ``filter(rows, cleaned)``
      narrows the rows by the form's cleaned data;
    - ``change_url`` … ``history_url``: URL names reversed with ``url_args`` (``history_args``
      for the history) and the row's ``key(row)``; ``None`` leaves the link out (a member who
      may not change anything);
    - ``editable(row)``: whether the member may change, archive or restore this row;
    - ``group(rows)``: rows split into :class:`Group` s, each its own table (one table if None).
    """

    name: str
    title: str
    noun: str
    noun_plural: str
    url: str
    rows: Callable[[bool], QuerySet[Any]]
    columns: Sequence[Column]
    page_title: str = ""
    intro: str = ""
    links: Sequence[tuple[str, str]] = ()
    filter_form: Callable[[QueryDict | None], forms.Form] | None = None
    filter: Callable[[QuerySet[Any], Mapping[str, Any]], QuerySet[Any]] | None = None
    filter_heading: str = ""
    page_size: int = 50
    archivable: bool = False
    url_args: tuple[Any, ...] = ()
    key: Callable[[Any], Any] = lambda row: row.pk
    label: Callable[[Any], str] = str
    add_url: str = ""
    add_label: str = ""
    change_url: str | None = None
    archive_url: str | None = None
    restore_url: str | None = None
    restore_data: Mapping[str, str] = field(default_factory=dict)
    history_url: str | None = None
    history_args: tuple[Any, ...] | None = None
    editable: Callable[[Any], bool] | None = None
    group: Callable[[list[Any]], list[Group]] | None = None
    table_class: str = ""
    wide: bool = False

    @property
    def results_id(self) -> str:
        return f"{self.name}-results"

    @property
    def count_id(self) -> str:
        return f"{self.name}-count"

    def has_actions(self, archived: bool) -> bool:
        if archived:
            return bool(self.restore_url or self.history_url)
        return bool(self.change_url or self.archive_url or self.history_url)


def row_url(name: str, args: Sequence[Any] = ()) -> Callable[[Any], str]:
    """The address of URL ``name`` for a row's key, reversed once for every row.

    A key that no address can carry (see :func:`improve.core.validators.is_url_key`) has none: "".
    """
    try:
        sample = reverse(name, args=[*args, _SENTINEL])
    except NoReverseMatch:
        sample = ""
    before, marker, after = sample.partition(str(_SENTINEL))
    if not marker or str(_SENTINEL) in after:

        def slow(key: Any) -> str:
            if isinstance(key, str) and not is_url_key(key):
                return ""
            return reverse(name, args=[*args, key])

        return slow

    def fast(key: Any) -> str:
        if isinstance(key, int):
            return f"{before}{key}{after}"
        if not is_url_key(key):
            return ""
        return before + quote(str(key), safe=_URL_SAFE) + after

    return fast


_ROW = '<tr class="govuk-table__row">{}</tr>'
_ACTION = '<li class="io-actions__item">{}</li>'
_LINK = '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}</span></a>'
_RESTORE = (
    '<form method="post" action="{}" class="io-inline-form">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">{}'
    '<button type="submit" class="io-link-button io-link-button--dark">Restore'
    '<span class="govuk-visually-hidden"> {}</span></button></form>'
)


def _html(value: object) -> str:
    """``value`` as HTML: escaped text, or the HTML of a value that has it (as ``conditional_escape``).

    ``html.escape`` straight away for plain text, the common case: Django's ``escape`` makes the
    same text, through a lazy-aware wrapper and a ``SafeString`` that a page of 2,000 cells pays for.
    """
    if value.__class__ is str:
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _cell_renderer(column: Column) -> Callable[[Any], str]:
    """How to render ``column``'s cell of a row: the tag and the classes that do not vary worked out once."""
    css = "govuk-table__header" if column.row_header else "govuk-table__cell"
    if column.numeric:
        css += " govuk-table__cell--numeric"
    if column.nowrap:
        css += " io-nowrap"
    tag, close = ('<th scope="row" class="', "</th>") if column.row_header else ('<td class="', "</td>")
    cell, link, extra = column.cell, column.link, column.css

    def render(row: Any) -> str:
        text = _html(cell(row))
        if link is not None:
            href = link(row)
            if href:
                text = f'<a class="govuk-link" href="{html.escape(href)}">{text}</a>'
        more = extra(row) if extra is not None else ""
        return f'{tag}{css} {more}">{text}{close}' if more else f'{tag}{css}">{text}{close}'

    return render


def render_rows(register: Register, items: Sequence[Any], *, archived: bool, csrf_token: str = "") -> SafeString:
    """One ``<tr>`` per row: its cells, then its actions (change, archive or restore, history).

    Every text is escaped (as ``conditional_escape`` does) unless the room's cell gave HTML it built safely.
    """
    history_args = register.url_args if register.history_args is None else register.history_args
    urls = {
        what: row_url(name, args) if name else None
        for what, name, args in (
            ("change", register.change_url, register.url_args),
            ("archive", register.archive_url, register.url_args),
            ("restore", register.restore_url, register.url_args),
            ("history", register.history_url, history_args),
        )
    }
    actions = register.has_actions(archived)
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in register.restore_data.items()
    )
    token = escape(csrf_token)
    renderers = [_cell_renderer(column) for column in register.columns]
    out = []
    for row in items:
        cells = [render(row) for render in renderers]
        if actions:
            key = register.key(row)
            label = escape(register.label(row))
            may_change = register.editable is None or register.editable(row)
            links: list[str] = []
            if archived:
                restore = urls["restore"]
                if restore is not None and may_change and (href := restore(key)):
                    links.append(_RESTORE.format(escape(href), token, hidden, label))
            else:
                for what, text in (("change", "Change"), ("archive", "Archive")):
                    make = urls[what]
                    if make is not None and may_change and (href := make(key)):
                        links.append(_LINK.format(escape(href), text, label))
            history = urls["history"]
            if history is not None and (href := history(key)):
                links.append(_LINK.format(escape(href), "History", label))
            items_html = "".join(_ACTION.format(link) for link in links)
            cells.append(f'<td class="govuk-table__cell"><ul class="io-actions">{items_html}</ul></td>')
        out.append(_ROW.format("".join(cells)))
    return mark_safe("\n".join(out))  # noqa: S308 - every value in it is escaped above


@dataclass(frozen=True)
class Results:
    """What a register shows for one request (the template's context, less the room's)."""

    register: Register
    form: forms.Form | None
    archived: bool
    filtered: bool
    actions: bool
    count: int
    page: Page[Any]
    page_range: list[Any]
    groups: list[Group]


def register_results(request: HttpRequest, register: Register) -> Results:
    """Validate the filters from the query string, filter, page and render the rows.

    An invalid filter form shows its errors and filters nothing; a page number out of range
    shows the last page.
    """
    archived = register.archivable and request.GET.get(ARCHIVED_PARAM) == "on"
    form = register.filter_form(request.GET or None) if register.filter_form is not None else None
    criteria: Mapping[str, Any] = {}
    if form is not None and form.is_bound and form.is_valid():
        criteria = form.cleaned_data
    rows = register.rows(archived)
    filtered = any(bool(v) for v in criteria.values())
    if filtered and register.filter is not None:
        rows = register.filter(rows, criteria)
    paginator = Paginator(rows, register.page_size)
    page = paginator.get_page(request.GET.get("page"))
    items = list(page.object_list)
    groups = register.group(items) if register.group is not None else [Group("", register.title, items)]
    token = get_token(request) if archived and register.restore_url else ""
    for group in groups:
        group.rows = render_rows(register, group.items, archived=archived, csrf_token=token)
    return Results(
        register=register,
        form=form,
        archived=archived,
        filtered=filtered,
        actions=register.has_actions(archived),
        count=paginator.count,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        groups=[g for g in groups if g.items],
    )


def register_page(request: HttpRequest, register: Register, context: Mapping[str, Any]) -> HttpResponse:
    """The whole register page, or only its results for an HTMX request (django-htmx's ``request.htmx``).

    ``context`` is the room's own (the programme, the member's access) for the page around it.
    """
    results = register_results(request, register)
    ctx = {
        **context,
        "register": register,
        "results": results,
        "form": results.form,
        "count": results.count,
        "page": results.page,
        "groups": results.groups,
        "archived_param": ARCHIVED_PARAM,
    }
    template = "core/_register_results.html" if getattr(request, "htmx", False) else "core/register.html"
    return render(request, template, ctx)
