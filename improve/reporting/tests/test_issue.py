"""Issuing freezes a pack: its data and files never change afterwards, and it is issued once."""

import datetime as dt

import pytest

from improve.core.audit import SYSTEM, Actor
from improve.core.document import pack_from_data
from improve.core.models import AuditEvent
from improve.programmes.models import PlanItem
from improve.reporting import packs, selectors, services
from improve.reporting.models import BoardPack

OCTOBER = dt.date(2019, 10, 1)


def test_an_issued_pack_never_changes_when_the_data_does(bd, cib, samples):
    issued = services.pack_issue(actor=SYSTEM, programme=bd, board=cib, month=OCTOBER)
    assert issued.status == "issued" and issued.as_at == dt.date(2019, 10, 31) and issued.issued_at is not None
    frozen = pack_from_data(issued.data)
    assert frozen.status.startswith("Issued ") and frozen.sections[0].key == "summary"
    kept_pdf = selectors.pack_file(cib, OCTOBER, "pdf")
    assert kept_pdf is not None and kept_pdf.startswith(b"%PDF")
    assert b"CSG endorsement" in selectors.pack_file(cib, OCTOBER, "html")
    # the data changes afterwards ...
    item = PlanItem.objects.get(programme=bd, uid="219")
    PlanItem.objects.filter(pk=item.pk).update(title="Renamed after issue")
    live = packs.pack_build(bd, cib, month=OCTOBER)
    assert any("Renamed after issue" in str(row[1].value) for row in live.sections[1].blocks[-1].rows)
    # ... the issued pack does not
    again = BoardPack.objects.get(pk=issued.pk)
    assert pack_from_data(again.data) == frozen
    assert selectors.pack_file(cib, OCTOBER, "pdf") == kept_pdf
    assert b"Renamed after issue" not in selectors.pack_file(cib, OCTOBER, "html")
    assert again.digest == BoardPack.fingerprint(again.data, again.files())


def test_issuing_twice_is_refused_with_the_reason(bd, cib, samples):
    services.pack_issue(actor=SYSTEM, programme=bd, board=cib, month=OCTOBER)
    with pytest.raises(services.PackIssueRefusedError) as refused:
        services.pack_issue(actor=SYSTEM, programme=bd, board=cib, month=dt.date(2019, 10, 1))
    assert "The Children's Improvement Board pack for October 2019 was already issued" in str(refused.value)
    assert "an issued pack cannot be issued again" in str(refused.value)
    assert BoardPack.objects.filter(board=cib).count() == 1


def test_issuing_is_audited_and_starts_the_next_pack_s_changes(bd, cib, samples):
    issued = services.pack_issue(actor=SYSTEM, programme=bd, board=cib, month=dt.date(2019, 9, 1))
    event = AuditEvent.objects.get(object_type="reporting.boardpack", object_id=str(issued.pk))
    assert event.action == "create" and event.programme_id == bd.pk
    assert packs.context_for(bd, cib, month=OCTOBER).since == dt.date(2019, 9, 30)


def test_a_board_of_another_programme_is_refused(bd, cib, programme):
    with pytest.raises(services.PackIssueRefusedError, match="is not a board of"):
        services.pack_issue(actor=Actor(user=None, via="test"), programme=programme, board=cib, month=OCTOBER)
