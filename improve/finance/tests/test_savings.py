"""Savings plans: rules, evidence files (checked, stored, shown only to members), the RAG and the auditor's report."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - the amounts read better
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improve.core.audit import history_for
from improve.finance import selectors, services
from improve.finance.models import SavingsAmount, SavingsEvidence, SavingsPlan
from improve.finance.tests.world import PDF, SYSTEM, savings_plan, small_budget
from improve.programmes.models import Owner, Role
from improve.programmes.tests.factories import ProgrammeFactory


@pytest.fixture
def plan(programme):
    small_budget(programme)
    programme.status_date = dt.date(2019, 9, 30)  # six months of 2019/20 ended
    programme.save(update_fields=["status_date"])
    return savings_plan(programme)


def test_a_plan_s_links_are_in_its_one_audit_event(programme, plan):
    events = list(history_for(plan))
    assert len(events) == 1 and events[0].after["lines"] == ["Programme team"]
    assert events[0].after["strands"] == [str(programme.strands.get(code="1"))]
    services.savings_plan_save(actor=SYSTEM, programme=programme, plan=plan, data={"name": plan.name}, lines=[])
    events = list(history_for(plan))
    assert len(events) == 2 and events[0].before["lines"] == ["Programme team"] and events[0].after["lines"] == []


def test_a_plan_refuses_another_programme_s_owner_and_a_hand_set_rag_without_reason(programme, plan):
    other = Owner.objects.create(programme=ProgrammeFactory(), name="Elsewhere")
    with pytest.raises(ValidationError, match="Choose an owner of this programme"):
        services.savings_plan_save(actor=SYSTEM, programme=programme, plan=plan, data={"owner": other})
    with pytest.raises(ValidationError, match="Say why the RAG is set by hand"):
        services.savings_plan_save(actor=SYSTEM, programme=programme, plan=plan, data={"rag_override": "green"})
    assert SavingsPlan.objects.get(pk=plan.pk).rag_override == ""


def test_savings_are_positive_and_a_delivered_saving_needs_its_evidence(programme, plan):
    year = selectors.year_in(programme, "2020/21")
    with pytest.raises(ValidationError, match="written as a positive amount"):
        services.savings_amount_set(actor=SYSTEM, plan=plan, year=year, planned=D("-1200000"), delivered=None)
    with pytest.raises(ValidationError, match="Say what shows the saving was delivered"):
        services.savings_amount_set(actor=SYSTEM, plan=plan, year=year, planned=D("5"), delivered=D("5"))
    assert not SavingsAmount.objects.filter(plan=plan, year=year).exists()


def test_the_rag_is_delivered_against_expected_at_the_status_date_unless_set_by_hand(programme, plan):
    row = selectors.savings_report(programme).rows[0]
    # £100k planned in 2019/20; by 30/09/2019 six twelfths (£50k) expected; £60k delivered.
    assert (row.expected, row.delivered, row.derived_rag, row.rag) == (D("50000.00"), D("60000.00"), "green", "green")
    programme.status_date = dt.date(2020, 3, 31)
    programme.save(update_fields=["status_date"])
    row = selectors.savings_report(programme).rows[0]
    assert (row.expected, row.derived_rag) == (D("100000.00"), "red")  # 60% delivered
    services.savings_plan_save(
        actor=SYSTEM,
        programme=programme,
        plan=plan,
        data={"rag_override": "amber", "rag_reason": "The rest is signed off for April"},
    )
    row = selectors.savings_report(programme).rows[0]
    assert (row.rag, row.derived_rag, row.overridden) == ("amber", "red", True)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ...", "tool.exe is not a kind of file kept as evidence: attach one of CSV, DOCX, JPG"),
        ("report.pdf", b"<html>not a pdf</html>", "report.pdf is not a real PDF file"),
        ("empty.pdf", b"", "empty.pdf is empty"),
        ("notes.txt", b"\xff\xfe\x00\x00binary" * 10, "notes.txt is not plain text"),
    ],
)
def test_an_evidence_file_of_the_wrong_kind_is_refused_and_nothing_is_kept(plan, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        services.savings_evidence_add(actor=SYSTEM, plan=plan, year=None, upload=upload, description="x")
    assert SavingsEvidence.objects.filter(plan=plan).count() == 1  # the world's own


def test_an_evidence_file_over_10_mb_is_refused(plan):
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match=r"big.pdf is 10.0 MB: attach a file of 10 MB or less"):
        services.savings_evidence_add(actor=SYSTEM, plan=plan, year=None, upload=upload, description="x")


def test_evidence_is_kept_under_media_root_by_a_name_of_our_own(plan):
    evidence = SavingsEvidence.objects.get(plan=plan)
    path = Path(evidence.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT)) and path.read_bytes() == PDF
    assert evidence.name == "month_6_monitoring.pdf" and path.name != evidence.name
    assert (evidence.content_type, evidence.size) == ("application/pdf", len(PDF))
    assert history_for(evidence).first().after["name"] == "month_6_monitoring.pdf"


def test_evidence_downloads_only_for_members_and_only_as_an_attachment(client, programme, plan, member):
    evidence = SavingsEvidence.objects.get(plan=plan)
    address = reverse("finance:evidence", args=[programme.slug, plan.code, evidence.pk])
    viewer = member(Role.VIEWER)
    response = viewer.get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="month_6_monitoring.pdf"'
    assert response["Content-Type"] == "application/pdf" and "no-store" in response["Cache-Control"]
    other = ProgrammeFactory()
    assert viewer.get(reverse("finance:evidence", args=[other.slug, plan.code, evidence.pk])).status_code in (
        403,
        404,
    )
    client.logout()
    assert client.get(address).status_code == 302  # to sign in
    assert (
        viewer.get(reverse("finance:evidence", args=[programme.slug, plan.code, evidence.pk + 99])).status_code == 404
    )


def test_a_finance_lead_attaches_evidence_and_a_viewer_may_not(programme, plan, member):
    address = reverse("finance:evidence-add", args=[programme.slug, plan.code])
    viewer = member(Role.VIEWER)
    assert viewer.post(address, {"description": "x"}).status_code == 403
    lead = member(Role.FINANCE_LEAD)
    bad = lead.post(address, {"description": "Fake", "file": SimpleUploadedFile("x.pdf", b"nope")})
    assert bad.status_code == 200 and "x.pdf is not a real PDF file" in bad.content.decode()
    done = lead.post(
        address,
        {"description": "Outturn report", "year": "2019/20", "file": SimpleUploadedFile("outturn.pdf", PDF)},
    )
    assert done.status_code == 302
    assert SavingsEvidence.objects.filter(plan=plan, name="outturn.pdf", year__start_year=2019).exists()


def test_the_auditor_s_report_lists_each_plan_and_year_with_totals_shortfall_and_evidence(programme, plan, member):
    year2 = selectors.year_in(programme, "2020/21")
    services.savings_amount_set(actor=SYSTEM, plan=plan, year=year2, planned=D("250000"), delivered=None)
    page = member(Role.VIEWER).get(reverse("finance:savings-report", args=[programme.slug])).content.decode()
    for text in (
        "Fewer agency social workers",
        "£100,000.00",
        "£60,000.00",
        "£40,000.00",  # 2019/20 shortfall
        "£250,000.00",  # 2020/21 planned and shortfall
        "£350,000.00",  # planned, all years
        "£290,000.00",  # shortfall, all years
        "Budget monitoring, month 6",
        "Document: month_6_monitoring.pdf",
        "As at 30/09/2019",
    ):
        assert text in page, text
    report = selectors.savings_report(programme)
    assert report.totals == {
        "planned": D("350000.00"),
        "delivered": D("60000.00"),
        "shortfall": D("290000.00"),
        "expected": D("50000.00"),
    }
    assert report.shortfall_by_year == {2019: D("40000.00"), 2020: D("250000.00")}


def test_a_member_edits_a_year_of_a_plan_through_the_page(programme, plan, member):
    lead = member(Role.PROGRAMME_MANAGER)
    address = reverse("finance:saving-year", args=[programme.slug, plan.code, "2020-21"])
    bad = lead.post(address, {"planned": "abc", "delivered": "", "evidence": ""})
    assert "Planned saving: &#x27;abc&#x27; is not an amount of money" in bad.content.decode()
    assert lead.post(address, {"planned": "£1.25m", "delivered": "", "evidence": ""}).status_code == 302
    assert SavingsAmount.objects.get(plan=plan, year__start_year=2020).planned == D("1250000.00")
    assert member(Role.ANALYST).post(address, {"planned": "1"}).status_code == 403
