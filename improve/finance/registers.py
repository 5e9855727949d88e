"""The money room's registers on core's register page: budget lines, groups and funding sources."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from improve.core.register import Column, Group, Register
from improve.finance import selectors
from improve.finance.models import BudgetLine, FundingSource, SavingsPlan
from improve.finance.permissions import EDIT_FINANCE
from improve.modelling.money import pounds
from improve.programmes.models import Programme
from improve.programmes.permissions import Access


def _url(name: str, programme: Programme, *args: Any) -> str:
    return reverse(f"finance:{name}", args=[programme.slug, *args])


def _links(programme: Programme, access: Access, archive: str, change: str | None = None) -> dict[str, Any]:
    can = access.can(EDIT_FINANCE)
    return {
        "url_args": (programme.slug,),
        "change_url": f"finance:{change}" if can and change else None,
        "archive_url": f"finance:{archive}" if can else None,
        "restore_url": f"finance:{archive}" if can else None,
        "restore_data": {"restore": "1"},
    }


def _line_link(programme: Programme) -> Any:
    def cell(line: BudgetLine) -> SafeString:
        return format_html('<a class="govuk-link" href="{}">{}</a>', _url("line", programme, line.code), line.name)

    return cell


def lines(programme: Programme, access: Access) -> Register:
    """Every budget line, grouped as in the budget."""

    def group(items: list[BudgetLine]) -> list[Group]:
        out: dict[int, Group] = {}
        for line in items:
            out.setdefault(
                line.group_id, Group(line.group.name, f"Budget lines in {line.group.name}", [])
            ).items.append(line)
        return list(out.values())

    return Register(
        name="lines",
        title="Budget lines",
        noun="budget line",
        noun_plural="budget lines",
        page_title=programme.name,
        url=_url("lines", programme),
        rows=lambda archived: selectors.archived_lines(programme) if archived else selectors.lines_for(programme),
        columns=(
            Column("Code", lambda x: x.code, nowrap=True),
            Column("Line", _line_link(programme)),
            Column("Revenue or capital", lambda x: x.get_spend_type_display()),
            Column("One-off or permanent", lambda x: x.get_duration_display()),
            Column("Contingency", lambda x: "Yes" if x.contingency else ""),
            Column("Owner", lambda x: x.owner.name if x.owner else ""),
            Column("Unit", lambda x: x.unit),
            Column("Original full estimate", lambda x: pounds(x.original_estimate), numeric=True, nowrap=True),
        ),
        links=(("Money summary", _url("summary", programme)), ("Budget groups", _url("groups", programme))),
        archivable=True,
        key=lambda x: x.code,
        label=lambda x: f"budget line {x.code}",
        add_url=_url("line-create", programme) if access.can(EDIT_FINANCE) else "",
        add_label="Add a budget line",
        group=group,
        table_class="govuk-body-s",
        wide=True,
        **_links(programme, access, "line-archive", "line-edit"),
    )


def groups(programme: Programme, access: Access) -> Register:
    return Register(
        name="groups",
        title="Budget groups",
        noun="budget group",
        noun_plural="budget groups",
        page_title=programme.name,
        url=_url("groups", programme),
        rows=lambda archived: selectors.groups_for(programme),
        columns=(
            Column("Code", lambda g: g.code, nowrap=True),
            Column("Name", lambda g: g.name),
            Column("Order", lambda g: g.order, numeric=True),
        ),
        links=(("Money summary", _url("summary", programme)), ("Budget lines", _url("lines", programme))),
        key=lambda g: g.code,
        label=lambda g: f"budget group {g.code}",
        add_url=_url("group-create", programme) if access.can(EDIT_FINANCE) else "",
        add_label="Add a budget group",
        **_links(programme, access, "group-archive", "group-edit"),
    )


def sources(programme: Programme, access: Access) -> Register:
    """Funding sources, each with its rules and how many allocations break them."""
    breaches = {row.source.pk: row.breaches for row in selectors.funding_summary(programme)}

    def name(source: FundingSource) -> SafeString:
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', _url("source", programme, source.code), source.name
        )

    def may_fund(s: FundingSource) -> str:
        kinds = [w for w, ok in (("revenue", s.funds_revenue), ("capital", s.funds_capital)) if ok]
        spans = [w for w, ok in (("one-off", s.funds_one_off), ("permanent", s.funds_permanent)) if ok]
        dates = ""
        if s.valid_from or s.valid_until:
            dates = f"; {s.valid_from:%d/%m/%Y} " if s.valid_from else "; "
            dates += f"to {s.valid_until:%d/%m/%Y}" if s.valid_until else "onwards"
        savings = "; must carry savings" if s.must_carry_savings else ""
        return f"{' and '.join(kinds)}, {' and '.join(spans)}{dates}{savings}"

    def flagged(s: FundingSource) -> SafeString | str:
        count = breaches.get(s.pk, 0)
        if not count:
            return ""
        return format_html(
            '<strong class="govuk-tag govuk-tag--red">{} rule breach{}</strong>', count, "es" if count != 1 else ""
        )

    return Register(
        name="sources",
        title="Funding sources",
        noun="funding source",
        noun_plural="funding sources",
        page_title=programme.name,
        url=_url("sources", programme),
        rows=lambda archived: selectors.archived_sources(programme) if archived else selectors.sources_for(programme),
        columns=(
            Column("Code", lambda s: s.code, nowrap=True),
            Column("Source", name),
            Column("Type", lambda s: s.get_kind_display()),
            Column("May fund", may_fund),
            Column("Allocations", flagged),
        ),
        links=(("Money summary", _url("summary", programme)),),
        archivable=True,
        key=lambda s: s.code,
        label=lambda s: f"funding source {s.code}",
        add_url=_url("source-create", programme) if access.can(EDIT_FINANCE) else "",
        add_label="Add a funding source",
        **_links(programme, access, "source-archive", "source-edit"),
    )


RAG_TAGS = {"red": "govuk-tag--red", "amber": "govuk-tag--orange", "green": "govuk-tag--green"}


def rag_tag(rag: str, overridden: bool = False) -> SafeString:
    """A RAG as a tag (text, not colour alone); "Not due yet" when nothing was expected."""
    if not rag:
        return mark_safe('<strong class="govuk-tag govuk-tag--grey">Not due yet</strong>')  # noqa: S308 - fixed text
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>{}',
        RAG_TAGS[rag],
        rag.capitalize(),
        " (set by hand)" if overridden else "",
    )


def savings(programme: Programme, access: Access) -> Register:
    """Savings plans: planned and delivered in all, expected by the status date, and the RAG."""
    report = {row.plan.pk: row for row in selectors.savings_report(programme).rows}

    def name(plan: SavingsPlan) -> SafeString:
        return format_html('<a class="govuk-link" href="{}">{}</a>', _url("saving", programme, plan.code), plan.name)

    def figure(measure: str) -> Any:
        def cell(plan: SavingsPlan) -> str:
            row = report.get(plan.pk)
            return pounds(getattr(row, measure)) if row else ""

        return cell

    def rag(plan: SavingsPlan) -> SafeString | str:
        row = report.get(plan.pk)
        return rag_tag(row.rag, bool(plan.rag_override)) if row else ""

    return Register(
        name="savings",
        title="Savings plans",
        noun="savings plan",
        noun_plural="savings plans",
        page_title=programme.name,
        url=_url("savings", programme),
        rows=lambda archived: (
            selectors.archived_savings_plans(programme) if archived else selectors.savings_plans_for(programme)
        ),
        columns=(
            Column("Code", lambda p: p.code, nowrap=True),
            Column("Plan", name),
            Column("Owner", lambda p: p.owner.name if p.owner else ""),
            Column("Planned in all", figure("planned_total"), numeric=True, nowrap=True),
            Column(f"Expected by {programme.as_at:%d/%m/%Y}", figure("expected"), numeric=True, nowrap=True),
            Column("Delivered", figure("delivered"), numeric=True, nowrap=True),
            Column("RAG", rag, nowrap=True),
        ),
        links=(
            ("Expected and delivered savings (for audit)", _url("savings-report", programme)),
            ("Money summary", _url("summary", programme)),
        ),
        archivable=True,
        key=lambda p: p.code,
        label=lambda p: f"savings plan {p.code}",
        add_url=_url("saving-create", programme) if access.can(EDIT_FINANCE) else "",
        add_label="Add a savings plan",
        **_links(programme, access, "saving-archive", "saving-edit"),
    )
