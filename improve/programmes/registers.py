"""The programme room's registers: the plan, strands, stages, projects and owners.

Each function describes one list for one request (:class:`improve.core.register.Register`): its
rows come from a selector, its filters from a form, and the links a member may not follow are
left out. The views hand the description to :func:`improve.core.register.register_page`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from improve.core.register import Column, Group, Register
from improve.programmes import selectors
from improve.programmes.forms import DefinitionFilterForm, OwnerFilterForm, PlanFilterForm, ProjectFilterForm
from improve.programmes.models import GateType, ItemKind, PlanItem, Programme, Status
from improve.programmes.permissions import Access, Perm
from improve.programmes.templatetags.plan_tags import RAG_BADGE, rag_badge

PLAN_PAGE = 200  # plan lines per page: a strand or two of a large plan
DEFINITION_PAGE = 50  # strands, stages, projects or owners per page


def _url(name: str, programme: Programme, *args: Any) -> str:
    return reverse(f"programmes:{name}", args=[programme.slug, *args])


def _names(programme: Programme, access: Access, kind: str, **names: str) -> dict[str, Any]:
    """The row links of a definition register: change, archive and restore only for its keepers."""
    can = access.can(Perm.EDIT_PROGRAMME)
    return {
        "url_args": (programme.slug,),
        "history_args": (programme.slug, kind),
        "change_url": f"programmes:{names['change']}" if can else None,
        "archive_url": f"programmes:{names['archive']}" if can else None,
        "restore_url": f"programmes:{names['restore']}" if can else None,
        "history_url": "programmes:object-history",
    }


# --- the plan ------------------------------------------------------------------------------------

_NOTE = '<br><span class="govuk-body-s io-muted">{}</span>'
_OVERDUE = format_html(' <strong class="govuk-tag govuk-tag--red">{}</strong>', "Overdue")
_RAG = {rag: rag_badge(rag) for rag in RAG_BADGE}
_STATUS = dict(Status.choices)
_GATE_TYPE = dict(GateType.choices)

# The plan's cells build their HTML with ``html.escape`` and f-strings: the same HTML as
# ``format_html``, at a fraction of its cost over a page of 200 lines.


def _title_cell(href: Callable[[str], str]) -> Callable[[PlanItem], SafeString]:
    def cell(item: PlanItem) -> SafeString:
        link = href(item.uid)
        title = html.escape(item.title)
        if link:
            title = f'<a class="govuk-link" href="{html.escape(link)}">{title}</a>'
        if item.kind == ItemKind.GATE:
            title += _NOTE.format(html.escape(str(_GATE_TYPE.get(item.gate_type, item.gate_type))))
        elif item.kind == ItemKind.MILESTONE:
            title += _NOTE.format("Milestone")
        return mark_safe(title)  # noqa: S308 - escaped above

    return cell


def plan(
    programme: Programme,
    access: Access,
    *,
    today: dt.date,
    strands: list[Any],
    item_href: Callable[[str], str],
    form: Callable[[QueryDict | None], PlanFilterForm],
) -> Register:
    """The plan: lines grouped by strand, 200 to a page, archived lines restorable by who may edit them."""
    word = programme.strand_word

    def filter_plan(qs: QuerySet[Any], criteria: Mapping[str, Any]) -> QuerySet[Any]:
        return selectors.filter_plan(qs, selectors.PlanFilters(**criteria), today=today)

    def group(items: list[Any]) -> list[Group]:
        return [
            Group(f"{word}: {g.strand.name}", f"Plan lines in {g.strand.name}", g.items)
            for g in selectors.group_by_strand(items, strands)
        ]

    def end(item: PlanItem) -> SafeString:
        overdue = _OVERDUE if item.is_overdue(today) else ""
        return mark_safe(html.escape(item.end_display) + overdue)  # noqa: S308 - escaped

    return Register(
        name="plan",
        title="Plan",
        noun="plan line",
        noun_plural="plan lines",
        page_title=programme.name,
        url=_url("plan", programme),
        rows=lambda archived: selectors.plan_page_items(programme, archived=archived),
        columns=(
            Column("ID", lambda i: i.uid, nowrap=True),
            Column(
                "Deliverable or gate",
                _title_cell(item_href),
                css=lambda i: f"io-indent-{min(i.level, 4)}" if i.level > 1 else "",
            ),
            Column("Owner", lambda i: i.owner_display),
            Column("Team", lambda i: i.team),
            Column("Start", lambda i: i.start_display, nowrap=True),
            Column("End", end, nowrap=True),
            Column("Status", lambda i: _STATUS.get(i.status, i.status)),
            Column("RAG", lambda i: _RAG.get(i.rag or "", _RAG[""])),
            Column("Done", lambda i: f"{i.percent_complete}%", numeric=True),
        ),
        filter_form=form,
        filter=filter_plan,
        filter_heading="Filter the plan",
        page_size=PLAN_PAGE,
        archivable=True,
        url_args=(programme.slug,),
        key=lambda i: i.uid,
        label=lambda i: f"plan line {i.uid}",
        add_url=_url("item-create", programme) if access.can(Perm.EDIT_PLAN) else "",
        add_label="Add a plan line",
        restore_url="programmes:item-archive" if access.can(Perm.EDIT_PLAN) else None,
        restore_data={"archive": "0"},
        editable=lambda i: access.can(Perm.EDIT_PLAN, strand_id=i.strand_id),
        group=group,
        table_class="govuk-body-s io-plan-table",
        wide=True,
    )


# --- the programme's definition ------------------------------------------------------------------


def strands(programme: Programme, access: Access) -> Register:
    word, plural = programme.strand_word, programme.strand_word_plural
    plan_url = _url("plan", programme)
    return Register(
        name="strands",
        title=plural,
        noun=word.lower(),
        noun_plural=plural.lower(),
        page_title=programme.name,
        intro=f"The {plural.lower()} of the programme, each with its lead and its plan lines. "
        f"A {word.lower()} can be archived once it has no current plan lines.",
        url=_url("strands", programme),
        rows=lambda archived: selectors.strands_register(programme, archived=archived),
        columns=(
            Column("Code", lambda s: s.code, nowrap=True),
            Column(
                word,
                lambda s: s.name,
                row_header=True,
            ),
            Column("Aim", lambda s: Truncator(s.aim).words(20, truncate=" …")),
            Column("Lead", lambda s: s.lead or ""),
            Column(
                "Plan lines",
                lambda s: s.line_count,
                link=lambda s: f"{plan_url}?strand={quote(s.code)}" if s.line_count else "",
                numeric=True,
            ),
        ),
        filter_form=lambda data: DefinitionFilterForm(data),
        filter=lambda qs, c: selectors.filter_definitions(qs, dict(c), search=("name", "code", "aim")),
        filter_heading=f"Filter the {plural.lower()}",
        archivable=True,
        key=lambda s: s.code,
        label=lambda s: s.name,
        add_url=_url("strand-create", programme) if access.can(Perm.EDIT_PROGRAMME) else "",
        add_label=f"Add a {word.lower()}",
        **_names(programme, access, "strand", change="strand-edit", archive="strand-archive", restore="strand-restore"),
        page_size=DEFINITION_PAGE,
    )


def stages(programme: Programme, access: Access) -> Register:
    return Register(
        name="stages",
        title="Stages",
        noun="stage",
        noun_plural="stages",
        page_title=programme.name,
        intro="The stages or phases of the programme, with their dates. They run across the top of the timeline.",
        url=_url("stages", programme),
        rows=lambda archived: selectors.stages_register(programme, archived=archived),
        columns=(
            Column("Code", lambda s: s.code, nowrap=True),
            Column("Stage", lambda s: s.name, row_header=True),
            Column("Start", lambda s: s.start_display, nowrap=True),
            Column("End", lambda s: s.end_display, nowrap=True),
            Column("Owner", lambda s: s.owner or ""),
        ),
        filter_form=lambda data: DefinitionFilterForm(data),
        filter=lambda qs, c: selectors.filter_definitions(qs, dict(c), search=("name", "code", "description")),
        filter_heading="Filter the stages",
        archivable=True,
        key=lambda s: s.code,
        label=lambda s: s.name,
        add_url=_url("stage-create", programme) if access.can(Perm.EDIT_PROGRAMME) else "",
        add_label="Add a stage",
        **_names(programme, access, "stage", change="stage-edit", archive="stage-archive", restore="stage-restore"),
        page_size=DEFINITION_PAGE,
    )


def projects(programme: Programme, access: Access, *, strand_list: list[Any]) -> Register:
    word = programme.strand_word
    return Register(
        name="projects",
        title="Projects",
        noun="project",
        noun_plural="projects",
        page_title=programme.name,
        intro=f"Projects group plan lines within a {word.lower()}.",
        links=(
            (f"Owners of plan lines, {programme.strand_word_plural.lower()} and stages", _url("owners", programme)),
        ),
        url=_url("projects", programme),
        rows=lambda archived: selectors.projects_register(programme, archived=archived),
        columns=(
            Column("Code", lambda p: p.code, nowrap=True),
            Column("Project", lambda p: p.name, row_header=True),
            Column(word, lambda p: p.strand.name),
            Column("Lead", lambda p: p.lead or ""),
            Column("Plan lines", lambda p: p.line_count, numeric=True),
        ),
        filter_form=lambda data: ProjectFilterForm(data, programme=programme, strands=strand_list),
        filter=lambda qs, c: selectors.filter_definitions(qs, dict(c), search=("name", "code", "description")),
        filter_heading="Filter the projects",
        archivable=True,
        key=lambda p: p.code,
        label=lambda p: p.name,
        add_url=_url("project-create", programme) if access.can(Perm.EDIT_PROGRAMME) else "",
        add_label="Add a project",
        **_names(
            programme, access, "project", change="project-edit", archive="project-archive", restore="project-restore"
        ),
        page_size=DEFINITION_PAGE,
    )


def owners(programme: Programme, access: Access) -> Register:
    plan_url = _url("plan", programme)

    def lines(owner: Any) -> SafeString:
        return format_html(
            '{}<span class="govuk-visually-hidden"> plan lines owned by {}</span>', owner.line_count, owner.name
        )

    return Register(
        name="owners",
        title="Owners",
        noun="owner",
        noun_plural="owners",
        page_title=programme.name,
        intro=f"Owners are the people, boards and teams that own plan lines, lead "
        f"{programme.strand_word_plural.lower()} and own stages. A plan line's owner must be on this list.",
        links=(
            ("Projects, which group plan lines within a " + programme.strand_word.lower(), _url("projects", programme)),
        ),
        url=_url("owners", programme),
        rows=lambda archived: selectors.owners_register(programme, archived=archived),
        columns=(
            Column("Name", lambda o: o.name, row_header=True),
            Column("Kind", lambda o: o.get_kind_display()),
            Column("Job title or remit", lambda o: o.title),
            Column(
                "Plan lines",
                lines,
                link=lambda o: f"{plan_url}?owner={quote(o.name)}",
                numeric=True,
            ),
        ),
        filter_form=lambda data: OwnerFilterForm(data),
        filter=lambda qs, c: selectors.filter_definitions(qs, dict(c), search=("name", "title")),
        filter_heading="Filter the owners",
        archivable=True,
        key=lambda o: o.pk,
        label=lambda o: o.name,
        add_url=_url("owner-create", programme) if access.can(Perm.EDIT_PROGRAMME) else "",
        add_label="Add an owner",
        **_names(programme, access, "owner", change="owner-edit", archive="owner-archive", restore="owner-restore"),
        page_size=DEFINITION_PAGE,
    )
