"""The governance room's other pages: archive and restore from the registers, filters and corrections
of decisions, a change naming several plan lines, the reporting chain's and the documents' forms."""

import datetime as dt

from django.urls import reverse

from improve.core.audit import SYSTEM, history_for
from improve.governance import services
from improve.governance.models import Board, ChangeItem, ChangeRequest, Decision, Document, Meeting, ReportLink
from improve.governance.tests.factories import YEAR, b_and_d_chain
from improve.programmes.models import PlanItem, Role


def _url(name, programme, *args):
    return reverse(f"governance:{name}", args=[programme.slug, *args])


def test_a_board_is_archived_and_restored_from_the_register_but_not_while_it_has_work(programme, pmo):
    chain = b_and_d_chain(programme)
    register = pmo.get(_url("boards", programme)).content.decode()
    assert _url("board-archive", programme, "team") in register
    page = pmo.post(_url("board-archive", programme, "cib"), {"reason": "x"}).content.decode()
    assert "Children&#x27;s Leadership Meeting escalate to Children&#x27;s Improvement Board" in page
    services.change_raise(actor=SYSTEM, programme=programme, title="Slip", impact_days=5)  # pending at cib
    services.board_save(actor=SYSTEM, programme=programme, board=chain["leadership"], data={"parent": None})
    page = pmo.post(_url("board-archive", programme, "cib"), {"reason": "x"}).content.decode()
    assert "still has pending change requests (CR-001): decide them first" in page
    assert not Board.all_objects.get(pk=chain["cib"].pk).archived

    response = pmo.post(_url("board-archive", programme, "team"), {"reason": "Merged"})
    assert response.status_code == 302
    team = Board.all_objects.get(pk=chain["team"].pk)
    assert team.archived and team.archive_reason == "Merged"
    archived = pmo.get(_url("boards", programme), {"archived": "on"}).content.decode()
    assert 'Restore<span class="govuk-visually-hidden"> Programme Team Meeting' in archived
    assert pmo.post(_url("board-restore", programme, "team")).status_code == 302
    assert not Board.all_objects.get(pk=team.pk).archived


def test_a_change_request_is_archived_and_restored_and_a_viewer_may_not(programme, pmo, member):
    b_and_d_chain(programme)
    change = services.change_raise(actor=SYSTEM, programme=programme, title="Slip", impact_days=5)
    assert member(Role.VIEWER).post(_url("change-archive", programme, change.ref)).status_code == 403
    assert pmo.post(_url("change-archive", programme, change.ref), {"reason": "Withdrawn"}).status_code == 302
    assert ChangeRequest.all_objects.get(pk=change.pk).archived
    assert ">CR-001</a>" not in pmo.get(_url("changes", programme)).content.decode()
    assert ">CR-001</a>" in pmo.get(_url("changes", programme), {"archived": "on"}).content.decode()
    pmo.post(_url("change-restore", programme, change.ref))
    assert not ChangeRequest.all_objects.get(pk=change.pk).archived


def test_a_change_request_names_several_plan_lines_from_the_form(programme, pmo):
    b_and_d_chain(programme)
    one, gate = (PlanItem.objects.get(programme=programme, uid=u) for u in ("1", "17"))
    data = {
        "title": "Later",
        "impact_days": "10",
        "impact_cost": "0",
        "item_1": one.pk,
        "new_end_1": "30/05/2019",
        "item_2": one.pk,
        "new_end_2": "01/06/2019",
    }
    page = pmo.post(_url("change-raise", programme), data).content.decode()
    assert "1 is named already: name each plan line once" in page and not ChangeRequest.objects.exists()
    data.update({"item_2": gate.pk, "new_start_2": "01/08/2019", "new_end_2": "31/07/2019"})
    page = pmo.post(_url("change-raise", programme), data).content.decode()
    assert "17: The new end must be on or after the new start" in page and not ChangeRequest.objects.exists()
    data["new_end_2"] = "02/08/2019"
    assert pmo.post(_url("change-raise", programme), data).status_code == 302
    lines = {c.item.uid: (c.new_start, c.new_end) for c in ChangeItem.objects.select_related("item")}
    assert lines == {"1": (None, dt.date(2019, 5, 30)), "17": (dt.date(2019, 8, 1), dt.date(2019, 8, 2))}


def test_decisions_are_filtered_and_corrected_by_who_may_record_them(programme, member):
    chain = b_and_d_chain(programme)
    services.calendar_generate(actor=SYSTEM, programme=programme, start=YEAR[0], end=YEAR[1])
    cib = Meeting.objects.filter(board=chain["cib"]).order_by("date").first()
    csg = Meeting.objects.filter(board=chain["csg"]).order_by("date").first()
    first = services.decision_record(actor=SYSTEM, meeting=cib, text="Budget agreed")
    services.decision_record(actor=SYSTEM, meeting=csg, kind="endorsement", text="Plan endorsed")
    pm = member(Role.PROGRAMME_MANAGER)
    page = pm.get(_url("decisions", programme), {"board": "csg"}).content.decode()
    assert "Plan endorsed" in page and "Budget agreed" not in page
    page = pm.get(_url("decisions", programme), {"q": "budget", "kind": "decision"}).content.decode()
    assert "Budget agreed" in page and "Plan endorsed" not in page

    board_member = member(Role.BOARD_MEMBER)
    response = board_member.post(
        _url("decision-edit", programme, first.ref),
        {"meeting": cib.pk, "kind": "decision", "outcome": "agreed", "text": "Changed"},
    )
    assert response.status_code == 302 and Decision.objects.get(pk=first.pk).text == "Budget agreed"

    gate = PlanItem.objects.get(programme=programme, uid="17")
    response = pm.post(
        _url("decision-edit", programme, first.ref),
        {"meeting": cib.pk, "kind": "endorsement", "outcome": "agreed", "text": "Gate endorsed", "gate": gate.pk},
    )
    assert response.status_code == 302
    corrected = Decision.objects.get(pk=first.pk)
    assert (corrected.text, corrected.kind, corrected.gate) == ("Gate endorsed", "endorsement", gate)
    event = history_for(corrected).filter(action="update").get()
    assert event.before["text"] == "Budget agreed" and event.after["text"] == "Gate endorsed"
    gate.refresh_from_db()
    assert gate.status == "complete"


def test_the_reporting_chain_is_kept_from_its_page(programme, pmo):
    chain = b_and_d_chain(programme)
    response = pmo.post(
        _url("report-add", programme),
        {"report": "Highlight", "sender": chain["team"].pk, "receiver": chain["team"].pk, "due_working_days": "2"},
    )
    assert "A board does not send a report to itself" in response.content.decode()
    pmo.post(
        _url("report-add", programme),
        {"report": "Highlight", "sender": chain["team"].pk, "receiver": chain["cib"].pk, "due_working_days": "2"},
    )
    link = ReportLink.objects.get()
    pmo.post(
        _url("report-edit", programme, link.pk),
        {"report": "Highlight reports", "sender": "", "receiver": chain["cib"].pk, "due_working_days": "3"},
    )
    link.refresh_from_db()
    assert (link.report, link.sender, link.due_working_days) == ("Highlight reports", None, 3)
    assert "Take out" in pmo.get(_url("chain", programme)).content.decode()
    pmo.post(_url("report-delete", programme, link.pk))
    assert not ReportLink.objects.exists()


def test_documents_their_versions_and_sign_offs_are_kept_from_their_pages(programme, pmo, member):
    assert member(Role.VIEWER).get(_url("document-create", programme)).status_code == 403
    pmo.post(
        _url("document-create", programme), {"code": "pid", "title": "Programme Initiation Document", "kind": "PID"}
    )
    document = Document.objects.get()
    page = pmo.post(_url("document-create", programme), {"code": "pid", "title": "Another"}).content.decode()
    assert "Another document has the code pid" in page
    pmo.post(_url("version-add", programme, "pid"), {"version": "1.0", "date": "01/05/2019", "author": "Sean Girty"})
    version = document.versions.get()
    page = pmo.post(_url("version-add", programme, "pid"), {"version": "1.0", "date": "02/05/2019"}).content.decode()
    assert "already exists" in page
    pmo.post(_url("version-edit", programme, "pid", version.pk), {"date": "02/05/2019", "summary": "Initiated"})
    version.refresh_from_db()
    assert (version.version, version.date, version.summary) == ("1.0", dt.date(2019, 5, 2), "Initiated")
    signoff = {"version": "1.0", "kind": "review", "name": "Richard Caton", "status": "approved", "date": ""}
    page = pmo.post(_url("signoff-add", programme, "pid"), signoff).content.decode()
    assert "A review is pending or reviewed" in page
    pmo.post(_url("signoff-add", programme, "pid"), {**signoff, "status": "pending"})
    added = document.signoffs.get()
    pmo.post(_url("signoff-edit", programme, "pid", added.pk), {**signoff, "status": "reviewed", "date": "08/05/2019"})
    added.refresh_from_db()
    assert (added.status, added.date) == ("reviewed", dt.date(2019, 5, 8))
    page = pmo.get(_url("document", programme, "pid")).content.decode()
    assert "Richard Caton" in page and "Add a version" in page
