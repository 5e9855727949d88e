"""The RAID room's registers (on core's register page): risks, issues and the simpler logs."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from improve.core.register import Column, Register
from improve.programmes.models import Owner, Programme, Strand
from improve.programmes.permissions import Access
from improve.raid import permissions, scoring, selectors
from improve.raid.forms import IssueFilterForm, LogFilterForm, RiskFilterForm
from improve.raid.models import Category, Escalation, Issue, IssueStatus, LogEntry, LogSpec, Priority, Risk, RiskStatus

TAG = '<strong class="govuk-tag govuk-tag--{}">{}</strong>'
_TAG_COLOUR = {"red": "red", "amber": "yellow", "green": "green"}
_ABOVE = format_html(TAG, "red", "Above appetite")
_REVIEW_OVERDUE = format_html(TAG, "orange", "Review overdue")
_TARGET_ABOVE = format_html(TAG, "grey", "Target above inherent")
NOT_SCORED_TAG = format_html(TAG, "grey", scoring.NOT_SCORED)


def score_tag(score: int | None) -> SafeString:
    """A risk's score with its band, or "Not yet scored" for a risk without one."""
    return NOT_SCORED_TAG if score is None else band_tag(score)


@functools.cache
def band_tag(score: int | None) -> SafeString:
    """A score with its band in words and colour: ``16 Red`` (colour is never the only carrier).

    There are only 25 scores, so each tag is built once and reused on every row.
    """
    if score is None:
        return format_html("{}", "")
    band = scoring.band(score)
    return format_html(TAG, _TAG_COLOUR[band], f"{score} {scoring.BAND_LABELS[band]}")


#: Choice labels looked up once: ``get_<field>_display`` rebuilds the field's choices on every call,
#: which a register of hundreds of cells pays for.
CATEGORY_LABELS: dict[str, str] = dict(Category.choices)
RISK_STATUS_LABELS: dict[str, str] = dict(RiskStatus.choices)
ISSUE_STATUS_LABELS: dict[str, str] = dict(IssueStatus.choices)
ESCALATION_LABELS: dict[str, str] = dict(Escalation.choices)


def _url(name: str, programme: Programme, *args: Any) -> str:
    return reverse(f"raid:{name}", args=[programme.slug, *args])


def _strand_names(obj: Any) -> str:
    return ", ".join(s.name for s in obj.strands.all())


def risks(
    programme: Programme, access: Access, *, today: dt.date, owners: list[Owner], strands: list[Strand]
) -> Register:
    """Risks, highest residual score first; those above their category's appetite flagged."""
    detail = _url("risk", programme, "REF").replace("REF/", "")
    appetites = selectors.appetites(programme)

    def filter_risks(qs: QuerySet[Any], criteria: Mapping[str, Any]) -> QuerySet[Any]:
        return selectors.filter_risks(qs, selectors.RiskFilters(**criteria), today=today, appetites=appetites)

    def title(risk: Risk) -> SafeString:
        flags = []
        if risk.above(appetites.get(risk.category)):
            flags.append(_ABOVE)
        if risk.review_overdue(today):
            flags.append(_REVIEW_OVERDUE)
        if risk.target_above_inherent:
            flags.append(_TARGET_ABOVE)
        link = format_html('<a class="govuk-link" href="{}{}/">{}</a>', detail, risk.reference, risk.title)
        # the flags are constant, safe tags: joined as they are, without escaping them again
        return mark_safe(link + "".join(f" {flag}" for flag in flags)) if flags else link  # noqa: S308

    def appetite(risk: Risk) -> str:
        value = appetites.get(risk.category)
        return "" if value is None else str(value)

    return Register(
        name="risks",
        title="Risks",
        noun="risk",
        noun_plural="risks",
        page_title=programme.name,
        intro="Risks not yet scored come first, then the rest by their score now (likelihood × impact "
        "after mitigation), highest first. A risk whose score is above its category's appetite is flagged.",
        links=(
            ("Heat map of the risks", _url("heat-map", programme)),
            ("Issues", _url("issues", programme)),
            ("Risk appetite per category", _url("appetite", programme)),
        ),
        url=_url("risks", programme),
        rows=lambda archived: selectors.risks(programme, archived=archived),
        columns=(
            Column("Ref", lambda r: r.reference, nowrap=True),
            Column("Risk", title),
            Column("Category", lambda r: CATEGORY_LABELS.get(r.category, r.category)),
            Column("Owner", lambda r: r.owner.name if r.owner else ""),
            Column("Before", lambda r: score_tag(r.inherent), nowrap=True),
            Column("Now", lambda r: score_tag(r.residual), nowrap=True),
            Column("Appetite", appetite, numeric=True),
            Column(programme.strand_word_plural, _strand_names),
            Column("Review", lambda r: r.review_on.strftime("%d/%m/%Y") if r.review_on else "", nowrap=True),
            Column("Status", lambda r: RISK_STATUS_LABELS.get(r.status, r.status)),
        ),
        filter_form=lambda data: RiskFilterForm(data, programme=programme, owners=owners, strands=strands),
        filter=filter_risks,
        filter_heading="Filter the risks",
        archivable=True,
        url_args=(programme.slug,),
        key=lambda r: r.reference,
        label=lambda r: f"risk {r.reference}",
        add_url=_url("risk-create", programme) if access.can(permissions.EDIT_RAID) else "",
        add_label="Add a risk",
        change_url="raid:risk-edit",
        archive_url="raid:risk-archive" if access.can(permissions.EDIT_RAID) else None,
        restore_url="raid:risk-archive" if access.can(permissions.EDIT_RAID) else None,
        restore_data={"archive": "0"},
        history_url="raid:risk-history",
        editable=lambda r: permissions.can_change(access, r),
        table_class="govuk-body-s",
        wide=True,
    )


PRIORITY_COLOUR = {"critical": "red", "high": "orange", "medium": "yellow", "low": "grey"}
#: each priority's tag, built once
PRIORITY_TAG: dict[str, SafeString] = {
    value: format_html(TAG, PRIORITY_COLOUR[value], label) for value, label in Priority.choices
}


def issues(programme: Programme, access: Access, *, owners: list[Owner], strands: list[Strand]) -> Register:
    detail = _url("issue", programme, "REF").replace("REF/", "")

    def title(issue: Issue) -> SafeString:
        return format_html('<a class="govuk-link" href="{}{}/">{}</a>', detail, issue.reference, issue.title)

    return Register(
        name="issues",
        title="Issues",
        noun="issue",
        noun_plural="issues",
        page_title=programme.name,
        intro="Issues are risks that have happened, or problems met on the way: each with its impact, "
        "its actions and the level it is escalated to.",
        links=(("Risks", _url("risks", programme)),),
        url=_url("issues", programme),
        rows=lambda archived: selectors.issues(programme, archived=archived),
        columns=(
            Column("Ref", lambda i: i.reference, nowrap=True),
            Column("Issue", title),
            Column(
                "Priority",
                lambda i: PRIORITY_TAG.get(i.priority) or format_html(TAG, "grey", i.priority),
            ),
            Column("Owner", lambda i: i.owner.name if i.owner else ""),
            Column("Escalated to", lambda i: ESCALATION_LABELS.get(i.escalation, i.escalation)),
            Column(programme.strand_word_plural, _strand_names),
            Column("Raised", lambda i: i.raised_on.strftime("%d/%m/%Y") if i.raised_on else "", nowrap=True),
            Column("Status", lambda i: ISSUE_STATUS_LABELS.get(i.status, i.status)),
        ),
        filter_form=lambda data: IssueFilterForm(data, programme=programme, owners=owners, strands=strands),
        filter=lambda qs, c: selectors.filter_issues(qs, selectors.IssueFilters(**c)),
        filter_heading="Filter the issues",
        archivable=True,
        url_args=(programme.slug,),
        key=lambda i: i.reference,
        label=lambda i: f"issue {i.reference}",
        add_url=_url("issue-create", programme) if access.can(permissions.EDIT_RAID) else "",
        add_label="Add an issue",
        change_url="raid:issue-edit",
        archive_url="raid:issue-archive" if access.can(permissions.EDIT_RAID) else None,
        restore_url="raid:issue-archive" if access.can(permissions.EDIT_RAID) else None,
        restore_data={"archive": "0"},
        history_url="raid:issue-history",
        editable=lambda i: permissions.can_change(access, i),
        table_class="govuk-body-s",
        wide=True,
    )


def log(programme: Programme, access: Access, spec: LogSpec) -> Register:
    """One of the simpler logs: assumptions, dependencies on others, constraints, exclusions, lessons."""
    can = access.can(permissions.EDIT_RAID_LOGS)
    columns: list[Column] = [
        Column("Ref", lambda e: e.reference, nowrap=True),
        Column(spec.noun.capitalize(), lambda e: e.title, row_header=True),
        Column("Detail", lambda e: Truncator(e.description).words(30, truncate=" …")),
    ]
    if spec.partner:
        columns.append(Column("Partner", lambda e: e.partner))
    columns.append(Column("Owner", lambda e: e.owner.name if e.owner else ""))
    if spec.plan_items:
        columns.append(Column("Plan lines waiting", lambda e: ", ".join(i.uid for i in e.plan_items.all())))
    if spec.review:
        columns.append(Column("Review", lambda e: e.review_on.strftime("%d/%m/%Y") if e.review_on else ""))
    columns.append(Column("Status", lambda e: e.status_display))
    other = [(s.title, _url(s.slug, programme)) for s in _other_logs(spec)]
    names: Callable[[str], str | None] = lambda what: f"raid:{spec.slug}-{what}" if can else None  # noqa: E731
    return Register(
        name=spec.slug,
        title=spec.title,
        noun=spec.noun,
        noun_plural=spec.plural,
        page_title=programme.name,
        intro=spec.intro,
        links=tuple(other),
        url=_url(spec.slug, programme),
        rows=lambda archived: selectors.log_entries(programme, spec.kind, archived=archived),
        columns=tuple(columns),
        filter_form=lambda data: LogFilterForm(data, spec=spec),
        filter=lambda qs, c: selectors.filter_log(qs, c),
        filter_heading=f"Filter the {spec.plural}",
        archivable=True,
        url_args=(programme.slug,),
        key=lambda e: e.reference,
        label=lambda e: f"{spec.noun} {e.reference}",
        add_url=_url(f"{spec.slug}-create", programme) if can else "",
        add_label=f"Add {'an' if spec.noun[0] in 'aeiou' else 'a'} {spec.noun}",
        change_url=names("edit"),
        archive_url=names("archive"),
        restore_url=names("archive"),
        restore_data={"archive": "0"},
        history_url=f"raid:{spec.slug}-history",
        table_class="govuk-body-s",
    )


def _other_logs(spec: LogSpec) -> list[LogSpec]:
    from improve.raid.models import LOGS

    return [s for s in LOGS.values() if s.kind != spec.kind]


def entry_label(entry: LogEntry) -> str:
    return str(entry)


def risk_filter_url(programme: Programme, query: QueryDict | dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"{_url('risks', programme)}?{urlencode(query)}"
