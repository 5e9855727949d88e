"""Every model the governance room registers is written only through its services, and every write
(create, change, archive, restore, remove) is found in the one audit trail, by its actor."""

import datetime as dt
from decimal import Decimal

import pytest

from improve.core.audit import Actor, history_for
from improve.governance import services
from improve.governance.models import (
    Board,
    BoardMember,
    ChangeItem,
    ChangeRequest,
    Decision,
    Document,
    DocumentSignoff,
    DocumentVersion,
    FeedToken,
    Meeting,
    ReportLink,
)
from improve.governance.room import ROOM
from improve.governance.tests.factories import YEAR
from improve.programmes.models import Owner, PlanItem, Role
from improve.programmes.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _recipes(actor, programme):
    """For each model: make it, change it, archive or remove it — through the services only."""
    sean = Owner.objects.get(programme=programme, name="Sean Girty")
    gate = PlanItem.objects.get(programme=programme, uid="17")
    line = PlanItem.objects.get(programme=programme, uid="1")
    top = services.board_save(
        actor=actor, programme=programme, data={"code": "csg", "name": "Corporate Strategy Group"}
    )
    cib = services.board_save(
        actor=actor,
        programme=programme,
        data={
            "code": "cib",
            "name": "Children's Improvement Board",
            "parent": top,
            "cadence": "monthly (3rd Thursday)",
            "tolerance_days": 20,
            "tolerance_cost": Decimal(50000),
        },
    )
    made = {}

    def board_steps():
        board = services.board_save(actor=actor, programme=programme, data={"code": "wf", "name": "Workforce"})
        services.board_save(actor=actor, programme=programme, board=board, data={"name": "Workforce Board"})
        services.board_archive(actor=actor, board=Board.objects.get(pk=board.pk), reason="merged")
        services.board_restore(actor=actor, board=Board.all_objects.get(pk=board.pk))
        return board, ["create", "update", "archive", "restore"]

    def member_steps():
        services.board_set_members(actor=actor, board=cib, members=[sean])
        seat = BoardMember.objects.get(board=cib, owner=sean)
        pk = seat.pk
        services.board_set_members(actor=actor, board=cib, members=[])
        seat.pk = pk  # its history outlives it
        return seat, ["create", "delete"]

    def report_steps():
        link = services.report_link_save(
            actor=actor, programme=programme, sender=cib, receiver=top, report="Highlight report"
        )
        services.report_link_save(
            actor=actor,
            programme=programme,
            link=link,
            sender=cib,
            receiver=top,
            report="Highlight report",
            due_working_days=5,
        )
        pk = link.pk
        services.report_link_delete(actor=actor, link=link)
        link.pk = pk
        return link, ["create", "update", "delete"]

    def meeting_steps():
        services.calendar_generate(actor=actor, programme=programme, start=YEAR[0], end=YEAR[1], boards=[cib])
        meeting = Meeting.objects.filter(board=cib).order_by("date").first()
        services.meeting_change(
            actor=actor,
            meeting=meeting,
            date=meeting.date + dt.timedelta(days=1),
            starts_at=None,
            cancelled=False,
            reason="Chair away",
            notes="",
        )
        services.meeting_set_themes(actor=actor, meeting=meeting, themes=[programme.strands.get(code="1")])
        extra = services.meeting_add(actor=actor, board=cib, date=dt.date(2019, 5, 2))
        made["meeting"] = Meeting.objects.get(pk=meeting.pk)
        assert [e.action for e in history_for(extra)] == ["create"]
        return meeting, ["create", "update", "update"]

    def decision_steps():
        decision = services.decision_record(
            actor=actor, meeting=made["meeting"], text="Endorsed", kind="endorsement", outcome="deferred"
        )
        services.decision_update(
            actor=actor,
            decision=decision,
            meeting=made["meeting"],
            text="Endorsed",
            kind="endorsement",
            outcome="agreed",
            gate=gate,
        )
        assert [e.action for e in history_for(PlanItem.objects.get(pk=gate.pk))][0] == "update"
        return decision, ["create", "update"]

    def change_steps():
        change = services.change_raise(
            actor=actor,
            programme=programme,
            title="Later go-live",
            impact_days=30,
            lines=[(line, None, dt.date(2019, 5, 30))],
            raised_on=dt.date(2019, 5, 1),
        )
        made["change"] = change
        services.change_save(
            actor=actor, programme=programme, change=change, data={"description": "Recruitment slipped"}
        )
        services.change_archive(actor=actor, change=ChangeRequest.objects.get(pk=change.pk), reason="withdrawn")
        services.change_restore(actor=actor, change=ChangeRequest.all_objects.get(pk=change.pk))
        services.change_decide(
            actor=actor, change=change, approve=True, reason="Agreed", decided_on=dt.date(2019, 5, 16)
        )
        return change, ["create", "update", "archive", "restore", "update"]

    def change_item_steps():
        change = made["change"]
        item = ChangeItem.objects.get(change=change)
        services.change_set_lines(actor=actor, change=change, lines=[(line, None, dt.date(2019, 6, 30))])
        pk = item.pk
        services.change_set_lines(actor=actor, change=change, lines=[])
        item.pk = pk
        return item, ["create", "update", "delete"]

    def document_steps():
        document = services.document_save(actor=actor, programme=programme, code="pid", title="PID")
        services.document_save(actor=actor, programme=programme, document=document, code="pid", title="PID", kind="PID")
        made["document"] = document
        return document, ["create", "update"]

    def version_steps():
        version = services.document_version_add(
            actor=actor, document=made["document"], version="0.1", date=dt.date(2019, 4, 1)
        )
        services.document_version_update(
            actor=actor, version=version, date=dt.date(2019, 4, 2), author="Sean Girty", summary="First draft"
        )
        return version, ["create", "update"]

    def signoff_steps():
        signoff = services.document_signoff_add(
            actor=actor, document=made["document"], version="0.1", kind="approval", name="CIB"
        )
        services.document_signoff_decide(actor=actor, signoff=signoff, status="approved", date=dt.date(2019, 4, 9))
        services.document_signoff_update(
            actor=actor,
            signoff=signoff,
            version="0.1",
            kind="approval",
            name="CIB",
            role="Board",
            status="approved",
            date=dt.date(2019, 4, 9),
            note="",
        )
        return signoff, ["create", "update", "update"]

    def feed_steps():
        services.feed_token_issue(actor=actor, user=actor.user, programme=programme)
        token = FeedToken.objects.get(user=actor.user, programme=programme)
        services.feed_token_revoke(actor=actor, user=actor.user, programme=programme)
        return token, ["create", "update"]

    return {
        Board: board_steps,
        BoardMember: member_steps,
        ReportLink: report_steps,
        Meeting: meeting_steps,
        Decision: decision_steps,
        ChangeRequest: change_steps,
        ChangeItem: change_item_steps,
        Document: document_steps,
        DocumentVersion: version_steps,
        DocumentSignoff: signoff_steps,
        FeedToken: feed_steps,
    }


def test_every_registered_model_has_its_writes_in_the_trail(programme):
    user = UserFactory(email="pm@example.org")
    MembershipFactory(user=user, programme=programme, role=Role.PROGRAMME_MANAGER)
    actor = Actor(user=user, via="web")
    recipes = _recipes(actor, programme)
    assert set(recipes) == set(ROOM.audited_models), "a registered model has no recipe here: add one"
    for model, steps in recipes.items():
        obj, expected = steps()
        events = list(reversed(history_for(obj)))
        assert [e.action for e in events] == expected, model.__name__
        for event in events:
            assert event.actor_id == user.pk and event.via == "web", model.__name__
            assert event.programme_id == programme.pk, model.__name__
            if event.action == "update":
                assert event.before != event.after, (model.__name__, event.before)
