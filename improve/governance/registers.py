"""The governance room's registers on core's register page: boards, decisions, change requests."""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html

from improve.core.register import Column, Register
from improve.governance import selectors
from improve.governance.forms import DecisionFilterForm
from improve.governance.models import Board, money
from improve.governance.permissions import GovPerm, may_decide
from improve.programmes.models import Programme
from improve.programmes.permissions import Access


def _url(name: str, programme: Programme, *args: object) -> str:
    return reverse(f"governance:{name}", args=[programme.slug, *args])


def boards(programme: Programme, access: Access) -> Register:
    board_url = _url("board", programme, "CODE").replace("CODE", "{}")
    return Register(
        name="boards",
        title="Boards",
        noun="board",
        noun_plural="boards",
        page_title=programme.name,
        intro="The boards and meetings that govern the programme: who chairs them, how often they meet, "
        "where a matter above their tolerances goes.",
        links=(("Meeting calendar", _url("calendar", programme)), ("Reporting chain", _url("chain", programme))),
        url=_url("boards", programme),
        rows=lambda archived: selectors.boards_for(programme, archived=archived),
        columns=(
            Column("Board", lambda b: b.name, link=lambda b: board_url.format(b.code), row_header=True),
            Column("Chair", lambda b: b.chair or ""),
            Column("Meets", lambda b: b.cadence),
            Column("Escalates to", lambda b: b.parent or ""),
            Column("Tolerances", lambda b: b.tolerance_display),
            Column("Meetings", lambda b: b.meeting_count, numeric=True),
            Column("Pending changes", lambda b: b.pending_changes, numeric=True),
        ),
        key=lambda b: b.code,
        label=lambda b: b.name,
        add_url=_url("board-create", programme) if access.can(GovPerm.MANAGE) else "",
        add_label="Add a board",
        archivable=True,
        url_args=(programme.slug,),
        change_url="governance:board-edit" if access.can(GovPerm.MANAGE) else None,
        archive_url="governance:board-archive" if access.can(GovPerm.MANAGE) else None,
        restore_url="governance:board-restore" if access.can(GovPerm.MANAGE) else None,
    )


def decisions(programme: Programme, access: Access, *, user_id: int | None, boards: list[Board]) -> Register:
    plan_item = reverse("programmes:item", args=[programme.slug, "UID"]).replace("UID", "{}")
    can_decide = access.can(GovPerm.DECIDE)
    return Register(
        name="decisions",
        title="Decisions and endorsements",
        noun="decision",
        noun_plural="decisions",
        page_title=programme.name,
        intro="What the boards decided and endorsed. An agreed decision that names a governance gate completes it.",
        url=_url("decisions", programme),
        rows=lambda archived: selectors.decisions_register(programme),
        columns=(
            Column("Ref", lambda d: d.ref, nowrap=True),
            Column("Meeting", lambda d: d.meeting),
            Column("Kind", lambda d: d.get_kind_display()),
            Column("Outcome", lambda d: d.get_outcome_display()),
            Column("What was decided", lambda d: d.text),
            Column("Gate", lambda d: d.gate_uid, link=lambda d: plan_item.format(d.gate_uid) if d.gate_uid else ""),
        ),
        filter_form=lambda data: DecisionFilterForm(data, boards=boards),
        filter=selectors.filter_decisions,
        filter_heading="Filter the decisions",
        add_url=_url("decision-record", programme) if can_decide else "",
        add_label="Record a decision",
        url_args=(programme.slug,),
        key=lambda d: d.ref,
        label=lambda d: d.ref,
        change_url="governance:decision-edit" if can_decide else None,
        editable=lambda d: may_decide(role=access.role, user_id=user_id, board=d.meeting.board),
    )


def _state(change: object) -> object:
    colour = {"pending": "yellow", "approved": "green", "rejected": "red"}[change.state]  # type: ignore[attr-defined]
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, change.get_state_display())  # type: ignore[attr-defined]


def changes(programme: Programme, access: Access) -> Register:
    change_url = _url("change", programme, "REF").replace("REF", "{}")
    return Register(
        name="changes",
        title="Change requests",
        noun="change request",
        noun_plural="change requests",
        page_title=programme.name,
        intro="Changes to the plan's time, cost or scope. Each goes to the lowest board whose tolerances cover it.",
        url=_url("changes", programme),
        rows=lambda archived: selectors.changes_register(programme, archived=archived),
        columns=(
            Column("Ref", lambda c: c.ref, link=lambda c: change_url.format(c.ref), nowrap=True),
            Column("What changes", lambda c: c.title),
            Column("Days", lambda c: c.impact_days, numeric=True),
            Column("Cost", lambda c: money(c.impact_cost), numeric=True),
            Column("Scope", lambda c: "Yes" if c.impact_scope else "No"),
            Column("Board", lambda c: c.board or ""),
            Column("State", _state),
            Column("Raised", lambda c: f"{c.raised_on:%d/%m/%Y}", nowrap=True),
        ),
        add_url=_url("change-raise", programme) if access.can(GovPerm.RAISE_CHANGE) else "",
        add_label="Raise a change request",
        archivable=True,
        url_args=(programme.slug,),
        key=lambda c: c.ref,
        label=lambda c: c.ref,
        archive_url="governance:change-archive" if access.can(GovPerm.MANAGE) else None,
        restore_url="governance:change-restore" if access.can(GovPerm.MANAGE) else None,
    )
